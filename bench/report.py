"""Output of a run: one JSON line per result as it is measured, then a table with ratios."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from bench.stats import ratio

COLUMNS = (
    ("target", "target", 10),
    ("scenario", "scenario", 26),
    ("ops", "ops", 7),
    ("ops_s", "ops/s", 8),
    ("p50_ms", "p50 ms", 8),
    ("p99_ms", "p99 ms", 8),
    ("errors", "errors", 6),
    ("cpu_ms_per_call", "srv cpu ms/call", 15),
    ("cpu_resolution_ms", "+-", 6),
    ("x_ops_s", "x ops/s", 7),
    ("x_cpu", "x cpu", 6),
)
SERVER_COLUMNS = (
    ("target", "target", 10),
    ("startup_s", "startup s", 9),
    ("rss_idle_mb", "idle RSS MB", 11),
    ("rss_after_mb", "RSS after MB", 12),
    ("raw_pct_of_bare", "raw % of bare", 13),
    ("raw_cpu_x_bare", "raw cpu x bare", 14),
    ("bench_s", "bench s", 7),
)


def emit(row: dict[str, Any], out: TextIO) -> None:
    """Write one result as a JSON line and flush, so a long run can be followed live."""
    out.write(json.dumps(row, sort_keys=False) + "\n")
    out.flush()


def add_ratios(rows: Sequence[dict[str, Any]], base_target: str) -> None:
    """Add x_ops_s and x_cpu (value / the base target's value for the same scenario) in place."""
    base = {r["scenario"]: r for r in rows if r.get("target") == base_target and "scenario" in r}
    for row in rows:
        ref = base.get(row.get("scenario", ""))
        if ref is None or "error" in row or "error" in ref:
            continue
        row["x_ops_s"] = ratio(row.get("ops_s"), ref.get("ops_s"))
        row["x_cpu"] = ratio(row.get("cpu_ms_per_call"), ref.get("cpu_ms_per_call"))


def _cell(value: Any, width: int) -> str:
    if value is None:
        text = "-"
    elif isinstance(value, float):
        text = f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    else:
        text = str(value)
    return text[:width].rjust(width) if not isinstance(value, str) else text[:width].ljust(width)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, int]]) -> str:
    """A fixed-width text table of `rows`; a row with an `error` shows it after its name."""
    lines = [" ".join(_cell(title, width) for _, title, width in columns)]
    lines.append(" ".join("-" * width for _, _, width in columns))
    for row in rows:
        if "error" in row:
            lead = " ".join(_cell(row.get(key), width) for key, _, width in columns[:2])
            lines.append(f"{lead} ERROR {row['error'][:90]}")
        else:
            lines.append(" ".join(_cell(row.get(key), width) for key, _, width in columns))
    return "\n".join(lines)


def final(scenario_rows: Sequence[dict[str, Any]], server_rows: Sequence[dict[str, Any]]) -> str:
    """The closing report: per-scenario table, then per-server startup, memory and raw figures."""
    parts = ["", table(scenario_rows, COLUMNS)]
    if server_rows:
        parts += ["", table(server_rows, SERVER_COLUMNS)]
    return "\n".join(parts)
