"""Publishing digests under an output directory, each file replaced atomically.

    publish(digest, out_dir, dates=(), neighbours=(), now=None, front=None) -> list[Path]
        The daily call. Its cost does not depend on how many days were published before, except for the
        archive page (one line, and one short read of a json/DATE.json head, per day).
        digest      the day being published: a new day, or a re-run of a day already published
        dates       every date published into out_dir (held_dates); the digest's own date may be among them or not
        neighbours  the digests of the published dates just before and just after the digest's, where they exist:
                    neighbour_dates(dates, day) names them; any other date is refused; a missing one keeps its
                    page, whose links may then skip this day, and so does one the folder's json/DATE.json says was
                    judged with another profile (the store's last run of that day was for another folder)
        writes      history/DATE.md, json/DATE.json, site/DATE.html of the digest;
                    history/PREV.md, history/NEXT.md, site/PREV.html and site/NEXT.html of the neighbours given
                    (their links to this day);
                    site/archive.html and history/README.md, every date newest first with its number of
                    recommendations, taken from the digests given or from the head of json/DATE.json (no such
                    file: no number, never a guess; no site/DATE.html or history/DATE.md: no link);
                    json/index.json, every date with a json/DATE.json, newest first, with the counts, scorer, model
                    and profile that file states (index_entry), from the same digests and heads;
                    README.md and site/index.html when the digest or a neighbour given is the front day (README.md
                    is that day's history/DATE.md with its links one folder up);
                    a page links to the previous and next published days only where the folder has their pages
                    or gets them now (a new --out folder holds none of the days published elsewhere)
        front       the day the front page shows (README.md, site/index.html): front_date() names it; by default
                    the newest date
        relink      the digests of the days unlinked_days() names, other than the day and its neighbours: their
                    history/DATE.md (README.md for the front day) are written again, with their links

    unlinked_days(out_dir, dates) -> list[date]
        The days whose history/DATE.md an earlier version wrote without links to the other days; none once the folder
        has json/index.json (one stat), which the publish that relinks them writes.

    front_date(dates, listed) -> date
        The newest published date that listed papers (the newest date if none did): a weekend's or a holiday's
        empty listing gets its own pages and archive line, but does not push the last digest off the front page.

    held_front(out_dir, dates, listed) -> date
        front_date() of the days a folder holds, a day the store does not list counting by what its
        json/DATE.json read (a folder kept when the data directory moved holds days the new store never saw).

    neighbour_dates(dates, day) -> list[date]
        The published dates just before and after `day` (0, 1 or 2 of them).

    foreign_files(out_dir) -> list[str]
        What publishing into the folder would replace that no digest wrote: to refuse before anything runs.

    held_dates(out_dir) -> list[date]
        The days the folder holds (its history/DATE.md): the dates to publish into it among, so that its front page,
        archive and links come from what this folder received, not from every day the store published elsewhere.

    held_profile(out_dir, day) -> str | None
        The version of the profile the folder's day was judged with: the digest to rebuild its page from.

    publish_all(digests, out_dir, now=None) -> list[Path]
        Every file of every day in one pass (for `paperradar render`), linear in the number of days; the front
        page is front_date() of the digests, held_front() where the folder holds other days too (from another data
        directory: their files are kept, listed in the archive and linked).
        Each day says the time its run finished (`now` if none was recorded).

Everything is rendered before anything is written, so a failing render leaves the previous files untouched.
Until the pipeline and CLI switch over, publish(digest, out_dir, history) with digests in place of dates (or
history=...) still works: it becomes the call above, with the dates, neighbours and counts taken from history.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import RenderError
from ..models import Digest, Language
from .days import adjacent, made_at, one_per_day
from .files import file_names, read_head, write_atomic
from .html import ARCHIVE, INDEX, page_name, render_archive, render_page, site_pages
from .jsonout import (INDEX as JSON_INDEX, digest_head, index_entry, recorded_entry, recorded_head, recorded_profile_version,
                      render_index, render_json)
from .markdown import ARCHIVE_TITLES, HISTORY, days_nav, render_archive_markdown, render_markdown
from .markdown import ARCHIVE as MD_ARCHIVE
from .markdown import page_name as md_name
from .view import ArchiveDay

README = Path("README.md")
SITE = Path("site")


def history_page(day: date) -> Path:
    """The day's own Markdown digest, which README.md shows while it is the front day (its links one folder up)."""
    return Path(HISTORY) / md_name(day)


