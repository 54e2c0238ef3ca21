"""The LLM scorer inside the real pipeline and SQLite store: a day killed mid-way loses nothing, and the
re-run sends only what is missing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest
from conftest import make_scorer
from openai_server import FakeOpenAI, by_title

from paperradar.models import BatchResult, Judgement, Paper, Profile
from paperradar.pipeline import run_listing
from paperradar.scorers.llm import LLMScorer
from paperradar.sources import Listing
from paperradar.store import Store

DAY = date(2026, 2, 5)


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


def test_a_day_killed_mid_way_resumes_sending_only_what_is_missing(tmp_path: Path, day, profile):
    papers = day[:60]
    picks = {papers[5].title: (9, 1), papers[40].title: (8, 3)}
    with FakeOpenAI(by_title(picks)) as server:
        scorer = make_scorer(server.v1_url, batch_size=10, concurrency=2)
        profile = dataclasses.replace(profile, llm=dataclasses.replace(scorer.settings, prefilter_keep_rate=1.0))
        store = Store.open(tmp_path / "data")
        listing = Listing(DAY, tuple(papers), "test listing")
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
