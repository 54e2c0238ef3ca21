"""The pipeline on real parts: a real SQLite store, the real bundled day, the real renderers.

The scorer here is a small keyword scorer passed in as the pipeline's collaborator, so these tests are about
orchestration (idempotence, stale listings, crashes, failures), not about ranking quality.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from paperradar.cli import _example_profile
from paperradar.evidence import gather
from paperradar.models import BatchResult, Judgement, Paper, Profile, RunFacts, TokenUsage
from paperradar.pipeline import assemble, load_digest, prefilter, run_listing
from paperradar.sources import Listing
from paperradar.render.publish import publish, publish_all
from paperradar.sources.api import parse_feed
from paperradar.sources.jsonl import read_jsonl
from paperradar.store import Store

from _folder import broken_links
from _folder import front_page as _front_page
from _paths import FIXTURES, SAMPLE_DAY

DAY = date(2026, 2, 5)


class KeywordScorer:
    """Scores by how many of a field's keywords the text holds; counts what it was asked to judge."""

    def __init__(self, name: str = "keyword:v1", batch_size: int = 50, fail_after: int | None = None,
                 failing_batch: int | tuple[int, ...] | None = None):
        self.name, self.batch_size = name, batch_size
        self.fail_after = fail_after
        self.failing = failing_batch if isinstance(failing_batch, tuple) else (failing_batch,)
        self.asked: list[str] = []

    def judge(self, papers: Sequence[Paper], profile: Profile, budget_remaining: int | None = None
              ) -> Iterator[BatchResult]:
        for n, start in enumerate(range(0, len(papers), self.batch_size)):
            if self.fail_after is not None and n >= self.fail_after:
                raise KeyboardInterrupt  # the reader pressed Ctrl-C mid-day
            batch = papers[start:start + self.batch_size]
            self.asked += [p.id for p in batch]
            if n in self.failing:
                yield BatchResult((), TokenUsage(10, 0), failure="HTTP 500 three times",
                                  paper_ids=tuple(p.id for p in batch))
                continue
            yield BatchResult(tuple(self._one(p, profile) for p in batch), TokenUsage(len(batch) * 10, 5),
                              model="kw-model-0101", paper_ids=tuple(p.id for p in batch))

    def _one(self, p: Paper, profile: Profile) -> Judgement:
        text = p.text.lower()
        hits = [(sum(k.lower() in text for k in f.about), f.name) for f in profile.fields]
        best, field = max(hits)
        return Judgement(p.id, min(10.0, 4.0 + 3 * best), field, f"matched {best} keyword(s)", self.name,
                         p.version, profile.version)


@pytest.fixture
def day() -> Listing:
    return Listing(DAY, tuple(read_jsonl(SAMPLE_DAY)), "test listing")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def test_only_the_papers_the_digest_lists_count_as_shown(store: Store, day: Listing, tmp_path: Path) -> None:
    # beyond max_per_field a recommendation is only counted: it was never before the reader's eyes, so it is not
    # a "shown and not liked" paper for the learned ranker
    profile = replace(_example_profile(), max_per_field=2)
    d = run_listing(store, profile, day, KeywordScorer(), None, tmp_path / "o", publish).digest
    assert d is not None
    listed = {e.paper.id for e in d.listed()}
    assert len(listed) == sum(min(2, len(rows)) for _, rows in d.by_field()) < len(d.recommended)
    assert {pid for _, pid in store.shown_before(None)} == listed
    page = (tmp_path / "o" / "README.md").read_text(encoding="utf-8")
    assert all(f"arxiv.org/abs/{pid}" in page for pid in listed)
    assert not any(f"arxiv.org/abs/{e.paper.id}" in page for e in d.recommended if e.paper.id not in listed)


def test_a_day_is_published_with_every_paper_accounted_for(store: Store, day: Listing, tmp_path: Path) -> None:
    out = tmp_path / "out"
    outcome = run_listing(store, _example_profile(), day, KeywordScorer(), None, out, publish)
    d = outcome.digest
    assert outcome.status == "published" and d is not None
    assert d.facts.papers_read == 287 == len(d.entries) and d.facts.announce_date == DAY
    assert d.facts.scorer == "keyword:v1" and d.facts.model is None and d.facts.llm_judged == 0
    assert (out / "README.md").exists() and (out / "history" / "2026-02-05.md").exists()
    assert "2026-02-05" in (out / "README.md").read_text(encoding="utf-8")


