"""The LLM scorer inside the real pipeline and SQLite store: a day killed mid-way loses nothing, and the
re-run sends only what is missing."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from _paths import SAMPLE_DAY, SHARED
from conftest import make_scorer
from openai_server import FakeOpenAI, by_title, every, planned

from paperradar.models import BatchResult, Judgement, Paper, Profile, TokenUsage
from paperradar.pipeline import run_listing
from paperradar.scorers.llm import LLMScorer
from paperradar.sources import Listing
from paperradar.store import Store

DAY = date(2026, 2, 5)
DAY_END = datetime(2026, 2, 5, 22, tzinfo=timezone.utc)


def no_publishing(*args: object, **kwargs: object) -> list[Path]:
    """The renderers are tested elsewhere; here only the judgements matter."""
    return []


class TitleLengthScorer:
    """A local scorer that only has to rank: longer titles first (the pipeline's prefilter reads it)."""

    name = "local:title-length"

    def judge(self, papers: Sequence[Paper], profile: Profile, budget_remaining: int | None = None
              ) -> Iterator[BatchResult]:
        yield BatchResult(tuple(Judgement(p.id, min(6.0, len(p.title) / 20), None, "", self.name, p.version,
                                          profile.version) for p in papers), paper_ids=tuple(p.id for p in papers))


class KilledAfter:
    """The LLM scorer, with the process killed (Ctrl-C) after `batches` batches were handed over."""

    def __init__(self, inner: LLMScorer, batches: int):
        self.inner, self.batches, self.name = inner, batches, inner.name

    def judge(self, papers: Sequence[Paper], profile: Profile, budget_remaining: int | None = None
              ) -> Iterator[BatchResult]:
        for n, batch in enumerate(self.inner.judge(papers, profile, budget_remaining)):
            if n == self.batches:
                raise KeyboardInterrupt
            yield batch


def llm_day(server: FakeOpenAI, profile: Profile, papers: Sequence[Paper], concurrency: int
            ) -> tuple[LLMScorer, Profile, Listing]:
    """The server's scorer in batches of 10, a profile that sends it every paper, and the papers as DAY's listing."""
    scorer = make_scorer(server.v1_url, batch_size=10, concurrency=concurrency)
    profile = dataclasses.replace(profile, llm=dataclasses.replace(scorer.settings, prefilter_keep_rate=1.0))
    return scorer, profile, Listing(DAY, tuple(papers), "test listing")


def test_a_day_killed_mid_way_resumes_sending_only_what_is_missing(tmp_path: Path, day, profile):
    papers = day[:60]
    picks = {papers[5].title: (9, 1), papers[40].title: (8, 3)}
    with FakeOpenAI(by_title(picks)) as server:
        scorer, profile, listing = llm_day(server, profile, papers, concurrency=2)
        store = Store.open(tmp_path / "data")
        with pytest.raises(KeyboardInterrupt):
            run_listing(store, profile, listing, TitleLengthScorer(), KilledAfter(scorer, 2), tmp_path / "out",
                        no_publishing)
        committed = store.judgements(papers, scorer.name, profile.version)
        store.close()
        first_run = {p.title for r in server.received for p in r.papers}
        assert 20 <= len(committed) < 60  # two batches committed before the kill (others maybe in flight)

        server.received.clear()
        store = Store.open(tmp_path / "data")  # a new process: only what is on disk survives
        outcome = run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out",
                              no_publishing)
        resent = [p.title for r in server.received for p in r.papers]
        store.close()
    committed_titles = {p.title for p in papers if p.id in committed}
    assert len(resent) == 60 - len(committed) and not committed_titles & set(resent)
    assert first_run | set(resent) >= {p.title for p in papers}
    digest = outcome.digest
    assert digest is not None and digest.facts.llm_judged == 60 and not digest.facts.failed_batches
    assert {e.paper.id for e in digest.recommended} == {papers[5].id, papers[40].id}
    assert digest.facts.model == "fake-model" and digest.facts.tokens.total > 0


