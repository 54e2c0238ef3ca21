"""Every test gets its own data directory (PAPERRADAR_HOME moves the whole store) and its own arXiv pace file, so
no other paperradar on the machine makes a test wait."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PAPERRADAR_HOME", str(home))
    monkeypatch.delenv("PAPERRADAR_DEBUG", raising=False)
    monkeypatch.setenv("PAPERRADAR_ARXIV_PACE_FILE", str(tmp_path / "arxiv-pace"))
    return home
