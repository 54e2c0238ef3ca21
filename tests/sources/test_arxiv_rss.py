"""The RSS listing: parsed from arXiv's real feeds, and fetched end to end from a local server."""

from __future__ import annotations

import re
from datetime import date

import pytest
from arxiv_server import FIXTURES, ArxivServer

from paperradar import __version__
from paperradar.errors import SourceError
from paperradar.models import Author
from paperradar.sources.http import ArxivClient
from paperradar.sources.rss import fetch_listing, parse_rss

SAMPLE = (FIXTURES / "arxiv_rss_cs.AI_sample.xml").read_bytes()
HOLIDAY = (FIXTURES / "arxiv_rss_empty_holiday_physics_2025-12-31.xml").read_bytes()
ALL_TYPES = ("new", "cross", "replace", "replace-cross")
FIRST_ITEM = SAMPLE[SAMPLE.index(b"<item>"):SAMPLE.index(b"</item>") + len(b"</item>")]


def with_items(*items: bytes) -> bytes:
    """The real sample feed with extra items appended to its channel."""
    return SAMPLE.replace(b"</channel>", b"".join(items) + b"</channel>")


def test_new_only_keeps_the_new_submission_with_its_prefix_stripped():
    listing = parse_rss(SAMPLE, ("new",))
    assert [p.id for p in listing.papers] == ["2509.13332"]
    paper = listing.papers[0]
    assert paper.version == 1 and paper.announce_type == "new"
    assert paper.abstract.startswith("As Large Language Models (LLMs) are increasingly adopted")
    assert "Announce Type" not in paper.abstract and "arXiv:" not in paper.abstract
    assert paper.title.startswith("Explicit Reasoning Makes Better Judges")
    assert paper.categories == ("cs.AI", "cs.CL")
    assert paper.authors == (Author("Placeholder Author One"), Author("Placeholder Author Two"))
    assert paper.comment is None


def test_announce_types_filter_and_versions():
    listing = parse_rss(SAMPLE, ALL_TYPES)
    assert [(p.id, p.announce_type, p.version) for p in listing.papers] == [
        ("2509.13332", "new", 1), ("2203.01250", "replace-cross", 3),
        ("2509.14001", "cross", 1), ("2401.00001", "replace", 3)]
    assert [p.id for p in parse_rss(SAMPLE, ("cross",)).papers] == ["2509.14001"]
    assert parse_rss(SAMPLE, ()).papers == ()
    revised = listing.papers[3]
    assert revised.abstract == "A revision of an older paper on reward hacking & red teaming."


def test_listing_date_is_the_feeds_own_date_for_every_paper():
    # item 2 (from arXiv's spec page) states 23 Aug 2024; the day's listing is what the other items state
    listing = parse_rss(SAMPLE, ALL_TYPES)
    assert listing.announce_date == date(2025, 9, 18)
    assert {p.announce_date for p in listing.papers} == {date(2025, 9, 18)}


def test_date_is_taken_in_the_feeds_timezone_not_utc():
    late = SAMPLE.replace(b"Thu, 18 Sep 2025 00:00:00 -0400", b"Thu, 18 Sep 2025 23:30:00 -0400")
    assert parse_rss(late, ("new",)).announce_date == date(2025, 9, 18)  # 19 Sep in UTC


def test_the_real_empty_holiday_feed_has_a_date_and_no_papers():
    listing = parse_rss(HOLIDAY, ("new",))
    assert listing.announce_date == date(2025, 12, 31)
    assert listing.papers == () and listing.skipped == ()


def test_a_paper_listed_under_two_categories_is_kept_once():
    again = FIRST_ITEM.replace(b"<category>cs.AI</category>\n      <category>cs.CL</category>",
                               b"<category>cs.CL</category>\n      <category>cs.AI</category>")
    assert again != FIRST_ITEM
    listing = parse_rss(with_items(again), ("new",))
    assert [p.id for p in listing.papers] == ["2509.13332"]
    assert listing.papers[0].categories == ("cs.AI", "cs.CL")  # the first occurrence wins


def test_authors_keep_tex_accents_decoded_and_typed_affiliations():
    item = (FIRST_ITEM.replace(b"2509.13332", b"2509.99999")
            .replace(b"Placeholder Author One, Placeholder Author Two",
                     "Jo\\\"el Dupont (Universit\\'e Paris Cit\\'e, France), Juan-Manuel~P\\'erez-R\\'ua, "
                     "Martin Mik\\v{s}\\'ik".encode()))
    paper = next(p for p in parse_rss(with_items(item), ("new",)).papers if p.id == "2509.99999")
    assert [a.name for a in paper.authors] == [
        "Joël Dupont (Université Paris Cité, France)", "Juan-Manuel Pérez-Rúa", "Martin Mikšík"]


def test_an_unreadable_item_is_reported_and_the_rest_kept():
    broken = (FIRST_ITEM.replace(b"oai:arXiv.org:2509.13332v1", b"something-else")
              .replace(b"arXiv:2509.13332v1", b"").replace(b"https://arxiv.org/abs/2509.13332", b""))
    listing = parse_rss(with_items(broken), ("new",))
    assert [p.id for p in listing.papers] == ["2509.13332"]
    assert len(listing.skipped) == 1 and "something-else" in listing.skipped[0]


def test_not_xml_is_a_source_error():
    with pytest.raises(SourceError, match="not valid XML"):
        parse_rss(b"<html><body>Service Unavailable", ("new",))


def test_a_feed_that_states_no_date_is_a_source_error_not_an_unexpected_one():
    undated = re.sub(rb"<pubDate>[^<]*</pubDate>", b"", SAMPLE)
    with pytest.raises(SourceError, match=r"^rss: the RSS feed states no announcement date \(no <pubDate>\)"):
        parse_rss(undated, ("new",))


def test_fetch_listing_asks_once_for_all_categories(arxiv_server: ArxivServer, client: ArxivClient):
    listing = fetch_listing(("cs.AI", "cs.CL"), ("new", "cross"), client)
    assert [s.path for s in arxiv_server.seen] == ["/rss/cs.AI+cs.CL"]
    assert arxiv_server.seen[0].headers["User-Agent"] == f"paperradar/{__version__}"
    assert listing.source == arxiv_server.rss_url + "cs.AI+cs.CL"
    assert listing.announce_date == date(2025, 9, 18)
    assert [p.id for p in listing.papers] == ["2509.13332", "2509.14001"]


def test_fetch_listing_of_a_holiday(arxiv_server: ArxivServer, client: ArxivClient):
    arxiv_server.rss = HOLIDAY
    listing = fetch_listing(("physics",), ("new",), client)
    assert listing.announce_date == date(2025, 12, 31) and listing.papers == ()


def test_control_characters_in_a_feeds_text_are_left_out():
    # XML 1.0 allows the C1 controls (&#x9b; is CSI to a terminal that reads 8-bit controls), and the text went as
    # it was to the store, the digest and `paperradar feedback list`
    title = FIRST_ITEM[FIRST_ITEM.index(b"<title>") + 7:FIRST_ITEM.index(b"</title>")]
    listing = parse_rss(SAMPLE.replace(title, b"Judges&#x9b;31m in red&#x9b;0m&#x85;again", 1), ("new",))
    assert listing.papers[0].title == "Judges31m in red0m again"
