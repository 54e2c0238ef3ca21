"""An exclusive lock on a file, held across processes (flock): arXiv's pace per machine, one run per store."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], mode: int = 0o644,
           waiting: Callable[[], None] | None = None) -> Iterator[int | None]:
    """Hold an exclusive lock on `path` (created with `mode` if missing) while inside, yielding its descriptor.

    Where no lock can be had (no fcntl, no permission, a file system without locks) it yields None and the caller
    goes on unlocked. If another process holds the lock, `waiting` is called once before waiting for it."""
    try:
        import fcntl
        fd = os.open(path, os.O_RDWR | os.O_CREAT, mode)
    except (ImportError, OSError):
        yield None
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # a file system without locks
            yield None
            return
        yield fd
    finally:
        os.close(fd)  # releases the lock
