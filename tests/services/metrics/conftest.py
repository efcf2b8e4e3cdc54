"""Fixtures for the tests of the metrics fogbank's services publish in ``AWS/…`` namespaces."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

# the stage-serving fixtures of the API Gateway tests
from tests.services.apigateway.conftest import apigw, gateway_server, gw, http  # noqa: F401


@pytest.fixture
def cw(aws: Any) -> Any:
    """A CloudWatch client on fogbank (us-east-1, the default account)."""
    return aws("cloudwatch")


@pytest.fixture
def minute(fogbank: Any) -> Any:
    """``minute()`` moves fogbank's clock to 5 s past the next minute boundary; returns that time."""

    def align() -> float:
        now = fogbank.advance(0)
        return fogbank.advance(math.floor(now / 60) * 60 + 65 - now)

    return align


@pytest.fixture
def stat(cw: Any, fogbank: Any) -> Any:
    """``stat(namespace, name, dims, statistic="Sum")``: the statistic over the last 10 minutes
    in one 600 s period (None when there is no data), plus the unit, as GetMetricStatistics says."""

    def read(namespace: str, name: str, dims: dict[str, str], statistic: str = "Sum") -> tuple[float | None, str | None]:
        now = fogbank.advance(0)
        end = math.floor(now / 60) * 60 + 60
        got = cw.get_metric_statistics(
            Namespace=namespace, MetricName=name, Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
            StartTime=datetime.fromtimestamp(end - 600, UTC), EndTime=datetime.fromtimestamp(end, UTC),
            Period=600, Statistics=[statistic],
        )["Datapoints"]
        if not got:
            return None, None
        assert len(got) == 1
        return got[0][statistic], got[0]["Unit"]

    return read