def test_running_the_same_day_twice_judges_nothing_new(store: Store, day: Listing, tmp_path: Path) -> None:
    profile = _example_profile()
    first = run_listing(store, profile, day, KeywordScorer(), None, tmp_path / "o", publish)
    again_scorer = KeywordScorer()
    second = run_listing(store, profile, day, again_scorer, None, tmp_path / "o", publish)
    assert again_scorer.asked == []
    assert first.digest.entries == second.digest.entries
    assert store.db.execute("SELECT COUNT(*) FROM judgements").fetchone()[0] == 287


def test_a_stale_listing_is_not_published_under_a_new_date(store: Store, day: Listing, tmp_path: Path) -> None:
    profile = _example_profile()
    out = tmp_path / "o"
    run_listing(store, profile, day, KeywordScorer(), None, out, publish)
    before = (out / "README.md").read_text(encoding="utf-8")
    moved = Listing(date(2026, 2, 6), day.papers, "the same feed, a day later")
    outcome = run_listing(store, profile, moved, KeywordScorer(), None, out, publish)
    assert outcome.status == "stale" and outcome.announce_date == DAY
    assert "already published as 2026-02-05" in outcome.message
    assert not (out / "history" / "2026-02-06.md").exists()
    assert (out / "README.md").read_text(encoding="utf-8") == before


def test_an_empty_listing_gives_a_digest_that_says_so(store: Store, tmp_path: Path) -> None:
    outcome = run_listing(store, _example_profile(), Listing(date(2025, 12, 31), (), "holiday feed"),
                          KeywordScorer(), None, tmp_path / "o", publish)
    assert outcome.digest.facts.empty_listing and outcome.digest.facts.papers_read == 0
    assert (tmp_path / "o" / "history" / "2025-12-31.md").exists()


def test_a_crash_mid_day_loses_nothing_and_the_rerun_finishes(store: Store, day: Listing, tmp_path: Path) -> None:
    profile = _example_profile()
    llm = KeywordScorer("llm:kw:p1", batch_size=20, fail_after=3)
    with pytest.raises(KeyboardInterrupt):
        run_listing(store, profile, day, KeywordScorer(), llm, tmp_path / "o", publish)
    done_before = set(llm.asked)
    assert len(done_before) == 60
    rerun = KeywordScorer("llm:kw:p1", batch_size=20)
    outcome = run_listing(store, profile, day, KeywordScorer(), rerun, tmp_path / "o", publish)
    assert not done_before & set(rerun.asked)  # no paper judged twice
    assert len(done_before) + len(rerun.asked) == 287 == outcome.digest.facts.llm_judged
    assert [r["status"] for r in store.runs()] == ["done", "interrupted"]  # the history says how each ended


def test_a_run_that_fails_is_recorded_as_failed_not_running(store: Store, day: Listing, tmp_path: Path) -> None:
    class Broken(KeywordScorer):
        def judge(self, papers, profile):  # type: ignore[no-untyped-def]
            raise ValueError("the model file is damaged")
            yield

    with pytest.raises(ValueError):
        run_listing(store, _example_profile(), day, Broken(), None, tmp_path / "o", publish)
    (row,) = store.runs()
    assert (row["status"], row["message"]) == ("failed", "the model file is damaged")


def test_batches_that_fail_the_same_way_are_named_once(store: Store, day: Listing, tmp_path: Path) -> None:
    # an endpoint that is down fails every batch alike: one line with the count, not one line a batch
    failing = KeywordScorer("llm:kw:p1", batch_size=50, failing_batch=(0, 2, 4))
    outcome = run_listing(store, _example_profile(), day, KeywordScorer(), failing, tmp_path / "o", publish)
    (failed,) = outcome.digest.facts.failed_batches
    assert (failed.failure, failed.batches, len(failed.paper_ids)) == ("HTTP 500 three times", 3, 150)


