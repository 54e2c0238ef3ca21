"""Orchestration only: listing -> store -> judge -> digest. Every collaborator is passed in."""

from __future__ import annotations

import math
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Protocol

from .english import plural
from .models import (Author, BatchResult, Digest, DigestEntry, FailedBatches, Judgement, Paper, Profile, RunFacts,
                     TokenUsage)
from .render.publish import (day_pages, held_dates, held_front, held_profile, history_page, neighbour_dates,
                             unlinked_days)
from .scorers.base import BUDGET_REACHED, Scorer
from .scorers.reasons import with_dislike, with_like, without_avoid_clause
from .sources.rss import Listing
from .store import Store


class Publisher(Protocol):
    """render.publish.publish: (digest, out_dir, every date the folder holds, the digests of its days just before
    and after, the time the day says it was made, the day the front page shows, the days to relink) -> the files
    written."""

    def __call__(self, digest: Digest, out_dir: Path, dates: Sequence[date], neighbours: Sequence[Digest], *,
                 now: datetime | None, front: date, relink: Sequence[Digest] = ()) -> list[Path]: ...


PUBLISH = "publish"  # the stage timed once the day's files are written: theirs cannot state it


# papers -> their authors with the affiliations a source stated, for the papers whose source could be read
AffiliationLookup = Callable[[Sequence[Paper]], dict[str, tuple[Author, ...]]]


@dataclass(frozen=True)
class Outcome:
    status: str  # "published" | "stale"
    announce_date: date
    digest: Digest | None
    written: tuple[Path, ...] = ()
    message: str = ""
    pages: tuple[Path, Path] | None = None  # the day's digest and site page, relative to the output folder
    spent: TokenUsage = TokenUsage()  # by this run alone (the digest's facts count the whole day)
    judged: int = 0  # papers the LLM judged in this run alone (the others' verdicts came from earlier runs)


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def stage(self, name: str, since: float) -> None:
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - since, 3)


def run_listing(store: Store, profile: Profile, listing: Listing, local: Scorer, llm: Scorer | None,
                out_dir: Path, publish: Publisher, llm_budget: int | None = None,
                affiliations: AffiliationLookup | None = None,
                now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                liked: Set[str] | None = None) -> Outcome:
    """Judge and publish one listing. Re-running a listing judges only what is missing.

    `liked`: the papers the reader liked, where the store's own feedback is not theirs (the demo keeps its own store);
    by default the likes the store holds when the run finishes."""
    started = now()
    if listing.announce_date is None:
        raise ValueError(f"{listing.source} states no announcement date")
    run_id = store.start_run(listing.source, listing.announce_date)
    try:
        return _run(store, profile, listing, local, llm, out_dir, publish, llm_budget, affiliations, now, run_id,
                    started, liked)
    except BaseException as e:  # the run's row says how it ended; what was judged stays saved
        status = "interrupted" if isinstance(e, KeyboardInterrupt) else "failed"
        store.finish_run(run_id, status, message=(str(e) or type(e).__name__)[:500])
        raise


