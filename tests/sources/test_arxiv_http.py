"""The polite client, measured against a real server on 127.0.0.1."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import pytest
from arxiv_server import ArxivServer, Reply

from paperradar import __version__
from paperradar.errors import ArxivUnavailable
from paperradar.sources.http import (API_URL_ENV, RSS_URL_ENV, ArxivClient, ArxivRefused, Response,
                                     UrllibTransport, retry_after_seconds, user_agent)


def fast_client(server: ArxivServer, **options: object) -> ArxivClient:
    settings: dict = dict(min_interval=0.01, timeout=2.0, max_attempts=3, backoff=0.05)
    settings.update(options)
    return ArxivClient(server.rss_url, server.api_url, **settings)


def gaps(server: ArxivServer) -> list[float]:
    times = [s.at for s in server.seen]
    return [b - a for a, b in zip(times, times[1:])]


def test_429_with_retry_after_is_waited_out_then_succeeds(arxiv_server: ArxivServer):
    arxiv_server.script.append(Reply(429, {"Retry-After": "1"}))
    body = fast_client(arxiv_server).get(arxiv_server.rss_url + "cs.AI")
    assert body.startswith(b"<?xml") and b"<channel>" in body
    assert len(arxiv_server.seen) == 2
    assert gaps(arxiv_server)[0] >= 0.95


def test_retry_after_is_waited_and_backoff_doubles(arxiv_server: ArxivServer):
    slept: list[float] = []
    arxiv_server.script.extend([Reply(503, {"Retry-After": "90"}), Reply(502), Reply(500)])
    client = fast_client(arxiv_server, max_attempts=4, backoff=0.5, max_retry_after=120.0, sleep=slept.append)
    assert client.get(arxiv_server.rss_url + "cs.AI").startswith(b"<?xml")
    assert slept == [90.0, 1.0, 2.0]  # as arXiv asked; then 0.5 doubled per attempt (attempts 2 and 3)


def test_a_wait_of_seconds_is_said_before_it_a_short_one_is_not(arxiv_server: ArxivServer,
                                                                caplog: pytest.LogCaptureFixture):
    # a run that waits out arXiv's Retry-After in silence looks hung at a terminal
    slept: list[float] = []
    arxiv_server.script.extend([Reply(503, {"Retry-After": "90"}), Reply(429, {"Retry-After": "2"})])
    client = fast_client(arxiv_server, max_attempts=4, sleep=slept.append)
    with caplog.at_level(logging.WARNING, logger="paperradar.sources.http"):
        assert client.get(arxiv_server.rss_url + "cs.AI").startswith(b"<?xml")
    assert slept == [90.0, 2.0]
    host = arxiv_server.url.removeprefix("http://")
    assert [r.getMessage() for r in caplog.records] == [
        f"arXiv at {host} answered HTTP 503: waiting 90 s before asking again (attempt 2 of 4)"]


def test_a_retry_after_longer_than_we_wait_gives_up_rather_than_ask_early(arxiv_server: ArxivServer):
    slept: list[float] = []
    arxiv_server.script.append(Reply(503, {"Retry-After": "9999"}))
    client = fast_client(arxiv_server, max_attempts=4, max_retry_after=120.0, sleep=slept.append)
    url = arxiv_server.rss_url + "cs.AI"
    with pytest.raises(ArxivUnavailable) as caught:
        client.get(url)
    assert slept == [] and len(arxiv_server.seen) == 1
    assert str(caught.value) == (f"arXiv could not be reached at {url} after 1 attempt: HTTP 503 "
                                 "(arXiv asks to wait 2.8 h before the next request)")


def test_retry_after_as_an_http_date():
    now = datetime(2025, 9, 18, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("Thu, 18 Sep 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Thu, 18 Sep 2025 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None) is None


def test_giving_up_after_bounded_attempts_is_one_clear_line(arxiv_server: ArxivServer):
    arxiv_server.script.extend(Reply(503) for _ in range(5))
    url = arxiv_server.api_url
    with pytest.raises(ArxivUnavailable) as caught:
        fast_client(arxiv_server).get(url, {"id_list": "2104.12255"})
    e = caught.value
    assert (e.attempts, e.status) == (3, 503) and len(arxiv_server.seen) == 3
    assert str(e) == f"arXiv could not be reached at {url}?id_list=2104.12255 after 3 attempts: HTTP 503"


def test_a_hang_past_the_timeout_gives_up(arxiv_server: ArxivServer):
    arxiv_server.script.extend(Reply(200, body=b"late", delay=5.0) for _ in range(2))
    started = time.monotonic()
    with pytest.raises(ArxivUnavailable) as caught:
        fast_client(arxiv_server, timeout=0.3, max_attempts=2).get(arxiv_server.rss_url + "cs.AI")
    assert time.monotonic() - started < 2.5
    message = str(caught.value)
    assert "\n" not in message and caught.value.attempts == 2 and caught.value.status is None
    assert message.endswith("after 2 attempts: no answer within 0.3 s")


def test_connection_refused_gives_up():
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ArxivClient(f"http://127.0.0.1:{port}/rss/", min_interval=0.01, max_attempts=2, backoff=0.01)
    with pytest.raises(ArxivUnavailable, match=r"after 2 attempts: connection failed"):
        client.get(client.rss_url + "cs.AI")


def _resolver_says(monkeypatch: pytest.MonkeyPatch, errno: int, message: str) -> None:
    """The one mock here: what the name service answers can't be arranged for real on every machine."""
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(errno, message)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_host_that_does_not_exist_is_not_retried(monkeypatch: pytest.MonkeyPatch):
    """Offline with no name service, or a mistyped URL: waiting 5 + 10 + 20 s for the same answer helps nobody."""
    _resolver_says(monkeypatch, socket.EAI_NONAME, "Name or service not known")
    waits: list[float] = []
    client = ArxivClient("http://export.arxiv.example/rss/", min_interval=0.01, max_attempts=4, backoff=5.0,
                         sleep=waits.append)
    with pytest.raises(ArxivUnavailable, match=r"after 1 attempt: the host export.arxiv.example could not be "
                                               r"found \(Name or service not known\): is this machine offline\?"):
        client.get(client.rss_url + "cs.AI")
    assert waits == []


