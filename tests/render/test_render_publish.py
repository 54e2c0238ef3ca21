"""publish(): only the files a day changes, the same site as a rebuild, and atomic replacement when something fails."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from _folder import broken_links
from _folder import front_page as _front_page
from render_samples import NOW, empty_digest, llm_zh_digest, local_en_digest, profile

from paperradar.errors import RenderError
from paperradar.models import Digest
from paperradar.render.files import read_head, write_atomic
from paperradar.render.jsonout import digest_record, recorded_entry, render_json
from paperradar.render.markdown import days_nav, render_markdown
from paperradar.render.publish import day_pages, front_date, neighbour_dates, publish, publish_all


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


FEB5, FEB6, FEB7 = (date(2026, 2, d) for d in (5, 6, 7))


def _when(digest: Digest) -> datetime:
    assert digest.facts.finished_at is not None
    return digest.facts.finished_at


def _publish_daily(out: Path) -> list[list[str]]:
    """Three days published one after another as the pipeline does; the names written each day."""
    days = [llm_zh_digest(), local_en_digest(), empty_digest()]
    written = []
    for i, d in enumerate(days):
        dates = [x.announce_date for x in days[:i + 1]]
        front = front_date(dates, [x.announce_date for x in days[:i + 1] if x.facts.papers_read])
        paths = publish(d, out, dates=dates[:-1], neighbours=days[i - 1:i], now=_when(d), front=front)
        written.append(_rel(out, paths))
    return written


def _rel(root: Path, paths: list[Path]) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in paths)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in _files(root)}


@pytest.mark.parametrize("dates, day, expected", [
    ([], FEB5, []),
    ([FEB5], FEB5, []),
    ([FEB7, FEB5], FEB6, [FEB5, FEB7]),  # a new day between two: both
    ([FEB5, FEB6, FEB7], FEB6, [FEB5, FEB7]),  # a re-run: its own date given too
    ([FEB5, FEB6], FEB7, [FEB6]),
    ([FEB6, FEB7], FEB5, [FEB6]),  # a late, older day
])
def test_neighbour_dates(dates: list[date], day: date, expected: list[date]) -> None:
    assert neighbour_dates(dates, day) == expected


def test_the_first_day_alone(tmp_path: Path) -> None:
    written = publish(llm_zh_digest(), tmp_path, now=NOW)
    assert _rel(tmp_path, written) == _files(tmp_path) == [
        "README.md", "history/2026-02-05.md", "history/README.md", "json/2026-02-05.json", "json/index.json",
        "site/2026-02-05.html", "site/archive.html", "site/index.html"]
    assert (tmp_path / "README.md").read_text() == render_markdown(llm_zh_digest(), NOW, days_nav(None, None, True))
    assert "[往期](history/README.md)" in (tmp_path / "README.md").read_text()
    page = (tmp_path / "site/index.html").read_text()
    assert page == (tmp_path / "site/2026-02-05.html").read_text()
    assert 'rel="prev"' not in page and 'rel="next"' not in page and 'href="archive.html"' in page
    assert '<li><a href="2026-02-05.html">2026-02-05</a> (5)</li>' in (tmp_path / "site/archive.html").read_text()


def test_a_new_day_writes_only_itself_its_neighbour_and_the_archive(tmp_path: Path) -> None:
    written = _publish_daily(tmp_path)
    assert written[1] == ["README.md", "history/2026-02-05.md", "history/2026-02-06.md", "history/README.md",
                          "json/2026-02-06.json", "json/index.json", "site/2026-02-05.html", "site/2026-02-06.html", "site/archive.html",
                          "site/index.html"]
    feb5 = (tmp_path / "site/2026-02-05.html").read_text()
    assert 'rel="next" href="2026-02-06.html"' in feb5
    assert "[后一天 2026-02-06 →](2026-02-06.md)" in (tmp_path / "history/2026-02-05.md").read_text()
    assert (tmp_path / "history/2026-02-06.md").read_text() == render_markdown(
        local_en_digest(), _when(local_en_digest()), days_nav(FEB5, FEB7, at_root=False))


def test_an_empty_listing_gets_its_pages_but_not_the_front_page(tmp_path: Path) -> None:
    # a weekend or a holiday: the last digest stays on README.md and index.html, where the reader catches up
    written = _publish_daily(tmp_path)
    assert written[2] == ["README.md", "history/2026-02-06.md", "history/2026-02-07.md", "history/README.md",
                          "json/2026-02-07.json", "json/index.json", "site/2026-02-06.html", "site/2026-02-07.html", "site/archive.html",
                          "site/index.html"]
    assert _front_page(tmp_path) == (tmp_path / "history/2026-02-06.md").read_text()
    feb6 = (tmp_path / "site/2026-02-06.html").read_text()
    assert 'rel="next" href="2026-02-07.html"' in feb6 and 'rel="prev" href="2026-02-05.html"' in feb6
    assert (tmp_path / "site/index.html").read_text() == feb6  # with its link to the empty day
    assert "[Next day 2026-02-07 →](history/2026-02-07.md)" in (tmp_path / "README.md").read_text()
    assert "2026-02-07" in (tmp_path / "history/2026-02-07.md").read_text()
    archive = (tmp_path / "site/archive.html").read_text()
    assert '<a href="2026-02-07.html">2026-02-07</a> (0)' in archive
    # its link to index.html called the 6th there '最新一天' (the latest day), the 7th listed right below it
    assert '<a href="index.html">首页</a>' in archive
    assert day_pages([FEB5, FEB6, FEB7], FEB7, FEB6) == (Path("history/2026-02-07.md"), Path("site/2026-02-07.html"))
    assert day_pages([FEB5, FEB6, FEB7], FEB6, FEB6) == (Path("README.md"), Path("site/index.html"))


def test_the_markdown_pages_link_the_days_before_and_after_and_a_list_of_every_day(tmp_path: Path) -> None:
    # a reader landing on README.md on GitHub had no link to history/ nor to any earlier day (the site had them)
    pytest.importorskip("cmarkgfm", reason="cmarkgfm (GitHub's cmark) renders the Markdown as GitHub does")
    _publish_daily(tmp_path)
    nav = {page: [line for line in (tmp_path / page).read_text().splitlines() if "](" in line and "·" in line]
           for page in ["README.md", "history/2026-02-05.md", "history/2026-02-06.md", "history/2026-02-07.md"]}
    assert nav == {  # the top of the page, and its end where it has papers (the empty 7th is one screen)
        "README.md": ["[← Previous day 2026-02-05](history/2026-02-05.md) · [All days](history/README.md) · "
                      "[Next day 2026-02-07 →](history/2026-02-07.md)"] * 2,
        "history/2026-02-05.md": ["[往期](README.md) · [后一天 2026-02-06 →](2026-02-06.md)"] * 2,
        "history/2026-02-06.md": ["[← Previous day 2026-02-05](2026-02-05.md) · [All days](README.md) · "
                                  "[Next day 2026-02-07 →](2026-02-07.md)"] * 2,
        "history/2026-02-07.md": ["[← 前一天 2026-02-06](2026-02-06.md) · [往期](README.md)"]}
    archive = (tmp_path / "history/README.md").read_text()
    listed = re.findall(r"^- \[([\d-]+)\]\(\1\.md\) \((\d+)\)$", archive, re.M)
    assert listed == [("2026-02-07", "0"), ("2026-02-06", "5"), ("2026-02-05", "5")]  # newest first
    assert listed == [(day, str(json.loads((tmp_path / f"json/{day}.json").read_text())["facts"]["recommended"]))
                      for day, _ in listed]
    assert listed == re.findall(r'<li><a href="([\d-]+)\.html">\1</a> \((\d+)\)</li>',
                                (tmp_path / "site/archive.html").read_text())
    assert "[首页](../README.md)" in archive  # in the language of the day published last, as the site's
    assert broken_links(tmp_path) == []


def test_json_index_lists_every_day_with_what_its_file_says(tmp_path: Path) -> None:
    # a program reading the folder had to list json/ and open every day to know its dates and counts
    _publish_daily(tmp_path)
    index = json.loads((tmp_path / "json/index.json").read_text("utf-8"))
    assert index["format"] == 1 and [d["announce_date"] for d in index["days"]] == ["2026-02-07", "2026-02-06",
                                                                                    "2026-02-05"]
    for entry in index["days"]:
        day = json.loads((tmp_path / "json" / entry["file"]).read_text("utf-8"))
        assert entry == {"announce_date": day["announce_date"], "file": f"{day['announce_date']}.json",
                         **{k: day["facts"][k] for k in ("papers_read", "recommended", "llm_judged", "scorer",
                                                         "llm_scorer", "model", "empty_listing")},
                         "profile": {"version": day["profile"]["version"], "language": day["profile"]["language"]}}
    assert [d["model"] for d in index["days"]] == [None, "gpt-4o-mini", "doubao-seed-1-6-thinking-250715"]
    # a folder an earlier version wrote, without the index, gets one listing all its days at the next publish
    (tmp_path / "json/index.json").unlink()
    publish(empty_digest(), tmp_path, [FEB5, FEB6], [local_en_digest()], now=_when(empty_digest()), front=FEB6)
    assert json.loads((tmp_path / "json/index.json").read_text("utf-8")) == index


@pytest.mark.parametrize("dates, listed, front", [
    ([FEB5, FEB6, FEB7], [FEB5, FEB6], FEB6),
    ([FEB5, FEB6, FEB7], [FEB5], FEB5),  # a long weekend
    ([FEB5, FEB6, FEB7], [FEB5, FEB6, FEB7], FEB7),
    ([FEB6, FEB7], [], FEB7),  # the first runs fell on empty days: the newest, saying so
    ([FEB7, FEB5], [FEB5, date(2026, 2, 9)], FEB5),  # a listed date not published is not a front
])
def test_front_date(dates: list[date], listed: list[date], front: date) -> None:
    assert front_date(dates, listed) == front


def test_daily_publishing_builds_the_same_site_as_a_rebuild(tmp_path: Path) -> None:
    _publish_daily(tmp_path / "daily")
    days = [llm_zh_digest(), local_en_digest(), empty_digest()]
    rebuilt = publish_all(list(reversed(days)), tmp_path / "all", now=NOW)
    assert len(rebuilt) == len(set(rebuilt)) == 14
    # counts of earlier days came from their json heads, links from the neighbours re-rendered day by day
    assert _snapshot(tmp_path / "daily") == _snapshot(tmp_path / "all")
    archive = (tmp_path / "all/site/archive.html").read_text()
    assert re.findall(r'<li><a href="([\d-]+)\.html">\1</a> \((\d+)\)</li>', archive) == [
        ("2026-02-07", "0"), ("2026-02-06", "5"), ("2026-02-05", "5")]


def test_a_rebuild_keeps_the_days_the_folder_holds_from_elsewhere(tmp_path: Path) -> None:
    # the 6th and 7th published from one data directory; a new store, holding only the 5th, rebuilt the folder with
    # `paperradar render`: the archive lost the 6th and 7th, and the front page became the 5th
    _publish_daily(tmp_path)
    (tmp_path / "history/2026-02-05.md").unlink()
    kept = _snapshot(tmp_path)
    publish_all([llm_zh_digest()], tmp_path, now=NOW)
    after = _snapshot(tmp_path)
    assert {name: after[name] for name in kept if "02-05" not in name and "archive" not in name} == {
        name: text for name, text in kept.items() if "02-05" not in name and "archive" not in name}
    assert _front_page(tmp_path) == (tmp_path / "history/2026-02-06.md").read_text()
    archive = (tmp_path / "site/archive.html").read_text()
    assert re.findall(r'<li><a href="([\d-]+)\.html">\1</a> \((\d+)\)</li>', archive) == [
        ("2026-02-07", "0"), ("2026-02-06", "5"), ("2026-02-05", "5")]
    assert 'rel="next" href="2026-02-06.html"' in (tmp_path / "site/2026-02-05.html").read_text()
    assert "[后一天 2026-02-06 →](2026-02-06.md)" in (tmp_path / "history/2026-02-05.md").read_text()
    listed = re.findall(r"^- \[([\d-]+)\]\(\1\.md\) \((\d+)\)$", (tmp_path / "history/README.md").read_text(), re.M)
    assert listed == [("2026-02-07", "0"), ("2026-02-06", "5"), ("2026-02-05", "5")]


@pytest.mark.parametrize("own_date_in_dates", [True, False])
def test_rerunning_an_older_day_rewrites_it_and_its_neighbours_not_the_front_page(
        tmp_path: Path, own_date_in_dates: bool) -> None:
    _publish_daily(tmp_path)
    rerun = _with_recommended(local_en_digest(), 2)
    dates = [FEB5, FEB6, FEB7] if own_date_in_dates else [FEB7, FEB5]
    written = publish(rerun, tmp_path, dates, [empty_digest(), llm_zh_digest()], now=NOW)
    assert _rel(tmp_path, written) == [  # README.md and index.html show the front day (by default the newest)
        "README.md", "history/2026-02-05.md", "history/2026-02-06.md", "history/2026-02-07.md", "history/README.md",
        "json/2026-02-06.json", "json/index.json", "site/2026-02-05.html", "site/2026-02-06.html", "site/2026-02-07.html",
        "site/archive.html", "site/index.html"]
    assert _front_page(tmp_path) == (tmp_path / "history/2026-02-07.md").read_text()
    assert (tmp_path / "site/index.html").read_text() == (tmp_path / "site/2026-02-07.html").read_text()
    assert "Read 6 papers automatically (4 new, 1 cross-list, 1 new version); 2 recommended." in (tmp_path / "history/2026-02-06.md").read_text()
    assert '<a href="2026-02-06.html">2026-02-06</a> (2)' in (tmp_path / "site/archive.html").read_text()
    assert json.loads((tmp_path / "json/2026-02-06.json").read_text())["facts"]["recommended"] == 2


def test_a_missing_neighbour_changes_nothing_else(tmp_path: Path) -> None:
    _publish_daily(tmp_path)
    before = _snapshot(tmp_path)
    written = publish(local_en_digest(), tmp_path, [FEB5, FEB6, FEB7], now=_when(local_en_digest()))
    assert "site/2026-02-05.html" not in _rel(tmp_path, written)
    after = _snapshot(tmp_path)
    # the same day published again at the same time: identical files, but for the archive, which speaks the
    # language of the profile publishing (these samples mix two; a real site has one profile)
    assert after.pop("site/archive.html") != before.pop("site/archive.html")
    assert after.pop("history/README.md") != before.pop("history/README.md")
    assert after == before


def test_a_day_that_is_not_a_neighbour_is_refused(tmp_path: Path) -> None:
    _publish_daily(tmp_path)
    before = _snapshot(tmp_path)
    with pytest.raises(RenderError, match="2026-02-05 is not next to 2026-02-07"):
        publish(empty_digest(), tmp_path, [FEB5, FEB6], [llm_zh_digest()], now=NOW)
    assert _snapshot(tmp_path) == before


def test_days_not_published_here_are_listed_without_invented_numbers(tmp_path: Path) -> None:
    publish(empty_digest(), tmp_path, [FEB5, FEB6], now=NOW)
    archive = (tmp_path / "site/archive.html").read_text()
    assert "<li>2026-02-06</li>" in archive and "<li>2026-02-05</li>" in archive  # no page, no json: bare dates
    assert '<li><a href="2026-02-07.html">2026-02-07</a> (0)</li>' in archive
    assert 'rel="prev"' not in (tmp_path / "site/2026-02-07.html").read_text()  # no page to go back to


def test_a_new_output_folder_gets_no_link_to_a_page_it_does_not_have(tmp_path: Path) -> None:
    # `paperradar run` published the first two days in DATA_DIR/digest, then `run --out ~/digest-repo` the third:
    # the repository's page of the second day (written for its link to the third) linked back to a first day's page
    # that only the other folder had
    _publish_daily(tmp_path / "digest")
    days = [llm_zh_digest(), local_en_digest(), empty_digest()]
    repo = tmp_path / "digest-repo"
    publish(days[2], repo, dates=[FEB5, FEB6], neighbours=days[1:2], now=_when(days[2]))
    site = repo / "site"
    assert sorted(p.name for p in site.iterdir()) == ["2026-02-06.html", "2026-02-07.html", "archive.html",
                                                      "index.html"]
    for page in site.iterdir():
        for href in re.findall(r'href="(?!https?:)([^"#]+)', page.read_text()):
            assert (site / href).exists(), f"{page.name} links to {href}, which the folder does not have"
    feb6 = (site / "2026-02-06.html").read_text()
    assert 'rel="next" href="2026-02-07.html"' in feb6 and 'rel="prev"' not in feb6
    assert "← " not in (repo / "history/2026-02-06.md").read_text()  # nor its Markdown page
    assert re.findall(r"^- \[([\d-]+)\]", (repo / "history/README.md").read_text(), re.M) == [FEB7.isoformat(),
                                                                                             FEB6.isoformat()]
    assert 'rel="prev" href="2026-02-06.html"' in (site / "2026-02-07.html").read_text()


def test_a_damaged_json_of_another_day_stops_the_publish_with_its_name(tmp_path: Path) -> None:
    _publish_daily(tmp_path)
    (tmp_path / "json/2026-02-05.json").write_text('{"format": 1, "facts": {"recom')
    before = _snapshot(tmp_path)
    with pytest.raises(RenderError, match="2026-02-05.json is not a digest JSON file"):
        publish(empty_digest(), tmp_path, [FEB5, FEB6], [local_en_digest()], now=NOW)
    assert _snapshot(tmp_path) == before


def test_the_old_history_call_still_publishes_incrementally(tmp_path: Path) -> None:
    publish_all([llm_zh_digest(), local_en_digest()], tmp_path, now=NOW)
    stale = dataclasses.replace(empty_digest(), entries=llm_zh_digest().entries)
    history = [llm_zh_digest(), local_en_digest(), stale]
    positional = publish(empty_digest(), tmp_path, history, now=NOW)  # as the pipeline calls it today
    keyword = publish(empty_digest(), tmp_path, history=history, now=NOW)
    assert _rel(tmp_path, positional) == _rel(tmp_path, keyword) == [
        "README.md", "history/2026-02-06.md", "history/2026-02-07.md", "history/README.md", "json/2026-02-07.json", "json/index.json",
        "site/2026-02-06.html", "site/2026-02-07.html", "site/archive.html", "site/index.html"]
    assert "2026-02-07</a> (0)" in (tmp_path / "site/archive.html").read_text()  # the digest replaced stale history


def test_publish_all_needs_a_digest(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="no digest"):
        publish_all([], tmp_path, now=NOW)


def test_a_failing_render_leaves_the_previous_files_untouched(tmp_path: Path) -> None:
    publish(llm_zh_digest(), tmp_path, now=NOW)
    before = _snapshot(tmp_path)
    broken = dataclasses.replace(local_en_digest(), profile=profile("en", "Mars/Olympus"))
    with pytest.raises(RenderError, match="Mars/Olympus"):
        publish(broken, tmp_path, [FEB5], [llm_zh_digest()], now=NOW)
    assert _snapshot(tmp_path) == before


def test_recorded_entry_reads_the_count_from_the_head(tmp_path: Path) -> None:
    digest = llm_zh_digest()
    path = tmp_path / "day.json"
    path.write_text(render_json(digest))
    assert recorded_entry(path)["recommended"] == 5
    head = path.read_text().split('  "papers": ')[0]
    path.write_text(head + '  "papers": [\n    {"id": "cut short')  # the papers are never parsed
    assert recorded_entry(path)["recommended"] == 5
    path.write_text(json.dumps(digest_record(dataclasses.replace(digest, entries=()))))  # one line, no papers
    assert recorded_entry(path)["recommended"] == 0
    assert recorded_entry(tmp_path / "missing.json") is None
    path.write_text('{"facts": {"recommended": "five"}}')
    with pytest.raises(RenderError, match="states 'five' recommendations"):
        recorded_entry(path)


def _with_recommended(digest: Digest, n: int) -> Digest:
    entries = tuple(dataclasses.replace(e, recommended=e.recommended and i < n) for i, e in enumerate(digest.entries))
    return dataclasses.replace(digest, entries=entries)


def _chunks_then_failure() -> Iterator[str]:
    yield "# half a new README\n"
    yield "more lines\n" * 1000
    raise RuntimeError("renderer died midway")


def test_write_atomic_failing_midway_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "README.md"
    target.write_text("old digest\n")
    with pytest.raises(RuntimeError, match="midway"):
        write_atomic(target, _chunks_then_failure())
    assert target.read_text() == "old digest\n"
    assert _files(tmp_path) == ["README.md"]


def test_write_atomic_os_error_is_a_render_error_with_the_path(tmp_path: Path) -> None:
    target = tmp_path / "site"
    (target / "index.html").mkdir(parents=True)  # a directory where the file should go: replace fails
    with pytest.raises(RenderError, match="index.html"):
        write_atomic(target / "index.html", "<html></html>")
    assert _files(tmp_path) == []


def test_write_atomic_replaces_whole_content(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.md"
    write_atomic(target, "first version, long " * 50)
    write_atomic(target, ["second", " version"])
    assert target.read_text() == "second version"
    assert _files(tmp_path) == ["deep/file.md"]


def test_written_files_are_readable_and_keep_an_existing_mode(tmp_path: Path) -> None:
    new = write_atomic(tmp_path / "new.html", "x")
    assert new.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
    kept = tmp_path / "kept.md"
    kept.write_text("old")
    kept.chmod(0o664)
    write_atomic(kept, "new")
    assert kept.stat().st_mode & 0o777 == 0o664


@pytest.mark.parametrize("first_read", [1, 3, 7, 4096])
def test_read_head_stops_before_the_first_line_starting_with_stop(tmp_path: Path, first_read: int) -> None:
    path = tmp_path / "f.txt"
    path.write_text("深度 line\n  stop not at line start: STOP\nSTOP here\nSTOP again\n", encoding="utf-8")
    assert read_head(path, "STOP", first_read) == "深度 line\n  stop not at line start: STOP\n"
    assert read_head(path, "深度", first_read) == ""
    assert read_head(path, "absent", first_read) == path.read_text(encoding="utf-8")
    assert read_head(tmp_path / "missing.txt", "STOP", first_read) is None
    path.write_bytes(b"\xff\xfe not utf-8\n")
    with pytest.raises(RenderError, match="could not read .*f.txt"):
        read_head(path, "STOP", first_read)