def _run(store: Store, profile: Profile, listing: Listing, local: Scorer, llm: Scorer | None, out_dir: Path,
         publish: Publisher, llm_budget: int | None, affiliations: AffiliationLookup | None,
         now: Callable[[], datetime], run_id: int, started: datetime, liked: Set[str] | None) -> Outcome:
    day = listing.announce_date
    assert day is not None
    stale = store.published_date_of([p.id for p in listing.papers])
    if stale is not None and stale != day:
        n = len(listing.papers)
        message = (f"this listing ({n} {plural(n, 'paper')}) was already published as {stale}; not publishing it "
                   f"again as {day}")
        store.finish_run(run_id, "stale", message=message)
        return Outcome("stale", stale, None, message=message)

    clock = _Clock()
    t = time.perf_counter()
    store.upsert_papers(listing.papers)
    store.record_listing(day, listing.papers)
    papers = store.listing(day)
    clock.stage("store", t)

    t = time.perf_counter()
    local_j, failed = _judge_missing(store, run_id, day, profile, papers, local)
    clock.stage("local", t)

    llm_j: dict[str, Judgement] = {}
    budget_hit = False
    if llm is not None and papers:
        t = time.perf_counter()
        keep = prefilter(papers, local_j, profile.llm.prefilter_keep_rate if profile.llm else 1.0)
        llm_j, llm_failed = _judge_missing(store, run_id, day, profile, keep, llm, budget=llm_budget)
        # and the verdicts it gave on papers the prefilter no longer keeps (a dislike since lowered them): paid for,
        # and what a --local-only re-run shows
        llm_j = {**store.judgements(papers, llm.name, profile.version), **llm_j}
        budget_hit = any(b.failure == BUDGET_REACHED for b in llm_failed)
        failed += [b for b in llm_failed if b.failure != BUDGET_REACHED]
        clock.stage("llm", t)

    llm_name = llm.name if llm is not None else None
    if llm is None and (earlier := _llm_verdicts_of(store, day, profile, papers)):  # a --local-only re-run
        llm_name, llm_j = earlier

    if affiliations is not None:
        t = time.perf_counter()
        shown = [p for p in papers if _recommended(profile, llm_j.get(p.id) or local_j.get(p.id))]
        todo = store.unchecked_affiliations(shown)
        if todo:
            store.record_affiliations(todo, affiliations(todo))
            papers = store.listing(day)
        clock.stage("affiliations", t)

    tokens, model = store.spend(day) if llm_name is not None else (TokenUsage(), None)
    if llm_j:  # the models that gave the verdicts shown, some perhaps on an earlier day: not the last one asked
        model = ", ".join(store.models_of(llm_j.values())) or None
    # only a learned scorer has evidence behind it, and it learns only when there are papers to judge
    learned_from = getattr(local, "learned_from", {}) if papers else {}
    facts = RunFacts(announce_date=day, papers_read=len(papers), scorer=local.name,
                     announced=dict(Counter(p.announce_type for p in papers)),
                     profile_version=profile.version, learned_from=learned_from, model=model,
                     llm_scorer=llm_name, llm_judged=len(llm_j),
                     llm_earlier=store.judged_on_other_days(llm_j.values(), day) if llm_j else 0, tokens=tokens,
                     started_at=started, finished_at=now(), timings=clock.timings,
                     failed_batches=_describe_failures(failed), budget_exhausted=budget_hit, empty_listing=not papers)
    if liked is None:
        liked = store.liked(at=facts.finished_at)
    digest = assemble(profile, papers, local_j, llm_j, facts, liked=liked)
    t = time.perf_counter()
    # the days this folder holds, not every day the store published (into another --out, or for another profile)
    dates = sorted({*held_dates(out_dir), day})
    neighbours = [d for d in (load_digest(store, profile, other, held_profile(out_dir, other))
                              for other in neighbour_dates(dates, day)) if d is not None]
    front = held_front(out_dir, dates, store.listing_dates())
    # the time the run recorded, which `render` shows too: not the wall clock of publishing, a moment later
    written = publish(digest, out_dir, dates, neighbours, now=facts.finished_at, front=front,
                      relink=relinked(store, profile, out_dir, dates, [day, *(n.announce_date for n in neighbours)]))
    clock.stage(PUBLISH, t)
    store.mark_shown(day, [e.paper.id for e in digest.listed()])  # beyond max_per_field a paper is only counted
    store.finish_run(run_id, "done", replace(facts, timings=clock.timings), profile=profile)
    judged, spent = store.spend_by_run([run_id]).get(run_id, (0, TokenUsage()))
    return Outcome("published", day, digest, tuple(written), pages=day_pages(dates, day, front), spent=spent,
                   judged=judged)


def _llm_verdicts_of(store: Store, day: date, profile: Profile, papers: Sequence[Paper]
                     ) -> tuple[str, dict[str, Judgement]] | None:
    """The LLM verdicts an earlier run of the day published for this profile, with their scorer's name: a run
    without the LLM keeps them (they are paid for) rather than publishing the day as if they were never made."""
    earlier = store.last_facts(day, profile.version)  # not another profile's run of the day, on the same store
    if earlier is None or earlier.llm_scorer is None:
        return None
    verdicts = store.judgements(papers, earlier.llm_scorer, profile.version)
    return (earlier.llm_scorer, verdicts) if verdicts else None


