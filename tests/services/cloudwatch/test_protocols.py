"""CloudWatch over the query protocol (form-encoded, XML answers) and the JSON protocol, by hand."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any

NS = "{http://monitoring.amazonaws.com/doc/2010-08-01/}"
AUTH = "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0"


def query(endpoint: str, params: dict[str, str]) -> tuple[int, ET.Element]:
    data = urllib.parse.urlencode({**params, "Version": "2010-08-01"}).encode()
    req = urllib.request.Request(endpoint + "/", data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Authorization": AUTH})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, ET.fromstring(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, ET.fromstring(err.read())


def test_query_protocol_round_trip(fogbank: Any, cw: Any) -> None:
    status, _ = query(fogbank.endpoint, {
        "Action": "PutMetricData", "Namespace": "Legacy",
        "MetricData.member.1.MetricName": "Hits", "MetricData.member.1.Value": "4",
        "MetricData.member.1.Unit": "Count",
        "MetricData.member.1.Dimensions.member.1.Name": "Page", "MetricData.member.1.Dimensions.member.1.Value": "home",
    })
    assert status == 200
    status, root = query(fogbank.endpoint, {"Action": "ListMetrics", "Namespace": "Legacy"})
    assert status == 200
    assert root.find(f".//{NS}Metrics/{NS}member/{NS}MetricName").text == "Hits"
    assert root.find(f".//{NS}Dimensions/{NS}member/{NS}Value").text == "home"
    # what the query client wrote, a CBOR client reads
    (metric,) = cw.list_metrics(Namespace="Legacy")["Metrics"]
    assert metric["Dimensions"] == [{"Name": "Page", "Value": "home"}]


def test_query_protocol_errors(fogbank: Any) -> None:
    status, root = query(fogbank.endpoint, {"Action": "PutMetricData", "Namespace": "AWS/EC2",
                                            "MetricData.member.1.MetricName": "x", "MetricData.member.1.Value": "1"})
    assert status == 400
    assert root.find(f".//{NS}Code").text == "InvalidParameterValue"
    assert root.find(f".//{NS}Type").text == "Sender"


def test_json_protocol(fogbank: Any) -> None:
    body = json.dumps({"Namespace": "Json", "MetricData": [{"MetricName": "M", "Value": 2}]}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData",
               "Authorization": AUTH}
    req = urllib.request.Request(fogbank.endpoint + "/", data=body, method="POST", headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
    headers["X-Amz-Target"] = "GraniteServiceVersion20100801.ListMetrics"
    req = urllib.request.Request(fogbank.endpoint + "/", data=b'{"Namespace": "Json"}', method="POST", headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        answer = json.loads(resp.read())
    assert answer["Metrics"][0]["MetricName"] == "M"
