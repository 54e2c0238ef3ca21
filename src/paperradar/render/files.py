"""The one place the renderers touch the disk: whole files replaced atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import RenderError


_PUBLISHED_MODE = 0o644  # mkstemp makes 0600 files; a published page must be readable by a web server


def _mode(path: Path) -> int:
    """Keep the mode of the file being replaced; a new file is world-readable."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return _PUBLISHED_MODE


def write_atomic(path: Path, content: str | Iterable[str]) -> Path:
    """Write `content` (text or chunks of text) to `path` so readers see the old file or the new one, never part.

    The text goes to a temporary file in the same directory, which replaces `path` only once complete;
    if anything fails on the way, the temporary file is removed and `path` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in [content] if isinstance(content, str) else content:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(_mode(path))
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise RenderError(f"could not write {path}: {e.strerror or e}") from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def file_names(directory: Path) -> set[str]:
    """The names in `directory` (none if it does not exist yet): one listing instead of a stat per file."""
    try:
        return set(os.listdir(directory))
    except FileNotFoundError:
        return set()
    except OSError as e:
        raise RenderError(f"could not list {directory}: {e.strerror or e}") from e


def read_head(path: str | os.PathLike[str], stop: str, first_read: int = 4096) -> str | None:
    """The text of `path` before its first line starting with `stop` (all of it if none does); None if no such file.

    One read usually holds the head, so a long file costs no more than a short one.
    """
    marker = b"\n" + stop.encode("utf-8")
    try:
        with open(path, "rb") as fh:
            data = b"\n" + fh.read(first_read)  # the leading newline lets the first line match too
            while (end := data.find(marker)) < 0:
                more = fh.read(max(first_read, len(data)))
                if not more:
                    end = len(data)
                    break
                data += more
        return data[1:end + 1].decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise RenderError(f"could not read {path}: {e}") from e
