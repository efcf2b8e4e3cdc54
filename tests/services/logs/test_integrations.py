"""Logs with the services around it: metric filters publish to CloudWatch, subscription filters
deliver to Lambda, and Lambda functions write their output to /aws/lambda/<name>."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.services.lambda_.helpers import create, invoke
from tests.services.logs.helpers import error_of, now_ms, put, stream

SUBSCRIBER = """
import base64, gzip, json
def handler(event, context):
    doc = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    for e in doc["logEvents"]:
        print("GOT", doc["messageType"], doc["owner"], doc["logGroup"], doc["logStream"],
              ",".join(doc["subscriptionFilters"]), e["message"])
"""


def wait_for(check: Callable[[], Any], seconds: float = 30.0) -> Any:
    """Poll ``check`` until it returns something truthy (the work is asynchronous, not timed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("condition not reached")


def _stats(cw: Any, namespace: str, name: str, dims: list | None = None) -> dict[str, float]:
    now = datetime.now(UTC)
    points = cw.get_metric_statistics(Namespace=namespace, MetricName=name, Dimensions=dims or [],
                                      StartTime=now - timedelta(days=1), EndTime=now + timedelta(days=30),
                                      Period=86400, Statistics=["Sum", "SampleCount", "Maximum"])["Datapoints"]
    return {k: sum(p[k] for p in points) for k in ("Sum", "SampleCount")} | {
        "Maximum": max((p["Maximum"] for p in points), default=0.0)}


def test_metric_filters_publish_to_cloudwatch(logs: Any, aws: Any, fogbank: Any) -> None:
    cw = aws("cloudwatch")
    stream(logs)
    logs.put_metric_filter(logGroupName="g", filterName="latency", filterPattern="{ $.latency > 0 }",
                           metricTransformations=[{"metricName": "Latency", "metricNamespace": "App",
                                                   "metricValue": "$.latency", "unit": "Milliseconds"}])
    logs.put_metric_filter(logGroupName="g", filterName="bytes", filterPattern="[ip, status, bytes]",
                           metricTransformations=[{"metricName": "Bytes", "metricNamespace": "App",
                                                   "metricValue": "$bytes", "dimensions": {"Status": "$status"}}])
    logs.put_metric_filter(logGroupName="g", filterName="errors", filterPattern="ERROR",
                           metricTransformations=[{"metricName": "Errors", "metricNamespace": "App",
                                                   "metricValue": "1", "defaultValue": 0}])
    now = now_ms(fogbank)
    put(logs, [json.dumps({"latency": 120}), json.dumps({"latency": 80}), "1.1.1.1 200 500", "1.1.1.1 200 700",
               "1.1.1.1 500 9", "ERROR boom"], now - 6000)
    assert _stats(cw, "App", "Latency") == {"Sum": 200.0, "SampleCount": 2.0, "Maximum": 120.0}
    assert _stats(cw, "App", "Bytes", [{"Name": "Status", "Value": "200"}])["Sum"] == 1200.0
    assert _stats(cw, "App", "Bytes", [{"Name": "Status", "Value": "500"}])["Sum"] == 9.0
    assert _stats(cw, "App", "Errors") == {"Sum": 1.0, "SampleCount": 6.0, "Maximum": 1.0}
    described = logs.describe_metric_filters(logGroupName="g")["metricFilters"]
    assert [f["filterName"] for f in described] == ["bytes", "errors", "latency"]
    assert logs.describe_log_groups()["logGroups"][0]["metricFilterCount"] == 3
    by_metric = logs.describe_metric_filters(metricName="Errors", metricNamespace="App")["metricFilters"]
    assert [f["filterName"] for f in by_metric] == ["errors"]
    logs.delete_metric_filter(logGroupName="g", filterName="errors")
    code, _, msg = error_of(logs.delete_metric_filter, logGroupName="g", filterName="errors")
    assert (code, msg) == ("ResourceNotFoundException", "The specified metric filter does not exist.")
    code, _, _ = error_of(logs.put_metric_filter, logGroupName="g", filterName="bad", filterPattern="{ $.a = ",
                          metricTransformations=[{"metricName": "M", "metricNamespace": "N", "metricValue": "1"}])
    assert code == "InvalidParameterException"
    code, _, _ = error_of(logs.put_metric_filter, logGroupName="nope", filterName="f", filterPattern="",
                          metricTransformations=[{"metricName": "M", "metricNamespace": "N", "metricValue": "1"}])
    assert code == "ResourceNotFoundException"
    code, _, _ = error_of(logs.describe_metric_filters, metricName="Errors")
    assert code == "InvalidParameterException"
    assert len(logs.describe_metric_filters(logGroupName="g")["metricFilters"]) == 2


def test_subscription_filter_delivers_to_lambda(logs: Any, aws: Any, fogbank: Any) -> None:
    lam = aws("lambda", read_timeout=60)
    arn = create(lam, "sub", {"app.py": SUBSCRIBER})["FunctionArn"]
    stream(logs, "g", "s")
    logs.put_subscription_filter(logGroupName="g", filterName="errors", filterPattern="ERROR", destinationArn=arn)
    put(logs, ["INFO fine", "ERROR broken"], now_ms(fogbank) - 1000)
    found = wait_for(lambda: logs.filter_log_events(logGroupName="/aws/lambda/sub", filterPattern="GOT")["events"]
                     if logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/sub")["logGroups"] else None)
    assert [e["message"].strip() for e in found] == ["GOT DATA_MESSAGE 000000000000 g s errors ERROR broken"]
    filters = logs.describe_subscription_filters(logGroupName="g")["subscriptionFilters"]
    assert filters[0]["destinationArn"] == arn and filters[0]["distribution"] == "ByLogStream"
    logs.put_subscription_filter(logGroupName="g", filterName="k", filterPattern="",
                                 destinationArn="arn:aws:kinesis:us-east-1:000000000000:stream/s")
    code, _, msg = error_of(logs.put_subscription_filter, logGroupName="g", filterName="third", filterPattern="",
                            destinationArn="arn:aws:firehose:us-east-1:000000000000:deliverystream/f")
    assert (code, msg) == ("LimitExceededException", "Resource limit exceeded.")
    code, _, msg = error_of(logs.put_subscription_filter, logGroupName="g", filterName="errors", filterPattern="",
                            destinationArn=arn.replace(":sub", ":missing"))
    assert code == "InvalidParameterException" and "lambda function" in msg
    logs.delete_subscription_filter(logGroupName="g", filterName="k")
    code, _, _ = error_of(logs.delete_subscription_filter, logGroupName="g", filterName="k")
    assert code == "ResourceNotFoundException"
    assert [f["filterName"] for f in logs.describe_subscription_filters(logGroupName="g")["subscriptionFilters"]] == ["errors"]


def test_lambda_output_reaches_its_log_group(logs: Any, aws: Any) -> None:
    lam = aws("lambda", read_timeout=60)
    create(lam, "printer", {"app.py": "def handler(e, c):\n    print('hello from printer', e['n'])\n    return 1\n"})
    invoke(lam, "printer", {"n": 7})
    found = logs.filter_log_events(logGroupName="/aws/lambda/printer", filterPattern='"hello from printer"')
    assert [e["message"].strip() for e in found["events"]] == ["hello from printer 7"]
    reports = logs.filter_log_events(logGroupName="/aws/lambda/printer", filterPattern="?START ?REPORT")["events"]
    assert len(reports) == 2
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/printer")["logStreams"]
    assert len(streams) == 1 and "[$LATEST]" in streams[0]["logStreamName"]
