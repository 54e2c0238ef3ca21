"""Heading anchors exactly as GitHub makes them, so links into a published README work.

GitHub (github-slugger): lowercase; drop every character that is not a letter, digit, mark, '-' or '_'
(CJK are letters, so they stay); each space becomes '-'; a repeated slug gets '-1', '-2', ... in document order.
"""

from __future__ import annotations

import re
import unicodedata

_ASCII_DROPPED = re.compile(r"[^a-z0-9 _-]")


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading whose rendered text is `text` (before de-duplication)."""
    if text.isascii():  # the common case, 10x faster than asking unicodedata about each character
        return _ASCII_DROPPED.sub("", text.lower()).replace(" ", "-")
    out = []
    for ch in text.lower():
        if ch == " ":
            out.append("-")
        elif ch in "-_" or unicodedata.category(ch)[0] in "LNM":
            out.append(ch)
    return "".join(out)


class Slugger:
    """Hands out the anchors of one document's headings in order, numbering repeats as GitHub does."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = result = github_slug(text)
        while result in self._seen:
            self._seen[base] += 1
            result = f"{base}-{self._seen[base]}"
        self._seen[result] = 0
        return result