def test_a_failing_batch_is_named_and_retried_next_run(store: Store, day: Listing, tmp_path: Path) -> None:
    profile = _example_profile()
    failing = KeywordScorer("llm:kw:p1", batch_size=50, failing_batch=1)
    first = run_listing(store, profile, day, KeywordScorer(), failing, tmp_path / "o", publish)
    assert len(first.digest.facts.failed_batches) == 1
    (failed,) = first.digest.facts.failed_batches
    assert (failed.failure, failed.batches, len(failed.paper_ids)) == ("HTTP 500 three times", 1, 50)
    assert first.digest.facts.llm_judged == 287 - 50
    assert "HTTP 500 three times" in (tmp_path / "o" / "README.md").read_text(encoding="utf-8")
    healthy = KeywordScorer("llm:kw:p1", batch_size=50)
    second = run_listing(store, profile, day, KeywordScorer(), healthy, tmp_path / "o", publish)
    assert len(healthy.asked) == 50 and second.digest.facts.failed_batches == ()
    assert second.digest.facts.llm_judged == 287
    tokens = second.digest.facts.tokens
    assert tokens.prompt == 10 * 287 + 10 and second.digest.facts.model == "kw-model-0101"


def test_render_rebuilds_the_digest_from_the_store(store: Store, day: Listing, tmp_path: Path) -> None:
    profile = _example_profile()
    published = run_listing(store, profile, day, KeywordScorer(), None, tmp_path / "o", publish).digest
    rebuilt = load_digest(store, profile, DAY)
    assert rebuilt is not None and rebuilt.entries == published.entries
    assert replace(rebuilt.facts, timings={}) == replace(published.facts, timings={})



def test_render_rebuilds_the_files_the_run_published(store: Store, day: Listing, tmp_path: Path) -> None:
    # `paperradar render` rewrote every json/DATE.json with a "publish" time that the run's own file, written while
    # publishing, could not state: a git-hosted folder got a change to every day from a rebuild that changed nothing
    profile = _example_profile()
    for listing in _three_days(day):
        run_listing(store, profile, listing, KeywordScorer(), None, tmp_path / "run", publish)
    publish_all([load_digest(store, profile, d) for d in store.published_dates()], tmp_path / "render")
    assert _folder_files(tmp_path / "render") == _folder_files(tmp_path / "run")


def _folder_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

def _three_days(day: Listing) -> list[Listing]:
    """The bundled day cut into three listings of three dates (2026-02-03 to 05)."""
    return [Listing(date(2026, 2, 3 + i), day.papers[i * 100:(i + 1) * 100], f"part {i}") for i in range(3)]


def test_a_folder_shows_on_its_front_page_and_links_only_the_days_it_holds(store: Store, day: Listing,
                                                                         tmp_path: Path) -> None:
    # the 3rd and 5th went to DATA_DIR/digest, then `run --out repo` the 4th: the repository's front page was the
    # 5th's page (written there as a neighbour), with no README.md at all, and links to days it never received
    profile = _example_profile()
    feb3, feb4, feb5 = _three_days(day)
    for listing in (feb3, feb5):
        run_listing(store, profile, listing, KeywordScorer(), None, tmp_path / "digest", publish)
    repo = tmp_path / "repo"
    outcome = run_listing(store, profile, feb4, KeywordScorer(), None, repo, publish)
    assert outcome.pages == (Path("README.md"), Path("site/index.html"))
    assert _front_page(repo) == (repo / "history/2026-02-04.md").read_text("utf-8")
    assert (repo / "site/index.html").read_text("utf-8") == (repo / "site/2026-02-04.html").read_text("utf-8")
    assert sorted(p.name for p in (repo / "site").iterdir()) == ["2026-02-04.html", "archive.html", "index.html"]
    assert "2026-02-03" not in (repo / "site/archive.html").read_text("utf-8")
    # and the folder that holds the 3rd and 5th gets the 4th, a day published elsewhere, only when it is given it
    digest = tmp_path / "digest"
    assert 'rel="next" href="2026-02-05.html"' in (digest / "site/2026-02-03.html").read_text("utf-8")
    run_listing(store, profile, feb4, KeywordScorer(), None, digest, publish)
    assert 'rel="next" href="2026-02-04.html"' in (digest / "site/2026-02-03.html").read_text("utf-8")
    assert (digest / "README.md").read_text("utf-8").startswith("# ArXiv 每日推荐 - 2026-02-05")
    assert "[← 前一天 2026-02-04](history/2026-02-04.md)" in (digest / "README.md").read_text("utf-8")
    assert broken_links(repo) == broken_links(digest) == []  # as GitHub renders the Markdown


