"""Fixtures for the LLM tests: the reader's real profile, a real day's papers, a fake endpoint on 127.0.0.1."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from openai_server import FakeOpenAI

from paperradar.config import load_profile
from paperradar.models import LLMSettings, Paper, Profile
from paperradar.scorers.llm import Backoff, LLMScorer
from paperradar.sources.jsonl import read_jsonl

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLE_DAY = Path(__file__).resolve().parents[2] / "src" / "paperradar" / "data" / "sample-2026-02-05.jsonl"
KEY_ENV = "PAPERRADAR_TEST_LLM_KEY"


@pytest.fixture(scope="session")
def profile() -> Profile:
    return load_profile(SHARED / "profiles" / "seed-interests.toml")


@pytest.fixture(scope="session")
def day() -> list[Paper]:
    return read_jsonl(SAMPLE_DAY)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as s:
        yield s


def make_scorer(base_url: str, **overrides: object) -> LLMScorer:
    """A scorer of a local endpoint with short timeouts and millisecond backoff (Retry-After still counts)."""
    settings = LLMSettings(base_url=base_url, model="fake-model", api_key_env=KEY_ENV, concurrency=1,
                           batch_size=10, timeout_s=5.0, max_retries=3)
    settings = dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]
    return LLMScorer(settings, environ={KEY_ENV: "sk-test"}, backoff=Backoff(base_s=0.01, cap_s=5.0))
