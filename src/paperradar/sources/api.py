"""The arXiv export API: full metadata for known ids, to fill in what the RSS feed lacks.

The feed gives no comment, no author affiliations and may list categories out of order; the API
gives all three. Ids go out in batches (`id_list`), each batch paged with start/max_results until
opensearch:totalResults is reached. arXiv answers a malformed id with a single error entry for the
whole batch: that id is dropped, reported, and the batch is asked again without it.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from ..english import plural
from ..errors import ArxivUnavailable, SourceError
from ..models import ARXIV_ID, Author, Paper, versionless
from .http import ArxivClient, ArxivRefused, reporter
from .jsonl import detex, one_line

log = logging.getLogger(__name__)

_NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom",
       "opensearch": "http://a9.com/-/spec/opensearch/1.1/"}
_ABS_RE = re.compile(r"/abs/(?P<id>.+?)(?:v(?P<v>\d+))?$")
_WELL_FORMED_ID = re.compile(ARXIV_ID)
IDS_A_REQUEST = 100  # the papers one request asks for by id
_ERROR_ID_RE = re.compile(r"(?:incorrect_id_format_for_|incorrect id format for )(?P<id>\S+)")


@dataclass(frozen=True)
class ApiPage:
    """One parsed API answer: its entries as papers, plus the paging numbers and any error it stated."""

    papers: tuple[Paper, ...]
    total: int
    start: int
    error: str | None = None  # the error entry's summary, when arXiv answered with one
    bad_id: str | None = None  # the id an "incorrect id format" error names


def fetch_by_ids(ids: Iterable[str], client: ArxivClient | None = None, batch_size: int = IDS_A_REQUEST,
                 problems: list[str] | None = None, report_missing: bool = True) -> dict[str, Paper]:
    """Papers for `ids` (versionless or not), keyed by versionless id; ids arXiv does not know are absent.

    Each id that was rejected or (unless `report_missing` is false, for a caller that names the absent ids
    itself) not found is one line in `problems` if given, else in the log.
    """
    client, report = client or ArxivClient(), reporter(problems, log)
    wanted = list(dict.fromkeys(versionless(i) for i in ids))
    for bad in (i for i in wanted if not _WELL_FORMED_ID.fullmatch(i)):
        report(f"not an arXiv id, not asked: {bad!r}")
    wanted = [i for i in wanted if _WELL_FORMED_ID.fullmatch(i)]
    found: dict[str, Paper] = {}
    for at in range(0, len(wanted), batch_size):
        found.update(_fetch_batch(wanted[at:at + batch_size], client, batch_size, report, report_missing))
    return found


def enrich(papers: Iterable[Paper], client: ArxivClient | None = None, batch_size: int = IDS_A_REQUEST,
           problems: list[str] | None = None) -> list[Paper]:
    """`papers` with the API's categories (primary first), comment, latest version and stated affiliations.

    Everything else, the announce date above all, stays as the feed gave it. A paper the API does not
    know, or whose batch failed, stays as it was and is reported (a line in `problems`, else the log):
    a listing is never lost to a metadata lookup. Once arXiv is unreachable, later batches are not tried.
    """
    papers, client, report = list(papers), client or ArxivClient(), reporter(problems, log)
    known: dict[str, Paper] = {}
    answered: list[str] = []
    for at in range(0, len(papers), batch_size):
        batch = [p.id for p in papers[at:at + batch_size]]
        try:
            # the listing shows arXiv knows them all: one left out is the API's gap, named below in one line
            known.update(fetch_by_ids(batch, client, batch_size, problems, report_missing=False))
            answered += batch
        except ArxivUnavailable as e:
            if isinstance(e, ArxivRefused):  # a refusal is about this request, not about arXiv being down
                report(f"metadata of {len(batch)} {plural(len(batch), 'paper')} not enriched: {e}")
                continue
            report(f"metadata of {len(papers) - at} {plural(len(papers) - at, 'paper')} not enriched: {e}")
            break
        except SourceError as e:
            report(f"metadata of {len(batch)} {plural(len(batch), 'paper')} not enriched: {e}")
    if left_out := [i for i in answered if i not in known]:
        some = ", ".join(left_out[:5]) + (", ..." if len(left_out) > 5 else "")
        n = len(left_out)
        report(f"metadata of {n} {plural(n, 'paper')} not enriched: the arXiv API answered without "
               f"{plural(n, 'it', 'them')} ({some})")
    return [merge(p, known[p.id]) if p.id in known else p for p in papers]


def merge(listed: Paper, stated: Paper) -> Paper:
    """The listed paper, with what the API states filled in; the listing's authors keep their spelling."""
    return replace(listed, categories=stated.categories or listed.categories,
                   comment=stated.comment or listed.comment, version=max(listed.version, stated.version),
                   authors=_with_affiliations(listed.authors, stated.authors))


