"""DATE.json: every paper read with its judgement, and the run's facts, stable and UTF-8."""

from __future__ import annotations

import dataclasses
import json

from render_samples import SCRIPT, llm_zh_digest

from paperradar.models import FailedBatches
from paperradar.render.jsonout import render_json


def test_every_paper_read_is_there_with_its_judgement() -> None:
    record = json.loads(render_json(llm_zh_digest()))
    papers = record["papers"]
    assert [p["id"] for p in papers] == ["2602.00001", "2602.00002", "2602.00004", "2602.00003", "2602.00005",
                                         "2602.00006"]  # best first, ties by id; the not-recommended one too
    first = papers[0]
    assert first == {
        "id": "2602.00001", "version": 2, "title": "Provable Convergence of AdamW on Piece-wise Linear Networks",
        "authors": [{"name": "Fernanda Viégas", "affiliations": []}, {"name": "Marc Mézard", "affiliations": []},
                    {"name": "José García", "affiliations": []}],
        "categories": ["cs.LG", "math.OC"], "announce_date": "2026-02-05", "announce_type": "new",
        "url": "https://arxiv.org/abs/2602.00001",
        "score": 9.0, "field": "深度学习理论", "reason": "证明了 AdamW 在分段线性网络上的收敛性，\n理论扎实。",
        "scorer": "llm:doubao-seed-1-6-thinking-250715", "recommended": True,
    }
    assert papers[1]["authors"][0] == {"name": "Geoffrey Hinton", "affiliations": ["University of Toronto", "Google Brain"]}
    assert papers[-1]["recommended"] is False and papers[-1]["field"] is None
    assert [(p["id"], p["version"], p["announce_type"]) for p in papers[1:3]] == [("2602.00002", 3, "replace"),
                                                                              ("2602.00004", 1, "cross")]
    assert papers[2]["title"] == SCRIPT  # JSON keeps the data as it is; escaping is for the page renderers


def test_facts_of_the_run() -> None:
    facts = json.loads(render_json(llm_zh_digest()))["facts"]
    assert facts == {
        "papers_read": 6, "announced": {"cross": 1, "new": 4, "replace": 1}, "recommended": 5,
        "scorer": "learned:v3:0123456789ab",
        "learned_from": {"dislike": 1, "like": 3, "llm": 120, "shown": 250}, "model": "doubao-seed-1-6-thinking-250715",
        "llm_scorer": "llm:doubao-seed-1-6-thinking-250715", "llm_judged": 4, "llm_judged_on_earlier_days": 0,
        "tokens": {"prompt": 12000, "completion": 3400, "reasoning": 2100, "total": 15400, "unreported_requests": 0},
        "started_at": "2026-02-05T05:20:00+00:00", "finished_at": "2026-02-05T05:25:47+00:00",
        "timings_s": {"fetch": 1.5, "judge": 301.25},
        "failed_batches": ["LLM endpoint https://ark.cn-beijing.volces.com/api/v3 failed after 3 attempts: HTTP 429: "
                           "rate limited (llm.concurrency is 8: lower it, or raise the account's rate limit) (2 papers: "
                           "2602.00005, 2602.00006)"],
        "failure_causes": [{"code": "endpoint", "values": {
            "url": "https://ark.cn-beijing.volces.com/api/v3", "what": {"code": "failed_after", "values": {
                "attempts": 3, "detail": {"code": "http", "values": {"status": 429, "message": "rate limited"}},
                "fix": {"code": "concurrency_fix", "values": {"concurrency": 8}}}}},
            "batches": 1, "unsent_batches": 0, "paper_ids": ["2602.00005", "2602.00006"]}],
        "budget_exhausted": False, "empty_listing": False,
    }


def test_a_failure_recorded_before_causes_were_has_no_code() -> None:
    digest = llm_zh_digest()
    old = dataclasses.replace(digest, facts=dataclasses.replace(digest.facts, failed_batches=(
        FailedBatches("HTTP 500 three times", 2, ("2602.00001",)), FailedBatches("HTTP 500 (1 paper: 2602.00001)"))))
    facts = json.loads(render_json(old))["facts"]
    assert facts["failed_batches"] == ["HTTP 500 three times (2 batches, 1 paper: 2602.00001)",
                                       "HTTP 500 (1 paper: 2602.00001)"]
    assert facts["failure_causes"] == [
        {"code": None, "values": {}, "batches": 2, "unsent_batches": 0, "paper_ids": ["2602.00001"]},
        {"code": None, "values": {}, "batches": 0, "unsent_batches": 0, "paper_ids": []}]


def test_utf8_not_ascii_escapes_and_stable_under_reordering() -> None:
    digest = llm_zh_digest()
    text = render_json(digest)
    assert "深度学习理论" in text and "\\u" not in text
    shuffled = dataclasses.replace(digest, entries=tuple(reversed(digest.entries)))
    assert render_json(shuffled) == text


def test_one_paper_a_line_and_valid_when_empty() -> None:
    text = render_json(llm_zh_digest())
    lines = text.splitlines()
    assert sum(line.startswith('    {"id": ') for line in lines) == 6
    empty = dataclasses.replace(llm_zh_digest(), entries=())
    assert json.loads(render_json(empty))["papers"] == []
