"""Function logs in CloudWatch Logs: the group, the environment's stream, START/END/REPORT lines."""

from __future__ import annotations

import base64
from typing import Any

from tests.services.lambda_.helpers import create, invoke

LOGGING_PY = """
def handler(event, context):
    print("hello from", event["n"])
    return context.log_stream_name
"""


def test_logs_reach_the_group_in_the_stream_the_function_was_told(lam: Any, aws: Any) -> None:
    logs = aws("logs")
    create(lam, "logged", {"app.py": LOGGING_PY}, MemorySize=256)
    first, stream = invoke(lam, "logged", {"n": 1}, LogType="Tail")
    second, again = invoke(lam, "logged", {"n": 2})
    assert stream == again  # one warm environment, one stream
    streams = [s["logStreamName"] for s in logs.describe_log_streams(logGroupName="/aws/lambda/logged")["logStreams"]]
    assert streams == [stream]
    lines = [e["message"] for e in logs.get_log_events(logGroupName="/aws/lambda/logged", logStreamName=stream,
                                                      startFromHead=True)["events"]]
    reports = [line for line in lines if line.startswith("REPORT RequestId: ")]
    assert len(reports) == 2 and sum(line.startswith("START RequestId: ") for line in lines) == 2
    assert sum(line.startswith("END RequestId: ") for line in lines) == 2
    assert "hello from 1" in lines and "hello from 2" in lines
    assert "Init Duration: " in reports[0] and "Init Duration: " not in reports[1]  # cold start only
    for part in ("Duration: ", "Billed Duration: ", "Memory Size: 256 MB", "Max Memory Used: "):
        assert part in reports[1]
    tail = base64.b64decode(first["LogResult"]).decode()
    assert "hello from 1" in tail and tail.splitlines()[-1] == reports[0].rstrip("\n")


def test_deleted_log_group_is_made_again(lam: Any, aws: Any) -> None:
    logs = aws("logs")
    create(lam, "regrouped", {"app.py": LOGGING_PY})
    stream = invoke(lam, "regrouped", {"n": 1})[1]
    logs.delete_log_group(logGroupName="/aws/lambda/regrouped")
    invoke(lam, "regrouped", {"n": 2})
    lines = [e["message"] for e in logs.get_log_events(logGroupName="/aws/lambda/regrouped", logStreamName=stream)["events"]]
    assert "hello from 2" in lines and "hello from 1" not in lines
