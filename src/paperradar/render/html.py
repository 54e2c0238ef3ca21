"""A static site of digests: one page a day, index.html for the newest, archive.html listing every day.

A day page links only to its previous and next day and to the archive, so publishing a new day changes the pages
of its neighbours and the archive, never the other days' pages. No page loads anything from elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ..errors import RenderError
from ..models import Digest, Language
from .days import adjacent, made_at, one_per_day
from .env import html_env
from .view import ArchiveDay, PageLink, day_view
from .wording import labels

ARCHIVE = "archive.html"
INDEX = "index.html"


def page_name(day: date) -> str:
    return f"{day.isoformat()}.html"


def _link(day: date | None) -> PageLink | None:
    return PageLink(day.isoformat(), page_name(day)) if day else None


def render_page(digest: Digest, now: datetime, prev_day: date | None = None, next_day: date | None = None) -> str:
    """One day's page, linking to the previous and next published days (when there are) and to the archive."""
    return html_env().get_template("day.html.j2").render(
        day=day_view(digest, now), words=labels(digest.profile.language),
        prev_page=_link(prev_day), next_page=_link(next_day), archive_href=ARCHIVE)


def render_archive(days: Sequence[ArchiveDay], language: Language) -> str:
    """The list of every published day, newest first, with its number of recommendations where known."""
    newest_first = sorted(days, key=lambda d: d.date, reverse=True)
    return html_env().get_template("archive.html.j2").render(days=newest_first, words=labels(language),
                                                             language=language)


def site_pages(digests: Sequence[Digest], now: datetime, current: date | None = None,
               front: date | None = None) -> dict[str, str]:
    """File name -> HTML of the whole site: every day, index.html (a copy of the `front` day's page, by default the
    newest day's) and archive.html.

    `current` is the day made `now`; the others keep the time their run finished (see days.made_at).
    """
    days = one_per_day(digests)
    if not days:
        raise RenderError("no digest to build the site from")
    dates = [d.announce_date for d in days]
    pages = {page_name(d.announce_date): render_page(d, made_at(d, current, now), *adjacent(dates, d.announce_date))
             for d in days}
    pages[INDEX] = pages[page_name(front or dates[-1])]
    archive = [ArchiveDay(d.announce_date.isoformat(), page_name(d.announce_date), len(d.recommended)) for d in days]
    pages[ARCHIVE] = render_archive(archive, days[-1].profile.language)
    return pages
