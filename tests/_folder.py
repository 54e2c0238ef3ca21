"""A published digest folder as a reader walks it on GitHub: what the front page shows, and where links lead."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

from paperradar.render.anchors import Slugger


def front_page(out: Path) -> str:
    """README.md with its links as written one folder down: the same as the history/DATE.md of the day it shows."""
    return (out / "README.md").read_text(encoding="utf-8").replace("](history/", "](")


def _markdown_html(path: Path) -> str:
    import cmarkgfm  # GitHub's own cmark; the tests that call this skip without it
    return cmarkgfm.github_flavored_markdown_to_html(path.read_text(encoding="utf-8"))


def _anchors(path: Path) -> set[str]:
    if path.suffix == ".html":
        return set(re.findall(r' id="([^"]+)"', path.read_text(encoding="utf-8")))
    slugger = Slugger()  # GitHub slugs each heading as rendered, numbering repeats in order
    return {slugger.slug(html.unescape(re.sub(r"<[^>]+>", "", h)))
            for h in re.findall(r"<h[1-6]>(.*?)</h[1-6]>", _markdown_html(path))}


def broken_links(out: Path) -> list[str]:
    """Every relative link of README.md, history/*.md and site/*.html, as GitHub renders the Markdown, that leads to
    no file of the folder or to no heading of its target: 'page -> href'."""
    broken = []
    for page in sorted([*out.glob("*.md"), *out.glob("history/*.md"), *out.glob("site/*.html")]):
        rendered = _markdown_html(page) if page.suffix == ".md" else page.read_text(encoding="utf-8")
        for href in re.findall(r'<a [^>]*?href="([^"]+)"', rendered):
            path, _, fragment = unquote(html.unescape(href)).partition("#")
            if re.match(r"[a-z]+:", path):
                continue
            target = (page.parent / path) if path else page
            if not target.is_file() or (fragment and fragment not in _anchors(target)):
                broken.append(f"{page.relative_to(out)} -> {href}")
    return broken
