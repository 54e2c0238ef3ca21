"""Hostile or odd text in titles, authors and reasons is shown, never interpreted, in Markdown and HTML."""

from __future__ import annotations

import re

import pytest
from render_samples import NOW, SCRIPT, llm_zh_digest

from paperradar.render.html import site_pages
from paperradar.render.markdown import render_markdown
from paperradar.render.mdescape import md_escape

cmarkgfm = pytest.importorskip("cmarkgfm", reason="cmarkgfm (GitHub's cmark) renders the Markdown as GitHub does")


def _github_html(md: str) -> str:
    from cmarkgfm.cmark import Options
    # UNSAFE keeps raw HTML, so any tag our escaping let through would survive into the output.
    return cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)


@pytest.mark.parametrize("plain", [
    "Chain-of-Thought: a (very) simple idea, 3.5% better! Q&A, 50/50 + more",
    "snake_case and mid__word names", "深度学习可解释性：理论与实践（综述）", "x = y - z; a.b#c",
])
def test_ordinary_text_is_left_alone(plain: str) -> None:
    assert md_escape(plain) == plain


@pytest.mark.parametrize("raw, escaped", [
    (SCRIPT, "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("a *very* [short](x) note", "a \\*very\\* \\[short\\](x) note"),
    ("_private_ `code` ~~gone~~", "\\_private\\_ \\`code\\` \\~\\~gone\\~\\~"),
    ("$k$-means \\alpha", "\\$k\\$-means \\\\alpha"),
    ("&lt; is not <", "&amp;lt; is not &lt;"),
    ("two\nlines", "two lines"),
    ("H = {{p_i} log {p_i}}, 95{%}, {{{w}}}", "H = &#123;{p_i} log {p_i}}, 95&#123;%}, &#123;&#123;{w}}}"),  # Liquid
])
def test_significant_characters_are_escaped(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


@pytest.mark.parametrize("raw", [SCRIPT, "a *very* [short](x) note", "_private_ `code` ~~gone~~", "$k$-means \\alpha",
                                 "&lt; is not <", "snake_case & co", "<img src=x onerror=alert(2)>",
                                 "Programs in C #", "Rank ##", "#",  # a heading's trailing #s would close it
                                 "H = - \\sum {{p_i}\\log {p_i}} at 95{%}"])
def test_github_shows_the_text_itself(raw: str) -> None:
    html = _github_html(f"### {md_escape(raw)}\n")
    import html as htmllib
    inner = re.fullmatch(r"<h3>(.*)</h3>\n", html, re.S)
    assert inner, html
    assert htmllib.unescape(inner.group(1)) == raw  # no tag, emphasis, code or link: just the words


def test_script_title_and_reason_are_harmless_in_markdown() -> None:
    md = render_markdown(llm_zh_digest(), NOW)
    assert SCRIPT not in md and "<script" not in md and "<img" not in md
    html = _github_html(md)
    assert "<script" not in html and "<img" not in html and "javascript:" not in re.sub(r">[^<]*<", "><", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r'href="javascript', html)


def test_script_title_and_reason_are_harmless_in_html() -> None:
    pages = site_pages([llm_zh_digest()], NOW)
    assert sorted(pages) == ["2026-02-05.html", "archive.html", "index.html"]
    for name, page in pages.items():
        assert SCRIPT not in page and "<script" not in page and "<img" not in page
        assert 'href="javascript' not in page
        assert ("&lt;script&gt;alert(1)&lt;/script&gt;" in page) == (name != "archive.html")  # the archive names no paper


def test_markdown_renders_to_the_intended_structure_on_github() -> None:
    html = _github_html(render_markdown(llm_zh_digest(), NOW))
    assert re.findall(r"<h2>(.*?)</h2>", html) == ["深度学习理论", "大模型安全与对齐", "其他"]
    quote = re.search(r"<blockquote>\n<p>(.*?)</p>\n</blockquote>", html, re.S)
    assert quote and quote.group(1).count("<br />") == 5  # six header lines, each on its own line
    # `*very*` in a title stays literal: no emphasis, no link
    assert "<h3>[Score: 8.0/10] Scaling Laws for snake_case Optimizers: a *very* [short] note</h3>" in html
