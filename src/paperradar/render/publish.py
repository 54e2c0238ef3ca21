"""Publishing a day: README.md, history/DATE.md, json/DATE.json and the site, each file replaced atomically.

Everything is rendered before anything is written, so a failing render leaves the previous files untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..models import Digest
from .days import made_at, one_per_day
from .files import write_atomic
from .html import site_pages
from .jsonout import render_json
from .markdown import render_markdown


def render_files(digest: Digest, history: Sequence[Digest], now: datetime) -> dict[Path, str]:
    """Relative path -> text of every file a publish writes; `digest` replaces any history of its day."""
    days = one_per_day([*history, digest])
    current = digest.announce_date
    files: dict[Path, str] = {}
    for d in days:
        day = d.announce_date.isoformat()
        files[Path("history") / f"{day}.md"] = render_markdown(d, made_at(d, current, now))
        files[Path("json") / f"{day}.json"] = render_json(d)
    files[Path("README.md")] = files[Path("history") / f"{days[-1].announce_date.isoformat()}.md"]
    for name, page in site_pages(days, now, current).items():
        files[Path("site") / name] = page
    return files


def publish(digest: Digest, out_dir: Path, history: Sequence[Digest] = (), now: datetime | None = None) -> list[Path]:
    """Write the digest (and re-render `history`) under `out_dir`; returns the paths written.

    README.md shows the newest day among `digest` and `history`.
    """
    files = render_files(digest, history, now or datetime.now(UTC))
    return [write_atomic(Path(out_dir) / rel, text) for rel, text in files.items()]
