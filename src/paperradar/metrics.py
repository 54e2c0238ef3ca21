"""Ranking quality on days with picks, computed exactly as ../shared/data/README.md defines them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


def r_precision(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Share of the picks among the top K papers, K = number of picks."""
    k = int(sum(labels))
    if k == 0:
        return float("nan")
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")[:k]
    return float(np.asarray(labels)[order].sum() / k)


def auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Probability that a random pick outranks a random non-pick, ties counting half."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    pos, neg = s[y], s[~y]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    neg_sorted = np.sort(neg)
    below = np.searchsorted(neg_sorted, pos, side="left")
    equal = np.searchsorted(neg_sorted, pos, side="right") - below
    return float((below + 0.5 * equal).sum() / (len(pos) * len(neg)))


def prefilter_recall(scores: Sequence[float], labels: Sequence[int], keep_rate: float = 0.5) -> float:
    """Share of the picks found among the top ceil(keep_rate * N) papers."""
    k = int(sum(labels))
    if k == 0:
        return float("nan")
    keep = math.ceil(keep_rate * len(scores))
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")[:keep]
    return float(np.asarray(labels)[order].sum() / k)


def field_agreement(recommended: Sequence[bool], fields: Sequence[str | None],
                    pick_fields: Sequence[str | None], labels: Sequence[int]) -> tuple[int, int]:
    """(agreeing, compared): among picks you recommend whose pick field is known, how many share it."""
    agree = compared = 0
    for rec, mine, theirs, y in zip(recommended, fields, pick_fields, labels):
        if y and rec and theirs is not None:
            compared += 1
            agree += mine == theirs
    return agree, compared


@dataclass(frozen=True)
class DayScore:
    name: str
    r_precision: float
    auc: float
    prefilter_recall: float
    field_agree: int
    field_compared: int
    recommended: int
    picks: int


def score_day(name: str, scores: Sequence[float], fields: Sequence[str | None], recommended: Sequence[bool],
              labels: Sequence[int], pick_fields: Sequence[str | None], keep_rate: float = 0.5) -> DayScore:
    agree, compared = field_agreement(recommended, fields, pick_fields, labels)
    return DayScore(name, r_precision(scores, labels), auc(scores, labels),
                    prefilter_recall(scores, labels, keep_rate), agree, compared,
                    int(sum(recommended)), int(sum(labels)))


def summary_lines(days: Sequence[DayScore]) -> list[str]:
    """Per-day lines, then the means; the caller prints `R-precision X.XXX` last. A figure a day cannot have (no
    picks, no pick recommended with a field to compare) is 'n/a'."""
    lines = [f"{'day':<12} {'N-picks':>7} {'recommended':>11} {'R-prec':>7} {'AUC':>6} {'recall@.5':>9} {'field':>6}"]
    for d in days:
        fa = d.field_agree / d.field_compared if d.field_compared else math.nan
        lines.append(f"{d.name:<12} {d.picks:>7} {d.recommended:>11} {_figure(d.r_precision):>7} {_figure(d.auc):>6} "
                     f"{_figure(d.prefilter_recall):>9} {_figure(fa):>6}")
    agree = sum(d.field_agree for d in days)
    compared = sum(d.field_compared for d in days)
    lines.append(f"mean R-precision {_figure(mean([d.r_precision for d in days]))}  "
                 f"AUC {_figure(mean([d.auc for d in days]))}  "
                 f"prefilter recall@0.5 {_figure(mean([d.prefilter_recall for d in days]))}  "
                 f"field agreement {_figure(agree / compared if compared else math.nan)} ({agree}/{compared})  "
                 f"median recommended/day {np.median([d.recommended for d in days]):.0f} "
                 f"(picks {np.median([d.picks for d in days]):.0f})")
    return lines


def mean(values: Iterable[float]) -> float:
    """The mean over the days that have the figure: NaN, with no warning, where none has it."""
    known = [v for v in values if not math.isnan(v)]
    return float(np.mean(known)) if known else math.nan


def _figure(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"
