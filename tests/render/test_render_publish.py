"""publish(): which files, which day is the README, and atomic replacement when something fails."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from render_samples import NOW, empty_digest, llm_zh_digest, local_en_digest, profile

from paperradar.errors import RenderError
from paperradar.render.files import write_atomic
from paperradar.render.markdown import render_markdown
from paperradar.render.publish import publish


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_publish_writes_every_file_and_readme_is_the_newest_day(tmp_path: Path) -> None:
    written = publish(llm_zh_digest(), tmp_path, history=[local_en_digest(), empty_digest()], now=NOW)
    assert sorted(str(p.relative_to(tmp_path)) for p in written) == _files(tmp_path) == [
        "README.md",
        "history/2026-02-05.md", "history/2026-02-06.md", "history/2026-02-07.md",
        "json/2026-02-05.json", "json/2026-02-06.json", "json/2026-02-07.json",
        "site/2026-02-05.html", "site/2026-02-06.html", "site/2026-02-07.html", "site/index.html",
    ]
    assert (tmp_path / "README.md").read_text() == (tmp_path / "history/2026-02-07.md").read_text()
    assert (tmp_path / "site/index.html").read_text() == (tmp_path / "site/2026-02-07.html").read_text()
    # the day being published was made now; an older day keeps the time its run finished
    assert render_markdown(llm_zh_digest(), NOW) == (tmp_path / "history/2026-02-05.md").read_text()
    assert "Updated 2026-02-06 07:00:00 (Europe/Berlin)" in (tmp_path / "history/2026-02-06.md").read_text()
    assert json.loads((tmp_path / "json/2026-02-05.json").read_text())["announce_date"] == "2026-02-05"


def test_the_published_digest_replaces_history_of_its_day(tmp_path: Path) -> None:
    stale = dataclasses.replace(llm_zh_digest(), entries=())
    publish(llm_zh_digest(), tmp_path, history=[stale], now=NOW)
    assert "## 深度学习理论" in (tmp_path / "README.md").read_text()


def test_no_history_publishes_one_day(tmp_path: Path) -> None:
    publish(local_en_digest(), tmp_path, now=NOW)
    assert "# ArXiv daily picks - 2026-02-06" in (tmp_path / "README.md").read_text()
    assert (tmp_path / "site/index.html").exists() and (tmp_path / "json/2026-02-06.json").exists()


def test_a_failing_render_leaves_the_previous_files_untouched(tmp_path: Path) -> None:
    publish(llm_zh_digest(), tmp_path, now=NOW)
    before = {name: (tmp_path / name).read_bytes() for name in _files(tmp_path)}
    broken = dataclasses.replace(local_en_digest(), profile=profile("en", "Mars/Olympus"))
    with pytest.raises(RenderError, match="Mars/Olympus"):
        publish(broken, tmp_path, history=[llm_zh_digest()], now=NOW)
    assert {name: (tmp_path / name).read_bytes() for name in _files(tmp_path)} == before


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
