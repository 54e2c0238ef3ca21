"""The Jinja environments of the renderers: templates are files in render/templates."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import quote

import jinja2

from .mdescape import MdSafe, md_finalize

TEMPLATE_DIR = Path(__file__).parent / "templates"


def _md_link(url: str) -> MdSafe:
    # A link destination must not contain spaces, '<', '>' or parentheses.
    return MdSafe(quote(url, safe=":/?#&=%.-_~+"))


def _md_anchor(slug: str) -> MdSafe:
    # A GitHub slug holds only letters, digits, marks, '-' and '_': safe as a destination as it is.
    return MdSafe("#" + slug)


@cache
def markdown_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=False,  # Markdown is escaped by md_finalize instead of HTML autoescape
        finalize=md_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["link"] = _md_link
    env.filters["anchor"] = _md_anchor
    return env


@cache
def html_env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
