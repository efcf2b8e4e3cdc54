"""Dashboards: stored, listed, fetched and deleted, with AWS's errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

BODY = json.dumps({"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 3, "properties": {"markdown": "hi"}}]})


def test_dashboard_life(cw: Any) -> None:
    assert cw.put_dashboard(DashboardName="ops", DashboardBody=BODY)["DashboardValidationMessages"] == []
    cw.put_dashboard(DashboardName="ops-2", DashboardBody=BODY)
    cw.put_dashboard(DashboardName="team", DashboardBody=json.dumps({"widgets": []}))
    got = cw.get_dashboard(DashboardName="ops")
    assert got["DashboardBody"] == BODY and got["DashboardArn"] == "arn:aws:cloudwatch::000000000000:dashboard/ops"
    entries = cw.list_dashboards(DashboardNamePrefix="ops")["DashboardEntries"]
    assert [(e["DashboardName"], e["Size"]) for e in entries] == [("ops", len(BODY)), ("ops-2", len(BODY))]
    with pytest.raises(ClientError) as exc:
        cw.delete_dashboards(DashboardNames=["ops", "ghost"])
    assert exc.value.response["Error"]["Code"] == "ResourceNotFound"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert len(cw.list_dashboards()["DashboardEntries"]) == 3
    cw.delete_dashboards(DashboardNames=["ops", "ops-2"])
    assert [e["DashboardName"] for e in cw.list_dashboards()["DashboardEntries"]] == ["team"]
    with pytest.raises(ClientError) as exc:
        cw.get_dashboard(DashboardName="ops")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFound"


@pytest.mark.parametrize(("name", "body"), [("ok", "not json"), ("ok", "[1, 2]"), ("bad name!", BODY), ("ok", '{"widgets": 3}')])
def test_bad_dashboards(cw: Any, name: str, body: str) -> None:
    with pytest.raises(ClientError) as exc:
        cw.put_dashboard(DashboardName=name, DashboardBody=body)
    assert exc.value.response["Error"]["Code"] == "InvalidParameterInput"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert cw.list_dashboards()["DashboardEntries"] == []
