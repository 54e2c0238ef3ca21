"""Offline token counting with a real BPE vocabulary shipped inside a wheel (nothing downloads)."""

from __future__ import annotations

import threading

import pytest

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
