"""A day's digest as Markdown in the shape of the seed report, readable on GitHub (README.md, history/)."""

from __future__ import annotations

from datetime import datetime

from ..models import Digest
from .env import markdown_env
from .view import day_view


def render_markdown(digest: Digest, now: datetime) -> str:
    """The digest as Markdown; `now` (timezone-aware) is shown in the profile's time zone."""
    return markdown_env().get_template("digest.md.j2").render(day=day_view(digest, now))
