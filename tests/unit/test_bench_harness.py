"""Smoke tests of the benchmark harness's pure pieces, so the harness cannot silently rot."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

# bench/ is not an installed package; it is imported from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import procstat, rawhttp, report, run, scenarios  # noqa: E402
from bench.stats import percentile, ratio, summarize  # noqa: E402


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile(values, 0) == 1.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) == 0.0
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_summarize_reports_milliseconds_and_rate() -> None:
    row = summarize([0.003, 0.001, 0.002, 0.004], errors=1, wall_s=2.0)
    assert row == {"ops": 4, "errors": 1, "secs": 2.0, "ops_s": 2.0, "p50_ms": 2.0, "p99_ms": 4.0}
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(3.0, 0.0) is None and ratio(None, 1.0) is None


def test_parse_stat_handles_spaces_and_parens_in_the_command_name() -> None:
    fields = ["S", "42"] + ["0"] * 9 + ["150", "50", "30", "20"] + ["0"] * 6 + ["10"] + ["0"] * 20
    stat = procstat.parse_stat("1234 (a (b) c) " + " ".join(fields))
    tick = os.sysconf("SC_CLK_TCK")
    assert (stat.pid, stat.ppid) == (1234, 42)
    assert stat.cpu_s == pytest.approx(250 / tick)
    assert stat.rss_bytes == 10 * os.sysconf("SC_PAGE_SIZE")


def test_reads_this_process_cpu_and_memory_from_proc() -> None:
    before = procstat.tree_cpu_s(os.getpid())
    total = 0
    for n in range(3_000_000):  # burn a little CPU so the reading has to move
        total += n * n
    after = procstat.tree_cpu_s(os.getpid())
    assert total > 0
    assert after > before >= 0
    assert procstat.tree_rss_bytes(os.getpid()) > 1_000_000
    assert procstat.tree(os.getpid())[0].pid == os.getpid()
    assert procstat.tree(2**22 + 1) == []


def test_response_end_finds_complete_responses_only() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    assert rawhttp.response_end(head + b"abc") is None
    assert rawhttp.response_end(head + b"abcdeHTTP/1.1") == (len(head) + 5, 200, False)
    chunked = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n"
    assert rawhttp.response_end(chunked) is None
    assert rawhttp.response_end(chunked + b"0\r\n\r\n") == (len(chunked) + 5, 404, True)


def test_raw_request_is_a_signed_sts_query_call() -> None:
    request = rawhttp.sts_request("127.0.0.1", 4566)
    head, _, body = request.partition(b"\r\n\r\n")
    assert head.startswith(b"POST / HTTP/1.1\r\n")
    assert body == b"Action=GetCallerIdentity&Version=2011-06-15"
    assert b"/us-east-1/sts/aws4_request" in head
    assert f"Content-Length: {len(body)}".encode() in head


def test_scenarios_are_named_by_service_and_selectable() -> None:
    names = [s.name for s in scenarios.ALL]
    assert len(names) == len(set(names))
    assert all(s.name.split(".")[0] in (s.service, "lambda") for s in scenarios.ALL)
    assert [s.name for s in scenarios.select(["sqs.*"])] == ["sqs.send_message", "sqs.send_receive_delete"]
    with pytest.raises(ValueError):
        scenarios.select(["nope.*"])


def test_ratios_and_table() -> None:
    rows = [
        {"target": "a", "scenario": "s", "ops_s": 100.0, "cpu_ms_per_call": 0.5},
        {"target": "b", "scenario": "s", "ops_s": 50.0, "cpu_ms_per_call": 1.0},
        {"target": "b", "scenario": "t", "error": "setup failed: no such service"},
    ]
    report.add_ratios(rows, "a")
    assert (rows[1]["x_ops_s"], rows[1]["x_cpu"]) == (0.5, 2.0)
    text = report.table(rows, report.COLUMNS)
    assert "ERROR setup failed: no such service" in text
    out = io.StringIO()
    report.emit(rows[0], out)
    assert json.loads(out.getvalue())["target"] == "a"


def test_command_line_lists_scenarios_and_refuses_remote_targets() -> None:
    out = io.StringIO()
    assert run.main(["--list"], out=out) == 0
    assert "sts.get_caller_identity" in out.getvalue().split()
    with pytest.raises(SystemExit):
        run.parse_args(["--targets", "http://example.com:80"])
