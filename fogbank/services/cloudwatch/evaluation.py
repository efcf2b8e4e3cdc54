"""How one alarm evaluation decides a state, as the CloudWatch user guide describes it.

CloudWatch reads more periods than EvaluationPeriods (N): the evaluation range, here N + 2
periods (the guide's example reads 5 periods for N = 3). Then:

* when at least N of those periods have data, the N most recent real datapoints decide: ALARM
  when at least DatapointsToAlarm (M) of them breach, else OK; TreatMissingData plays no part;
* when fewer than N have data, the missing ones are filled as TreatMissingData says, as few as
  possible (N minus the real ones), and every real datapoint in the range counts:
  ``breaching`` fills breaching points, ``notBreaching`` fills good ones; ``missing`` judges the
  real points alone (ALARM when min(M, real) of them breach; INSUFFICIENT_DATA when there are
  none); ``ignore`` keeps the current state when there are none, and also when the real points
  breach but are fewer than M (it only leaves a state on real evidence).

These rules reproduce both tables of the guide's "evaluating an alarm" section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

OK = "OK"
ALARM = "ALARM"
INSUFFICIENT = "INSUFFICIENT_DATA"

PHRASES = {
    "GreaterThanOrEqualToThreshold": "greater than or equal to",
    "GreaterThanThreshold": "greater than",
    "LessThanThreshold": "less than",
    "LessThanOrEqualToThreshold": "less than or equal to",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside the band",
    "LessThanLowerThreshold": "less than the lower thresholds",
    "GreaterThanUpperThreshold": "greater than the upper thresholds",
}
BAND_OPERATORS = frozenset({"LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"})


@dataclass
class Point:
    """One period of the evaluation range: its start, value (None when missing) and sample count;
    ``low``/``high`` are the band around it for band operators."""

    ts: int
    value: float | None
    samples: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass
class Outcome:
    """What an evaluation decided: the new state (None: keep the current one) and the points
    that decided it, newest first, with whether each breached (None for a filled point)."""

    state: str | None
    used: list[tuple[Point, bool | None]] = field(default_factory=list)
    breaching: int = 0


def range_length(evaluation_periods: int) -> int:
    """How many periods an evaluation reads."""
    return evaluation_periods + 2


def breaches(operator: str, value: float, threshold: float | None, low: float | None = None, high: float | None = None) -> bool:
    """True when ``value`` is on the alarming side of the threshold (or band)."""
    if operator == "GreaterThanOrEqualToThreshold":
        return value >= threshold  # type: ignore[operator]
    if operator == "GreaterThanThreshold":
        return value > threshold  # type: ignore[operator]
    if operator == "LessThanThreshold":
        return value < threshold  # type: ignore[operator]
    if operator == "LessThanOrEqualToThreshold":
        return value <= threshold  # type: ignore[operator]
    if low is None or high is None:
        return False
    if operator == "LessThanLowerOrGreaterThanUpperThreshold":
        return value < low or value > high
    if operator == "LessThanLowerThreshold":
        return value < low
    return value > high


def low_sample(samples: float | None, statistic: str | None) -> bool:
    """True when a percentile's sample count is too small to be significant: fewer than
    10 / (1 - p/100) samples, as AWS documents for EvaluateLowSampleCountPercentile."""
    if not statistic or not statistic.startswith("p") or samples is None:
        return False
    p = float(statistic[1:]) / 100.0
    if p >= 1.0:
        return False
    # rounded first: 10 / (1 - 0.9) is 100.00000000000001 in binary floating point
    return samples < math.ceil(round(10.0 / (1.0 - p), 6))


def decide(points: list[Point], n: int, m: int, treat: str, operator: str, threshold: float | None,
           current: str, *, statistic: str | None = None, low_samples: str = "evaluate") -> Outcome:
    """The state an evaluation over ``points`` (oldest first, the whole range) decides."""
    real = [p for p in points if p.value is not None]
    if low_samples == "ignore" and any(low_sample(p.samples, statistic) for p in real[-n:]):
        return Outcome(None)
    if len(real) >= n:
        window = real[-n:]
        judged = [(p, breaches(operator, p.value, threshold, p.low, p.high)) for p in window]  # type: ignore[arg-type]
        bad = sum(1 for _, b in judged if b)
        return Outcome(ALARM if bad >= m else OK, list(reversed(judged)), bad)
    judged_real = [(p, breaches(operator, p.value, threshold, p.low, p.high)) for p in real]  # type: ignore[arg-type]
    bad = sum(1 for _, b in judged_real if b)
    fill = n - len(real)
    missing_points = [p for p in points if p.value is None][-fill:] if fill else []
    used = sorted([*judged_real, *((p, None) for p in missing_points)], key=lambda item: -item[0].ts)
    if treat == "breaching":
        total = bad + fill
        return Outcome(ALARM if total >= m else OK, used, total)
    if treat == "notBreaching":
        return Outcome(ALARM if bad >= m else OK, used, bad)
    if not real:
        return Outcome(INSUFFICIENT if treat == "missing" else None, used, 0)
    alarming = bad >= min(m, len(real))
    if treat == "ignore" and alarming and bad < m:
        return Outcome(None, used, bad)
    return Outcome(ALARM if alarming else OK, used, bad)
