"""Fixtures for the sources tests: a real arXiv-speaking server on 127.0.0.1 and a fast polite client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from arxiv_server import ArxivServer

from paperradar.sources.http import ArxivClient


@pytest.fixture
def arxiv_server() -> Iterator[ArxivServer]:
    server = ArxivServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client(arxiv_server: ArxivServer) -> ArxivClient:
    """A client of the local server with small intervals: politeness is measured in one test only."""
    return ArxivClient(arxiv_server.rss_url, arxiv_server.api_url, min_interval=0.01, timeout=2.0,
                       max_attempts=3, backoff=0.05)
