"""Schedule expressions (rate and cron) and input shaping (InputPath, InputTransformer)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fogbank.services.events import schedule, transform


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_rate_fires_every_period_after_its_anchor() -> None:
    rate = schedule.parse("rate(5 minutes)")
    assert rate.next_after(1000.0, 1000.0) == 1300.0
    assert rate.next_after(1000.0, 1300.0) == 1600.0
    assert schedule.parse("rate(1 hour)").next_after(0.0, 0.0) == 3600.0


@pytest.mark.parametrize("expression, now, expected", [
    ("cron(0 12 * * ? *)", "2024-03-10T08:00:00", "2024-03-10T12:00:00"),
    ("cron(0 12 * * ? *)", "2024-03-10T12:00:00", "2024-03-11T12:00:00"),
    ("cron(15 10 ? * MON-FRI *)", "2024-03-09T00:00:00", "2024-03-11T10:15:00"),  # Saturday -> Monday
    ("cron(0 0 L * ? *)", "2024-02-01T00:00:00", "2024-02-29T00:00:00"),
    ("cron(0 8 ? * 2#1 *)", "2024-03-02T00:00:00", "2024-03-04T08:00:00"),  # first Monday
    ("cron(0/15 * * * ? *)", "2024-01-01T00:01:00", "2024-01-01T00:15:00"),
    ("cron(0 0 1 JAN ? 2030)", "2024-01-01T00:00:00", "2030-01-01T00:00:00"),
])
def test_cron_next_firing(expression: str, now: str, expected: str) -> None:
    assert schedule.parse(expression).next_after(0.0, ts(now)) == ts(expected)


@pytest.mark.parametrize("expression", [
    "rate(1 minutes)", "rate(2 minute)", "rate(0 minutes)", "rate(5 weeks)", "cron(0 12 * * * *)",
    "cron(0 12 ? * ? *)", "cron(0 25 * * ? *)", "cron(* * * *)", "every 5 minutes",
])
def test_invalid_schedules(expression: str) -> None:
    with pytest.raises(schedule.InvalidSchedule):
        schedule.parse(expression)


EVENT = {"id": "e1", "detail": {"user": "ana", "n": 3, "tags": ["a", "b"], "odd-key": "v"}, "resources": ["r0"]}


def test_select_paths() -> None:
    assert transform.select(EVENT, "$.detail.user") == "ana"
    assert transform.select(EVENT, "$.detail.tags[1]") == "b"
    assert transform.select(EVENT, "$.detail['odd-key']") == "v"
    assert transform.select(EVENT, "$") == EVENT
    assert transform.valid_path("$.a.b[0]") and not transform.valid_path("detail.user")


def test_template_inserts_strings_raw_in_quotes_and_as_json_outside() -> None:
    values = {"u": "ana", "n": 3, "tags": ["a", "b"], "gone": transform.select(EVENT, "$.nope")}
    out = transform.fill('{"text": "<u> has <n>", "u": <u>, "tags": <tags>, "gone": <gone>, "g2": "<gone>"}', values)
    assert json.loads(out) == {"text": "ana has 3", "u": "ana", "tags": ["a", "b"], "gone": None, "g2": ""}
    assert transform.fill("User <u> did <n> things", values) == "User ana did 3 things"


def test_render_uses_the_target_input_choice() -> None:
    render = lambda target: transform.render(target, EVENT, "r", "arn:r", "t")  # noqa: E731
    assert json.loads(render({})) == EVENT
    assert render({"Input": "constant"}) == "constant"
    assert render({"InputPath": "$.detail.n"}) == "3"
    assert render({"InputTransformer": {"InputTemplate": '"<aws.events.rule-name>"'}}) == '"r"'
