"""The one polite HTTP client for all arXiv traffic (RSS, export API, OAI-PMH).

arXiv's terms ask for at most one request every three seconds over a single connection, from a machine.
That rule lives here and nowhere else: a module-level lock and clock are shared by every `ArxivClient` in the
process, and a locked file (`PAPERRADAR_ARXIV_PACE_FILE`, by default in the system's temporary folder) by every
paperradar process on the machine (a cron run and a reader's own command, two readers' runs), so requests are
made one at a time and each starts at least `min_interval` seconds after the previous one's answer came in (so
arXiv sees them that far apart however long one took to get there). Where the file cannot be had (no fcntl, no
permission), the pace is the process's alone. Retries with exponential backoff (honouring Retry-After, never
asking before it) also live only here.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import math
import os
import socket
import struct
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import IO, Protocol

from .. import __version__
from ..errors import ArxivUnavailable
from ..filelock import locked

DEFAULT_RSS_URL = "https://rss.arxiv.org/rss/"
DEFAULT_API_URL = "https://export.arxiv.org/api/query"
RSS_URL_ENV = "PAPERRADAR_ARXIV_RSS_URL"
API_URL_ENV = "PAPERRADAR_ARXIV_API_URL"
MAILTO_ENV = "PAPERRADAR_MAILTO"
PACE_FILE_ENV = "PAPERRADAR_ARXIV_PACE_FILE"

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ANSWER_BYTES = 64 * 2**20  # the largest RSS listing is a few MB, the largest paper's HTML page tens of MB
NOTICE_WAIT = 5.0  # seconds: a command silent for longer while it waits for arXiv looks hung at a terminal

log = logging.getLogger(__name__)

# Shared by every client: arXiv counts requests per machine, not per object.
_PACE_LOCK = threading.Lock()
_last_end: float | None = None  # time.time() when the last request this process made was over
_STAMP = struct.Struct("<d")


def reporter(problems: list[str] | None, log: logging.Logger) -> Callable[[str], None]:
    """Where a source's problem lines go, one line each: into `problems` when the caller keeps a list (it shows
    them), else the log. Never both, or a command that prints its list shows every line twice."""
    if problems is not None:
        return problems.append
    return lambda line: log.warning("%s", line)


def pace_file() -> str:
    return os.environ.get(PACE_FILE_ENV) or os.path.join(tempfile.gettempdir(), "paperradar-arxiv-pace")


class _Turn:
    """The machine's turn while it is held: when the last request any paperradar process made was over, and a place
    to record this one's. Without a pace file it knows nothing and records nothing."""

    def __init__(self, fd: int | None = None):
        self.fd = fd

    def last(self) -> float | None:
        raw = os.pread(self.fd, _STAMP.size, 0) if self.fd is not None else b""
        return _STAMP.unpack(raw)[0] if len(raw) == _STAMP.size else None

    def record(self, end: float) -> None:
        if self.fd is not None:
            os.pwrite(self.fd, _STAMP.pack(end), 0)


@contextlib.contextmanager
def _machine_turn() -> Iterator[_Turn]:
    """Wait for, and hold, an exclusive lock on the pace file; where it cannot be had, the process's pace alone."""
    with locked(pace_file(), 0o666) as fd:
        if fd is not None:
            with contextlib.suppress(OSError):  # other users' paperradar runs count too; only the owner may do this
                os.fchmod(fd, 0o666)  # the umask narrowed the mode it was created with
        yield _Turn(fd)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


class TransportError(Exception):
    """The request got no HTTP answer at all (refused, reset, timed out); `detail` is one line. `retry` is
    False where waiting will not help: a host name that does not exist (a mistyped URL, or a machine with no
    name service at all), unless the resolver itself calls the failure temporary."""

    def __init__(self, detail: str, retry: bool = True):
        self.detail = detail
        self.retry = retry
        super().__init__(detail)


class ArxivRefused(ArxivUnavailable):
    """arXiv answered with a status that retrying will not change (e.g. 400); `body` may explain why."""

    def __init__(self, url: str, attempts: int, status: int, body: bytes):
        self.body = body
        super().__init__(url, attempts, status)


class Transport(Protocol):
    """Sends one GET; returns any HTTP answer (errors included) or raises TransportError."""

    def get(self, url: str, headers: Mapping[str, str], timeout: float) -> Response: ...


