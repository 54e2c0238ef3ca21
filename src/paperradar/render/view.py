"""One day's digest laid out for people: the sections, entries and sentences both Markdown and HTML show.

Both renderers read the same `DayView`, so a page and a README never disagree on a number or an anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import Author, Digest, DigestEntry, Language, Paper
from .anchors import Slugger
from .mdescape import one_line
from .wording import announced_as, body_note, header_lines, more_note, text, title


@dataclass(frozen=True)
class PageLink:
    date: str
    href: str  # relative to the page that links


@dataclass(frozen=True)
class ArchiveDay:
    date: str
    href: str | None  # None when the day has no page here
    count: int | None  # recommendations that day; None when not known (never guessed)


@dataclass(frozen=True)
class EntryView:
    paper_id: str
    anchor: str
    score: str  # "8.0/10"
    title: str
    authors: str
    published: str  # the listing's date, and what it announced the paper as when not new: "2026-02-05 (new version v3)"
    url: str
    reason: str


@dataclass(frozen=True)
class SectionView:
    name: str
    anchor: str
    entries: tuple[EntryView, ...]
    recommended: int  # in this field, listed or not
    more: str | None  # the sentence about recommendations beyond max_per_field


@dataclass(frozen=True)
class DayView:
    date: str
    language: str
    title: str
    title_anchor: str
    facts: tuple[str, ...]
    sections: tuple[SectionView, ...]
    note: str | None  # instead of sections: an empty listing or no recommendation


def author_text(author: Author) -> str:
    """`Name (aff1, aff2)`, or the bare name when no source stated an affiliation."""
    name = one_line(author.name)
    if not author.affiliations:
        return name
    return f"{name} ({', '.join(one_line(a) for a in author.affiliations)})"


def _published(language: Language, paper: Paper) -> str:
    note = announced_as(language, paper)
    return paper.announce_date.isoformat() + (f" ({note})" if note else "")


def _entry(e: DigestEntry, slugger: Slugger, language: Language) -> EntryView:
    score = f"{e.judgement.score:.1f}/10"
    heading = f"[Score: {score}] {one_line(e.paper.title)}"
    return EntryView(
        paper_id=e.paper.id,
        anchor=slugger.slug(heading),
        score=score,
        title=one_line(e.paper.title),
        authors=", ".join(author_text(a) for a in e.paper.authors),
        published=_published(language, e.paper),
        url=e.paper.url,
        reason=one_line(e.judgement.reason),
    )


def _groups(digest: Digest) -> list[tuple[str, list[DigestEntry]]]:
    """Recommended entries by field in profile order; any whose field the profile lacks go last, not lost."""
    groups = [(f.name, rows) for f, rows in digest.by_field()]
    strays = digest.strays()
    if strays:
        groups.append((text(digest.profile.language, "other"), strays))
    return groups


def _section(digest: Digest, name: str, rows: list[DigestEntry], slugger: Slugger) -> SectionView:
    limit = digest.profile.max_per_field
    shown = rows if limit is None else rows[:limit]
    name = one_line(name)  # as the heading shows it, so the anchor is the one GitHub gives it
    anchor = slugger.slug(name)  # the section heading comes before its entries' headings
    entries = tuple(_entry(e, slugger, digest.profile.language) for e in shown)
    more = None
    if limit is not None and len(rows) > limit:
        more = more_note(digest.profile.language, len(rows) - limit, limit)
    return SectionView(name, anchor, entries, len(rows), more)


def day_view(digest: Digest, now: datetime) -> DayView:
    """Lay out `digest` with its facts as of `now`; anchors follow GitHub's numbering in document order."""
    slugger = Slugger()
    heading = title(digest)
    title_anchor = slugger.slug(heading)
    sections = [_section(digest, name, rows, slugger) for name, rows in _groups(digest)]
    return DayView(
        date=digest.announce_date.isoformat(),
        language=digest.profile.language,
        title=heading,
        title_anchor=title_anchor,
        facts=tuple(header_lines(digest, now)),
        sections=tuple(sections),
        note=body_note(digest),
    )
