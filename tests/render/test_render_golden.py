"""Markdown, HTML and JSON of the hand-made days, byte for byte against reviewed golden files."""

from __future__ import annotations

from pathlib import Path

import pytest
from render_golden import GOLDEN_DIR, assert_golden
from render_samples import NOW, empty_digest, llm_zh_digest, local_en_digest

from paperradar.render.html import site_pages
from paperradar.render.jsonout import render_json
from paperradar.render.markdown import render_markdown
from paperradar.render.publish import publish_all

CASES = {"llm-zh": llm_zh_digest, "local-en": local_en_digest, "empty-zh": empty_digest}


@pytest.mark.parametrize("name", CASES)
def test_markdown_golden(name: str) -> None:
    digest = CASES[name]()
    assert digest.facts.finished_at is not None
    assert_golden(f"{name}.md", render_markdown(digest, digest.facts.finished_at))


@pytest.mark.parametrize("name", CASES)
def test_json_golden(name: str) -> None:
    assert_golden(f"{name}.json", render_json(CASES[name]()))


def test_site_golden() -> None:
    pages = site_pages([local_en_digest(), empty_digest(), llm_zh_digest()], NOW, current=empty_digest().announce_date)
    assert sorted(pages) == ["2026-02-05.html", "2026-02-06.html", "2026-02-07.html", "archive.html", "index.html"]
    for name, html in pages.items():
        assert_golden(f"site/{name}", html)


def test_published_markdown_golden(tmp_path: Path) -> None:
    # README.md (the front day, an empty day after it) and history/README.md link as a reader on GitHub follows them
    publish_all([local_en_digest(), empty_digest(), llm_zh_digest()], tmp_path, now=NOW)
    for name in ["README.md", "history/README.md"]:
        assert_golden(f"folder/{name}", (tmp_path / name).read_text(encoding="utf-8"))


def test_missing_golden_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERRADAR_UPDATE_GOLDEN", raising=False)
    with pytest.raises(pytest.fail.Exception, match="missing"):
        assert_golden("no-such-golden.md", "text")
    assert not (GOLDEN_DIR / "no-such-golden.md").exists()