def test_history_says_what_each_run_itself_judged_and_spent(tmp_path: Path, day, profile,
                                                            capsys: pytest.CaptureFixture[str]):
    # it showed the day's whole spend on every run: a re-run that sent nothing read as charged twice
    from paperradar.cli import main, summary
    papers = day[:30]
    with FakeOpenAI() as server:
        scorer, profile, listing = llm_day(server, profile, papers, concurrency=1)
        store = Store.open()
        with pytest.raises(KeyboardInterrupt):
            run_listing(store, profile, listing, TitleLengthScorer(), KilledAfter(scorer, 1), tmp_path / "out",
                        no_publishing)
        second = run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        sent = len(server.received)
        third = run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        store.close()
    assert len(server.received) == sent  # the re-run of a finished day sent nothing
    assert second.digest is not None and third.digest is not None
    day_total = second.digest.facts.tokens.total
    assert third.digest.facts.tokens.total == day_total > 0  # the digest header keeps the day's total
    assert main(["history"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert "llm this run" in header and "tokens this run" in header
    (judged3, tokens3), (judged2, tokens2), (judged1, tokens1) = [map(int, r.split()[4:6]) for r in rows]
    assert (judged3, tokens3) == (0, 0)
    assert (judged1, judged2) == (10, 20)
    assert 0 < tokens2 < day_total and tokens1 + tokens2 == day_total
    # and the run says it too, as it ends: the day's tokens, and what this run added to them
    assert second.spent.total == tokens2 and third.spent.total == 0
    assert summary(second) == (f"2026-02-05: 30 papers read, {len(second.digest.recommended)} recommended, 30 judged "
                               f"by fake-model, 20 of them by this run ({day_total} tokens, {tokens2} of them by this "
                               "run)")
    # it said '30 judged by fake-model (... tokens, 0 of them by this run)', as if this run had judged them
    assert summary(third) == (f"2026-02-05: 30 papers read, {len(third.digest.recommended)} recommended, 30 judged by "
                              f"fake-model, carried over from an earlier run ({day_total} tokens, none by this run)")


def test_a_local_only_rerun_keeps_the_llms_verdicts_it_already_has(tmp_path: Path, day, profile):
    # `run --local-only` after an LLM day (the endpoint down, or no key this time): the digest dropped the LLM's
    # verdicts it had published, 17 recommendations becoming 4; they are in the store and cost nothing to show
    papers = day[:30]
    picks = {papers[5].title: (9, 1), papers[20].title: (8, 3)}
    with FakeOpenAI(by_title(picks)) as server:
        scorer, profile, listing = llm_day(server, profile, papers, concurrency=1)
        store = Store.open(tmp_path / "data")
        first = run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        again = run_listing(store, profile, listing, TitleLengthScorer(), None, tmp_path / "out", no_publishing)
        store.close()
    assert first.digest is not None and again.digest is not None
    assert {e.paper.id for e in again.digest.recommended} == {e.paper.id for e in first.digest.recommended} == {
        papers[5].id, papers[20].id}
    f = again.digest.facts
    assert (f.llm_judged, f.model, f.llm_scorer) == (30, "fake-model", scorer.name)
    assert f.tokens == first.digest.facts.tokens and again.spent.total == 0  # said as the day's, none by this run


class AfterADislike(TitleLengthScorer):
    """The local scorer once the reader disliked a paper that `lowered` is like: it sinks below the prefilter."""

    name = "local:title-length-after-a-dislike"

    def __init__(self, lowered: str, disliked: str):
        self.lowered, self.disliked = lowered, disliked

    def judge(self, papers: Sequence[Paper], profile: Profile, budget_remaining: int | None = None
              ) -> Iterator[BatchResult]:
        for batch in super().judge(papers, profile):
            yield dataclasses.replace(batch, judgements=tuple(
                dataclasses.replace(j, score=0.0, disliked=self.disliked, dislike_drop=2.0)
                if j.paper_id == self.lowered else j for j in batch.judgements))


def test_a_verdict_the_prefilter_no_longer_keeps_is_shown_as_a_local_only_rerun_shows_it(tmp_path: Path, day,
                                                                                          profile):
    # on the seed day 2025-12-17 the reader disliked 2512.13705; the re-run's local ranker put 2512.13996, like it and
    # judged a 9 by the LLM, below the prefilter, and the digest showed its local 3.9 (and paid for a verdict on the
    # paper that took its place), where a --local-only re-run showed the LLM's 9 less the dislike's 2
    papers = day[:30]
    longest = max(papers, key=lambda p: len(p.title))  # first in the prefilter before the dislike
    with FakeOpenAI(by_title({longest.title: (9, 5)})) as server:
        scorer, profile, listing = llm_day(server, profile, papers, concurrency=1)
        profile = dataclasses.replace(profile, llm=dataclasses.replace(profile.llm, prefilter_keep_rate=0.5))
        store = Store.open(tmp_path / "data")
        run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        disliked = AfterADislike(longest.id, "2602.00001")
        again = run_listing(store, profile, listing, disliked, scorer, tmp_path / "out", no_publishing)
        local_only = run_listing(store, profile, listing, disliked, None, tmp_path / "out", no_publishing)
        store.close()
    assert again.digest is not None and local_only.digest is not None
    shown = {e.paper.id: e.judgement for e in again.digest.entries}
    assert (shown[longest.id].score, shown[longest.id].scorer) == (7.0, scorer.name)
    assert again.digest.entries == local_only.digest.entries
    assert again.digest.facts.llm_judged == local_only.digest.facts.llm_judged


@pytest.mark.parametrize("after", [0.0, 0.5], ids=["while-a-batch-is-committed", "while-it-waits"])
def test_ctrl_c_while_requests_are_in_flight_keeps_the_answers_they_bring(tmp_path: Path, day, profile, after):
    # Ctrl-C during the second wave of requests: the run waited for the requests in flight, which the endpoint
    # answered (and billed), then dropped their answers, so the re-run paid for the same batches again; and where
    # the Ctrl-C came as the run committed the first wave's answers, it still dropped the second wave's
    papers = day[:40]

    def ctrl_c_in_the_second_wave(asked: int, _papers: object) -> None:
        # as the fourth request arrives (batches of 10, two at a time), or half-way through its answer's 1 s, when
        # the first wave is long committed: both of the second wave are in flight
        if asked == 3 and not after:
            os.kill(os.getpid(), signal.SIGINT)
        elif asked == 3:
            threading.Timer(after, os.kill, (os.getpid(), signal.SIGINT)).start()

    # Ctrl-C as a terminal sends it, even where the tests were started with it ignored (in the background by a shell)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _ctrl_c_during(tmp_path, day, profile, ctrl_c_in_the_second_wave, papers)
    finally:
        signal.signal(signal.SIGINT, before)


def _ctrl_c_during(tmp_path: Path, day, profile, faults, papers) -> None:
    with FakeOpenAI(faults=faults, latency=lambda n: 1.0) as server:
        scorer, profile, listing = llm_day(server, profile, papers, concurrency=2)
        store = Store.open(tmp_path / "data")
        with pytest.raises(KeyboardInterrupt):
            run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        answered = {p.title for r in server.received if r.finished for p in r.papers}
        committed = store.judgements(papers, scorer.name, profile.version)
        assert len(answered) == 40 and len(committed) == 40  # both waves answered, and kept

        server.received.clear()
        outcome = run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        store.close()
    assert not server.received  # nothing paid for twice
    assert outcome.digest is not None and outcome.digest.facts.llm_judged == 40


def test_an_endpoint_that_reports_no_usage_gets_no_invented_token_count(tmp_path: Path, day, profile):
    # without a usage block the tokens were counted offline and shown as what the endpoint reported (48,673 for a
    # seed day whose true spend, by the endpoint's own count, was 64,874)
    from paperradar.cli import summary
    from paperradar.render.markdown import render_markdown
    papers = day[:30]
    with FakeOpenAI(faults=every("no_usage")) as server:
        scorer, profile, listing = llm_day(server, profile, papers, concurrency=1)
        store = Store.open(tmp_path / "data")
        outcome = run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        store.close()
    digest = outcome.digest
    assert digest is not None and digest.facts.llm_judged == 30
    assert digest.facts.tokens == TokenUsage(unreported=3) and outcome.spent == TokenUsage(unreported=3)
    assert "消耗 Tokens：0（输入 0 / 输出 0）；另有 3 次请求的用量端点未报告" in render_markdown(digest, DAY_END)
    assert summary(outcome).endswith("30 judged by fake-model (0 tokens; no usage reported for 3 requests)")


def test_a_day_whose_answers_all_failed_still_says_what_they_cost(tmp_path: Path, day, profile):
    # a thinking model that thought to its limit at every request: the digest said 'judged no paper | tokens: ...',
    # the run's line said nothing of the tokens spent
    from paperradar.cli import summary
    with FakeOpenAI(faults=every("reasoning_only")) as server:
        scorer, profile, listing = llm_day(server, profile, day[:10], concurrency=1)
        store = Store.open(tmp_path / "data")
        outcome = run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        store.close()
    assert outcome.digest is not None and outcome.digest.facts.llm_judged == 0
    spent = outcome.digest.facts.tokens.total
    assert spent > 10_000 and summary(outcome).endswith(f"none judged by fake-model ({spent} tokens)")


def test_a_key_the_endpoint_repeats_in_its_error_reaches_no_line_store_or_digest(tmp_path: Path, day, profile, capsys):
    # a gateway that answers 401 with the Authorization header it got put the reader's key into the failure line,
    # the store (the batches' failure, the run's facts) and every digest file, which a reader may push to GitHub
    from paperradar.cli import main
    from paperradar.render.publish import publish
    key = "sk-live-4f9e2b7c1d8a6035"
    with FakeOpenAI(faults=every("echo_key")) as server:
        settings = dataclasses.replace(make_scorer(server.v1_url).settings, max_retries=0)
        scorer = LLMScorer(settings, environ={"PAPERRADAR_TEST_LLM_KEY": key})
        profile = dataclasses.replace(profile, llm=dataclasses.replace(settings, prefilter_keep_rate=1.0))
        store = Store.open()
        outcome = run_listing(store, profile, Listing(DAY, tuple(day[:10]), "test listing"), TitleLengthScorer(),
                              scorer, tmp_path / "out", publish)
        store.close()
    assert server.received[0].authorization == f"Bearer {key}"
    failure = outcome.digest.facts.failed_batches[0].failure
    assert failure.startswith(f"LLM endpoint {server.v1_url} refused the request (HTTP 401: Incorrect API key "
                              "provided: Bearer ***)")
    assert main(["history"]) == 0 and key not in capsys.readouterr().out
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()] + list(store.path.parent.glob("*"))
    assert len(written) > 5 and not [p for p in written if key.encode() in p.read_bytes()]


def llm_profile(tmp_path: Path, base_url: str, batch_size: int, api_key_env: str | None = None) -> Path:
    """The reader's profile with an [llm] table naming a local endpoint (that asks for no key, unless one is named)."""
    text = (SHARED / "profiles" / "seed-interests.toml").read_text(encoding="utf-8")
    path = tmp_path / "profile.toml"
    key = f'api_key_env = "{api_key_env}"\n' if api_key_env else ""
    path.write_text(text + f'\n[llm]\nbase_url = "{base_url}"\nmodel = "fake-model"\nbatch_size = {batch_size}\n'
                    f"concurrency = 2\nprefilter_keep_rate = 1.0\n{key}", encoding="utf-8")
    return path


def test_a_refused_key_stops_the_day_in_one_line_and_a_rerun_with_a_good_key_sends_only_what_is_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    # Volcengine Ark refused the key at every batch (8 requests for 40 papers in batches of 5), and each refusal's own
    # request id made the run print one failure line a batch
    from paperradar.cli import main
    jsonl = tmp_path / "day.jsonl"
    jsonl.write_text("".join(SAMPLE_DAY.read_text(encoding="utf-8").splitlines(keepends=True)[:40]), encoding="utf-8")
    out = tmp_path / "out"
    with FakeOpenAI(faults=every("key_ark"), latency=lambda n: 0.2) as server:
        run = ["run", "--profile", str(llm_profile(tmp_path, server.v1_url, 5, "PAPERRADAR_TEST_LLM_KEY")),
               "--from-jsonl", str(jsonl), "--no-enrich", "--no-affiliations", "--out", str(out)]
        monkeypatch.setenv("PAPERRADAR_TEST_LLM_KEY", "sk-revoked")
        assert main(run) == 3  # published, but no paper judged by the LLM: it was 0, and cron never learned
        said = capsys.readouterr()
        printed = said.out
        assert said.err.splitlines()[-1] == ("paperradar: the LLM judged no paper of the day (the lines above say why), "
                                             "so the digest holds the local judgements alone: exit status 3")
        assert (out / "README.md").exists()
        assert len(server.received) == 2  # concurrency 2: the requests in flight at the first refusal, no more
        failed = [line for line in printed.splitlines() if "failed" in line]
        assert len(failed) == 1 and failed[0].startswith(
            f"  failed, sent again by a re-run of the day: LLM endpoint {server.v1_url} refused the request (HTTP "
            "401: The API key or AK/SK in the request is missing or invalid. Request id: 0217")
        # it said '8 batches' failed where 2 requests went out: the other 6 were never sent
        assert failed[0].endswith(": check the key in PAPERRADAR_TEST_LLM_KEY (2 batches failed and 6 not sent once "
                                  f"the run stopped sending, 40 papers: {failed[0].split('40 papers: ')[1]}")
        facts = json.loads((out / "json" / "2026-02-05.json").read_text(encoding="utf-8"))["facts"]
        assert facts["llm_judged"] == 0 and len(facts["failed_batches"]) == 1
        (cause,) = facts["failure_causes"]
        assert (cause["batches"], cause["unsent_batches"], len(cause["paper_ids"])) == (2, 6, 40)
        assert main(["history"]) == 0
        assert "(2 batches failed, 6 not sent: LLM endpoint" in capsys.readouterr().out
        assert main([*run, "--local-only"]) == 0 and len(server.received) == 2  # no LLM asked: nothing it failed

        server.faults, sent = planned(), len(server.received)  # the key put right
        monkeypatch.setenv("PAPERRADAR_TEST_LLM_KEY", "sk-good")
        assert main(run) == 0
        printed = capsys.readouterr().out
        asked = [p.title for r in server.received[sent:] for p in r.papers]
        assert "failed" not in printed and "40 judged by fake-model" in printed
        assert len(asked) == len(set(asked)) == 40
        assert main(run) == 0 and len(server.received) == sent + 8  # the day is whole: nothing is sent again


def test_a_run_whose_llm_judged_some_papers_exits_0_though_a_batch_failed(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]):
    from paperradar.cli import main
    jsonl = tmp_path / "day.jsonl"
    jsonl.write_text("".join(SAMPLE_DAY.read_text(encoding="utf-8").splitlines(keepends=True)[:20]), encoding="utf-8")
    with FakeOpenAI(faults=planned("waf")) as server:  # a web firewall refuses the first batch alone
        assert main(["run", "--profile", str(llm_profile(tmp_path, server.v1_url, 5)), "--from-jsonl", str(jsonl),
                     "--no-enrich", "--no-affiliations", "--out", str(tmp_path / "out")]) == 0
    said = capsys.readouterr()
    assert "15 judged by fake-model" in said.out and "failed" in said.out and "exit status" not in said.err


