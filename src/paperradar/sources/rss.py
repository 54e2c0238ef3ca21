"""What arXiv announced today: the RSS feed of the reader's categories, in one request.

The feed states its own announcement date (pubDate, in arXiv's timezone); that date, never the wall
clock, is the listing's `announce_date`. Weekends and holidays give an empty feed that still has a date.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..errors import SourceError
from ..models import ARXIV_ID, Paper
from .http import ArxivClient
from .jsonl import detex, feed_date, one_line, split_authors

_NS = {"arxiv": "http://arxiv.org/schemas/atom", "dc": "http://purl.org/dc/elements/1.1/"}
_ID_RE = re.compile(rf"(?:oai:arXiv\.org:|arXiv:)?(?P<id>{ARXIV_ID})(?:v(?P<v>\d+))?")
# "arXiv:2509.13332v1 Announce Type: new \nAbstract: ..." -> the abstract alone
_PREFIX_RE = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*Abstract:\s*", re.DOTALL)


@dataclass(frozen=True)
class Listing:
    """One day's announcements as the feed gave them, dated as the feed states (the RSS reader refuses a feed
    that states no date)."""

    announce_date: date | None
    papers: tuple[Paper, ...]
    source: str
    skipped: tuple[str, ...] = ()  # items that could not be read, one line each, so they are reported not lost


def fetch_listing(categories: Iterable[str], announce_types: Iterable[str],
                  client: ArxivClient | None = None) -> Listing:
    """Today's papers of `categories` whose announce type is one of `announce_types`, in one request."""
    categories = [c.strip() for c in categories if c.strip()]
    if not categories:
        raise ValueError("fetch_listing needs at least one arXiv category")
    client = client or ArxivClient()
    url = client.rss_url.rstrip("/") + "/" + "+".join(categories)
    return parse_rss(client.get(url), announce_types, source=url)


def parse_rss(xml_bytes: bytes, announce_types: Iterable[str], source: str = "rss") -> Listing:
    """Parse an arXiv RSS 2.0 feed (pure); papers are deduplicated on their versionless id."""
    try:
        channel = ET.fromstring(xml_bytes).find("channel")
    except ET.ParseError as e:
        raise SourceError(f"{source}: the RSS feed is not valid XML ({e})") from e
    if channel is None:
        raise SourceError(f"{source}: not an RSS feed (no <channel>)")
    items = channel.findall("item")
    day = _listing_date(items, channel)
    if day is None:  # never the wall clock: a day made up would publish papers under a date arXiv never gave
        raise SourceError(f"{source}: the RSS feed states no announcement date (no <pubDate>): is the RSS URL arXiv's?")
    wanted = set(announce_types)
    papers: dict[str, Paper] = {}
    skipped: list[str] = []
    for item in items:
        try:
            paper = _paper(item, day)
        except _UnreadableItem as e:
            skipped.append(str(e))
            continue
        if paper.announce_type in wanted:
            papers.setdefault(paper.id, paper)
    return Listing(day, tuple(papers.values()), source, tuple(skipped))


def _listing_date(items: list[ET.Element], channel: ET.Element) -> date | None:
    """The day most items state (replacements can carry older dates); the channel's for an empty feed."""
    days = Counter(d for d in (feed_date(i.findtext("pubDate")) for i in items) if d)
    if days:
        return max(days, key=lambda d: (days[d], d))
    return feed_date(channel.findtext("pubDate"))


class _UnreadableItem(ValueError):
    pass


def _paper(item: ET.Element, day: date) -> Paper:
    guid = (item.findtext("guid") or "").strip()
    description = item.findtext("description") or ""
    m = _ID_RE.search(guid) or _ID_RE.search(description) or _ID_RE.search(item.findtext("link") or "")
    if not m:
        raise _UnreadableItem(f"item without an arXiv id: {guid or item.findtext('title')!r}")
    announce_type = (item.findtext("arxiv:announce_type", namespaces=_NS)
                     or _announce_type_from(description) or "new").strip()
    comment = (item.findtext("arxiv:comments", namespaces=_NS) or item.findtext("arxiv:comment", namespaces=_NS)
               or "").strip()
    return Paper(
        id=m.group("id"),
        title=one_line(detex(item.findtext("title") or "")),
        authors=split_authors(item.findtext("dc:creator", namespaces=_NS) or ""),
        abstract=one_line(_PREFIX_RE.sub("", description)),
        categories=tuple(c.text.strip() for c in item.findall("category") if c.text and c.text.strip()),
        announce_date=day,
        announce_type=announce_type,
        comment=one_line(comment) or None,
        version=int(m.group("v") or 1),
    )


def _announce_type_from(description: str) -> str | None:
    m = re.search(r"Announce Type:\s*(\S+)", description)
    return m.group(1) if m else None