def parse_feed(xml_bytes: bytes, announce_date: date | None = None, source: str = "api") -> ApiPage:
    """Parse one API answer (Atom, current or 2016 format) into papers; pure."""
    try:
        root = ET.fromstring(xml_bytes)
    except ET.ParseError as e:
        raise SourceError(f"{source}: the API answer is not valid XML ({e})") from e
    total = _int(root.findtext("opensearch:totalResults", namespaces=_NS))
    start = _int(root.findtext("opensearch:startIndex", namespaces=_NS))
    entries = root.findall("atom:entry", _NS)
    for entry in entries:
        if "/api/errors" in (entry.findtext("atom:id", "", _NS)):
            summary = " ".join((entry.findtext("atom:summary", "", _NS)).split()) or "unnamed error"
            bad = _ERROR_ID_RE.search(entry.findtext("atom:id", "", _NS) + " " + summary)
            return ApiPage((), 0, start, summary, bad.group("id") if bad else None)
    return ApiPage(tuple(_paper(e, announce_date) for e in entries), total, start)


def _fetch_batch(batch: list[str], client: ArxivClient, page_size: int, report: Callable[[str], None],
                 report_missing: bool) -> dict[str, Paper]:
    """Every paper of one id batch, following pages; ids named by an error entry are dropped and reported."""
    batch = list(batch)
    while batch:
        page = _fetch_pages(batch, client, page_size)
        if page.error is None:
            found = {p.id: p for p in page.papers}
            for missing in (i for i in batch if i not in found) if report_missing else ():
                report(f"arXiv API does not know {missing}")
            return found
        if page.bad_id is None or versionless(page.bad_id) not in batch:
            raise SourceError(f"arXiv API refused the request for {len(batch)} {plural(len(batch), 'id')}: {page.error}")
        report(f"arXiv API rejected id {page.bad_id}: {page.error}")
        batch.remove(versionless(page.bad_id))
    return {}


def _fetch_pages(batch: list[str], client: ArxivClient, page_size: int) -> ApiPage:
    """All pages of one id_list query, as one page; stops early on an error entry or an empty page."""
    papers: list[Paper] = []
    total = None
    while total is None or len(papers) < total:
        params: dict[str, str | int] = {"id_list": ",".join(batch), "start": len(papers), "max_results": page_size}
        page = _ask(client, params)
        if page.error is not None:
            return page
        papers.extend(page.papers)
        total = min(page.total, len(batch))  # an id list never has more answers than ids
        if not page.papers:
            break  # arXiv sometimes under-delivers; an empty page means there is nothing more to get
    return ApiPage(tuple(papers), len(papers), 0)


def _ask(client: ArxivClient, params: dict[str, str | int]) -> ApiPage:
    """One API page; a refusal (HTTP 400) that carries arXiv's error entry is read as that error."""
    try:
        return parse_feed(client.get(client.api_url, params), source=client.api_url)
    except ArxivRefused as e:
        try:
            page = parse_feed(e.body, source=client.api_url)
        except SourceError:
            raise e from None
        if page.error is None:
            raise
        return page


def _paper(entry: ET.Element, announce_date: date | None) -> Paper:
    m = _ABS_RE.search(entry.findtext("atom:id", "", _NS).strip())
    if not m:
        raise SourceError(f"API entry without an arXiv abs id: {entry.findtext('atom:id', '', _NS)!r}")
    published = entry.findtext("atom:published", "", _NS).strip()
    primary = entry.find("arxiv:primary_category", _NS)
    cats = [c.get("term", "") for c in entry.findall("atom:category", _NS) if c.get("term")]
    if primary is not None and primary.get("term"):
        cats = [primary.get("term", "")] + [c for c in cats if c != primary.get("term")]
    comment = one_line(entry.findtext("arxiv:comment", "", _NS))
    return Paper(
        id=m.group("id"),
        title=one_line(detex(entry.findtext("atom:title", "", _NS))),
        authors=tuple(_author(a) for a in entry.findall("atom:author", _NS)),
        abstract=one_line(entry.findtext("atom:summary", "", _NS)),
        categories=tuple(cats),
        announce_date=announce_date or date.fromisoformat(published[:10]),
        comment=comment or None,
        version=int(m.group("v") or 1),
    )


def _author(element: ET.Element) -> Author:
    name = one_line(detex(element.findtext("atom:name", "", _NS)))
    affiliations = tuple(one_line(a.text) for a in element.findall("arxiv:affiliation", _NS)
                         if a.text and one_line(a.text))
    return Author(name, affiliations)


def _with_affiliations(listed: tuple[Author, ...], stated: tuple[Author, ...]) -> tuple[Author, ...]:
    """Attach the API's affiliations to the listing's authors: by position when the lists align, else by name.
    An author the listing already places (often the very text the API states) keeps what it says."""
    if not any(a.affiliations for a in stated):
        return listed
    pairs: Iterable[tuple[Author, Author | None]]
    if len(listed) == len(stated):
        pairs = zip(listed, stated)
    else:
        by_name = {_name_key(a.name): a for a in stated}
        pairs = ((a, by_name.get(_name_key(a.name))) for a in listed)
    return tuple(Author(a.name, s.affiliations) if s and not a.says_where else a for a, s in pairs)


def _name_key(name: str) -> str:
    return re.sub(r"\W+", "", re.sub(r"\(.*?\)", "", name)).casefold()


def _int(text: str | None) -> int:
    return int(text.strip()) if text and text.strip().isdigit() else 0