def test_a_run_whose_batches_outgrow_the_models_context_says_once_what_batch_size_fits(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # a 400 "maximum context length is 4096 tokens" failed every batch of the day, in one line each
    from paperradar.cli import main
    jsonl = tmp_path / "day.jsonl"
    jsonl.write_text("".join(SAMPLE_DAY.read_text(encoding="utf-8").splitlines(keepends=True)[:40]), encoding="utf-8")
    with FakeOpenAI(faults=every("too_long_vllm"), context_tokens=4096) as server:
        assert main(["run", "--profile", str(llm_profile(tmp_path, server.v1_url, 20)), "--from-jsonl", str(jsonl),
                     "--no-enrich", "--no-affiliations", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "40 judged by fake-model" in out and "failed" not in out
    advice = [line for line in out.splitlines() if "llm.batch_size" in line]
    assert len(advice) == 1 and advice[0].startswith("  batches of 20 papers were longer than the model's context "
                                                     "(4096 tokens); they were asked in batches of ")


def test_a_chinese_digest_says_in_chinese_why_papers_were_not_sent_and_so_does_its_re_rendering(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # '未发送给 LLM 的论文：the LLM API key is missing: set the environment variable ARK_API_KEY（164 篇论文：...）'
    from paperradar.cli import main
    monkeypatch.delenv("ARK_API_KEY", raising=False)
    jsonl = tmp_path / "day.jsonl"
    jsonl.write_text("".join(SAMPLE_DAY.read_text(encoding="utf-8").splitlines(keepends=True)[:10]), encoding="utf-8")
    profile = llm_profile(tmp_path, "http://127.0.0.1:1/v1", 5)
    profile.write_text(profile.read_text(encoding="utf-8") + 'api_key_env = "ARK_API_KEY"\n', encoding="utf-8")
    out = tmp_path / "out"
    said = "未发送给 LLM 的论文：缺少 LLM 的 API 密钥：请设置环境变量 ARK_API_KEY（10 篇论文："
    pages = [out / "README.md", out / "history" / "2026-02-05.md", out / "site" / "index.html",
             out / "site" / "2026-02-05.html"]
    for command, status in ((["run", "--from-jsonl", str(jsonl), "--no-enrich", "--no-affiliations"], 3),
                            (["render"], 0)):
        assert main([*command, "--profile", str(profile), "--out", str(out)]) == status
        for page in pages:
            text = page.read_text(encoding="utf-8")
            assert said in text and "the LLM API key is missing" not in text, page
    # the JSON keeps the English line it had
    facts = json.loads((out / "json" / "2026-02-05.json").read_text(encoding="utf-8"))["facts"]
    assert facts["failed_batches"][0].startswith("the LLM API key is missing: set the environment variable ARK_API_KEY")


def test_a_run_against_an_endpoint_that_refuses_the_thinking_field_judges_the_day_and_says_what_to_remove(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from paperradar.cli import main
    jsonl = tmp_path / "day.jsonl"
    jsonl.write_text("".join(SAMPLE_DAY.read_text(encoding="utf-8").splitlines(keepends=True)[:20]), encoding="utf-8")
    with FakeOpenAI(faults=every("no_thinking")) as server:
        profile = llm_profile(tmp_path, server.v1_url, 10)
        profile.write_text(profile.read_text(encoding="utf-8") + "thinking = false\n", encoding="utf-8")
        assert main(["run", "--profile", str(profile), "--from-jsonl", str(jsonl), "--no-enrich",
                     "--no-affiliations", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "20 judged by fake-model" in out and "failed" not in out
    assert [line for line in out.splitlines() if "llm.thinking" in line] == [
        "  the endpoint refused the thinking field (HTTP 400: Unrecognized request argument supplied: thinking), so "
        "the papers were asked without it: remove llm.thinking from the profile (it is Volcengine Ark's switch)"]


DISLIKED = "2602.04224"  # RAPO, safe reasoning: three papers of the sample day are like it
LIKE_IT = ("2602.04131", "2602.04431", "2602.04448")


def _published(out: Path) -> dict[str, dict]:
    record = json.loads((out / "json" / "2026-02-05.json").read_text(encoding="utf-8"))
    return {p["id"]: p for p in record["papers"]}


def test_an_llm_verdict_on_a_paper_like_one_the_reader_disliked_loses_the_points_a_local_one_does(tmp_path: Path):
    # the reader disliked 2602.04224 after the LLM judged it and the three papers like it a 9: the local judgements
    # lost 2 points each (the disliked paper all of them) and said so, the digest showed the LLM's 9s without a word
    from paperradar.cli import main
    lines = SAMPLE_DAY.read_text(encoding="utf-8").splitlines(keepends=True)
    jsonl = tmp_path / "day.jsonl"
    jsonl.write_text("".join(lines[:20] + [line for line in lines if json.loads(line)["id"] in (DISLIKED, *LIKE_IT)]),
                     encoding="utf-8")
    safety = {json.loads(line)["title"]: (9, 5) for line in lines if json.loads(line)["id"] in (DISLIKED, *LIKE_IT)}
    out = tmp_path / "out"
    with FakeOpenAI(by_title(safety, reason="论文研究大模型的安全推理。")) as server:
        profile = str(llm_profile(tmp_path, server.v1_url, 20))
        run = ["run", "--profile", profile, "--from-jsonl", str(jsonl), "--no-enrich", "--no-affiliations",
               "--out", str(out)]
        assert main(run) == 0
        judged = _published(out)
        asked = len(server.received)
        assert main(["feedback", "dislike", DISLIKED, "--offline"]) == 0
        assert main(run) == 0
        lowered = _published(out)
        assert main([*run, "--local-only"]) == 0
        assert _published(out) == lowered
        assert main(["render", "--profile", profile, "--out", str(out)]) == 0
        assert _published(out) == lowered
        assert (lowered[DISLIKED]["score"], lowered[DISLIKED]["recommended"]) == (0.0, False)
        assert lowered[DISLIKED]["reason"] == "论文研究大模型的安全推理；你不喜欢这篇，已降分。"
        for pid in LIKE_IT:
            assert (judged[pid]["score"], lowered[pid]["score"], lowered[pid]["recommended"]) == (9.0, 7.0, True)
            assert lowered[pid]["reason"] == f"论文研究大模型的安全推理；与你不喜欢的 {DISLIKED} 相近，已降分。"
        # the LLM's own score beside the lowered one: the JSON had only the words of the reason to say it was 9
        assert {pid: p.pop("llm_score") for pid, p in lowered.items() if "llm_score" in p} == dict.fromkeys(
            (DISLIKED, *LIKE_IT), 9.0)
        # nothing else of the LLM's verdicts changed, and what the LLM said is stored as it said it
        assert {pid: {**p, "score": 0, "reason": "", "recommended": 0} for pid, p in lowered.items()} == {
            pid: {**p, "score": 0, "reason": "", "recommended": 0} for pid, p in judged.items()}
        assert all(p["scorer"].startswith("llm:") for p in lowered.values())
        assert "### [Score: 7.0/10] RASA: Routing-Aware Safety Alignment" in (out / "README.md").read_text("utf-8")
        html = (out / "site" / "2026-02-05.html").read_text(encoding="utf-8")
        assert '<span class="score">7.0/10</span> <a href="https://arxiv.org/abs/2602.04448">' in html
        db = sqlite3.connect(tmp_path / "home" / "paperradar.db")
        stored = db.execute("SELECT score FROM judgements WHERE scorer LIKE 'llm:%' AND paper_id IN (?,?,?,?)",
                            (DISLIKED, *LIKE_IT)).fetchall()
        db.close()
        assert sorted(stored) == [(9.0,)] * 4
        # the dislike taken back: the next run shows the LLM's own verdicts again, and asked the LLM nothing
        assert main(["feedback", "undo", DISLIKED]) == 0
        assert main(run) == 0
        assert _published(out) == judged and len(server.received) == asked


def test_verdicts_carried_over_from_an_earlier_day_name_the_model_that_made_them(tmp_path: Path, day, profile):
    # papers listed again the next day keep their verdicts; where nothing new was judged (the key refused) the day
    # said "10 judged by the LLM (0 tokens)": the model that judged them is in the store, with the batches; and the
    # verdicts were not this day's: "(0 tokens)" read as a free judgement
    from paperradar.cli import summary
    store = Store.open(tmp_path / "data")
    with FakeOpenAI(model="doubao-seed-1-6-251015") as server:
        scorer, profile, listing = llm_day(server, profile, day[:20], concurrency=2)
        run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        server.model, server.faults = "another-model", every("401")  # the next day's requests are all refused
        next_day = Listing(date(2026, 2, 6), tuple(day[10:30]), "the next day's listing")
        outcome = run_listing(store, profile, next_day, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
    store.close()
    assert outcome.digest is not None and outcome.digest.facts.llm_judged == 10
    assert outcome.digest.facts.model == "doubao-seed-1-6-251015"  # nor the profile's fake-model
    assert summary(outcome).endswith(", 10 judged by doubao-seed-1-6-251015, carried over from an earlier run (no new "
                                     "tokens)")
    # and the digest's header says which verdicts the day's tokens did not pay for
    assert outcome.digest.facts.llm_earlier == 10
    assert _llm_header(outcome.digest) in (
        "LLM doubao-seed-1-6-251015 评审了其中 10 篇论文（其中 10 篇沿用此前列出时的评审，不计入今日 Tokens） | 消耗 Tokens：0"
        "（输入 0 / 输出 0）",
        "LLM doubao-seed-1-6-251015 judged 10 papers (10 of them judged when listed on an earlier day, no tokens today) "
        "| tokens: 0 (prompt 0 / completion 0)")


def test_a_day_judged_by_two_models_names_both_the_one_of_most_verdicts_first(tmp_path: Path, day, profile):
    store = Store.open(tmp_path / "data")
    with FakeOpenAI(model="model-a") as server:
        scorer, profile, listing = llm_day(server, profile, day[:20], concurrency=2)
        run_listing(store, profile, listing, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
        server.model = "model-b"  # the same llm.model, served by another model the next day
        next_day = Listing(date(2026, 2, 6), tuple(day[5:30]), "the next day's listing")
        outcome = run_listing(store, profile, next_day, TitleLengthScorer(), scorer, tmp_path / "out", no_publishing)
    store.close()
    assert outcome.digest is not None and outcome.digest.facts.llm_judged == 25
    assert outcome.digest.facts.model == "model-a, model-b"  # 15 verdicts carried over, 10 new
    assert outcome.digest.facts.llm_earlier == 15


def _llm_header(digest) -> str:
    from paperradar.render.wording import header_lines
    return next(line for line in header_lines(digest, datetime.now(timezone.utc)) if line.startswith("LLM "))
