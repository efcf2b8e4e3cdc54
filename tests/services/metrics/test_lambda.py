"""AWS/Lambda metrics: invocations, errors, duration, concurrency and throttles per function,
version, alias and executed version; and an alarm on Errors that a throwing function drives."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.helpers import create

NS = "AWS/Lambda"
CODE = """
def handler(event, context):
    if event.get("fail"):
        raise ValueError("boom")
    return {"ok": True}
"""


@pytest.fixture
def lam(aws: Any) -> Any:
    # no retries: a retried throttle would count twice, as it does on AWS
    return aws("lambda", read_timeout=60, retries={"total_max_attempts": 1})


def call(lam: Any, name: str, fail: bool = False, **kwargs: Any) -> dict[str, Any]:
    response = lam.invoke(FunctionName=name, Payload=json.dumps({"fail": fail}).encode(), **kwargs)
    response["Payload"].read()
    return response


def test_invocations_errors_duration_per_function(lam: Any, stat: Any, minute: Any) -> None:
    create(lam, "m-fn", {"app.py": CODE})
    minute()
    call(lam, "m-fn")
    call(lam, "m-fn")
    assert call(lam, "m-fn", fail=True).get("FunctionError") == "Unhandled"
    fn = {"FunctionName": "m-fn"}
    assert stat(NS, "Invocations", fn) == (3.0, "Count")
    assert stat(NS, "Errors", fn) == (1.0, "Count")
    assert stat(NS, "Errors", fn, "SampleCount") == (3.0, "Count")  # 0 on success: Average is the error rate
    duration, unit = stat(NS, "Duration", fn, "Maximum")
    assert unit == "Milliseconds" and duration is not None and duration > 0
    assert stat(NS, "ConcurrentExecutions", fn, "Maximum") == (1.0, "Count")
    # the account-wide set has no dimensions
    assert stat(NS, "Invocations", {}) == (3.0, "Count")
    # an unqualified call counts under no Resource
    assert stat(NS, "Invocations", {**fn, "Resource": "m-fn:$LATEST"}) == (None, None)
    assert stat(NS, "Throttles", fn) == (None, None)


def test_version_alias_and_executed_version(lam: Any, stat: Any, cw: Any, minute: Any) -> None:
    create(lam, "m-ver", {"app.py": CODE})
    version = lam.publish_version(FunctionName="m-ver")["Version"]
    lam.create_alias(FunctionName="m-ver", Name="live", FunctionVersion=version)
    minute()
    call(lam, "m-ver", Qualifier=version)
    call(lam, "m-ver", Qualifier="live", fail=True)
    call(lam, "m-ver:live")
    fn = {"FunctionName": "m-ver"}
    assert stat(NS, "Invocations", fn) == (3.0, "Count")
    assert stat(NS, "Invocations", {**fn, "Resource": f"m-ver:{version}"}) == (1.0, "Count")
    assert stat(NS, "Invocations", {**fn, "Resource": "m-ver:live"}) == (2.0, "Count")
    assert stat(NS, "Errors", {**fn, "Resource": "m-ver:live"}) == (1.0, "Count")
    executed = {**fn, "Resource": "m-ver:live", "ExecutedVersion": version}
    assert stat(NS, "Invocations", executed) == (2.0, "Count")
    # ExecutedVersion applies only to alias invocations
    assert stat(NS, "Invocations", {**fn, "Resource": f"m-ver:{version}", "ExecutedVersion": version}) == (None, None)
    listed = cw.list_metrics(Namespace=NS, MetricName="Invocations", Dimensions=[{"Name": "FunctionName", "Value": "m-ver"}])
    sets = sorted(tuple(sorted(d["Name"] for d in m["Dimensions"])) for m in listed["Metrics"])
    assert sets == [("ExecutedVersion", "FunctionName", "Resource"), ("FunctionName",),
                    ("FunctionName", "Resource"), ("FunctionName", "Resource")]


def test_throttles_count_apart_from_invocations(lam: Any, stat: Any, minute: Any) -> None:
    create(lam, "m-thr", {"app.py": CODE})
    lam.put_function_concurrency(FunctionName="m-thr", ReservedConcurrentExecutions=0)
    minute()
    with pytest.raises(ClientError) as err:
        call(lam, "m-thr")
    assert err.value.response["Error"]["Code"] == "TooManyRequestsException"
    fn = {"FunctionName": "m-thr"}
    assert stat(NS, "Throttles", fn) == (1.0, "Count")
    assert stat(NS, "Invocations", fn) == (None, None)


def test_async_events_received(lam: Any, stat: Any, minute: Any) -> None:
    create(lam, "m-async", {"app.py": CODE})
    minute()
    assert lam.invoke(FunctionName="m-async", InvocationType="Event", Payload=b"{}")["StatusCode"] == 202
    assert stat(NS, "AsyncEventsReceived", {"FunctionName": "m-async"}) == (1.0, "Count")


def test_metrics_are_per_account_and_region(aws: Any, stat: Any, minute: Any) -> None:
    lam = aws("lambda", region="eu-west-1", read_timeout=60)
    create(lam, "m-elsewhere", {"app.py": CODE})
    minute()
    call(lam, "m-elsewhere")
    assert stat(NS, "Invocations", {"FunctionName": "m-elsewhere"}) == (None, None)  # us-east-1 saw nothing
    there = aws("cloudwatch", region="eu-west-1")
    listed = there.list_metrics(Namespace=NS, Dimensions=[{"Name": "FunctionName", "Value": "m-elsewhere"}])
    assert {m["MetricName"] for m in listed["Metrics"]} >= {"Invocations", "Errors", "Duration", "ConcurrentExecutions"}


def test_customers_cannot_write_aws_namespaces(cw: Any) -> None:
    with pytest.raises(ClientError) as err:
        cw.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "Errors", "Value": 1.0}])
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_throwing_function_drives_errors_alarm_to_alarm(lam: Any, cw: Any, fogbank: Any, minute: Any) -> None:
    create(lam, "m-alarm", {"app.py": CODE})
    now = minute()
    cw.put_metric_alarm(AlarmName="lambda-errors", Namespace=NS, MetricName="Errors",
                        Dimensions=[{"Name": "FunctionName", "Value": "m-alarm"}], Statistic="Sum", Period=60,
                        EvaluationPeriods=1, DatapointsToAlarm=1, Threshold=1.0,
                        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching")
    assert call(lam, "m-alarm").get("FunctionError") is None
    assert cw.describe_alarms(AlarmNames=["lambda-errors"])["MetricAlarms"][0]["StateValue"] != "ALARM"
    assert call(lam, "m-alarm", fail=True)["FunctionError"] == "Unhandled"
    fogbank.advance(math.floor(now / 60) * 60 + 65 - fogbank.advance(0))  # past the period's end
    (alarm,) = cw.describe_alarms(AlarmNames=["lambda-errors"])["MetricAlarms"]
    assert alarm["StateValue"] == "ALARM"
    stamp = datetime.fromtimestamp(math.floor(now / 60) * 60, UTC).strftime("%d/%m/%y %H:%M:%S")
    assert alarm["StateReason"] == (
        f"Threshold Crossed: 1 datapoint [1.0 ({stamp})] was greater than or equal to the threshold (1.0)."
    )
    data = json.loads(alarm["StateReasonData"])
    assert data["statistic"] == "Sum" and data["period"] == 60 and data["recentDatapoints"] == [1.0]
    # a minute of successful invocations (Errors 0) brings it back to OK; an empty minute would
    # not, since the evaluation range still holds the breaching point
    call(lam, "m-alarm")
    fogbank.advance(60)
    assert cw.describe_alarms(AlarmNames=["lambda-errors"])["MetricAlarms"][0]["StateValue"] == "OK"
