"""The checks AWS makes on PutMetricAlarm and PutCompositeAlarm, giving the stored configuration."""

from __future__ import annotations

from typing import Any

from fogbank.services.cloudwatch import composite, metrics, queries
from fogbank.services.cloudwatch.errors import ValidationException, combination, invalid, missing
from fogbank.services.cloudwatch.evaluation import BAND_OPERATORS

ONE_DAY = 86400
SEVEN_DAYS = 7 * 86400
METRIC_FIELDS = ("MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit")
CONFIG_FIELDS = (
    "AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions", "InsufficientDataActions",
    *METRIC_FIELDS, "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator",
    "TreatMissingData", "EvaluateLowSampleCountPercentile", "Metrics", "ThresholdMetricId",
)
ACTION_SERVICES = ("lambda", "sns", "automate", "autoscaling", "swf", "ssm", "ssm-incidents", "opsworks")


def period_of(config: dict[str, Any]) -> int:
    """The period (seconds) of an alarm: its own, or that of the query it alarms on."""
    if config.get("Period"):
        return int(config["Period"])
    for query in config.get("Metrics") or ():
        if query.get("ReturnData", True):
            if query.get("MetricStat"):
                return int(query["MetricStat"]["Period"])
            if query.get("Period"):
                return int(query["Period"])
    periods = [q["MetricStat"]["Period"] for q in config.get("Metrics") or () if q.get("MetricStat")]
    return int(min(periods)) if periods else 60


def _check_actions(request: dict[str, Any]) -> None:
    for field in ("OKActions", "AlarmActions", "InsufficientDataActions"):
        arns = request.get(field) or []
        if len(arns) > 5:
            raise invalid(f"The collection {field} must not have a size greater than 5.")
        for arn in arns:
            parts = arn.split(":")
            if len(parts) < 6 or parts[0] != "arn" or parts[2] not in ACTION_SERVICES:
                raise invalid(f"Invalid arn syntax: {arn}")


def check_metric_alarm(request: dict[str, Any]) -> dict[str, Any]:
    """PutMetricAlarm's request checked; returns the configuration to store."""
    _check_actions(request)
    config = {k: request[k] for k in CONFIG_FIELDS if request.get(k) is not None}
    has_metric = any(request.get(k) is not None for k in ("MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions"))
    operator = request.get("ComparisonOperator")
    if operator is None:
        raise missing("The parameter ComparisonOperator is required.")
    n = request["EvaluationPeriods"]
    m = request.get("DatapointsToAlarm") or n
    if n < 1:
        raise invalid(f"The value {n} for parameter EvaluationPeriods is invalid.")
    if m > n or m < 1:
        raise invalid("DatapointsToAlarm must be greater than 0 and less than or equal to EvaluationPeriods.")
    if request.get("Metrics"):
        if has_metric or request.get("Period") is not None:
            raise combination("The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period and Unit cannot be used with Metrics.")
        queries.validate_queries(request["Metrics"], "Metrics")
        returned = [q for q in request["Metrics"] if q.get("ReturnData", True) and q["Id"] != request.get("ThresholdMetricId")]
        if len(returned) != 1:
            raise ValidationException("Exactly one element of the metrics list should return data.")
    else:
        if not request.get("MetricName") or not request.get("Namespace"):
            raise missing(f"The parameter {'MetricName' if not request.get('MetricName') else 'Namespace'} is required.")
        stat, extended = request.get("Statistic"), request.get("ExtendedStatistic")
        if stat and extended:
            raise combination("The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both.")
        if not stat and not extended:
            raise missing("One of the parameters Statistic or ExtendedStatistic must be specified.")
        if extended and not metrics.is_percentile(extended):
            raise invalid(f"The value {extended} for parameter ExtendedStatistic is invalid.")
        if request.get("Period") is None:
            raise missing("The parameter Period is required.")
        metrics.check_dimensions(request.get("Dimensions"), "Dimensions")
    period = period_of(config)
    if period not in (10, 20, 30) and (period < 60 or period % 60):
        raise invalid("The parameter Period must be 10, 20, 30 or a multiple of 60.")
    if period * n > (SEVEN_DAYS if period >= 3600 else ONE_DAY):
        raise invalid("The evaluation period (Period * EvaluationPeriods) must not exceed one day (seven days for periods of an hour or more).")
    if operator in BAND_OPERATORS:
        if not request.get("ThresholdMetricId"):
            raise missing("The parameter ThresholdMetricId is required for band comparison operators.")
        if request.get("Threshold") is not None:
            raise combination("The parameters Threshold and ThresholdMetricId are mutually exclusive.")
    elif request.get("Threshold") is None:
        raise missing("The parameter Threshold is required.")
    low = request.get("EvaluateLowSampleCountPercentile")
    if low is not None:
        if low not in ("evaluate", "ignore"):
            raise invalid(f"The value {low} for parameter EvaluateLowSampleCountPercentile is invalid.")
        if not request.get("ExtendedStatistic"):
            raise combination("EvaluateLowSampleCountPercentile can be used only with a percentile ExtendedStatistic.")
    return config


def check_composite(request: dict[str, Any]) -> dict[str, Any]:
    """PutCompositeAlarm's request checked; returns the configuration to store."""
    _check_actions(request)
    composite.parse(request["AlarmRule"])
    fields = ("AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions", "InsufficientDataActions",
              "AlarmRule", "ActionsSuppressor", "ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod")
    return {k: request[k] for k in fields if request.get(k) is not None}