def neighbour_dates(dates: Iterable[date], day: date) -> list[date]:
    """The published dates just before and just after `day` (whether or not `day` is among `dates`): the days
    whose digests publish() wants as `neighbours`."""
    return [d for d in adjacent(sorted({*dates, day}), day) if d is not None]


def held_dates(out_dir: Path) -> list[date]:
    """The days published into `out_dir`, oldest first: those with a history/DATE.md (a neighbour's page alone, which
    an earlier version wrote into a new folder, is not a day the folder received)."""
    days = []
    for name in file_names(Path(out_dir) / HISTORY):
        if len(name) == len("YYYY-MM-DD.md") and name.endswith(".md"):
            try:
                days.append(date.fromisoformat(name[:-3]))
            except ValueError:
                continue  # a reader's own notes beside the digests
    return sorted(days)


def foreign_files(out_dir: Path) -> list[str]:
    """What publishing into `out_dir` would replace that no digest wrote: README.md, site/ and json/ of a folder
    holding no day (a project's, a new repository's), and a history/README.md that is not a list of days (the
    reader's own notes beside the days): the folder is the digest's, but these are not its to destroy."""
    out_dir = Path(out_dir)
    names = [] if held_dates(out_dir) else [name for name in ("README.md", "site", "json") if (out_dir / name).exists()]
    archive = read_head(out_dir / HISTORY / MD_ARCHIVE, "\n")  # up to the blank line after the title
    if archive is not None and archive.split("\n")[0] not in ARCHIVE_TITLES:
        names.append(f"{HISTORY}/{MD_ARCHIVE}")
    return names


def front_date(dates: Iterable[date], listed: Iterable[date], has_papers: Callable[[date], bool] = lambda day: False
               ) -> date:
    """The day the front page shows among the published `dates`: the newest one whose listing had papers (in
    `listed`, or by `has_papers` for a day `listed` lacks, asked only of the days newer than the front), or the newest
    date when none had. Raises IndexError when `dates` is empty."""
    listed = set(listed)
    newest_first = sorted(dates, reverse=True)
    return next((day for day in newest_first if day in listed or has_papers(day)), newest_first[0])


def held_front(out_dir: Path, dates: Iterable[date], listed: Iterable[date]) -> date:
    """front_date() of the `dates` a folder holds, where `listed` (the store's) may lack days it got from another data
    directory (the folder was kept, the store moved): such a day counts as listing papers when its json/DATE.json
    read some."""
    return front_date(dates, listed, lambda day: _read_papers(out_dir, day))


def _read_papers(out_dir: Path, day: date) -> bool:
    head = recorded_head(Path(out_dir) / "json" / f"{day.isoformat()}.json")
    facts = head.get("facts") if head else None
    return isinstance(facts, dict) and bool(facts.get("papers_read"))


def unlinked_days(out_dir: Path, dates: Iterable[date]) -> list[date]:
    """The `dates` whose history/DATE.md links no other day, as the versions before those links wrote it. Looked for
    only in a folder without json/index.json, which every publish since writes, relinking these pages then: a daily
    publish pays one stat for it."""
    if (Path(out_dir) / "json" / JSON_INDEX).exists():
        return []
    return [day for day in dates if (head := read_head(Path(out_dir) / history_page(day), "## ")) is not None
            and f"]({MD_ARCHIVE})" not in head]


