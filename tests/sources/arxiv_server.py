"""A real HTTP server on 127.0.0.1 that speaks enough of arXiv's RSS feed and export API for tests.

It answers from the recorded responses in shared/fixtures/arxiv: API entries are cut verbatim out of the
recorded feeds and served again for any `id_list`, paged by start/max_results (at most `page_size` per
page, like arXiv's own caps), with arXiv's documented error entry for a malformed id and silence for an
unknown one. Tests queue scripted replies (a 429, a hang) that are served before the normal answers.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures" / "arxiv"

_ENTRY_RE = re.compile(r"<entry>.*?</entry>", re.DOTALL)
_ENTRY_ID_RE = re.compile(r"<id>https?://arxiv\.org/abs/(.+?)(?:v\d+)?</id>")
_WELL_FORMED_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")

_FEED_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
              'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
              "  <title>arXiv Query: {query}</title>\n"
              "  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
              "  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
              "  <opensearch:startIndex>{start}</opensearch:startIndex>\n")
# arXiv's documented answer to a malformed id (API user manual, section 3.4 Errors)
_ERROR_ENTRY = ("  <entry>\n    <id>http://arxiv.org/api/errors#incorrect_id_format_for_{bad}</id>\n"
                "    <title>Error</title>\n    <summary>incorrect id format for {bad}</summary>\n"
                "    <updated>2007-10-12T00:00:00-04:00</updated>\n"
                '    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_{bad}" rel="alternate" '
                'type="text/html"/>\n  </entry>\n')


def recorded_entries(folder: Path = FIXTURES) -> dict[str, str]:
    """Every entry of every recorded API answer, verbatim, keyed by versionless id."""
    entries: dict[str, str] = {}
    for path in sorted(folder.glob("arxiv_api_*.xml")):
        for block in _ENTRY_RE.findall(path.read_text(encoding="utf-8")):
            m = _ENTRY_ID_RE.search(block)
            if m:
                entries.setdefault(m.group(1), block)
    return entries


@dataclass
class Reply:
    """A scripted answer: a status with headers, served after `delay` seconds (a hang if longer than the timeout)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0


@dataclass
class Seen:
    at: float  # time.monotonic() when the request arrived
    path: str
    headers: dict[str, str]


class ArxivServer:
    def __init__(self, page_size: int = 10, response_delay: float = 0.0):
        self.entries = recorded_entries()
        self.rss = (FIXTURES / "arxiv_rss_cs.AI_sample.xml").read_bytes()
        self.page_size = page_size
        self.error_status = 400  # what arXiv sends with its error entry for a malformed id
        self.rejected: set[str] = set()  # ids to treat as malformed too (arXiv's rules may be stricter than ours)
        self.response_delay = response_delay  # slows every normal answer, to make overlaps visible
        self.script: deque[Reply] = deque()
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/query"

    @property
    def rss_url(self) -> str:
        return self.url + "/rss/"

    def start(self) -> ArxivServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # wake any scripted hang so its thread ends
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def api_requests(self) -> list[dict[str, list[str]]]:
        return [parse_qs(urlsplit(s.path).query) for s in self.seen if s.path.startswith("/api/")]

    def answer(self, path: str) -> Reply:
        """The normal answer to a GET, as arXiv would give it."""
        url = urlsplit(path)
        if url.path.startswith("/rss/"):
            return Reply(200, {"Content-Type": "application/rss+xml"}, self.rss)
        if url.path == "/api/query":
            status, body = self.api_answer(parse_qs(url.query))
            return Reply(status, {"Content-Type": "application/atom+xml"}, body)
        return Reply(404, body=b"not found")

    def api_answer(self, query: dict[str, list[str]]) -> tuple[int, bytes]:
        ids = [i for i in ",".join(query.get("id_list", [""])).split(",") if i]
        start = int(query.get("start", ["0"])[0])
        per_page = min(int(query.get("max_results", ["10"])[0]), self.page_size)
        head = dict(query=f"id_list={','.join(ids)}", per_page=per_page, start=start)
        bad = next((i for i in ids if not _WELL_FORMED_ID.match(i) or i in self.rejected), None)
        if bad:
            body = _FEED_HEAD.format(**head, total=1) + _ERROR_ENTRY.format(bad=bad) + "</feed>\n"
            return self.error_status, body.encode()
        known = [self.entries[k] for k in (re.sub(r"v\d+$", "", i) for i in ids) if k in self.entries]
        page = known[start:start + per_page]
        return 200, (_FEED_HEAD.format(**head, total=len(known)) + "\n".join(page) + "\n</feed>\n").encode()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.seen.append(Seen(time.monotonic(), self.path, dict(self.headers.items())))
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                    reply = server.script.popleft() if server.script else None
                try:
                    if reply is None:
                        reply = server.answer(self.path)
                        reply.delay = server.response_delay
                    if reply.delay:
                        server._released.wait(reply.delay)
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first, as a timing-out client should
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        return Handler