class UrllibTransport:
    """The real transport: stdlib urllib, one connection per request, reading at most `max_bytes` of an answer."""

    def __init__(self, max_bytes: int = MAX_ANSWER_BYTES):
        self.max_bytes = max_bytes

    def get(self, url: str, headers: Mapping[str, str], timeout: float) -> Response:
        request = urllib.request.Request(url, headers=dict(headers), method="GET")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return Response(answer.status, dict(answer.headers.items()), self._read(answer))
        except urllib.error.HTTPError as e:
            with e:
                return Response(e.code, dict(e.headers.items()) if e.headers else {}, self._read(e))
        except (TimeoutError, socket.timeout):
            raise TransportError(f"no answer within {timeout:g} s") from None
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise TransportError(f"no answer within {timeout:g} s") from None
            if isinstance(reason, socket.gaierror):
                host = urllib.parse.urlsplit(url).hostname
                raise TransportError(_one_line(f"the host {host} could not be found ({reason.strerror}): "
                                               "is this machine offline?"),
                                     retry=reason.errno == socket.EAI_AGAIN) from None
            raise TransportError(_one_line(f"connection failed: {reason}")) from None
        except (OSError, http.client.HTTPException) as e:  # refused, reset, or a body cut short
            raise TransportError(_one_line(f"connection failed: {e}")) from None

    def _read(self, answer: IO[bytes]) -> bytes:
        """The body, unless it is larger than any arXiv feed or page: a 400 MB answer took 860 MB of memory."""
        body = answer.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise TransportError(f"the answer was larger than {self.max_bytes / 2**20:g} MB, more than any arXiv "
                                 "feed or page: stopped reading it", retry=False)
        return body


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def user_agent(mailto: str | None = None) -> str:
    """`paperradar/<version>`, plus a contact address when the user gave one."""
    return f"paperradar/{__version__}" + (f" (+mailto:{mailto})" if mailto else "")


class ArxivClient:
    """Polite GETs to arXiv: spaced, one at a time, with bounded retries and backoff.

    `min_interval` is the pause, machine-wide, between one answer and the next request (arXiv asks for 3 s).
    `backoff` is the first retry delay, doubled on each further attempt, at most `max_retry_after`; a Retry-After
    header wins, and one asking for longer than `max_retry_after` ends the request at once (never asked early).
    After `max_attempts` the request raises `ArxivUnavailable`.
    """

    def __init__(self, rss_url: str | None = None, api_url: str | None = None, *,
                 min_interval: float = 3.0, timeout: float = 30.0, max_attempts: int = 4,
                 backoff: float = 5.0, max_retry_after: float = 120.0, mailto: str | None = None,
                 transport: Transport | None = None, sleep: Callable[[float], None] = time.sleep):
        self.rss_url = rss_url or os.environ.get(RSS_URL_ENV) or DEFAULT_RSS_URL
        self.api_url = api_url or os.environ.get(API_URL_ENV) or DEFAULT_API_URL
        self.min_interval = min_interval
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.headers = {"User-Agent": user_agent(mailto or os.environ.get(MAILTO_ENV)),
                        "Accept-Encoding": "identity"}
        self.transport: Transport = transport or UrllibTransport()
        self._sleep = sleep

    def get(self, url: str, params: Mapping[str, str | int] | None = None) -> bytes:
        """The body of a 200 answer to GET `url`; raises `ArxivUnavailable` when arXiv cannot be had."""
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params, safe=':,+')}"
        status: int | None = None
        detail = ""
        for attempt in range(1, self.max_attempts + 1):
            try:
                answer = self._send_paced(url)
            except TransportError as e:
                if not e.retry:
                    raise ArxivUnavailable(url, attempt, None, e.detail) from None
                status, detail, wait = None, e.detail, self._backoff(attempt)
            else:
                if answer.status == 200:
                    return answer.body
                status, detail = answer.status, ""
                if answer.status not in RETRY_STATUSES:
                    raise ArxivRefused(url, attempt, answer.status, answer.body)
                wait = self._wait_for(answer, attempt)
                if wait > self.max_retry_after:  # asking again sooner than arXiv said would be neither polite nor heard
                    raise ArxivUnavailable(url, attempt, answer.status,
                                           f"arXiv asks to wait {_duration(wait)} before the next request")
            if attempt < self.max_attempts:
                if wait >= NOTICE_WAIT:  # on stderr where nothing configured logging: the CLI's case
                    why = f"answered HTTP {status}" if status else f"did not answer ({detail})"
                    log.warning("arXiv at %s %s: waiting %s s before asking again (attempt %d of %d)",
                                urllib.parse.urlsplit(url).netloc, why, f"{wait:.0f}", attempt + 1,
                                self.max_attempts)
                self._sleep(wait)
        raise ArxivUnavailable(url, self.max_attempts, status, detail)

    def _send_paced(self, url: str) -> Response:
        """One request, holding the process's lock and the machine's turn, started at least `min_interval` after
        the last one any paperradar process on this machine was over."""
        global _last_end
        with _PACE_LOCK, _machine_turn() as turn:
            last = max((t for t in (_last_end, turn.last()) if t is not None), default=None)
            if last is not None:
                gap = min(self.min_interval, self.min_interval - (time.time() - last))  # a clock set back waits once
                if gap > 0:
                    time.sleep(gap)  # the real clock even when tests inject `sleep`: pacing is not optional
            try:
                return self.transport.get(url, self.headers, self.timeout)
            finally:  # counted from the end: the start is not when arXiv saw it, a slow connect would bunch two up
                _last_end = time.time()
                turn.record(_last_end)

    def _wait_for(self, answer: Response, attempt: int) -> float:
        header = next((v for k, v in answer.headers.items() if k.lower() == "retry-after"), None)
        stated = retry_after_seconds(header)
        return stated if stated is not None else self._backoff(attempt)

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff * 2.0 ** (attempt - 1), self.max_retry_after)


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{math.ceil(seconds / 60)} min"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