def prefilter(papers: Sequence[Paper], local: dict[str, Judgement], keep_rate: float) -> list[Paper]:
    """The papers the LLM reads: the local ranker's best ceil(keep_rate * N), never a paper the reader disliked (listed
    again, a new version): whatever the LLM said of it, the digest shows it at 0."""
    ranked = sorted(papers, key=lambda p: -local[p.id].score if p.id in local else 0.0)
    disliked = {pid for pid, j in local.items() if j.disliked == pid}
    return [p for p in ranked if p.id not in disliked][:math.ceil(keep_rate * len(ranked))]


def _judge_missing(store: Store, run_id: int, day: date, profile: Profile, papers: Sequence[Paper],
                   scorer: Scorer, budget: int | None = None) -> tuple[dict[str, Judgement], list[BatchResult]]:
    """Stored judgements of these papers by this scorer, judging (and committing batch by batch) what is missing."""
    have = store.judgements(papers, scorer.name, profile.version)
    missing = [p for p in papers if p.id not in have]
    failed: list[BatchResult] = []
    if missing:
        kwargs = {"budget_remaining": budget} if budget is not None else {}
        batches = iter(scorer.judge(missing, profile, **kwargs))
        interrupted = False
        while True:
            try:
                # a Ctrl-C that came while a batch was committed is the scorer's to handle, as one that comes while
                # it waits: its requests in flight are answered (and billed) whatever we do, so it hands their
                # answers over before it stops
                batch = _interrupt(batches) if interrupted else next(batches)
            except StopIteration:
                break
            with _ctrl_c_held() as held:  # a batch half committed would be lost, and paid for again
                store.put_batch(run_id, day, scorer.name, batch)
                have.update({j.paper_id: j for j in batch.judgements})
                if batch.failure:
                    failed.append(batch)
            interrupted = bool(held)
    return have, failed


def _interrupt(batches: Iterator[BatchResult]) -> BatchResult:
    """Ctrl-C, handed to a scorer that is a generator (it may yield what its requests in flight bring, then raise
    it); raised here for any other."""
    if not hasattr(batches, "throw"):
        raise KeyboardInterrupt
    return batches.throw(KeyboardInterrupt())


@contextmanager
def _ctrl_c_held() -> Iterator[list[int]]:
    """Ctrl-C held back until the block is done: the list it yields says whether one came. Only where Ctrl-C raises
    KeyboardInterrupt, in the main thread (a process started with it ignored, as `nohup cmd &` is, keeps ignoring it)."""
    came: list[int] = []
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield came
        return
    signal.signal(signal.SIGINT, lambda signum, frame: came.append(signum))
    try:
        yield came
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _describe_failures(batches: Sequence[BatchResult]) -> tuple[FailedBatches, ...]:
    """One entry per distinct failure, with the batches and papers it cost: an endpoint that is down fails every
    batch the same way, and the digest should say so once, not once a batch."""
    by_failure: dict[str, list[BatchResult]] = {}
    for b in batches:
        by_failure.setdefault(b.failure or "", []).append(b)  # its first Cause is the key: it says it in any language
    return tuple(FailedBatches(failure, sum(b.sent for b in group), tuple(i for b in group for i in b.paper_ids),
                               unsent=sum(not b.sent for b in group))
                 for failure, group in by_failure.items())


def assemble(profile: Profile, papers: Sequence[Paper], local: dict[str, Judgement],
             llm: dict[str, Judgement], facts: RunFacts, liked: Set[str] = frozenset()) -> Digest:
    """Every paper read, with its final judgement (the LLM's where it judged, the local one elsewhere); the reason of
    a paper in `liked` (the reader liked it: listed again, a new version) says so, its score left as judged."""
    entries = []
    for p in papers:
        mine, verdict = local.get(p.id), llm.get(p.id)
        j = mine if verdict is None else verdict if mine is None else _heeding(profile, verdict, mine)
        if j is None:
            continue
        own = verdict.score if verdict is not None and j.score < verdict.score else None  # a dislike lowered it
        if p.id in liked:
            j = replace(j, reason=with_like(j.reason, profile.language))
        entries.append(DigestEntry(p, j, _recommended(profile, j), own))
    entries.sort(key=lambda e: (-e.judgement.score, e.paper.id))
    return Digest(facts.announce_date, profile, tuple(entries), facts)