def test_a_folder_kept_when_the_data_directory_moved_keeps_its_newest_day_on_the_front_page(
        store: Store, day: Listing, tmp_path: Path) -> None:
    # the 4th and 5th published from one data directory; a new one (PAPERRADAR_HOME moved) then publishes a saved 3rd
    # into the same folder: its front page became the 3rd, the one day the new store had listed
    profile = _example_profile()
    feb3, feb4, feb5 = _three_days(day)
    repo = tmp_path / "repo"
    for listing in (feb4, feb5):
        run_listing(store, profile, listing, KeywordScorer(), None, repo, publish)
    moved = Store.open(tmp_path / "moved")
    try:
        outcome = run_listing(moved, profile, feb3, KeywordScorer(), None, repo, publish)
    finally:
        moved.close()
    assert outcome.pages == (Path("history/2026-02-03.md"), Path("site/2026-02-03.html"))
    assert _front_page(repo) == (repo / "history/2026-02-05.md").read_text("utf-8")
    assert (repo / "site/index.html").read_text("utf-8") == (repo / "site/2026-02-05.html").read_text("utf-8")
    assert 'rel="next" href="2026-02-04.html"' in (repo / "site/2026-02-03.html").read_text("utf-8")


def test_a_folder_an_earlier_version_wrote_gets_its_pages_linked_at_the_next_publish(store: Store, day: Listing,
                                                                                     tmp_path: Path) -> None:
    # versions before the Markdown links wrote history/DATE.md and README.md linking no other day; a run linked only
    # the new day and the one before it, so on GitHub the older days stayed dead ends until `paperradar render`
    from paperradar.render.markdown import render_markdown
    profile, out = _example_profile(), tmp_path / "o"
    listings = [Listing(date(2026, 2, 2 + i), day.papers[i * 70:(i + 1) * 70], f"part {i}") for i in range(4)]
    for listing in listings[:3]:
        run_listing(store, profile, listing, KeywordScorer(), None, out, publish)
    for when in ("2026-02-02", "2026-02-03", "2026-02-04"):  # as the earlier version left them
        old = load_digest(store, profile, date.fromisoformat(when))
        (out / "history" / f"{when}.md").write_text(render_markdown(old, old.facts.finished_at), "utf-8")
    (out / "README.md").write_text((out / "history/2026-02-04.md").read_text("utf-8"), "utf-8")
    (out / "json/index.json").unlink()
    run_listing(store, profile, listings[3], KeywordScorer(), None, out, publish)
    assert "[往期](README.md) · [后一天 2026-02-03 →](2026-02-03.md)" in (out / "history/2026-02-02.md").read_text("utf-8")
    assert "[← 前一天 2026-02-02](2026-02-02.md) · [往期](README.md) · [后一天 2026-02-04 →](2026-02-04.md)" in (
        out / "history/2026-02-03.md").read_text("utf-8")
    assert broken_links(out) == []
    linked = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    publish_all([load_digest(store, profile, listing.announce_date) for listing in listings], out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == linked  # as `render` does


def test_two_profiles_on_one_store_keep_each_folders_pages_their_own(store: Store, day: Listing,
                                                                    tmp_path: Path) -> None:
    # a reader publishing a second profile (its own folder) on the same days: the first folder's page of the 4th,
    # rewritten for its link to the 5th, became the second profile's digest (the store's last run of the 4th)
    from paperradar.config import load_profile
    mine, theirs = _example_profile(), load_profile(Path(__file__).parent / "profiles" / "rl-theory.toml")
    feb3, feb4, feb5 = _three_days(day)
    for listing in (feb3, feb4):
        run_listing(store, mine, listing, KeywordScorer(), None, tmp_path / "mine", publish)
    run_listing(store, theirs, feb4, KeywordScorer(), None, tmp_path / "theirs", publish)
    page = tmp_path / "mine" / "site" / "2026-02-04.html"
    before = page.read_text("utf-8")
    run_listing(store, mine, feb5, KeywordScorer(), None, tmp_path / "mine", publish)
    # rebuilt from the run that published it there, with its link to the 5th
    assert page.read_text("utf-8") == before.replace(
        '<a href="archive.html">往期</a>\n', '<a href="archive.html">往期</a>\n<a rel="next" href="2026-02-05.html">后一天 2026-02-05 →</a>\n')
    assert "RL theory" not in before and "RL theory" in (tmp_path / "theirs/site/2026-02-04.html").read_text("utf-8")
    assert load_digest(store, mine, date(2026, 2, 4)).profile.version == theirs.version  # the store's last run
    assert load_digest(store, mine, date(2026, 2, 4), mine.version).profile.version == mine.version
    # a page the store cannot rebuild as the folder holds it (no run of that profile) is left as it is
    (tmp_path / "mine/json/2026-02-05.json").write_text(
        (tmp_path / "mine/json/2026-02-05.json").read_text("utf-8").replace(mine.version, "0123456789ab"), "utf-8")
    held = (tmp_path / "mine/site/2026-02-05.html").read_text("utf-8")
    run_listing(store, mine, Listing(date(2026, 2, 6), day.papers[:7], "6th"), KeywordScorer(), None,
                tmp_path / "mine", publish)
    assert (tmp_path / "mine/site/2026-02-05.html").read_text("utf-8") == held


def test_a_run_without_the_llm_keeps_this_profiles_verdicts_after_another_profile_ran_the_day(
        store: Store, day: Listing, tmp_path: Path) -> None:
    # the day's LLM verdicts were looked up by the day's last run, here the other profile's (no LLM): the --local-only
    # re-run published the day as if its 287 paid verdicts had never been made
    from paperradar.config import load_profile
    mine, theirs = _example_profile(), load_profile(Path(__file__).parent / "profiles" / "rl-theory.toml")
    judged = run_listing(store, mine, day, KeywordScorer(), KeywordScorer("llm:kw:v1"), tmp_path / "mine", publish)
    run_listing(store, theirs, day, KeywordScorer(), None, tmp_path / "theirs", publish)
    again = run_listing(store, mine, day, KeywordScorer(), None, tmp_path / "mine", publish)
    assert again.digest.facts.llm_judged == judged.digest.facts.llm_judged == 287
    assert again.digest.entries == judged.digest.entries


def test_what_a_learning_scorer_learned_from_is_published_and_kept(store: Store, day: Listing,
                                                                  tmp_path: Path) -> None:
    profile = _example_profile()
    scorer = KeywordScorer()
    scorer.learned_from = {"like": 2, "shown": 40}  # what a LearnedScorer reports of its evidence
    published = run_listing(store, profile, day, scorer, None, tmp_path / "o", publish).digest
    assert published.facts.learned_from == {"like": 2, "shown": 40}
    assert "它学习了你喜欢的 2 篇和推荐过而你没有标为喜欢的 40 篇论文。" in (tmp_path / "o" / "README.md").read_text("utf-8")
    assert load_digest(store, profile, DAY).facts.learned_from == {"like": 2, "shown": 40}


def test_affiliations_are_read_for_recommended_papers_only_once(store: Store, day: Listing, tmp_path: Path) -> None:
    from paperradar.models import Author
    asked: list[list[str]] = []

    def lookup(papers: Sequence[Paper]) -> dict[str, tuple[Author, ...]]:
        asked.append([p.id for p in papers])
        first = papers[0]
        return {first.id: (Author(first.authors[0].name, ("University of Somewhere",)), *first.authors[1:])}

    profile = _example_profile()
    out = run_listing(store, profile, day, KeywordScorer(), None, tmp_path / "o", publish, affiliations=lookup)
    recommended = [e.paper.id for e in out.digest.recommended]
    assert sorted(asked[0]) == sorted(recommended)
    with_aff = [e.paper for e in out.digest.entries if any(a.affiliations for a in e.paper.authors)]
    assert [p.id for p in with_aff] == [asked[0][0]]
    assert "University of Somewhere" in (tmp_path / "o" / "README.md").read_text(encoding="utf-8")
    # a re-run from a feed without affiliations keeps what the page stated, and asks only the unread ones
    again = run_listing(store, profile, day, KeywordScorer(), None, tmp_path / "o", publish, affiliations=lookup)
    assert asked[1] == [i for i in asked[0] if i != asked[0][0]]
    assert any(a.affiliations for e in again.digest.entries for a in e.paper.authors)


def test_a_profile_edit_keeps_the_days_published_before_it(store: Store, day: Listing, tmp_path: Path) -> None:
    # the next day's run re-renders the day before (its site page's "next" link) and `render` rebuilds every day:
    # both must show what that day's run judged, not an empty day because the profile's version moved on
    profile, out = _example_profile(), tmp_path / "o"
    first = Listing(DAY, day.papers[:150], "day one")
    published = run_listing(store, profile, first, KeywordScorer(), None, out, publish).digest
    assert published.recommended
    edited = replace(profile, fields=(replace(profile.fields[0], about=(*profile.fields[0].about, "web agent")),
                                      *profile.fields[1:]))
    assert edited.version != profile.version
    run_listing(store, edited, Listing(date(2026, 2, 6), day.papers[150:], "day two"), KeywordScorer(), None, out,
                publish)
    assert load_digest(store, edited, DAY).entries == published.entries
    page = (out / "site" / "2026-02-05.html").read_text(encoding="utf-8")
    assert all(e.paper.url in page for e in published.recommended)


def test_a_paper_first_read_from_the_api_is_dated_by_the_listing_that_announced_it(store: Store, day: Listing,
                                                                                  tmp_path: Path) -> None:
    # `feedback like ID` stores the API's paper, dated by its v1 submission; the listing that later announces it
    # must date it as that listing, in the digest, its JSON and the evidence, not by the API's date
    liked = parse_feed((FIXTURES / "arxiv_api_idlist_2104.12255v1.xml").read_bytes()).papers[0]
    assert liked.announce_date == date(2021, 4, 20)
    store.upsert_papers([liked])
    profile, out = _example_profile(), tmp_path / "o"
    listing = Listing(DAY, (*day.papers[:20], replace(liked, announce_date=DAY)), "the day's feed")
    published = run_listing(store, profile, listing, KeywordScorer(), None, out, publish).digest
    assert {e.paper.announce_date for e in published.entries} == {DAY}
    assert {e.paper.announce_date for e in load_digest(store, profile, DAY).entries} == {DAY}
    papers = json.loads((out / "json" / "2026-02-05.json").read_text(encoding="utf-8"))["papers"]
    assert {p["announce_date"] for p in papers} == {"2026-02-05"}
    assert {e.paper.announce_date for e in gather(store, profile)} == {DAY}


def test_a_paper_listed_again_as_a_replacement_keeps_each_days_version_and_type(store: Store, day: Listing,
                                                                                 tmp_path: Path) -> None:
    # announced new (v1) one day, replaced (v2) a later day: each day's digest says what that day's listing said,
    # and the first day, re-rendered once v2 is stored, still has the judgement its run made of v1
    profile = replace(_example_profile(), announce_types=("new", "replace"))
    out = tmp_path / "o"
    first = run_listing(store, profile, Listing(DAY, day.papers[:40], "day one"), KeywordScorer(), None, out,
                        publish).digest
    revised = replace(first.recommended[0].paper, version=2, announce_type="replace", announce_date=date(2026, 2, 6))
    second = run_listing(store, profile, Listing(date(2026, 2, 6), (*day.papers[40:80], revised), "day two"),
                         KeywordScorer(), None, out, publish).digest
    again = next(e.paper for e in second.entries if e.paper.id == revised.id)
    assert (again.announce_date, again.announce_type, again.version) == (date(2026, 2, 6), "replace", 2)
    assert (first.facts.announced, second.facts.announced) == ({"new": 40}, {"new": 40, "replace": 1})
    assert load_digest(store, profile, DAY).entries == first.entries
    papers = json.loads((out / "json" / "2026-02-05.json").read_text(encoding="utf-8"))["papers"]
    assert {(p["announce_type"], p["version"]) for p in papers if p["id"] == revised.id} == {("new", 1)}
    assert "(新版本 v2)" in (out / "history" / "2026-02-06.md").read_text(encoding="utf-8")


def test_a_min_score_or_field_name_edit_leaves_the_days_published_before_it_as_they_were(
        store: Store, day: Listing, tmp_path: Path) -> None:
    # the profile's version covers what changes a judgement, not the bar for a recommendation or a field's name in
    # the digest: the next run's re-render of the day before, and `render`, read the day with the profile it was
    # published with
    profile, out = _example_profile(), tmp_path / "o"
    published = run_listing(store, profile, Listing(DAY, day.papers[:150], "day one"), KeywordScorer(), None, out,
                            publish).digest
    assert published.recommended
    as_published = (out / "site" / "index.html").read_text(encoding="utf-8")
    edited = replace(profile, min_score=profile.min_score + 2,
                     fields=(replace(profile.fields[0], name="GUI agents"), *profile.fields[1:]))
    run_listing(store, edited, Listing(date(2026, 2, 6), day.papers[150:], "day two"), KeywordScorer(), None, out,
                publish)
    again = load_digest(store, edited, DAY)
    assert again is not None and again.profile == profile
    assert [e.paper.id for e in again.recommended] == [e.paper.id for e in published.recommended]
    page = (out / "site" / "2026-02-05.html").read_text(encoding="utf-8")
    assert page.count("arxiv.org/abs/") == as_published.count("arxiv.org/abs/")
    assert profile.fields[0].name in page and "GUI agents" not in page


def test_a_day_says_it_was_made_when_its_run_finished_so_render_rebuilds_it_unchanged(
        store: Store, day: Listing, tmp_path: Path) -> None:
    # the run records when it finished; a page that said the wall clock of publishing, a second or so later,
    # came out different from `render`, which can only say the recorded time
    from datetime import datetime, timezone
    finished = datetime(2026, 2, 5, 1, 30, 0, tzinfo=timezone.utc)
    out = tmp_path / "o"
    run_listing(store, _example_profile(), day, KeywordScorer(), None, out, publish, now=lambda: finished)
    assert "2026-02-05 09:30:00" in (out / "README.md").read_text(encoding="utf-8")  # Beijing time
    assert "2026-02-05 09:30:00" in (out / "site" / "index.html").read_text(encoding="utf-8")


def test_a_paper_the_reader_disliked_is_not_sent_to_the_llm(day: Listing) -> None:
    # listed again (a new version), it was sent even at keep rate 1.0, and paid for: its verdict can only show as 0
    papers = list(day.papers[:4])
    local = {p.id: Judgement(p.id, 5.0 - i, "f", "r", "learned:v8:x") for i, p in enumerate(papers)}
    local[papers[1].id] = replace(local[papers[1].id], score=0.0, disliked=papers[1].id, dislike_drop=10.0)
    local[papers[2].id] = replace(local[papers[2].id], disliked=papers[1].id, dislike_drop=2.0)  # only like it
    assert prefilter(papers, local, 1.0) == [papers[0], papers[2], papers[3]]
    assert prefilter(papers, local, 0.5) == [papers[0], papers[2]]


def test_a_local_reason_lent_to_an_llm_verdict_does_not_claim_the_avoid_areas_penalty(day: Listing) -> None:
    # the LLM's reason was unusable: the local one was shown, saying '偏向「医疗健康」，已降分' beside the LLM's 8,
    # which no avoid area had lowered
    profile = _example_profile()
    p = day.papers[0]
    field, area = profile.fields[0].name, profile.avoid[0].name
    mine = Judgement(p.id, 3.1, field, f"与「{field}」语义最接近；偏向「{area}」，已降分。论文要点：X", "learned:v8:x",
                     p.version, profile.version)
    verdict = Judgement(p.id, 8.0, field, "", "llm:m:p4", p.version, profile.version)
    facts = RunFacts(DAY, 1, mine.scorer, llm_scorer="llm:m:p4")
    [entry] = assemble(profile, [p], {p.id: mine}, {p.id: verdict}, facts).entries
    assert entry.judgement == replace(verdict, reason=f"与「{field}」语义最接近。论文要点：X")
    english = replace(profile, language="en")
    mine = replace(mine, reason=f"Closest in meaning to “{field}”; leans to “{area}”, scored down. Key claim: X")
    [entry] = assemble(english, [p], {p.id: mine}, {p.id: verdict}, facts).entries
    assert entry.judgement.reason == f"Closest in meaning to “{field}”. Key claim: X"


def test_an_llm_verdict_lowered_by_a_dislike_says_so_once_whatever_reason_it_gave(day: Listing) -> None:
    # no usable reason from the LLM: the local one names the same field and already says why the score is lower
    profile = _example_profile()
    p = day.papers[0]
    safety = profile.fields[5].name
    mine = Judgement(p.id, 5.4, safety, "与「大模型安全与对齐」语义最接近；与你不喜欢的 2602.04224 相近，已降分。论文要点：X",
                     "learned:v8:x", p.version, profile.version, "2602.04224", 4.0)
    facts = RunFacts(DAY, 1, mine.scorer, llm_scorer="llm:m:p4")
    for verdict, shown in [
            (Judgement(p.id, 8.0, safety, "", "llm:m:p4", p.version, profile.version), (4.0, mine.reason)),
            (Judgement(p.id, 2.0, None, "", "llm:m:p4", p.version, profile.version),
             (0.0, "与你不喜欢的 2602.04224 相近，已降分。")),
            (Judgement(p.id, 9.5, safety, "安全对齐。", "llm:m:p4", p.version, profile.version),
             (5.5, "安全对齐；与你不喜欢的 2602.04224 相近，已降分。"))]:
        [entry] = assemble(profile, [p], {p.id: mine}, {p.id: verdict}, facts).entries
        assert entry.judgement == replace(verdict, score=shown[0], reason=shown[1], disliked="2602.04224",
                                          dislike_drop=4.0)


def test_a_paper_the_reader_liked_listed_again_says_so_at_the_score_it_was_given(store: Store, day: Listing,
                                                                                 tmp_path: Path) -> None:
    # a disliked paper listed again said '你不喜欢这篇，已降分'; a liked one said nothing of the reader's word
    profile = _example_profile()
    first = Listing(DAY, day.papers[:50], "first")
    run_listing(store, profile, first, KeywordScorer(), None, tmp_path / "o", publish)
    liked = day.papers[3]
    store.add_feedback([liked.id], "like", "cli")
    again = replace(liked, version=liked.version + 1, announce_type="replace")
    later = Listing(date(2026, 2, 6), (*day.papers[50:100], again), "later")
    d = run_listing(store, profile, later, KeywordScorer(), None, tmp_path / "o", publish).digest
    [entry] = [e for e in d.entries if e.paper.id == liked.id]
    plain = KeywordScorer()._one(again, profile)
    assert entry.judgement.score == plain.score  # the score is the scorer's own
    assert entry.judgement.reason == f"{plain.reason}；你喜欢过这篇。"
    assert sum("你喜欢过这篇" in e.judgement.reason for e in d.entries) == 1
    # render rebuilds the day as published: with the words that stood when its run finished, not those said since
    time.sleep(1.1)  # the store's times have seconds
    store.undo_feedback([liked.id])
    store.add_feedback([day.papers[60].id], "like", "cli")
    assert load_digest(store, profile, date(2026, 2, 6)).entries == d.entries
    assert f"{plain.reason}；你喜欢过这篇。" in (tmp_path / "o" / "json" / "2026-02-06.json").read_text("utf-8")


def test_an_llm_verdict_on_a_paper_the_reader_liked_keeps_its_score_and_says_so(day: Listing) -> None:
    profile = replace(_example_profile(), language="en")
    p = day.papers[0]
    field = profile.fields[0].name
    mine = Judgement(p.id, 9.0, field, f"Closest in meaning to “{field}”. Key claim: X", "learned:v8:x",
                     p.version, profile.version)
    verdict = Judgement(p.id, 6.5, field, "Proposes X.", "llm:m:p4", p.version, profile.version)
    facts = RunFacts(DAY, 1, mine.scorer, llm_scorer="llm:m:p4")
    [entry] = assemble(profile, [p], {p.id: mine}, {p.id: verdict}, facts, liked={p.id}).entries
    assert entry.judgement == replace(verdict, reason="Proposes X; you liked it.")
    [entry] = assemble(profile, [p], {p.id: mine}, {}, facts, liked={p.id}).entries
    assert entry.judgement.reason == f"Closest in meaning to “{field}”; you liked it. Key claim: X"
