"""The export API: recorded answers parsed, and served again by a local server for paging and errors."""

from __future__ import annotations

import re
from datetime import date

import pytest
from arxiv_server import FIXTURES, ArxivServer, Reply

from paperradar.feedback_import import arxiv_id_in
from paperradar.models import Author, Paper
from paperradar.sources.api import enrich, fetch_by_ids, parse_feed
from paperradar.sources.http import ArxivClient

QUERY_PAGES = ["arxiv_api_query_testing_start0_max10.xml", "arxiv_api_query_testing_start10_max10.xml"]
LISTED = date(2025, 9, 18)


def recorded_ids(*names: str) -> list[str]:
    """Versioned ids in the order the recorded answers list them."""
    ids: list[str] = []
    for name in names:
        ids += re.findall(r"<id>https?://arxiv\.org/abs/(\S+?)</id>", (FIXTURES / name).read_text())
    return ids


def listed(paper_id: str, **changes: object) -> Paper:
    """A paper as the RSS feed would list it: bare categories, no comment, announced today."""
    fields: dict = dict(id=paper_id, title="t", authors=(Author("Someone"),), abstract="a",
                        categories=("cs.XX",), announce_date=LISTED)
    fields.update(changes)
    return Paper(**fields)


def test_parse_the_2016_legacy_format():
    page = parse_feed((FIXTURES / "arxiv_api_legacy2016_idlist_1111.2011v2.xml").read_bytes())
    assert page.total == 1 and page.error is None
    [paper] = page.papers
    assert (paper.id, paper.version) == ("1111.2011", 2)
    assert paper.title == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    assert paper.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert paper.comment == "8 pages, 3 figures. Published version"
    assert [a.name for a in paper.authors] == ["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"]
    assert paper.abstract.startswith("Theoretical description of anisotropic systems") and "\n" not in paper.abstract
    assert paper.announce_date == date(2011, 11, 8)  # published, when no listing date is given


def test_parse_the_current_format_with_primary_category_first():
    page = parse_feed((FIXTURES / QUERY_PAGES[1]).read_bytes())
    assert (page.total, page.start, len(page.papers)) == (214881, 10, 10)
    first = page.papers[0]
    assert (first.id, first.version, first.categories) == ("2403.16981", 2, ("math.ST", "cs.IT", "stat.ML"))
    assert first.comment and first.comment.startswith("Comments welcome.")


def test_parse_the_recorded_answer_for_an_unknown_id():
    page = parse_feed((FIXTURES / "arxiv_api_idlist_invalid_0000.0000.xml").read_bytes())
    assert (page.papers, page.total, page.error) == ((), 0, None)


def test_parse_the_documented_error_entry(arxiv_server: ArxivServer):
    status, body = arxiv_server.api_answer({"id_list": ["1234.12345x"]})
    page = parse_feed(body)
    assert status == 400
    assert (page.error, page.bad_id, page.papers) == ("incorrect id format for 1234.12345x", "1234.12345x", ())


def test_fetch_follows_pages_until_total(arxiv_server: ArxivServer, client: ArxivClient):
    ids = recorded_ids(*QUERY_PAGES)
    assert len(ids) == 20
    found = fetch_by_ids(ids, client)
    assert list(found) == [re.sub(r"v\d+$", "", i) for i in ids]
    assert [found[i.split("v")[0]].version for i in ids] == [int(i.rsplit("v", 1)[1]) for i in ids]
    asked = arxiv_server.api_requests()
    assert [(q["start"], q["max_results"]) for q in asked] == [(["0"], ["100"]), (["10"], ["100"])]
    assert asked[0]["id_list"][0].split(",") == [re.sub(r"v\d+$", "", i) for i in ids]


def test_fetch_in_batches(arxiv_server: ArxivServer, client: ArxivClient):
    ids = recorded_ids(*QUERY_PAGES)
    found = fetch_by_ids(ids, client, batch_size=8)
    assert len(found) == 20
    assert [len(q["id_list"][0].split(",")) for q in arxiv_server.api_requests()] == [8, 8, 4]


def test_unknown_and_malformed_ids_are_reported_not_fatal(arxiv_server: ArxivServer, client: ArxivClient,
                                                          caplog: pytest.LogCaptureFixture):
    problems: list[str] = []
    found = fetch_by_ids(["2104.12255v1", "0000.0000", "not-an-id"], client, problems=problems)
    assert list(found) == ["2104.12255"]
    assert problems == ["not an arXiv id, not asked: 'not-an-id'", "arXiv API does not know 0000.0000"]
    assert not caplog.records  # the caller keeps and shows the lines: logged too, a command printed each twice
    assert [q["id_list"] for q in arxiv_server.api_requests()] == [["2104.12255,0000.0000"]]


def test_every_id_the_feedback_import_finds_is_asked_not_refused(arxiv_server: ArxivServer, client: ArxivClient):
    # the import and the API client read one grammar (models.ARXIV_ID): an old-style id with a subject class or a
    # hyphenated archive found in a library must reach arXiv, not stop at "not an arXiv id" (the subject class dropped:
    # math.GT/0309136 is arXiv's math/0309136)
    written = ["arXiv:2602.04264v2", "https://arxiv.org/abs/0704.0001", "math.GT/0309136",
               "http://arxiv.org/pdf/solv-int/9901001v1", "10.48550/arXiv.hep-th/9901001"]
    ids = [arxiv_id_in(text) for text in written]
    assert ids == ["2602.04264", "0704.0001", "math/0309136", "solv-int/9901001", "hep-th/9901001"]
    problems: list[str] = []
    fetch_by_ids(ids, client, problems=problems)
    assert not [p for p in problems if p.startswith("not an arXiv id")]
    assert [q["id_list"] for q in arxiv_server.api_requests()] == [[",".join(ids)]]