def _heeding(profile: Profile, verdict: Judgement, mine: Judgement) -> Judgement:
    """The LLM's verdict with what only the local judgement knows: the reader's dislikes, which take as many points
    off it (the reader's word beats an LLM's), and a reason where the LLM gave none for the same field. The stored
    verdict stays the LLM's own: undoing a dislike gives it back at the next run."""
    if not verdict.reason.strip() and mine.field == verdict.field:
        # the LLM gave no usable reason: the local one names the same field, and any dislike already; not the avoid
        # area that lowered the local score, which this score is not
        verdict = replace(verdict, reason=without_avoid_clause(mine.reason, [a.name for a in profile.avoid],
                                                                profile.language))
    elif mine.disliked is not None:
        verdict = replace(verdict, reason=with_dislike(verdict.reason, verdict.paper_id, mine.disliked,
                                                       profile.language))
    if mine.disliked is None:
        return verdict
    score = round(min(10.0, max(0.0, verdict.score - mine.dislike_drop)), 1)
    return replace(verdict, score=score, disliked=mine.disliked, dislike_drop=mine.dislike_drop)


def _recommended(profile: Profile, j: Judgement | None) -> bool:
    return j is not None and j.field is not None and j.score >= profile.min_score


def relinked(store: Store, profile: Profile, out_dir: Path, dates: Sequence[date], written: Sequence[date]
             ) -> list[Digest]:
    """The digests of the folder's days whose history/DATE.md an earlier version wrote without links (unlinked_days),
    other than those being `written`, as the folder holds them: once, at the first publish that writes json/index.json."""
    days = [d for d in unlinked_days(out_dir, dates) if d not in written]
    return [d for d in (load_digest(store, profile, day, held_profile(out_dir, day)) for day in days) if d is not None]


def folder_profiles(out_dir: Path, profile: Profile) -> list[str]:
    """The versions of a folder's profiles: `profile`'s, then those its days were judged with (their json/DATE.json
    says), a profile edited since included."""
    held = {v for day in held_dates(out_dir) if (v := held_profile(out_dir, day))}
    return [profile.version, *sorted(held - {profile.version})]


def folder_digest(store: Store, profile: Profile, out_dir: Path, day: date, versions: Sequence[str]) -> Digest | None:
    """`day`'s digest for the folder: as the folder holds it (the last run with the profile its json names, else the
    day's last run), else as the last run with one of the folder's profile `versions` published it; None if only
    another profile did (a second profile's day, which is its own folder's)."""
    if (held := held_profile(out_dir, day)) is not None or (out_dir / history_page(day)).exists():
        return (held and load_digest(store, profile, day, held)) or load_digest(store, profile, day)
    return next(filter(None, (load_digest(store, profile, day, v) for v in versions)), None)


def folder_digests(store: Store, profile: Profile, out_dir: Path) -> tuple[list[Digest], list[date]]:
    """What `paperradar render --out FOLDER` rebuilds, and the published days it leaves out: the days the folder holds
    and those the store published with one of its profiles (folder_profiles), or whose run named none (an early
    version's); a day only another profile published is left to that profile's folder (two profiles on one store)."""
    versions = folder_profiles(out_dir, profile)
    digests, left_out = [], []
    for day in store.published_dates():
        digest = folder_digest(store, profile, out_dir, day, versions)
        if digest is None and (last := store.last_facts(day)) is not None and not last.profile_version:
            digest = load_digest(store, profile, day)
        if digest is None:
            left_out.append(day)
        else:
            digests.append(digest)
    return digests, left_out


def load_digest(store: Store, profile: Profile, day: date, profile_version: str | None = None) -> Digest | None:
    """Rebuild a published day's digest from the store alone, as it was published: with the profile of its run
    (`profile` only for a day published before runs recorded theirs). `profile_version`: as its last run with that
    profile published it (the one a folder holds, where two profiles publish from one store); None if none did."""
    facts = store.last_facts(day, profile_version)
    if facts is None:
        return None
    # its json was written before the time publishing took was known: the rebuilt one states it no more than that did
    facts = replace(facts, timings={stage: s for stage, s in facts.timings.items() if stage != PUBLISH})
    profile = store.published_profile(day, profile_version) or profile
    papers = store.listing(day)
    judged_for = facts.profile_version or profile.version  # a day published before the profile was edited
    local = store.judgements(papers, facts.scorer, judged_for)
    llm = store.judgements(papers, facts.llm_scorer, judged_for) if facts.llm_scorer else {}
    return assemble(profile, papers, local, llm, facts, liked=store.liked(at=facts.finished_at))  # as published
