"""Command line of the benchmark harness: `python -m bench --targets fogbank,moto,ministack`.

For each target it starts the server (or uses a running one given by URL), records startup
time and idle memory, runs the chosen boto3 scenarios and the raw HTTP load, reads the server's
CPU time around each, and prints JSON lines as it goes and tables at the end. The raw load is
also run against a bare uvicorn app, the ceiling fogbank's raw throughput is reported against.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from bench import procstat, rawhttp, report, scenarios, targets, workload
from bench.scenarios.base import Scenario
from bench.stats import summarize

RAW_SCENARIO = "raw.sts_get_caller_identity"
SETTLE_S = 0.5  # let a freshly started server finish its startup work before reading idle RSS
RAW_WARMUP_S = 0.5


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line (see docs/benchmarks.md for every option)."""
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument(
        "--targets",
        "--target",
        default="fogbank",
        help="comma-separated: fogbank, moto, ministack, or http://127.0.0.1:PORT (already running); "
        "ratios are against the first",
    )
    p.add_argument("--scenarios", default="*", help="comma-separated shell patterns, e.g. 'sts.*,sqs.*'")
    p.add_argument("--threads", type=int, default=4, help="client threads, each with its own boto3 client")
    load = p.add_mutually_exclusive_group()
    load.add_argument("--count", type=int, help="timed ops per scenario, over all threads")
    load.add_argument("--duration", type=float, default=1.0, help="seconds per scenario (default 1.0)")
    p.add_argument("--warmup", type=int, default=20, help="untimed ops before each scenario's timed phase")
    p.add_argument("--raw-duration", type=float, default=1.5, help="seconds of raw HTTP load per server")
    p.add_argument("--raw-connections", type=int, default=8, help="keep-alive connections of the raw load")
    p.add_argument("--no-raw", action="store_true", help="skip the raw HTTP load (and the bare app)")
    p.add_argument("--no-bare", action="store_true", help="skip the bare uvicorn app")
    p.add_argument("--json-out", help="also write every row to this file, one JSON object per line")
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = p.parse_args(argv)
    if args.count is not None:
        args.duration = None
    for name in args.targets.split(","):
        if name.startswith("http") and not name.startswith(("http://127.0.0.1:", "http://localhost:")):
            p.error(f"only local servers may be benchmarked, not {name}")
    if args.threads < 1 or args.raw_connections < 1:
        p.error("--threads and --raw-connections must be at least 1")
    return args


def _cpu(target: targets.Target) -> float | None:
    return procstat.tree_cpu_s(target.pid) if target.pid is not None else None


def _rss_mb(target: targets.Target) -> float | None:
    return round(procstat.tree_rss_bytes(target.pid) / 2**20, 1) if target.pid is not None else None


def _per_call_ms(cpu0: float | None, cpu1: float | None, calls: int) -> float | None:
    if cpu0 is None or cpu1 is None or calls <= 0:
        return None
    return round((cpu1 - cpu0) * 1000 / calls, 4)


def _resolution_ms(calls: int) -> float | None:
    """How far the CPU figure may be off: /proc counts CPU in clock ticks (10 ms usually)."""
    return round(procstat.TICK_S * 1000 / calls, 4) if calls > 0 else None


def run_scenario(target: targets.Target, scenario: Scenario, args: argparse.Namespace) -> dict[str, Any]:
    """One scenario against one target, as a result row (an `error` row if it cannot run)."""
    row: dict[str, Any] = {"target": target.name, "scenario": scenario.name, "threads": args.threads}
    before: list[float | None] = []
    try:
        res = workload.run(
            scenario,
            target.url,
            args.threads,
            args.count,
            args.duration,
            args.warmup,
            on_start=lambda: before.append(_cpu(target)),
        )
    except Exception as exc:  # a target without the service, or a failed setup, is an error row
        row["error"] = f"setup failed: {type(exc).__name__}: {exc}"[:300]
        return row
    after = _cpu(target)
    row.update(summarize(res.latencies_s, res.errors, res.wall_s))
    ops = len(res.latencies_s) + res.errors
    row["ops"] = ops
    row["ops_s"] = round(ops / res.wall_s, 1) if res.wall_s else 0.0
    row["calls_per_op"] = scenario.calls_per_op
    row["cpu_ms_per_call"] = _per_call_ms(before[0] if before else None, after, ops * scenario.calls_per_op)
    if row["cpu_ms_per_call"] is not None:
        row["cpu_resolution_ms"] = _resolution_ms(ops * scenario.calls_per_op)
    if res.errors and not res.latencies_s:
        row["error"] = f"every op failed: {res.first_error}"
    elif res.first_error:
        row["first_error"] = res.first_error
    return row