def test_a_name_service_that_calls_its_failure_temporary_is_retried(monkeypatch: pytest.MonkeyPatch):
    _resolver_says(monkeypatch, socket.EAI_AGAIN, "Temporary failure in name resolution")
    waits: list[float] = []
    client = ArxivClient("http://export.arxiv.example/rss/", min_interval=0.0, max_attempts=3, backoff=5.0,
                         sleep=waits.append)
    with pytest.raises(ArxivUnavailable, match=r"after 3 attempts: the host .* \(Temporary failure"):
        client.get(client.rss_url + "cs.AI")
    assert waits == [5.0, 10.0]


def test_a_client_error_is_not_retried(arxiv_server: ArxivServer):
    with pytest.raises(ArxivRefused) as caught:
        fast_client(arxiv_server).get(arxiv_server.url + "/nowhere")
    assert (caught.value.status, caught.value.attempts, caught.value.body) == (404, 1, b"not found")
    assert len(arxiv_server.seen) == 1


def test_two_clients_in_two_threads_share_one_pace(arxiv_server: ArxivServer):
    arxiv_server.response_delay = 0.05  # long enough that overlapping requests would be seen
    clients = [fast_client(arxiv_server, min_interval=0.2) for _ in range(2)]
    workers = [threading.Thread(target=lambda c=c: [c.get(arxiv_server.rss_url + "cs.AI") for _ in range(3)])
               for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(arxiv_server.seen) == 6
    assert arxiv_server.max_in_flight == 1
    assert min(gaps(arxiv_server)) >= 0.19


def test_two_processes_on_one_machine_share_one_pace(arxiv_server: ArxivServer, tmp_path: Path):
    # a cron run and the reader's own command at the same moment: arXiv counts the machine, not the process
    arxiv_server.response_delay = 0.05
    script = ("import sys\nfrom paperradar.sources.http import ArxivClient\n"
              "c = ArxivClient(sys.argv[1], min_interval=0.3, timeout=5)\n"
              "for _ in range(3):\n    c.get(sys.argv[1] + 'cs.AI')\n")
    env = {**os.environ, "PAPERRADAR_ARXIV_PACE_FILE": str(tmp_path / "pace")}
    runs = [subprocess.Popen([sys.executable, "-c", script, arxiv_server.rss_url], env=env) for _ in range(2)]
    assert [r.wait(timeout=60) for r in runs] == [0, 0]
    assert len(arxiv_server.seen) == 6
    assert arxiv_server.max_in_flight == 1
    assert min(gaps(arxiv_server)) >= 0.29


class SlowFirstConnect:
    """The real transport, whose first request takes `delay` seconds to reach the server (a slow connect)."""

    def __init__(self, delay: float):
        self.delay, self.real = delay, UrllibTransport()

    def get(self, url: str, headers: Mapping[str, str], timeout: float) -> Response:
        time.sleep(self.delay)
        self.delay = 0.0
        return self.real.get(url, headers, timeout)


def test_arxiv_sees_requests_the_interval_apart_even_when_one_was_slow_to_arrive(arxiv_server: ArxivServer):
    client = fast_client(arxiv_server, min_interval=0.5, transport=SlowFirstConnect(0.3))
    for _ in range(2):
        client.get(arxiv_server.rss_url + "cs.AI")
    assert gaps(arxiv_server)[0] >= 0.5


def test_default_interval_spaces_real_requests_three_seconds_apart(arxiv_server: ArxivServer):
    client = ArxivClient(arxiv_server.rss_url, arxiv_server.api_url)  # the default politeness
    assert client.min_interval == 3.0
    for _ in range(3):
        client.get(arxiv_server.rss_url + "cs.AI")
    measured = gaps(arxiv_server)
    assert len(measured) == 2 and min(measured) >= 2.95
    assert arxiv_server.seen[-1].at - arxiv_server.seen[0].at >= 5.95


def test_base_urls_come_from_the_environment(arxiv_server: ArxivServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(RSS_URL_ENV, arxiv_server.rss_url)
    monkeypatch.setenv(API_URL_ENV, arxiv_server.api_url)
    client = ArxivClient(min_interval=0.01)
    assert (client.rss_url, client.api_url) == (arxiv_server.rss_url, arxiv_server.api_url)
    monkeypatch.delenv(RSS_URL_ENV)
    monkeypatch.delenv(API_URL_ENV)
    assert (ArxivClient().rss_url, ArxivClient().api_url) == (
        "https://rss.arxiv.org/rss/", "https://export.arxiv.org/api/query")


def test_user_agent_names_paperradar_and_an_optional_contact(arxiv_server: ArxivServer):
    assert user_agent() == f"paperradar/{__version__}"
    fast_client(arxiv_server, mailto="me@example.org").get(arxiv_server.rss_url + "cs.AI")
    assert arxiv_server.seen[0].headers["User-Agent"] == f"paperradar/{__version__} (+mailto:me@example.org)"


def test_an_answer_larger_than_any_arxiv_page_is_not_read_whole(arxiv_server: ArxivServer):
    # a 400 MB answer was read whole (860 MB of memory) before the feed parser said it was not XML
    arxiv_server.script.append(Reply(200, body=b"<rss>" + b" " * 3 * 2**20 + b"</rss>"))
    client = fast_client(arxiv_server, transport=UrllibTransport(max_bytes=2**20))
    with pytest.raises(ArxivUnavailable) as caught:
        client.get(arxiv_server.rss_url + "cs.AI")
    assert len(arxiv_server.seen) == 1  # the same answer again would be no smaller
    assert str(caught.value) == (f"arXiv could not be reached at {arxiv_server.rss_url}cs.AI after 1 attempt: the "
                                 "answer was larger than 1 MB, more than any arXiv feed or page: stopped reading it")
    assert fast_client(arxiv_server, transport=UrllibTransport(max_bytes=2**20)).get(arxiv_server.rss_url + "cs.AI")