def day_pages(dates: Iterable[date], day: date, front: date | None = None) -> tuple[Path, Path]:
    """Where a reader finds `day`'s digest among the published `dates`: README.md and site/index.html while it is the
    front day (by default the newest), else its own history/DATE.md and site/DATE.html."""
    if day == (front or max(dates, default=day)):
        return README, SITE / INDEX
    return history_page(day), SITE / page_name(day)


def _near(dates: list[date], day: date, pages: set[str], name: Callable[[date], str]) -> tuple[date | None, ...]:
    """The days just before and after `day` among `dates` (sorted) whose page `name(day)` is among `pages`: a folder
    that holds only some days (a new --out) gets no link to the pages it lacks."""
    return tuple(near if near and name(near) in pages else None for near in adjacent(dates, day))


def _markdown(digest: Digest, now: datetime, near: tuple[date | None, ...], front: date) -> dict[Path, str]:
    """history/DATE.md of one day, linking to the days `near` it, and README.md if it is the `front` day."""
    day = digest.announce_date
    files = {history_page(day): render_markdown(digest, now, days_nav(*near, at_root=False))}
    if day == front:
        files[README] = render_markdown(digest, now, days_nav(*near, at_root=True))
    return files


def _json(digest: Digest) -> dict[Path, str]:
    return {Path("json") / f"{digest.announce_date.isoformat()}.json": render_json(digest)}


def _checked_neighbours(digest: Digest, dates: list[date], neighbours: Sequence[Digest]) -> list[Digest]:
    """The neighbours other than the digest's own day, refusing any that is not right before or after it."""
    others = one_per_day(n for n in neighbours if n.announce_date != digest.announce_date)
    allowed = adjacent(dates, digest.announce_date)
    for n in others:
        if n.announce_date not in allowed:
            raise RenderError(f"{n.announce_date} is not next to {digest.announce_date} among the published dates; "
                              "pass only the digests of the previous and next published days as neighbours")
    return others


def held_profile(out_dir: Path, day: date) -> str | None:
    """The version of the profile the folder's `day` was judged with (its json/DATE.json says); None if not held."""
    return recorded_profile_version(Path(out_dir) / "json" / f"{day.isoformat()}.json")


def _shown_here(out_dir: Path, neighbour: Digest) -> bool:
    """Whether the folder's page of a neighbour shows that digest: two profiles published from one store, each into
    a folder of its own, share the store's days, and one folder's day keeps its own profile's page."""
    recorded = held_profile(out_dir, neighbour.announce_date)
    return recorded is None or recorded == neighbour.profile.version


def _recorded(out_dir: Path | None, dates: list[date], known: dict[date, dict[str, Any]]
              ) -> list[tuple[str, dict[str, Any] | None]]:
    """Each date with its index_entry(): from `known` (the digests given), else from the head of its published JSON
    file (none: None, never a guess), so the site's archive, history/README.md and json/index.json say the same."""
    json_dir = os.path.join(out_dir, "json") if out_dir is not None else None
    json_files = file_names(Path(json_dir)) if json_dir and not known.keys() >= set(dates) else set()
    recorded: list[tuple[str, dict[str, Any] | None]] = []
    for day in dates:  # once a day for every day published: strings, not Paths, and no stat
        iso = day.isoformat()
        entry = known.get(day)
        if entry is None and f"{iso}.json" in json_files:
            entry = recorded_entry(os.path.join(json_dir, f"{iso}.json"))
        recorded.append((iso, entry))
    return recorded


def _known(digests: Iterable[Digest]) -> dict[date, dict[str, Any]]:
    return {d.announce_date: index_entry(digest_head(d)) for d in digests}


def _index(recorded: list[tuple[str, dict[str, Any] | None]]) -> dict[Path, str]:
    """json/index.json: the days whose json/DATE.json the folder has."""
    return {Path("json") / JSON_INDEX: render_index([entry for _, entry in recorded if entry is not None])}


