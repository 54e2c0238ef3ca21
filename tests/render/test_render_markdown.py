"""What the Markdown digest says: header facts from RunFacts only, sections, limits, empty days."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from render_samples import NOW, THEORY, empty_digest, llm_zh_digest, local_en_digest, profile

from paperradar.causes import Cause
from paperradar.errors import RenderError
from paperradar.models import Digest, FailedBatches, RunFacts, TokenUsage
from paperradar.render.markdown import render_markdown


def _with_facts(digest: Digest, **changes: object) -> Digest:
    return dataclasses.replace(digest, facts=dataclasses.replace(digest.facts, **changes))


def _quote_lines(md: str) -> list[str]:
    return [line[2:].rstrip("\\") for line in md.splitlines() if line.startswith("> ")]


def test_llm_header_names_model_and_tokens_in_chinese() -> None:
    lines = _quote_lines(render_markdown(llm_zh_digest(), NOW))
    assert lines[0] == "更新于北京时间：2026-02-05 13:25:47"
    assert lines[1] == "已自动阅读了 6 篇最新的论文（新论文 4 篇，交叉列出 1 篇，新版本 1 篇），推荐其中 5 篇。"
    assert lines[2] == "本地评分器 learned:v3:0123456789ab 为全部论文打分。"
    assert lines[3] == "它学习了你喜欢的 3 篇、你不喜欢的 1 篇、推荐过而你没有标为喜欢的 250 篇和由 LLM 评审过的 120 篇论文。"
    assert lines[4] == ("LLM doubao-seed-1-6-thinking-250715 评审了其中 4 篇论文 | 消耗 Tokens：15400"
                        "（输入 12000 / 输出 3400，其中推理 2100）")


def test_a_model_that_did_not_run_is_never_named() -> None:
    md = render_markdown(local_en_digest(), NOW)
    assert "gpt-4o-mini" not in md and "LLM" not in md
    assert "Local scorer learned:v3:0123456789ab scored every paper." in _quote_lines(md)


def test_what_the_local_scorer_learned_from_is_counted_and_only_when_it_learned() -> None:
    lines = _quote_lines(render_markdown(local_en_digest(), NOW))
    assert "It learned from 1 paper you liked and 40 papers shown to you and not liked." in lines
    alone = _with_facts(local_en_digest(), scorer="embedded:usem3-v2", learned_from={})
    assert not [line for line in _quote_lines(render_markdown(alone, NOW)) if "learned" in line]
    every_kind = _with_facts(local_en_digest(), learned_from={"like": 2, "shown": 40, "read": 900, "llm": 1})
    assert ("It learned from 2 papers you liked, 40 papers shown to you and not liked, 900 papers read and not "
            "shown and 1 paper judged by an LLM.") in _quote_lines(render_markdown(every_kind, NOW))


def test_tokens_spent_without_a_judged_paper_are_still_reported() -> None:
    digest = _with_facts(llm_zh_digest(), llm_judged=0, tokens=TokenUsage(500, 0, 0))
    assert any(line.startswith("LLM doubao-seed-1-6-thinking-250715 未能评审任何论文 | 消耗 Tokens：500")
               for line in _quote_lines(render_markdown(digest, NOW)))


@pytest.mark.parametrize("make, expected", [
    (llm_zh_digest, "已达到每日 Token 预算，之后的论文未再发送给 LLM，只有本地评分。"),
    (local_en_digest, "The daily token budget was reached: later papers were not sent to the LLM and were scored"
                      " locally only."),
])
def test_budget_exhausted_is_said(make, expected: str) -> None:
    assert expected not in render_markdown(make(), NOW)
    assert expected in _quote_lines(render_markdown(_with_facts(make(), budget_exhausted=True), NOW))


URL = "http://127.0.0.1:8000/v1"
DOWN = Cause("endpoint", url=URL, what=Cause("failed_after", attempts=3, fix=None,
                                             detail=Cause("http", status=500, message="internal error")))
SLOW = Cause("timed_out_again", url=URL, timeout_s=60.0)


def test_failed_batches_are_named_with_a_retry_promise() -> None:
    # it promised a retry 'on the next run', but the next day's run reads the next day's listing: only a re-run of
    # the day sends the papers again
    failed = (FailedBatches(DOWN, 2, ("2602.00002", "2602.00005")), FailedBatches(SLOW, 1, ("2602.00006",)))
    digest = _with_facts(llm_zh_digest(), failed_batches=failed)
    assert (f"失败的批次：LLM 端点 {URL} 尝试 3 次后仍失败：HTTP 500：“internal error”（2 个批次，2 篇论文：2602.00002、"
            f"2602.00005）、LLM 端点 {URL} 再次超时（llm.timeout_s 为 60 秒：端点或模型较慢时请调大）；此后没有再发送请求："
            "端点仍可能完成我们不再等待的请求，并为每一个计费（1 篇论文：2602.00006）"
            "；再次运行这一天即会重新发送这些论文。") in _quote_lines(render_markdown(digest, NOW))
    en = _with_facts(local_en_digest(), failed_batches=failed[:1])
    assert (f"Failed batches: LLM endpoint {URL} failed after 3 attempts: HTTP 500: internal error (2 batches, 2 "
            "papers: 2602.00002, 2602.00005); a re-run of this day sends their papers again.") in _quote_lines(
        render_markdown(en, NOW))


def test_failed_batches_are_counted_in_the_digest_language() -> None:
    # an endpoint that is down fails every batch alike; the Chinese digest says so without English words of its own
    failed = (FailedBatches(DOWN, 8, tuple(f"2602.{i:05d}" for i in range(167))),)
    zh = _quote_lines(render_markdown(_with_facts(llm_zh_digest(), failed_batches=failed), NOW))
    assert (f"失败的批次：LLM 端点 {URL} 尝试 3 次后仍失败：HTTP 500：“internal error”（8 个批次，167 篇论文：2602.00000、"
            "2602.00001、2602.00002 等）；再次运行这一天即会重新发送这些论文。") in zh
    en = _quote_lines(render_markdown(_with_facts(local_en_digest(), failed_batches=failed), NOW))
    assert (f"Failed batches: LLM endpoint {URL} failed after 3 attempts: HTTP 500: internal error (8 batches, 167 "
            "papers: 2602.00000, 2602.00001, 2602.00002 and 164 more); a re-run of this day sends their papers "
            "again.") in en


def test_batches_a_stopped_run_never_sent_are_not_counted_as_failed() -> None:
    # a refused key stopped the run after the 4 requests in flight: the digest said '12 batches' failed
    failed = (FailedBatches(DOWN, 4, tuple(f"2602.{i:05d}" for i in range(164)), unsent=8),)
    zh = _quote_lines(render_markdown(_with_facts(llm_zh_digest(), failed_batches=failed), NOW))
    assert "（4 个批次失败，8 个批次因运行已停止发送而未发送，164 篇论文：2602.00000、2602.00001、2602.00002 等）" in zh[-1]
    en = _quote_lines(render_markdown(_with_facts(local_en_digest(), failed_batches=failed), NOW))
    assert (" (4 batches failed and 8 not sent once the run stopped sending, 164 papers: 2602.00000, 2602.00001, "
            "2602.00002 and 161 more); a re-run of this day sends their papers again.") in en[-1]
    one = (FailedBatches(DOWN, 1, ("2602.00001", "2602.00002"), unsent=1),)
    en = _quote_lines(render_markdown(_with_facts(local_en_digest(), failed_batches=one), NOW))
    assert " (1 batch failed and 1 not sent once the run stopped sending, 2 papers: " in en[-1]


def test_papers_never_sent_are_no_failed_batch() -> None:
    # 'Failed batches: the LLM API key is missing ...; a re-run of this day sends their papers again'
    unsent = FailedBatches(Cause("missing_key", env_var="K"), 0, ("2602.00002",))
    failed = FailedBatches("timed out", 1, ("2602.00006",))
    lines = _quote_lines(render_markdown(_with_facts(local_en_digest(), failed_batches=(unsent, failed)), NOW))
    assert [line for line in lines if "2602.0000" in line] == [
        "Failed batches: timed out (1 paper: 2602.00006); a re-run of this day sends their papers again.",
        "Not sent to the LLM: the LLM API key is missing: set the environment variable K (1 paper: 2602.00002); a re-run "
        "of this day sends these papers."]


def test_a_failure_recorded_as_text_by_an_earlier_version_is_shown_as_it_was() -> None:
    said = "HTTP 500 three times (50 papers: 2602.00001, 2602.00002, 2602.00003 and 47 more)"
    digest = _with_facts(local_en_digest(), failed_batches=(FailedBatches(said),))
    assert f"Failed batches: {said}; a re-run of this day sends their papers again." in _quote_lines(
        render_markdown(digest, NOW))
    # in a Chinese digest, quoted as the English it is: it has no cause to say in Chinese
    zh = _quote_lines(render_markdown(_with_facts(llm_zh_digest(), failed_batches=(
        FailedBatches(said), FailedBatches("HTTP 500 three times", 1, ("2602.00001",)))), NOW))
    assert (f"失败的批次：（仅有英文记录）“{said}”、（仅有英文记录）“HTTP 500 three times”（1 篇论文：2602.00001）"
            "；再次运行这一天即会重新发送这些论文。") in zh


@pytest.mark.parametrize("language, zone, expected", [
    ("zh", "Asia/Shanghai", "更新于北京时间：2026-02-05 13:25:47"),
    ("zh", "America/New_York", "更新于 America/New_York 时间：2026-02-05 00:25:47"),
    ("en", "Asia/Shanghai", "Updated 2026-02-05 13:25:47 Beijing time"),
    ("en", "Europe/Berlin", "Updated 2026-02-05 06:25:47 (Europe/Berlin)"),
])
def test_update_time_in_the_profile_zone(language: str, zone: str, expected: str) -> None:
    digest = dataclasses.replace(llm_zh_digest(), profile=profile(language, zone))
    assert _quote_lines(render_markdown(digest, NOW))[0] == expected


def test_naive_time_and_unknown_zone_are_errors() -> None:
    with pytest.raises(RenderError, match="no time zone"):
        render_markdown(llm_zh_digest(), datetime(2026, 2, 5, 13, 0))
    with pytest.raises(RenderError, match="Mars/Olympus"):
        render_markdown(dataclasses.replace(llm_zh_digest(), profile=profile(timezone="Mars/Olympus")), NOW)


def test_title_follows_language() -> None:
    assert render_markdown(llm_zh_digest(), NOW).startswith("# ArXiv 每日推荐 - 2026-02-05\n")
    assert render_markdown(local_en_digest(), NOW).startswith("# ArXiv daily picks - 2026-02-06\n")


def test_empty_listing_says_arxiv_announced_nothing() -> None:
    md = render_markdown(empty_digest(), NOW)
    assert "arXiv 在 2026-02-07 没有公布 cs.CV、cs.LG、cs.AI、cs.RO 类别的新论文。" in md
    assert "## " not in md and "已自动阅读" not in md


def test_no_papers_at_all_is_an_empty_day_too() -> None:
    digest = Digest(empty_digest().announce_date, profile("en"), (),
                    RunFacts(empty_digest().announce_date, papers_read=0, scorer="embedded:usem3"))
    assert "arXiv announced no new papers in cs.CV, cs.LG, cs.AI, cs.RO on 2026-02-07." in render_markdown(digest, NOW)


def test_a_day_without_recommendations_says_so() -> None:
    digest = llm_zh_digest()
    digest = dataclasses.replace(digest, entries=tuple(dataclasses.replace(e, recommended=False)
                                                       for e in digest.entries))
    md = render_markdown(digest, NOW)
    assert "本期阅读的 6 篇论文中，没有达到推荐分数线（7.0 分）的论文。" in md
    assert "## " not in md


def test_sections_follow_profile_order_best_first_within_max_per_field() -> None:
    md = render_markdown(llm_zh_digest(), NOW)
    sections = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert sections == [THEORY, "大模型安全与对齐", "其他"]  # 多模态智能体 has no entry; a stray field is kept
    theory = md.split(f"## {THEORY}\n")[1].split("\n## ")[0]
    scores = [line.split("]")[0] for line in theory.splitlines() if line.startswith("### ")]
    assert scores == ["### [Score: 9.0/10", "### [Score: 8.0/10"]  # max_per_field = 2 keeps the best two
    assert "该方向另有 1 篇论文达到推荐分数线，未在此列出（每个方向最多列出 2 篇）。" in theory
    assert "Sharpness" not in md


def test_no_limit_lists_every_recommendation() -> None:
    digest = dataclasses.replace(llm_zh_digest(), profile=profile(max_per_field=None))
    md = render_markdown(digest, NOW)
    assert md.count("\n### ") == 5 and "另有" not in md


def test_entry_lines_authors_and_reason_only() -> None:
    md = render_markdown(llm_zh_digest(), NOW)
    assert "- **Authors:** Fernanda Viégas, Marc Mézard, José García\n" in md
    assert "- **Authors:** Geoffrey Hinton (University of Toronto, Google Brain), Ada Lovelace\n" in md
    assert "(Unknown)" not in md and "Ada Lovelace (" not in md
    assert "- **Link:** [https://arxiv.org/abs/2602.00001](https://arxiv.org/abs/2602.00001)\n" in md
    assert "- **Published:** 2026-02-05\n" in md
    assert "- **Reason:** 证明了 AdamW 在分段线性网络上的收敛性，理论扎实。\n" in md  # newline collapsed
    assert not [line for line in md.splitlines() if line.startswith(("Score:", "Field:"))]


def test_field_navigation_lists_fields_with_entries() -> None:
    md = render_markdown(llm_zh_digest(), NOW)
    nav = [line for line in md.splitlines() if line.startswith("- [")]
    assert nav == ["- [深度学习理论](#深度学习理论) (3)", "- [大模型安全与对齐](#大模型安全与对齐) (1)", "- [其他](#其他) (1)"]


def test_english_counts_read_naturally() -> None:
    one = dataclasses.replace(local_en_digest(), profile=profile("en", max_per_field=2))
    assert "*1 more paper in this field reached the threshold (at most 2 are listed per field).*" in (
        render_markdown(one, NOW))
    llm = _with_facts(local_en_digest(), llm_judged=1, model="gpt-4o-mini", tokens=TokenUsage(900, 100, 0))
    assert "LLM gpt-4o-mini judged 1 paper | tokens: 1000 (prompt 900 / completion 100)" in (
        _quote_lines(render_markdown(llm, NOW)))


def test_the_header_names_reasoning_tokens_only_where_the_endpoint_counted_some() -> None:
    # Ollama's /v1 counts none for a model that thinks in <think> tags: the line said such a model reasoned 0
    thinking = render_markdown(_with_facts(llm_zh_digest(), tokens=TokenUsage(10312, 80, 0)), NOW)
    assert "| 消耗 Tokens：10392（输入 10312 / 输出 80）\\\n" in thinking and "推理" not in thinking
    counted = _with_facts(local_en_digest(), llm_judged=2, model="o3-mini", tokens=TokenUsage(900, 700, 512))
    assert "tokens: 1600 (prompt 900 / completion 700, of which reasoning 512)" in render_markdown(counted, NOW)


def test_one_paper_read_is_one_paper_in_english() -> None:
    digest = local_en_digest()
    one = _with_facts(dataclasses.replace(digest, entries=digest.entries[:1]), papers_read=1, announced={"new": 1})
    assert "Read 1 new paper automatically; 1 recommended." in _quote_lines(render_markdown(one, NOW))
    unpicked = dataclasses.replace(one, entries=(dataclasses.replace(one.entries[0], recommended=False),))
    assert "\nNone of the 1 paper read for this digest reached the recommendation threshold (7.0).\n" in (
        render_markdown(unpicked, NOW))


@pytest.mark.parametrize(("language", "replaced", "crossed", "both"), [
    ("zh", "新版本 v3", "交叉列出", "新版本 v3，交叉列出"),
    ("en", "new version v3", "cross-list", "new version v3, cross-list"),
])
def test_a_replacement_or_cross_list_says_so_beside_its_date(language: str, replaced: str, crossed: str,
                                                             both: str) -> None:
    # with announce_types beyond "new", a revised old paper is announced again: the reader must see it is one
    digest = dataclasses.replace(llm_zh_digest(), profile=profile(language, max_per_field=None))
    entries = list(digest.entries)
    entries[2] = dataclasses.replace(entries[2], paper=dataclasses.replace(entries[2].paper,
                                                                           announce_type="replace-cross", version=4))
    md = render_markdown(dataclasses.replace(digest, entries=tuple(entries)), NOW)
    assert "- **Published:** 2026-02-05\n" in md  # a new paper: the date alone
    assert f"- **Published:** 2026-02-05 ({replaced})\n" in md
    assert f"- **Published:** 2026-02-05 ({crossed})\n" in md
    assert f"- **Published:** 2026-02-05 ({both.replace('v3', 'v4')})\n" in md


@pytest.mark.parametrize(("language", "read"), [
    ("zh", "已自动阅读了 6 篇最新的论文（新论文 3 篇，交叉列出 1 篇，新版本 2 篇），推荐其中 5 篇。"),
    ("en", "Read 6 papers automatically (3 new, 1 cross-list, 2 new versions); 5 recommended."),
])
def test_a_day_with_replacements_or_cross_lists_does_not_call_them_all_new(language: str, read: str) -> None:
    digest = dataclasses.replace(llm_zh_digest(), profile=profile(language))
    lines = _quote_lines(render_markdown(_with_facts(digest, announced={"new": 3, "cross": 1, "replace": 1,
                                                                       "replace-cross": 1}), NOW))
    assert lines[1] == read
    assert _quote_lines(render_markdown(_with_facts(digest, announced={"new": 6}), NOW))[1] == (
        "已自动阅读了 6 篇最新的论文，推荐其中 5 篇。" if language == "zh" else "Read 6 new papers automatically; 5 recommended.")
