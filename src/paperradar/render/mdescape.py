"""Escaping text for Markdown as GitHub renders it: what a title says is shown, never interpreted."""

from __future__ import annotations

import re

# Always significant inline: code spans, emphasis, links, math, strikethrough, backslash itself.
_BACKSLASHED = re.compile(r"[\\`*\[\]$~]")
# An entity reference would be decoded (e.g. `&lt;` shown as `<`), so its `&` must be escaped.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_UNDERSCORES = re.compile(r"_+")
# A heading's text ending in `#`s would lose them: GitHub reads them as the heading's optional closing sequence.
_TRAILING_HASHES = re.compile(r"#+$")
# GitHub Pages runs Jekyll's Liquid over Markdown before rendering it: an abstract's `{{p_i}` or `{%` is read as a
# tag, and the site's build fails ('Liquid syntax error'); as `&#123;` (which GitHub and kramdown show as `{`) no tag.
_LIQUID = re.compile(r"\{(?=[{%])")
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
# A line break inside Chinese text joins without a space, as a browser would show it.
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


class MdSafe(str):
    """Text already valid Markdown (built by the renderer itself), passed through unescaped."""


def one_line(text: str) -> str:
    """Collapse newlines and runs of whitespace: one Markdown line per value."""
    return _CJK_GAP.sub("", " ".join(text.split()))


def _underscores(m: re.Match[str]) -> str:
    # An underscore run between two letters or digits cannot open or close emphasis (CommonMark).
    s, i, j = m.string, m.start(), m.end()
    inside_word = 0 < i and j < len(s) and s[i - 1].isalnum() and s[j].isalnum()
    return m.group() if inside_word else "\\_" * len(m.group())


def md_escape(text: str) -> str:
    """Escape `text` so GitHub shows it literally, on one line, without touching ordinary words."""
    text = _ENTITY.sub("&amp;", one_line(text))
    text = _BACKSLASHED.sub(lambda m: "\\" + m.group(), text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _TRAILING_HASHES.sub(lambda m: "\\#" * len(m.group()), text)
    text = _LIQUID.sub("&#123;", text)
    return _UNDERSCORES.sub(_underscores, text)


def md_finalize(value: object) -> str:
    """Jinja `finalize` for Markdown templates: every `{{ value }}` is escaped unless marked MdSafe."""
    if isinstance(value, MdSafe):
        return str(value)
    return md_escape("" if value is None else str(value))
