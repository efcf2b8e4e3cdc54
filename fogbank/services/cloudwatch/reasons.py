"""State reasons and StateReasonData as CloudWatch writes them for a metric alarm evaluation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fogbank.services.cloudwatch.evaluation import ALARM, INSUFFICIENT, PHRASES, Outcome


def iso(seconds: float) -> str:
    """A time as CloudWatch writes it in reason data: ``2024-03-10T10:05:00.000+0000``."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _short(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%d/%m/%y %H:%M:%S")


def _number(value: float) -> str:
    return repr(float(value))


def _plural(count: int, word: str = "datapoint") -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def reason(outcome: Outcome, state: str, n: int, m: int, operator: str, threshold: float | None) -> str:
    """The human-readable reason of a state decided by an evaluation."""
    if state == INSUFFICIENT:
        return f"Insufficient Data: {_plural(n)} {'was' if n == 1 else 'were'} unknown."
    phrase = PHRASES.get(operator, operator)
    limit = f"the threshold ({_number(threshold)})" if threshold is not None else "the thresholds"
    if state == ALARM:
        shown = [p for p, b in outcome.used if b]
        count = outcome.breaching
        verb_phrase = phrase
        transition = f" (minimum {_plural(m)} for OK -> ALARM transition)"
    else:
        shown = [p for p, b in outcome.used if b is False]
        count = n - outcome.breaching
        verb_phrase = "not " + phrase
        transition = " (minimum 1 datapoint for ALARM -> OK transition)"
    listed = ", ".join(f"{_number(p.value)} ({_short(p.ts)})" for p in shown if p.value is not None)
    listing = f" [{listed}]" if listed else ""
    if n == 1:
        return f"Threshold Crossed: 1 datapoint{listing} was {verb_phrase} {limit}."
    return f"Threshold Crossed: {count} out of the last {n} datapoints{listing} were {verb_phrase} {limit}{transition}."


def reason_data(outcome: Outcome, config: dict[str, Any], query_time: float, start: float, recent: list[float],
                threshold: float | None) -> str:
    """StateReasonData: the JSON document CloudWatch attaches to an evaluated state."""
    data: dict[str, Any] = {"version": "1.0", "queryDate": iso(query_time), "startDate": iso(start)}
    if config.get("Unit"):
        data["unit"] = config["Unit"]
    if config.get("Statistic"):
        data["statistic"] = config["Statistic"]
    elif config.get("ExtendedStatistic"):
        data["statistic"] = config["ExtendedStatistic"]
    if config.get("Period"):
        data["period"] = config["Period"]
    data["recentDatapoints"] = recent
    if threshold is not None:
        data["threshold"] = threshold
    evaluated: list[dict[str, Any]] = []
    for point, _ in outcome.used:
        item: dict[str, Any] = {"timestamp": iso(point.ts)}
        if point.value is not None:
            if point.samples is not None:
                item["sampleCount"] = point.samples
            item["value"] = point.value
        evaluated.append(item)
    data["evaluatedDatapoints"] = evaluated
    return json.dumps(data, separators=(",", ":"))
