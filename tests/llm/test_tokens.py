"""Offline token counting with a real BPE vocabulary shipped inside a wheel (nothing downloads)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from tests._paths import REPO, SAMPLE_DAY, SHARED

pytest.importorskip("bpe_openai", reason="paperradar.tokens needs the bpe-openai wheel (o200k_base inside)")

from paperradar.tokens import count_tokens  # noqa: E402


def test_known_o200k_counts():
    assert count_tokens("") == 0
    assert count_tokens("hello") == 1
    assert count_tokens("Hello world") == 2
    assert count_tokens("<|endoftext|>") > 1  # a special token's text counts as plain text, never raises


def test_chinese_and_english_text_of_a_real_reason():
    reason = "利用中风患者的病灶-症状映射作为外部参考评估LLM扰动效果"
    assert 10 < count_tokens(reason) < len(reason)
    abstract = "We propose a method for efficient LLM inference with KV cache compression. " * 10
    assert 100 < count_tokens(abstract) < len(abstract.split()) * 2


def test_threads_counting_at_once_share_one_vocabulary():
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(count_tokens("paper radar"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts == [count_tokens("paper radar")] * 8


_WAITED_FOR = """
import sys, time
from openai_server import FakeOpenAI
from paperradar import tokens
from paperradar.config import load_profile
from paperradar.models import LLMSettings
from paperradar.scorers.llm import LLMScorer
from paperradar.sources.jsonl import read_jsonl

loaded = []
def until_loaded(papers):
    end = time.monotonic() + 10
    while not tokens._load.cache_info().currsize and time.monotonic() < end:
        time.sleep(0.01)
    loaded.append(tokens._load.cache_info().currsize == 1)
    return 0.0
with FakeOpenAI(latency=until_loaded) as server:
    scorer = LLMScorer(LLMSettings(base_url=server.v1_url, model="m", timeout_s=30.0), environ={})
    list(scorer.judge(read_jsonl(sys.argv[1])[:5], load_profile(sys.argv[2])))
print(loaded)
"""


def test_the_vocabulary_loads_while_the_first_answers_are_awaited():
    # it loaded when the first answer came, and the day's answers come at about the same time: every batch waited
    # for it (2.6 s to judge 167 papers at 2 s of latency without the check, 3.9-4.8 s with it)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "tests" / "llm"), str(REPO / "src")])}
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", _WAITED_FOR, str(SAMPLE_DAY),
                           str(SHARED / "profiles" / "seed-interests.toml")], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "[True]", done.stderr[-2000:]
