"""A day's digest as Markdown in the shape of the seed report, readable on GitHub (README.md, history/).

A published day links to the previous and next published days and to history/README.md, which lists every day
(GitHub shows it below the listing of history/): from README.md at the folder's root through history/, from a
history/DATE.md beside them. Links are relative, so they work on any git host and in a clone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..models import Digest, Language
from .env import markdown_env
from .view import ArchiveDay, PageLink, day_view
from .wording import labels

HISTORY = "history"
ARCHIVE = "README.md"  # in history/
ARCHIVE_TITLES = {f"# {labels(language)['archive_title']}" for language in ("zh", "en")}  # its first line


@dataclass(frozen=True)
class DaysNav:
    prev: PageLink | None
    archive: str
    next: PageLink | None


def page_name(day: date) -> str:
    """A day's Markdown page in history/."""
    return f"{day.isoformat()}.md"


def days_nav(prev_day: date | None, next_day: date | None, at_root: bool) -> DaysNav:
    """The links of README.md (`at_root`) or of a history/DATE.md to the days before and after and to the archive."""
    folder = f"{HISTORY}/" if at_root else ""

    def link(day: date | None) -> PageLink | None:
        return PageLink(day.isoformat(), folder + page_name(day)) if day else None

    return DaysNav(link(prev_day), folder + ARCHIVE, link(next_day))


def render_markdown(digest: Digest, now: datetime, nav: DaysNav | None = None) -> str:
    """The digest as Markdown; `now` (timezone-aware) is shown in the profile's time zone; `nav`: its links to the
    other days (none for a digest shown alone)."""
    return markdown_env().get_template("digest.md.j2").render(day=day_view(digest, now), nav=nav,
                                                             words=labels(digest.profile.language))


def render_archive_markdown(days: Sequence[ArchiveDay], language: Language) -> str:
    """history/README.md: every published day, newest first, with its number of recommendations where known."""
    newest_first = sorted(days, key=lambda d: d.date, reverse=True)
    return markdown_env().get_template("archive.md.j2").render(days=newest_first, words=labels(language),
                                                              front="../README.md")