def _counts(recorded: list[tuple[str, dict[str, Any] | None]]) -> list[tuple[str, int | None]]:
    return [(iso, entry["recommended"] if entry else None) for iso, entry in recorded]


def _archive(counted: list[tuple[str, int | None]], pages: set[str], language: Language) -> str:
    """site/archive.html, linking to the `pages` the site has."""
    return render_archive([ArchiveDay(iso, f"{iso}.html" if f"{iso}.html" in pages else None, count)
                           for iso, count in counted], language)


def _md_archive(counted: list[tuple[str, int | None]], md_pages: set[str], language: Language) -> dict[Path, str]:
    """history/README.md, linking to the history/DATE.md the folder has."""
    days = [ArchiveDay(iso, f"{iso}.md" if f"{iso}.md" in md_pages else None, count) for iso, count in counted]
    return {Path(HISTORY) / MD_ARCHIVE: render_archive_markdown(days, language)}


def render_day(digest: Digest, out_dir: Path, dates: Sequence[date], neighbours: Sequence[Digest], now: datetime,
               known: dict[date, dict[str, Any]] | None = None, front: date | None = None,
               relink: Sequence[Digest] = ()) -> dict[Path, str]:
    """Relative path -> text of every file publish() writes (see the module docstring)."""
    day = digest.announce_date
    others = {n.announce_date for n in neighbours}
    all_dates = sorted({*(d for d in dates if d != day), day, *others})
    neighbours = [n for n in _checked_neighbours(digest, all_dates, neighbours) if _shown_here(out_dir, n)]
    shown = [digest, *neighbours]
    files = _relinked(out_dir, relink, {d.announce_date for d in shown}, all_dates, now, front or all_dates[-1])
    on_site = file_names(out_dir / SITE) | {page_name(d.announce_date) for d in shown}
    in_history = file_names(out_dir / HISTORY) | {md_name(d.announce_date) for d in shown}
    front = front or all_dates[-1]
    files.update(_json(digest))
    pages: dict[str, str] = {}
    for d in shown:  # the day, and its neighbours' links to it
        when = made_at(d, day, now)
        files.update(_markdown(d, when, _near(all_dates, d.announce_date, in_history, md_name), front))
        pages[page_name(d.announce_date)] = render_page(d, when, *_near(all_dates, d.announce_date, on_site, page_name))
    if page_name(front) in pages:
        pages[INDEX] = pages[page_name(front)]
    files.update({SITE / name: page for name, page in pages.items()})
    recorded = _recorded(out_dir, all_dates, {**(known or {}), **_known(shown)})
    files[SITE / ARCHIVE] = _archive(_counts(recorded), on_site, digest.profile.language)
    files.update(_md_archive(_counts(recorded), in_history, digest.profile.language))
    files.update(_index(recorded))
    return files


def _relinked(out_dir: Path, relink: Sequence[Digest], shown: set[date], dates: list[date], now: datetime,
              front: date) -> dict[Path, str]:
    """The history/DATE.md (and README.md, for the front day) of held days an earlier version wrote without links,
    each from the digest its page shows (another profile's is refused, as a neighbour's is)."""
    in_history = file_names(out_dir / HISTORY) | {md_name(day) for day in shown}
    files: dict[Path, str] = {}
    for d in relink:
        if d.announce_date not in shown and d.announce_date in dates and _shown_here(out_dir, d):
            near = _near(dates, d.announce_date, in_history, md_name)
            files.update(_markdown(d, made_at(d, None, now), near, front))
    return files


def _write(out_dir: Path, files: dict[Path, str]) -> list[Path]:
    return [write_atomic(out_dir / rel, text) for rel, text in files.items()]


