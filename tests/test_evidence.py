"""The store's record of a reader's days, turned into the learned ranker's evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from _paths import SAMPLE_DAY

from paperradar import cli, evidence
from paperradar.models import BatchResult, Judgement, TokenUsage
from paperradar.sources.jsonl import read_jsonl
from paperradar.store import Store

MON, TUE, WED = date(2026, 2, 2), date(2026, 2, 3), date(2026, 2, 4)


def test_every_paper_read_counts_once_as_the_strongest_thing_known_of_it(tmp_path: Path) -> None:
    profile = cli._example_profile()
    papers = read_jsonl(SAMPLE_DAY)[:12]
    monday = [replace(p, announce_date=MON) for p in papers[:8]]
    tuesday = [replace(p, announce_date=TUE) for p in papers[8:]]
    store = Store.open(tmp_path)
    try:
        store.upsert_papers(monday + tuesday)
        store.record_listing(MON, monday)
        store.record_listing(TUE, tuesday)
        store.mark_shown(MON, [p.id for p in monday[:4]])  # the digest showed four; the reader liked one
        store.add_feedback([monday[0].id], "like", "test")
        store.add_feedback([monday[1].id], "dislike", "test")
        run = store.start_run("test", MON)
        llm = "llm:m"
        store.put_batch(run, MON, llm, BatchResult(
            (Judgement(monday[2].id, 8.0, None, "r", llm, 1, profile.version),
             Judgement(monday[4].id, 3.0, None, "r", llm, 1, profile.version)), TokenUsage(1, 1, 0)))

        kinds = {e.paper.id: (e.kind, e.label, e.weight) for e in evidence.gather(store, profile, before=TUE)}
        assert kinds == {
            monday[0].id: ("like", 1, evidence.WEIGHT_READER), monday[1].id: ("dislike", 0, evidence.WEIGHT_READER),
            monday[2].id: ("llm", 1, evidence.WEIGHT_LLM), monday[3].id: ("shown", 0, evidence.WEIGHT_SHOWN),
            monday[4].id: ("llm", 0, evidence.WEIGHT_LLM),
            **{p.id: ("read", 0, evidence.WEIGHT_READ) for p in monday[5:]}}
        # Tuesday's papers count from Wednesday on; the reader's own word counts whatever the day
        later = evidence.gather(store, profile, before=WED)
        assert {e.paper.id for e in later if e.kind == "read"} == {p.id for p in monday[5:] + tuesday}
        assert {e.kind for e in evidence.gather(store, profile, before=MON)} == {"like", "dislike"}
    finally:
        store.close()


def test_a_verdict_made_on_a_day_is_not_evidence_for_that_day(tmp_path: Path) -> None:
    # a paper listed on Monday and again on Tuesday (a new version, a cross-list) that Tuesday's run sent to the LLM:
    # a re-run of Tuesday learned from Tuesday's own verdict (the day's evidence, and the local scorer, changed)
    profile = cli._example_profile()
    papers = [replace(p, announce_date=MON) for p in read_jsonl(SAMPLE_DAY)[:4]]
    store = Store.open(tmp_path)
    try:
        store.upsert_papers(papers)
        store.record_listing(MON, papers)
        store.record_listing(TUE, papers[:1])
        llm = "llm:m"
        store.put_batch(store.start_run("test", MON), MON, llm, BatchResult(
            (Judgement(papers[1].id, 8.0, None, "r", llm, 1, profile.version),), TokenUsage(1, 1, 0)))
        store.put_batch(store.start_run("test", TUE), TUE, llm, BatchResult(
            (Judgement(papers[0].id, 9.0, None, "r", llm, 1, profile.version),), TokenUsage(1, 1, 0)))
        on_tuesday = {e.paper.id: e.kind for e in evidence.gather(store, profile, before=TUE)}
        assert on_tuesday[papers[0].id] == "read" and on_tuesday[papers[1].id] == "llm"
        assert {e.paper.id: e.kind for e in evidence.gather(store, profile, before=WED)}[papers[0].id] == "llm"
    finally:
        store.close()


def test_llm_verdicts_outlive_a_reworded_profile(tmp_path: Path) -> None:
    # a reader who adds a keyword keeps what the LLM recommended before, in the fields the profile still has; the
    # newest verdict under this profile wins; the rest of the old verdicts count as papers read
    before = cli._example_profile()
    after = replace(before, fields=(replace(before.fields[0], about=(*before.fields[0].about, "scaling laws")),
                                    *before.fields[1:]))
    assert after.version != before.version
    papers = [replace(p, announce_date=MON) for p in read_jsonl(SAMPLE_DAY)[:5]]
    store = Store.open(tmp_path)
    try:
        store.upsert_papers(papers)
        store.record_listing(MON, papers)
        run = store.start_run("test", MON)
        llm, field = "llm:m", before.fields[1].name
        store.put_batch(run, MON, llm, BatchResult(
            (Judgement(papers[0].id, 8.0, field, "r", llm, 1, before.version),
             Judgement(papers[1].id, 9.0, field, "r", llm, 1, before.version),
             Judgement(papers[3].id, 3.0, None, "", llm, 1, before.version),
             Judgement(papers[4].id, 8.0, "a field since removed", "r", llm, 1, before.version)), TokenUsage(1, 1, 0)))
        store.put_batch(run, MON, llm, BatchResult(
            (Judgement(papers[1].id, 3.0, None, "r", llm, 1, after.version),), TokenUsage(1, 1, 0)))
        found = {e.paper.id: (e.kind, e.label, e.field) for e in evidence.gather(store, after, before=TUE)}
        assert found[papers[0].id] == ("llm", 1, field)  # judged under the old wording only: still evidence
        assert found[papers[1].id] == ("llm", 0, None)  # judged again under the new wording: that verdict
        assert found[papers[2].id][0] == found[papers[3].id][0] == found[papers[4].id][0] == "read"
    finally:
        store.close()


def test_capped_evidence_reads_only_the_papers_it_keeps(tmp_path: Path) -> None:
    # the cap bounds re-training; a year of days must not have every paper ever read loaded to keep 8,000 of them
    from paperradar.scorers.learned import thin
    profile = cli._example_profile()
    papers = read_jsonl(SAMPLE_DAY)
    days = [date(2026, 1, d) for d in range(5, 10)]
    store = Store.open(tmp_path)
    try:
        for n, day in enumerate(days):
            listed = [replace(p, announce_date=day) for p in papers[n * 50:(n + 1) * 50]]
            store.upsert_papers(listed)
            store.record_listing(day, listed)
            store.mark_shown(day, [p.id for p in listed[:10]])
            store.add_feedback([listed[0].id], "like", "test")
        store.add_feedback([papers[1].id], "dislike", "test")
        everything = evidence.gather(store, profile)
        asked: list[str] = []
        read = store.papers
        store.papers = lambda ids: (asked.extend(ids), read(ids))[1]  # type: ignore[method-assign]
        kept = evidence.gather(store, profile, limit=40)
    finally:
        store.close()
    assert len(everything) == 250
    assert kept == thin(everything, 40)
    assert sorted(asked) == sorted(e.paper.id for e in kept)
