"""The judge-noise benchmark's oracle: each batch of 50 shifted to the number of picks it really got."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from judge_noise import BATCH, shift_to_counts  # noqa: E402


def _probabilities(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def test_each_batch_is_shifted_to_the_picks_it_got_and_keeps_its_own_order():
    rng = np.random.default_rng(0)
    z = rng.normal(size=2 * BATCH + 7)
    labels = np.zeros(z.size, dtype=int)
    labels[:3] = 1  # a strict batch
    labels[BATCH:BATCH + 26] = 1  # a lenient one
    labels[2 * BATCH:] = 0  # a short last batch with no picks at all
    shifted = shift_to_counts(z, labels)
    p = _probabilities(shifted)
    assert abs(p[:BATCH].sum() - 3) < 1e-6
    assert abs(p[BATCH:2 * BATCH].sum() - 26) < 1e-6
    assert abs(p[2 * BATCH:].sum() - 0.5) < 1e-6  # none picked: pulled down as far as half a pick
    for start in (0, BATCH, 2 * BATCH):
        part = slice(start, start + BATCH)
        assert np.array_equal(np.argsort(shifted[part]), np.argsort(z[part]))
    assert shifted[BATCH:2 * BATCH].mean() > shifted[:BATCH].mean()