def _from_history(digest: Digest, history: Sequence[Digest]
                  ) -> tuple[list[date], list[Digest], dict[date, dict[str, Any]]]:
    """The old call's history as (dates, neighbours, known index entries): nothing needs reading from disk."""
    days = [d for d in one_per_day(history) if d.announce_date != digest.announce_date]
    dates = sorted({digest.announce_date, *(d.announce_date for d in days)})
    near = adjacent(dates, digest.announce_date)
    return dates, [d for d in days if d.announce_date in near], _known(days)


def publish(digest: Digest, out_dir: Path, dates: Sequence[date] | Sequence[Digest] = (),
            neighbours: Sequence[Digest] = (), now: datetime | None = None, front: date | None = None, *,
            relink: Sequence[Digest] = (), history: Sequence[Digest] | None = None) -> list[Path]:
    """Publish one day under `out_dir`, writing only the files it changes; returns the paths written.

    See the module docstring. `history` (or digests passed as `dates`) is the old call, kept for the switch-over.
    """
    known: dict[date, dict[str, Any]] | None = None
    old = [d for d in dates if isinstance(d, Digest)]
    if history is not None or old:
        dates, neighbours, known = _from_history(digest, [*old, *(history or ())])
    day_dates = [d for d in dates if not isinstance(d, Digest)]
    files = render_day(digest, Path(out_dir), day_dates, neighbours, now or datetime.now(UTC), known, front, relink)
    return _write(Path(out_dir), files)


def render_all(digests: Sequence[Digest], now: datetime, out_dir: Path | None = None) -> dict[Path, str]:
    """Relative path -> text of every file of every day; README.md is the front day (see front_date). Days `out_dir`
    holds beyond the digests' (published from another data directory) keep their files, and stay in the archive, the
    links and the choice of the front page."""
    days = one_per_day(digests)
    if not days:
        raise RenderError("no digest to publish")
    ours = [d.announce_date for d in days]
    others = sorted(set(held_dates(out_dir)) - set(ours)) if out_dir is not None else []
    listed = [d.announce_date for d in days if d.facts.papers_read]
    front = held_front(Path(out_dir), [*ours, *others], listed) if others else front_date(ours, listed)
    all_dates = sorted({*others, *ours})
    in_history = {md_name(d) for d in all_dates}  # the others from their history/DATE.md (held_dates)
    files: dict[Path, str] = {}
    for d in days:  # README.md only if the front day is ours, else the folder's own front day keeps it
        files.update(_markdown(d, made_at(d, None, now), _near(all_dates, d.announce_date, in_history, md_name), front))
        files.update(_json(d))
    recorded = _recorded(out_dir, all_dates, _known(days))
    counted = _counts(recorded)
    pages = site_pages(days, now, front=front) if not others else _site_among(Path(out_dir), days, counted, now, front)
    files.update({SITE / name: page for name, page in pages.items()})
    files.update(_md_archive(counted, in_history, days[-1].profile.language))
    files.update(_index(recorded))
    return files


def _site_among(out_dir: Path, days: list[Digest], counted: list[tuple[str, int | None]], now: datetime,
                front: date) -> dict[str, str]:
    """site_pages() of `days` in a folder that also holds other days (`counted` lists them all, with the counts their
    json/DATE.json state): links to their pages, and an archive that lists them."""
    all_dates = [date.fromisoformat(iso) for iso, _ in counted]
    on_site = file_names(out_dir / SITE) | {page_name(d.announce_date) for d in days}
    pages = {page_name(d.announce_date): render_page(d, made_at(d, None, now),
                                                     *_near(all_dates, d.announce_date, on_site, page_name))
             for d in days}
    if page_name(front) in pages:
        pages[INDEX] = pages[page_name(front)]
    return {**pages, ARCHIVE: _archive(counted, on_site, days[-1].profile.language)}


def publish_all(digests: Sequence[Digest], out_dir: Path, now: datetime | None = None) -> list[Path]:
    """Write every day's files, the site's index and archive, and README.md; returns the paths written."""
    return _write(Path(out_dir), render_all(digests, now or datetime.now(UTC), Path(out_dir)))
