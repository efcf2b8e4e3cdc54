"""Latency statistics: percentiles and one scenario's summary, pure functions only."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values (0 for an empty sequence).

    Nearest rank (rather than interpolation) so the figure is always a latency that was
    actually observed.
    """
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be within 0..100, got {pct}")
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return float(sorted_values[rank - 1])


def summarize(latencies_s: Sequence[float], errors: int, wall_s: float) -> dict[str, float | int]:
    """Ops, ops/s, p50 and p99 (milliseconds) of one timed run; errors are counted as ops too."""
    ordered = sorted(latencies_s)
    ops = len(ordered)
    return {
        "ops": ops,
        "errors": errors,
        "secs": round(wall_s, 3),
        "ops_s": round(ops / wall_s, 1) if wall_s > 0 else 0.0,
        "p50_ms": round(percentile(ordered, 50) * 1000, 3),
        "p99_ms": round(percentile(ordered, 99) * 1000, 3),
    }


def ratio(value: float | None, base: float | None) -> float | None:
    """value / base rounded to two places, or None when either is missing or base is zero."""
    if value is None or base is None or base == 0:
        return None
    return round(value / base, 2)
