"""Raw relevance -> a 0-10 score that means the same on every day and for every profile.

The yardstick is a bundled sample of ordinary papers (a year of cs.CV/cs.LG/cs.AI/cs.RO submissions):
each profile's relevance is computed on it too, and a paper's score says where it stands among them.
A paper better than all but `share` of ordinary papers scores 7; the best of them score 10. The share is
the part of ordinary papers that are of the profile's fields (`EmbeddedScorer.recommend_share`), so one
narrow field recommends a few papers a day and seven broad ones a fifth of the day. The day being scored
never moves the scale, so a quiet day recommends few papers and a rich day many.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SHARE = 0.005  # a profile of which no ordinary paper is still recommends its very best papers
THRESHOLD = 7.0


@dataclass(frozen=True)
class Calibration:
    """Quantile knots of a profile's relevance over the background sample."""

    knots: np.ndarray  # relevance values, increasing
    scores: np.ndarray  # the score at each knot, increasing from 0 to 10

    def score(self, relevance: np.ndarray) -> np.ndarray:
        return np.interp(relevance, self.knots, self.scores)


def fit(background_relevance: np.ndarray, share: float) -> Calibration:
    """Knots at every percentile of the background; its top `share` maps linearly onto 7-10."""
    if background_relevance.size < 10:
        raise ValueError(f"a calibration needs a background of at least 10 papers, got {background_relevance.size}")
    q = np.linspace(0.0, 1.0, 201)
    knots = np.quantile(background_relevance, q)
    cut = 1.0 - share
    scores = np.where(q <= cut, THRESHOLD * q / cut, THRESHOLD + (10.0 - THRESHOLD) * (q - cut) / share)
    knots, keep = np.unique(knots, return_index=True)  # interp needs strictly increasing knots
    return Calibration(knots, scores[keep])