def run_raw(target: targets.Target, args: argparse.Namespace) -> dict[str, Any]:
    """The raw keep-alive HTTP load against one target, as a result row."""
    row: dict[str, Any] = {
        "target": target.name,
        "scenario": RAW_SCENARIO,
        "connections": args.raw_connections,
    }
    host, _, port = target.url.removeprefix("http://").partition(":")
    try:
        rawhttp.run(host, int(port), args.raw_connections, RAW_WARMUP_S)
        cpu0 = _cpu(target)
        res = rawhttp.run(host, int(port), args.raw_connections, args.raw_duration)
        cpu1 = _cpu(target)
    except Exception as exc:
        row["error"] = f"{type(exc).__name__}: {exc}"[:300]
        return row
    ops = len(res.latencies_s) + res.errors
    row.update(summarize(res.latencies_s, res.errors, res.wall_s))
    row["ops"] = ops
    row["ops_s"] = round(ops / res.wall_s, 1) if res.wall_s else 0.0
    row["reconnects"] = res.reconnects
    row["cpu_ms_per_call"] = _per_call_ms(cpu0, cpu1, ops)
    if row["cpu_ms_per_call"] is not None:
        row["cpu_resolution_ms"] = _resolution_ms(ops)
    if res.errors and not res.latencies_s:
        row["error"] = f"every request answered non-200 ({res.errors})"
    return row


def bench_target(
    name: str, chosen: list[Scenario], args: argparse.Namespace, out: TextIO
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Start one target, run everything against it, stop it: its scenario rows and server row."""
    server: dict[str, Any] = {"target": name, "kind": "server"}
    rows: list[dict[str, Any]] = []
    began = time.perf_counter()
    try:
        target = targets.start(name)
    except Exception as exc:
        server["error"] = f"did not start: {exc}"[:300]
        report.emit(server, out)
        return [{"target": name, "scenario": s.name, "error": "server did not start"} for s in chosen], server
    try:
        server["startup_s"] = round(target.startup_s, 3) if target.startup_s is not None else None
        time.sleep(SETTLE_S)
        server["rss_idle_mb"] = _rss_mb(target)
        for scenario in chosen:
            rows.append(run_scenario(target, scenario, args))
            report.emit(rows[-1], out)
        if not args.no_raw:
            rows.append(run_raw(target, args))
            report.emit(rows[-1], out)
        server["rss_after_mb"] = _rss_mb(target)
    finally:
        targets.stop(target)
    server["bench_s"] = round(time.perf_counter() - began, 1)
    return rows, server


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Run the benchmark; returns the process exit status (0 even when scenarios errored)."""
    args = parse_args(argv)
    if args.list:
        for s in scenarios.ALL:
            out.write(f"{s.name}\n")
        return 0
    chosen = scenarios.select(args.scenarios.split(","))
    names = args.targets.split(",")
    began = time.perf_counter()
    load_before = os.getloadavg()[0]
    scenario_rows: list[dict[str, Any]] = []
    server_rows: list[dict[str, Any]] = []
    for name in names:
        rows, server = bench_target(name, chosen, args, out)
        scenario_rows += rows
        server_rows.append(server)
        report.emit(server, out)
    if not args.no_raw and not args.no_bare:
        # The bare app answers every request with a GetCallerIdentity body, so boto3's STS
        # scenario runs against it too: the floor of server CPU for that client's load pattern.
        rows, server = bench_target("bare", [s for s in chosen if s.service == "sts"], args, out)
        scenario_rows += rows
        server_rows.append(server)
        report.emit(server, out)
        bare = next((r for r in rows if r["scenario"] == RAW_SCENARIO and "error" not in r), None)
        for s in server_rows:
            raw = next(
                (
                    r
                    for r in scenario_rows
                    if r["target"] == s["target"] and r["scenario"] == RAW_SCENARIO and "error" not in r
                ),
                None,
            )
            if bare and raw and bare["ops_s"]:
                s["raw_pct_of_bare"] = round(100 * raw["ops_s"] / bare["ops_s"], 1)
            if bare and raw and bare.get("cpu_ms_per_call") and raw.get("cpu_ms_per_call") is not None:
                s["raw_cpu_x_bare"] = round(raw["cpu_ms_per_call"] / bare["cpu_ms_per_call"], 1)
    report.add_ratios(scenario_rows, names[0])
    out.write(report.final(scenario_rows, server_rows) + "\n")
    out.write(
        f"\n{os.cpu_count()} cores; load average {load_before:.1f} at start, "
        f"{os.getloadavg()[0]:.1f} at end; run took {time.perf_counter() - began:.0f} s\n"
    )
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            for row in scenario_rows + server_rows:
                f.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
