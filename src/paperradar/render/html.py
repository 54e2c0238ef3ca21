"""A static site of digests: one page a day, index.html for the newest, no external resources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..errors import RenderError
from ..models import Digest
from .days import made_at, one_per_day
from .env import html_env
from .files import write_atomic
from .view import day_view
from .wording import labels


@dataclass(frozen=True)
class PageLink:
    date: str
    href: str
    count: int  # recommendations that day


def _link(digest: Digest) -> PageLink:
    day = digest.announce_date.isoformat()
    return PageLink(day, f"{day}.html", len(digest.recommended))


def render_page(digest: Digest, now: datetime, links: Sequence[PageLink] = ()) -> str:
    """One day's page; `links` are all days of the site (oldest first) for the previous/next/archive navigation."""
    here = digest.announce_date.isoformat()
    pos = next((i for i, link in enumerate(links) if link.date == here), None)
    prev_page = links[pos - 1] if pos else None
    next_page = links[pos + 1] if pos is not None and pos + 1 < len(links) else None
    return html_env().get_template("day.html.j2").render(
        day=day_view(digest, now), words=labels(digest.profile.language),
        prev_page=prev_page, next_page=next_page, pages=list(reversed(links)))


def site_pages(digests: Sequence[Digest], now: datetime, current: date | None = None) -> dict[str, str]:
    """File name -> HTML for every day and index.html (the newest day); `current` is the day made `now`."""
    days = one_per_day(digests)
    if not days:
        raise RenderError("no digest to build the site from")
    current = current or days[-1].announce_date
    links = [_link(d) for d in days]
    pages = {link.href: render_page(d, made_at(d, current, now), links) for d, link in zip(days, links)}
    pages["index.html"] = pages[links[-1].href]
    return pages


def render_site(digests: Sequence[Digest], out_dir: Path, now: datetime) -> list[Path]:
    """Write the site into `out_dir` (each file atomically); returns the paths written."""
    return [write_atomic(out_dir / name, page) for name, page in site_pages(digests, now).items()]
