"""The LLM cost benchmark's parts on a real seed day: the oracle answers as the reader's LLM did and the
tokens are counted on exactly what crossed the wire; warm-up days reach the learned ranker through the store."""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("bpe_openai", reason="the benchmark counts tokens with paperradar.tokens")

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

from conftest import KEY_ENV, SHARED  # noqa: E402
from llm_cost import warm_up  # noqa: E402
from oracle_server import NON_PICK_SCORE, oracle_server  # noqa: E402

from paperradar.evidence import gather  # noqa: E402
from paperradar.models import LLMSettings  # noqa: E402
from paperradar.scorers.llm import LLMScorer  # noqa: E402
from paperradar.seeddays import load_day  # noqa: E402
from paperradar.store import Store  # noqa: E402
from paperradar.tokens import count_tokens  # noqa: E402

DAY = SHARED / "data" / "seed-days" / "2025-12-09"


@pytest.fixture(scope="module")
def seed_day():
    return load_day(DAY)


def test_the_oracle_gives_picks_their_recorded_score_and_field_and_others_a_3(seed_day, profile):
    picks = [p for p in seed_day.papers if p.id in seed_day.picks and seed_day.picks[p.id].score >= 7][:3]
    others = [p for p in seed_day.papers if p.id not in seed_day.picks][:5]
    with oracle_server([seed_day], profile, latency_scale=0.0) as server:
        settings = LLMSettings(base_url=server.v1_url, model="oracle", api_key_env=KEY_ENV, concurrency=2,
                               batch_size=4)
        results = list(LLMScorer(settings, environ={KEY_ENV: "k"}).judge(picks + others, profile))
    verdicts = {j.paper_id: j for r in results for j in r.judgements}
    assert len(verdicts) == 8 and not any(r.failure for r in results)
    for p in picks:
        pick = seed_day.picks[p.id]
        assert verdicts[p.id].score == pick.score
        assert verdicts[p.id].field == (pick.field or profile.field_names[0]) and verdicts[p.id].reason
    assert all(verdicts[p.id].score == NON_PICK_SCORE and verdicts[p.id].field is None for p in others)
    # the usage the endpoint reports is our one tokenizer on the exact messages and completion it recorded
    counted = sum(count_tokens(m["content"]) for r in server.received for m in r.body["messages"]) + \
        sum(count_tokens(r.completion) for r in server.received)
    assert all(r.completion.startswith('{"r":[') for r in server.received)
    assert sum(r.usage.total for r in results) == counted


def test_warm_up_days_enter_as_likes_and_shown_papers_before_the_replayed_day(tmp_path, seed_day, profile):
    store = Store.open(tmp_path / "home")
    try:
        warm_up(store, [seed_day], profile)
        liked = {pid for pid, pick in seed_day.picks.items() if pick.score >= profile.min_score}
        evidence = {e.paper.id: e for e in gather(store, profile, before=date(2025, 12, 10))}
        assert {pid for pid, e in evidence.items() if e.kind == "like" and e.label == 1} == liked
        assert {pid for pid, e in evidence.items() if e.kind == "shown" and e.label == 0} == \
            {p.id for p in seed_day.papers} - liked
        # shown papers count only for days after they were shown; the reader's likes always
        earlier = gather(store, profile, before=date(2025, 12, 9))
        assert {e.kind for e in earlier} == {"like"}
        warm_up(store, [dataclasses.replace(seed_day, name="2025-12-08")], profile, negatives="dislike")
        assert {e.kind for e in gather(store, profile, before=date(2025, 12, 9))} == {"like", "dislike"}
    finally:
        store.close()
