"""Alarms driven through their states by putting data and advancing fogbank's clock, checked
against the CloudWatch user guide's evaluation tables, with history, actions and errors."""

from __future__ import annotations

import json
import math
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

MODES = ("missing", "ignore", "breaching", "notBreaching")
RETAIN = "INSUFFICIENT_DATA"  # the state these alarms start in, which "retain" keeps

# The user guide's tables (most recent datapoint on the right; 0 good, X breaching, - missing):
# expected state per TreatMissingData mode, for Datapoints to Alarm 3 of 3, then 2 of 3.
TABLE_3_OF_3 = [
    ("0 - X - X", ("OK", "OK", "OK", "OK")),
    ("- - - - 0", ("OK", "OK", "OK", "OK")),
    ("- - - - -", ("INSUFFICIENT_DATA", RETAIN, "ALARM", "OK")),
    ("0 X X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("- - X - -", ("ALARM", RETAIN, "ALARM", "OK")),
]
TABLE_2_OF_3 = [
    ("0 - X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("0 0 X 0 X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("0 - X - -", ("OK", "OK", "ALARM", "OK")),
    ("- - - - 0", ("OK", "OK", "ALARM", "OK")),
    ("- - X - -", ("ALARM", RETAIN, "ALARM", "OK")),
]


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def alarm(cw: Any, name: str, **kwargs: Any) -> None:
    args = {"AlarmName": name, "Namespace": "App", "MetricName": "Errors", "Statistic": "Maximum", "Period": 60,
            "EvaluationPeriods": 3, "Threshold": 5.0, "ComparisonOperator": "GreaterThanThreshold", **kwargs}
    cw.put_metric_alarm(**args)


def states(cw: Any) -> dict[str, str]:
    out = {}
    for page in cw.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm", "CompositeAlarm"]):
        for a in page["MetricAlarms"] + page["CompositeAlarms"]:
            out[a["AlarmName"]] = a["StateValue"]
    return out


def put(cw: Any, when: float, value: float, dims: list[dict[str, str]] | None = None) -> None:
    cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Errors", "Value": value, "Timestamp": at(when), "Dimensions": dims or []}])


@pytest.mark.parametrize(("m", "table"), [(3, TABLE_3_OF_3), (2, TABLE_2_OF_3)], ids=["3-of-3", "2-of-3"])
def test_documented_evaluation_table(cw: Any, fogbank: Any, m: int, table: list) -> None:
    now = fogbank.advance(0)
    boundary = math.floor(now / 60) * 60 + 60  # the alarms' first evaluation
    for row, (pattern, _) in enumerate(table):
        dims = [{"Name": "Row", "Value": str(row)}]
        for i, mark in enumerate(pattern.split()):
            if mark != "-":  # the five periods before the evaluation, oldest first
                put(cw, boundary - 300 + i * 60 + 1, 10.0 if mark == "X" else 1.0, dims)
        for mode in MODES:
            alarm(cw, f"{row}-{mode}", Dimensions=dims, DatapointsToAlarm=m, TreatMissingData=mode)
    assert set(states(cw).values()) == {"INSUFFICIENT_DATA"}
    fogbank.advance(boundary - fogbank.advance(0) + 1)
    seen = states(cw)
    for row, (pattern, expected) in enumerate(table):
        got = tuple(seen[f"{row}-{mode}"] for mode in MODES)
        assert got == expected, f"{pattern}: {got}"


# 3 of 5 driven minute by minute: breaching X X X, good 0 0 0, then nothing.
PATTERN = ["X", "X", "X", "0", "0", "0", "-", "-", "-", "-", "-", "-", "-"]
SEQUENCES = {
    "missing":      "A A A A A O O O O O O O I",
    "ignore":       "I I A A A O O O O O O O O",
    "breaching":    "A A A A A O O O O O A A A",
    "notBreaching": "O O A A A O O O O O O O O",
}
LETTER = {"A": "ALARM", "O": "OK", "I": "INSUFFICIENT_DATA"}


@pytest.mark.parametrize("mode", MODES)
def test_three_of_five_through_the_clock(cw: Any, minute: Any, mode: str) -> None:
    now = minute()
    alarm(cw, "three-of-five", EvaluationPeriods=5, DatapointsToAlarm=3, TreatMissingData=mode)
    seen = []
    for mark in PATTERN:
        if mark != "-":
            put(cw, now, 10.0 if mark == "X" else 1.0)
        now = minute()  # into the next minute: the minute just ended has been evaluated
        seen.append(states(cw)["three-of-five"])
    assert seen == [LETTER[c] for c in SEQUENCES[mode].split()]
    history = cw.describe_alarm_history(AlarmName="three-of-five", HistoryItemType="StateUpdate", ScanBy="TimestampAscending")
    transitions = [json.loads(h["HistoryData"])["newState"]["stateValue"] for h in history["AlarmHistoryItems"]]
    changes = [s for i, s in enumerate(["INSUFFICIENT_DATA", *seen]) if i and s != ["INSUFFICIENT_DATA", *seen][i - 1]]
    assert transitions == changes


def test_state_reason_and_reason_data(cw: Any, minute: Any) -> None:
    now = minute()
    alarm(cw, "r", EvaluationPeriods=2, DatapointsToAlarm=2, Statistic="Average")
    put(cw, now - 60, 7.0)
    put(cw, now, 9.0)
    minute()
    (a,) = cw.describe_alarms(AlarmNames=["r"])["MetricAlarms"]
    assert a["StateValue"] == "ALARM"
    assert a["StateReason"].startswith("Threshold Crossed: 2 out of the last 2 datapoints [9.0 (")
    assert a["StateReason"].endswith("were greater than the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition).")
    data = json.loads(a["StateReasonData"])
    assert data["version"] == "1.0" and data["statistic"] == "Average" and data["period"] == 60 and data["threshold"] == 5.0
    assert data["recentDatapoints"] == [7.0, 9.0]
    assert [p["value"] for p in data["evaluatedDatapoints"]] == [9.0, 7.0]
    assert data["evaluatedDatapoints"][0]["timestamp"].endswith(":00.000+0000")
    assert a["StateTransitionedTimestamp"] == a["StateUpdatedTimestamp"]


def test_insufficient_data_reason(cw: Any, minute: Any) -> None:
    minute()
    alarm(cw, "empty", EvaluationPeriods=1)
    cw.set_alarm_state(AlarmName="empty", StateValue="OK", StateReason="manual")
    assert states(cw)["empty"] == "OK"
    minute()
    (a,) = cw.describe_alarms(AlarmNames=["empty"])["MetricAlarms"]
    assert a["StateValue"] == "INSUFFICIENT_DATA"
    assert a["StateReason"] == "Insufficient Data: 1 datapoint was unknown."


def test_set_alarm_state_lasts_until_the_next_evaluation(cw: Any, minute: Any) -> None:
    now = minute()
    alarm(cw, "s", EvaluationPeriods=1)
    put(cw, now, 1.0)
    minute()
    assert states(cw)["s"] == "OK"
    cw.set_alarm_state(AlarmName="s", StateValue="ALARM", StateReason="testing", StateReasonData='{"why": "test"}')
    (a,) = cw.describe_alarms(AlarmNames=["s"])["MetricAlarms"]
    assert (a["StateValue"], a["StateReason"], a["StateReasonData"]) == ("ALARM", "testing", '{"why": "test"}')
    minute()
    assert states(cw)["s"] == "OK"
    with pytest.raises(ClientError) as exc:
        cw.set_alarm_state(AlarmName="s", StateValue="ALARM", StateReason="x", StateReasonData="not json")
    assert exc.value.response["Error"]["Code"] == "InvalidFormat"
    with pytest.raises(ClientError) as exc:
        cw.set_alarm_state(AlarmName="nope", StateValue="ALARM", StateReason="x")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFound"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_percentile_alarm_ignores_low_sample_counts(cw: Any, minute: Any) -> None:
    now = minute()
    cw.put_metric_alarm(AlarmName="p", Namespace="App", MetricName="Errors", ExtendedStatistic="p90", Period=60,
                        EvaluationPeriods=1, Threshold=5.0, ComparisonOperator="GreaterThanThreshold",
                        EvaluateLowSampleCountPercentile="ignore")
    cw.put_metric_alarm(AlarmName="p-eval", Namespace="App", MetricName="Errors", ExtendedStatistic="p90", Period=60,
                        EvaluationPeriods=1, Threshold=5.0, ComparisonOperator="GreaterThanThreshold")
    put(cw, now, 10.0)  # one sample: p90 needs 100 to be significant
    minute()
    seen = states(cw)
    assert seen["p"] == "INSUFFICIENT_DATA" and seen["p-eval"] == "ALARM"
    now = minute()
    cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Errors", "Values": [10.0], "Counts": [100.0], "Timestamp": at(now)}])
    minute()
    assert states(cw)["p"] == "ALARM"


def test_metric_math_alarm(cw: Any, minute: Any) -> None:
    now = minute()
    cw.put_metric_alarm(AlarmName="ratio", EvaluationPeriods=1, Threshold=0.5, ComparisonOperator="GreaterThanOrEqualToThreshold",
                        Metrics=[
                            {"Id": "errors", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Errors"}, "Period": 60, "Stat": "Sum"}, "ReturnData": False},
                            {"Id": "calls", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Calls"}, "Period": 60, "Stat": "Sum"}, "ReturnData": False},
                            {"Id": "rate", "Expression": "errors / calls", "ReturnData": True},
                        ])
    put(cw, now, 3.0)
    cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Calls", "Value": 4.0, "Timestamp": at(now)}])
    minute()
    (a,) = cw.describe_alarms(AlarmNames=["ratio"])["MetricAlarms"]
    assert a["StateValue"] == "ALARM" and a["Metrics"][2]["Expression"] == "errors / calls"
    assert "0.75" in a["StateReason"]


def test_math_alarm_that_cannot_be_evaluated_never_breaks_describe(cw: Any, minute: Any) -> None:
    stat = {"Id": "m", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Errors"}, "Period": 60, "Stat": "Sum"},
            "ReturnData": False}
    with pytest.raises(ClientError) as exc:  # a function fogbank cannot evaluate is refused at once
        cw.put_metric_alarm(AlarmName="band", EvaluationPeriods=1, ComparisonOperator="GreaterThanUpperThreshold",
                            ThresholdMetricId="ad", Metrics=[stat, {"Id": "ad", "Expression": "NO_SUCH_FUNCTION(m, 2)"}])
    assert exc.value.response["Error"]["Code"] == "ValidationError"
    assert "Unknown function: NO_SUCH_FUNCTION" in exc.value.response["Error"]["Message"]
    # an expression that parses but fails on the data is evaluated as missing data
    cw.put_metric_alarm(AlarmName="odd", EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
                        TreatMissingData="breaching", Metrics=[stat, {"Id": "e", "Expression": "MAX([m, 1])"}])
    now = minute()
    put(cw, now, 3.0)
    minute()
    assert states(cw) == {"odd": "ALARM"}


def test_composite_alarm_follows_its_children(cw: Any, minute: Any) -> None:
    now = minute()
    alarm(cw, "child-a", EvaluationPeriods=1)
    alarm(cw, "child-b", EvaluationPeriods=1, MetricName="Other")
    cw.put_composite_alarm(AlarmName="both", AlarmRule='ALARM("child-a") AND ALARM(child-b)')
    cw.put_composite_alarm(AlarmName="either", AlarmRule="ALARM(child-a) OR ALARM(child-b)")
    put(cw, now, 10.0)
    minute()
    seen = states(cw)
    assert (seen["child-a"], seen["child-b"], seen["both"], seen["either"]) == ("ALARM", "INSUFFICIENT_DATA", "OK", "ALARM")
    (composite,) = cw.describe_alarms(AlarmNames=["either"], AlarmTypes=["CompositeAlarm"])["CompositeAlarms"]
    assert "child-a transitioned to ALARM" in composite["StateReason"]
    assert json.loads(composite["StateReasonData"])["triggeringAlarms"]
    children = cw.describe_alarms(ChildrenOfAlarmName="both")
    assert sorted(a["AlarmName"] for a in children["MetricAlarms"]) == ["child-a", "child-b"]
    parents = cw.describe_alarms(ParentsOfAlarmName="child-a")
    assert sorted(a["AlarmName"] for a in parents["CompositeAlarms"]) == ["both", "either"]
    # only metric alarms when AlarmTypes is not given
    assert cw.describe_alarms()["CompositeAlarms"] == []
    with pytest.raises(ClientError) as exc:
        cw.put_composite_alarm(AlarmName="bad", AlarmRule="ALARM(child-a) AND")
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        cw.put_composite_alarm(AlarmName="bad", AlarmRule="ALARM(ghost)")
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_history_and_configuration_updates(cw: Any, minute: Any) -> None:
    minute()
    alarm(cw, "h", EvaluationPeriods=1, AlarmDescription="first")
    alarm(cw, "h", EvaluationPeriods=1, AlarmDescription="second")
    items = cw.describe_alarm_history(AlarmName="h", HistoryItemType="ConfigurationUpdate")["AlarmHistoryItems"]
    assert [i["HistorySummary"] for i in items] == ['Alarm "h" updated', 'Alarm "h" created']
    (a,) = cw.describe_alarms(AlarmNames=["h"])["MetricAlarms"]
    assert a["AlarmDescription"] == "second"
    cw.delete_alarms(AlarmNames=["h"])
    assert states(cw) == {}
    with pytest.raises(ClientError) as exc:
        cw.delete_alarms(AlarmNames=["h"])
    assert exc.value.response["Error"]["Code"] == "ResourceNotFound"


def test_describe_filters_and_pages(cw: Any, minute: Any) -> None:
    minute()
    for i in range(5):
        alarm(cw, f"page-{i}", EvaluationPeriods=1, AlarmActions=["arn:aws:sns:us-east-1:000000000000:topic"] if i == 0 else [])
    first = cw.describe_alarms(MaxRecords=2)
    assert [a["AlarmName"] for a in first["MetricAlarms"]] == ["page-0", "page-1"]
    rest = cw.describe_alarms(MaxRecords=10, NextToken=first["NextToken"])
    assert [a["AlarmName"] for a in rest["MetricAlarms"]] == ["page-2", "page-3", "page-4"]
    assert [a["AlarmName"] for a in cw.describe_alarms(AlarmNamePrefix="page-4")["MetricAlarms"]] == ["page-4"]
    assert [a["AlarmName"] for a in cw.describe_alarms(ActionPrefix="arn:aws:sns")["MetricAlarms"]] == ["page-0"]
    assert len(cw.describe_alarms(StateValue="INSUFFICIENT_DATA")["MetricAlarms"]) == 5
    assert cw.describe_alarms(StateValue="ALARM")["MetricAlarms"] == []
    found = cw.describe_alarms_for_metric(Namespace="App", MetricName="Errors", Statistic="Maximum")["MetricAlarms"]
    assert len(found) == 5
    assert cw.describe_alarms_for_metric(Namespace="App", MetricName="Errors", Period=300)["MetricAlarms"] == []


@pytest.mark.parametrize(("extra", "code"), [
    ({"Period": 45}, "InvalidParameterValue"),
    ({"DatapointsToAlarm": 4}, "InvalidParameterValue"),
    ({"ExtendedStatistic": "p99"}, "InvalidParameterCombination"),
    ({"Statistic": None}, "MissingParameter"),
    ({"Threshold": None}, "MissingParameter"),
    ({"Period": 3600, "EvaluationPeriods": 200}, "InvalidParameterValue"),
    ({"AlarmActions": ["not-an-arn"]}, "InvalidParameterValue"),
    ({"Metrics": [{"Id": "m1", "Expression": "1 +"}], "MetricName": None, "Namespace": None, "Statistic": None, "Period": None}, "ValidationError"),
])
def test_bad_alarms_are_refused(cw: Any, extra: dict[str, Any], code: str) -> None:
    args = {"AlarmName": "bad", "Namespace": "App", "MetricName": "Errors", "Statistic": "Maximum", "Period": 60,
            "EvaluationPeriods": 3, "Threshold": 5.0, "ComparisonOperator": "GreaterThanThreshold", **extra}
    with pytest.raises(ClientError) as exc:
        cw.put_metric_alarm(**{k: v for k, v in args.items() if v is not None})
    assert exc.value.response["Error"]["Code"] == code
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert states(cw) == {}


def test_actions_are_recorded_and_can_be_disabled(cw: Any, minute: Any) -> None:
    now = minute()
    target = "arn:aws:lambda:us-east-1:000000000000:function:no-such-function"
    alarm(cw, "act", EvaluationPeriods=1, AlarmActions=[target, "arn:aws:automate:us-east-1:ec2:stop"])
    put(cw, now, 10.0)
    minute()
    # the Lambda action is an asynchronous invocation: its outcome lands in the history when it
    # completes, a moment after the evaluation (real time, bounded)
    deadline = time.monotonic() + 10
    while True:
        actions = cw.describe_alarm_history(AlarmName="act", HistoryItemType="Action")["AlarmHistoryItems"]
        summaries = sorted(a["HistorySummary"] for a in actions)
        if len(summaries) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(summaries) == 2
    assert summaries[0].startswith("Failed to execute action arn:aws:automate:us-east-1:ec2:stop")
    assert summaries[1].startswith(f"Failed to execute action {target}")
    cw.disable_alarm_actions(AlarmNames=["act"])
    (a,) = cw.describe_alarms(AlarmNames=["act"])["MetricAlarms"]
    assert a["ActionsEnabled"] is False
    cw.set_alarm_state(AlarmName="act", StateValue="OK", StateReason="x")
    cw.set_alarm_state(AlarmName="act", StateValue="ALARM", StateReason="y")
    assert len(cw.describe_alarm_history(AlarmName="act", HistoryItemType="Action")["AlarmHistoryItems"]) == 2
    cw.enable_alarm_actions(AlarmNames=["act"])
    cw.set_alarm_state(AlarmName="act", StateValue="OK", StateReason="x")
    cw.set_alarm_state(AlarmName="act", StateValue="ALARM", StateReason="y")
    assert len(cw.describe_alarm_history(AlarmName="act", HistoryItemType="Action")["AlarmHistoryItems"]) == 4


def test_alarm_tags(cw: Any) -> None:
    alarm(cw, "tagged", Tags=[{"Key": "team", "Value": "core"}])
    (a,) = cw.describe_alarms(AlarmNames=["tagged"])["MetricAlarms"]
    cw.tag_resource(ResourceARN=a["AlarmArn"], Tags=[{"Key": "env", "Value": "dev"}])
    tags = cw.list_tags_for_resource(ResourceARN=a["AlarmArn"])["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "dev"), ("team", "core")]
    cw.untag_resource(ResourceARN=a["AlarmArn"], TagKeys=["team"])
    assert cw.list_tags_for_resource(ResourceARN=a["AlarmArn"])["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(ClientError) as exc:
        cw.list_tags_for_resource(ResourceARN=a["AlarmArn"] + "-gone")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"