@pytest.mark.parametrize("status", [400, 200])
def test_an_id_arxiv_rejects_is_dropped_and_the_batch_asked_again(
        arxiv_server: ArxivServer, client: ArxivClient, status: int):
    arxiv_server.error_status = status
    arxiv_server.rejected = {"1111.2011"}
    problems: list[str] = []
    found = fetch_by_ids(["2104.12255", "1111.2011", "2202.12139"], client, problems=problems)
    assert sorted(found) == ["2104.12255", "2202.12139"]
    assert problems == ["arXiv API rejected id 1111.2011: incorrect id format for 1111.2011"]
    assert [q["id_list"] for q in arxiv_server.api_requests()] == [
        ["2104.12255,1111.2011,2202.12139"], ["2104.12255,2202.12139"]]


def test_enrich_fills_what_the_feed_lacks_and_keeps_the_listing_date(client: ArxivClient):
    feed_authors = (Author("James M. Murray"), Author("Adrian Del Maestro"), Author("Zlatko Tesanovic"))
    paper = listed("1111.2011", authors=feed_authors, categories=("cond-mat.stat-mech",), title="Feed title")
    [enriched] = enrich([paper], client)
    assert enriched.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert enriched.comment == "8 pages, 3 figures. Published version"
    assert enriched.version == 2
    assert enriched.announce_date == LISTED
    assert enriched.authors == feed_authors  # no affiliation stated, so none invented
    assert (enriched.title, enriched.abstract, enriched.announce_type) == ("Feed title", "a", "new")


def test_enrich_attaches_affiliations_only_where_the_api_states_them(
        arxiv_server: ArxivServer, client: ArxivClient):
    # the documented shape (API manual: <arxiv:affiliation> inside <author>), added to a recorded entry
    entry = arxiv_server.entries["2104.12255"]
    arxiv_server.entries["2104.12255"] = entry.replace(
        "<name>Quan Thoi Minh Nguyen</name>",
        "<name>Quan Thoi Minh Nguyen</name>\n      <arxiv:affiliation>Google</arxiv:affiliation>")
    papers = [listed("2104.12255", authors=(Author("Quan Thoi Minh Nguyen"),)), listed("2202.12139")]
    first, second = enrich(papers, client)
    assert first.authors == (Author("Quan Thoi Minh Nguyen", ("Google",)),)
    assert second.authors == (Author("Someone"),)


def test_an_affiliation_the_submitter_typed_after_a_name_is_not_stated_twice(
        arxiv_server: ArxivServer, client: ArxivClient):
    # the feed lists 'Name (Affiliation)' as typed; the API states the same text again as <arxiv:affiliation>
    entry = arxiv_server.entries["2104.12255"]
    arxiv_server.entries["2104.12255"] = entry.replace(
        "<name>Quan Thoi Minh Nguyen</name>",
        "<name>Quan Thoi Minh Nguyen</name>\n      <arxiv:affiliation>Google</arxiv:affiliation>")
    typed = (Author("Quan Thoi Minh Nguyen (Google)"),)
    [enriched] = enrich([listed("2104.12255", authors=typed)], client)
    assert enriched.authors == typed


def test_enrich_keeps_papers_the_api_does_not_know(client: ArxivClient):
    problems: list[str] = []
    papers = [listed("0000.0000"), listed("2104.12255")]
    unknown, known = enrich(papers, client, problems=problems)
    assert unknown == papers[0]
    assert known.categories == ("cs.CR",)
    assert problems == ["metadata of 1 paper not enriched: the arXiv API answered without it (0000.0000)"]


def test_a_day_the_api_answers_without_its_papers_is_one_line_not_one_per_paper(client: ArxivClient):
    # the feed just listed them, so arXiv knows them: an API answer without them is the API's hiccup
    problems: list[str] = []
    papers = [listed(f"2602.{n:05d}") for n in range(1, 31)]
    assert enrich(papers, client, batch_size=10, problems=problems) == papers
    assert problems == ["metadata of 30 papers not enriched: the arXiv API answered without them "
                        "(2602.00001, 2602.00002, 2602.00003, 2602.00004, 2602.00005, ...)"]


def test_without_a_list_the_problems_are_logged(client: ArxivClient, caplog: pytest.LogCaptureFixture):
    enrich([listed("0000.0000")], client)
    assert [r.getMessage() for r in caplog.records] == [
        "metadata of 1 paper not enriched: the arXiv API answered without it (0000.0000)"]


def test_enrich_when_arxiv_is_down_returns_the_listing_unchanged(arxiv_server: ArxivServer, client: ArxivClient):
    arxiv_server.script.extend(Reply(503) for _ in range(client.max_attempts))
    problems: list[str] = []
    papers = [listed("2104.12255"), listed("1111.2011")]
    assert enrich(papers, client, batch_size=1, problems=problems) == papers
    assert len(arxiv_server.seen) == client.max_attempts  # the second batch is not tried once arXiv is down
    assert len(problems) == 1 and problems[0].startswith("metadata of 2 papers not enriched: arXiv could not")
    assert "HTTP 503" in problems[0]


def test_enrich_goes_on_after_a_batch_arxiv_refuses(arxiv_server: ArxivServer, client: ArxivClient):
    arxiv_server.script.append(Reply(400, body=b"Bad Request"))
    problems: list[str] = []
    papers = [listed("2104.12255"), listed("1111.2011")]
    refused, enriched = enrich(papers, client, batch_size=1, problems=problems)
    assert refused == papers[0] and enriched.version == 2
    assert len(problems) == 1 and problems[0].startswith("metadata of 1 paper not enriched")
    assert "HTTP 400" in problems[0]
