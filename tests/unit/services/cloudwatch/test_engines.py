"""Alarm evaluation rules, SEARCH, composite rules, percentiles, slots and the publish helper."""

from __future__ import annotations

import pytest

from fogbank.services.cloudwatch import composite, metrics
from fogbank.services.cloudwatch import store as keys
from fogbank.services.cloudwatch.errors import InvalidParameterValueException
from fogbank.services.cloudwatch.evaluation import Point, decide, low_sample, range_length
from fogbank.services.cloudwatch.math import MathError
from fogbank.services.cloudwatch.math.search import MetricId, compile_search
from fogbank.services.cloudwatch.store import Slot


def row(pattern: str, n: int, m: int, treat: str, current: str = "CURRENT") -> str | None:
    pts = [Point(i * 60, None if c == "-" else (10.0 if c == "X" else 0.0)) for i, c in enumerate(pattern.split())]
    outcome = decide(pts, n, m, treat, "GreaterThanThreshold", 5.0, current)
    return outcome.state


MODES = ("missing", "ignore", "breaching", "notBreaching")


@pytest.mark.parametrize(("pattern", "expected"), [
    ("0 - X - X", ("OK", "OK", "OK", "OK")),
    ("- - - - 0", ("OK", "OK", "OK", "OK")),
    ("- - - - -", ("INSUFFICIENT_DATA", None, "ALARM", "OK")),
    ("0 X X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("- - X - -", ("ALARM", None, "ALARM", "OK")),
])
def test_guide_table_three_of_three(pattern: str, expected: tuple) -> None:
    assert tuple(row(pattern, 3, 3, mode) for mode in MODES) == expected


@pytest.mark.parametrize(("pattern", "expected"), [
    ("0 - X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("0 0 X 0 X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("0 - X - -", ("OK", "OK", "ALARM", "OK")),
    ("- - - - 0", ("OK", "OK", "ALARM", "OK")),
    ("- - X - -", ("ALARM", None, "ALARM", "OK")),
])
def test_guide_table_two_of_three(pattern: str, expected: tuple) -> None:
    assert tuple(row(pattern, 3, 2, mode) for mode in MODES) == expected


def test_enough_real_points_ignore_the_missing_rule() -> None:
    # six real points in a range of seven: the five most recent decide, whatever the rule
    for mode in MODES:
        assert row("X X 0 0 0 - 0", 5, 3, mode) == "OK"
        assert row("0 X X X 0 - 0", 5, 3, mode) == "ALARM"
    assert range_length(3) == 5


def test_low_sample_counts() -> None:
    assert low_sample(99, "p90") and not low_sample(100, "p90")
    assert low_sample(999, "p99") and not low_sample(1000, "p99")
    assert not low_sample(1, "p100") and not low_sample(1, None)
    pts = [Point(0, 10.0, samples=3.0)]
    assert decide(pts, 1, 1, "missing", "GreaterThanThreshold", 5.0, "OK", statistic="p99", low_samples="ignore").state is None
    assert decide(pts, 1, 1, "missing", "GreaterThanThreshold", 5.0, "OK", statistic="p99").state == "ALARM"


def test_band_operators() -> None:
    pts = [Point(0, 10.0, low=0.0, high=5.0)]
    assert decide(pts, 1, 1, "missing", "LessThanLowerOrGreaterThanUpperThreshold", None, "OK").state == "ALARM"
    assert decide(pts, 1, 1, "missing", "LessThanLowerThreshold", None, "OK").state == "OK"


def test_search_expressions() -> None:
    m = MetricId("AWS/Lambda", "Errors", (("FunctionName", "orders-api"),))
    assert compile_search("{AWS/Lambda,FunctionName} MetricName=\"Errors\"")(m)
    assert not compile_search("{AWS/Lambda} Errors")(m)  # the schema names exactly the dimensions
    assert compile_search("orders")(m) and not compile_search("NOT orders")(m)
    assert compile_search("FunctionName=orders")(m) and not compile_search('FunctionName="orders"')(m)
    assert compile_search("(billing OR orders) AND Errors")(m)
    for bad in ("{AWS/Lambda", "(Errors", "Errors )"):
        with pytest.raises(MathError):
            compile_search(bad)


def test_composite_rules() -> None:
    rule = composite.parse('ALARM("a") AND NOT (OK(b) OR INSUFFICIENT_DATA(arn:aws:cloudwatch:us-east-1:1:alarm:c))')
    assert composite.children(rule) == {"a", "b", "arn:aws:cloudwatch:us-east-1:1:alarm:c"}
    states = {"a": "ALARM", "b": "ALARM", "arn:aws:cloudwatch:us-east-1:1:alarm:c": "OK"}
    assert composite.holds(rule, states.get)
    states["b"] = "OK"
    assert not composite.holds(rule, states.get)
    assert composite.holds(composite.parse("TRUE OR ALARM(x)"), {}.get)
    for bad in ("ALARM(a) AND", "MAYBE(a)", "(ALARM(a)", ""):
        with pytest.raises(InvalidParameterValueException):
            composite.parse(bad)


def test_slots_merge_and_percentiles() -> None:
    slot = Slot.of_values([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0])
    slot.merge(Slot.of_values([100.0], [6.0]))
    block = keys.unpack_block(keys.pack_block({60: [slot.count, slot.total, slot.low, slot.high]}))
    again = Slot(*block[60], keys.unpack_dist(keys.pack_dist(slot.dist)))
    assert (again.count, again.total, again.low, again.high) == (10.0, 610.0, 1.0, 100.0)
    assert metrics.percentile(again, 40) == 4.0 and metrics.percentile(again, 50) == 100.0
    assert metrics.statistic(again, "p0") == 1.0 and metrics.statistic(again, "Average") == 61.0
    again.merge(Slot(1.0, 5.0, 5.0, 5.0, None))  # a statistic set: percentiles become unknown
    assert keys.pack_dist(again.dist) == keys.UNKNOWN and keys.unpack_dist(keys.UNKNOWN) is None
    assert metrics.percentile(again, 50) is None
    assert metrics.is_percentile("p99.9") and metrics.is_percentile("p100") and not metrics.is_percentile("p101")
