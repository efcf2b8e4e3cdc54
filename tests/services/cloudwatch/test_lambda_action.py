"""An alarm action that invokes a Lambda function with the alarm event AWS sends."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from tests.services.lambda_.helpers import create

RECORDER = """
import json, boto3
def handler(event, context):
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="alarm-events")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    return {"ok": True}
"""


def test_alarm_invokes_lambda_with_the_alarm_event(aws: Any, fogbank: Any) -> None:
    cw = aws("cloudwatch")
    lam = aws("lambda", read_timeout=60)
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="alarm-events")["QueueUrl"]
    arn = create(lam, "on-alarm", {"app.py": RECORDER})["FunctionArn"]
    now = fogbank.advance(0)
    now = fogbank.advance(math.floor(now / 60) * 60 + 65 - now)
    cw.put_metric_alarm(AlarmName="to-lambda", Namespace="App", MetricName="Errors", Statistic="Sum", Period=60,
                        EvaluationPeriods=1, Threshold=0.0, ComparisonOperator="GreaterThanThreshold",
                        AlarmDescription="errors seen", AlarmActions=[arn])
    cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Errors", "Value": 3.0, "Timestamp": datetime.fromtimestamp(now, UTC)}])
    fogbank.advance(60)
    assert cw.describe_alarms(AlarmNames=["to-lambda"])["MetricAlarms"][0]["StateValue"] == "ALARM"
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)["Messages"]
    event = json.loads(got[0]["Body"])
    assert event["source"] == "aws.cloudwatch"
    assert event["alarmArn"].endswith(":alarm:to-lambda") and event["region"] == "us-east-1"
    data = event["alarmData"]
    assert data["alarmName"] == "to-lambda"
    assert data["state"]["value"] == "ALARM" and data["previousState"]["value"] == "INSUFFICIENT_DATA"
    assert data["state"]["reason"].startswith("Threshold Crossed: 1 datapoint [3.0 (")
    assert json.loads(data["state"]["reasonData"])["threshold"] == 0.0
    assert data["configuration"]["description"] == "errors seen"
    (metric,) = data["configuration"]["metrics"]
    assert metric["metricStat"] == {"metric": {"namespace": "App", "name": "Errors", "dimensions": {}}, "period": 60, "stat": "Sum"}
    history = cw.describe_alarm_history(AlarmName="to-lambda", HistoryItemType="Action")["AlarmHistoryItems"]
    assert [h["HistorySummary"] for h in history] == [f"Successfully executed action {arn}"]
