"""Schedule expressions: ``rate(5 minutes)`` and ``cron(min hour day-of-month month day-of-week
year)`` in UTC, as EventBridge reads them, and the next time each fires."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {name: i for i, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
_DAYS = {name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}
# how many days (or skipped months and years) a cron's next firing is searched through
_SEARCH_STEPS = 366 * 8
_LAST_YEAR = 2199


class InvalidSchedule(ValueError):
    """A schedule expression EventBridge refuses."""


@dataclass(frozen=True)
class Rate:
    """A fixed period in seconds, counted from when the rule was scheduled."""

    seconds: int

    def next_after(self, anchor: float, now: float) -> float:
        """The first firing after ``now`` in the series ``anchor + k * seconds`` (k >= 1)."""
        if now < anchor + self.seconds:
            return anchor + self.seconds
        periods = int((now - anchor) // self.seconds) + 1
        return anchor + periods * self.seconds


@dataclass(frozen=True)
class Cron:
    """The sets of minutes, hours, days of month, months, days of week (1 = Sunday) and years."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # None: '?'
    last_day: bool
    months: frozenset[int]
    weekdays: frozenset[int] | None  # None: '?'
    nth_weekday: tuple[int, int] | None  # (weekday, n) for 'D#N'
    years: frozenset[int] | None  # None: every year

    def next_after(self, anchor: float, now: float) -> float | None:
        """The first minute strictly after ``now`` that the expression names, or None."""
        start = datetime.fromtimestamp(now, UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        for _ in range(_SEARCH_STEPS):
            if day.year > _LAST_YEAR:
                return None
            if self.years is not None and day.year not in self.years:
                day = date(day.year + 1, 1, 1)  # whole years are skipped at once
                continue
            if day.month not in self.months:
                day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
                continue
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                        if moment >= start:
                            return moment.timestamp()
            day += timedelta(days=1)
        return None

    def _day_matches(self, day: object) -> bool:
        year, month, dom = day.year, day.month, day.day  # type: ignore[attr-defined]
        if self.years is not None and year not in self.years:
            return False
        if month not in self.months:
            return False
        if self.days is not None or self.last_day:
            last = calendar.monthrange(year, month)[1]
            return (self.last_day and dom == last) or (self.days is not None and dom in self.days)
        weekday = (day.weekday() + 1) % 7 + 1  # type: ignore[attr-defined]  # Python: Monday=0
        if self.nth_weekday is not None:
            wanted, n = self.nth_weekday
            return weekday == wanted and (dom - 1) // 7 + 1 == n
        return self.weekdays is None or weekday in self.weekdays


def parse(expression: str) -> Rate | Cron:
    """Parse a schedule expression, raising ``InvalidSchedule`` as EventBridge would refuse it."""
    match = _RATE.match(expression)
    if match:
        value, unit = int(match.group(1)), match.group(2)
        if value <= 0 or (value == 1) != (not unit.endswith("s")):
            raise InvalidSchedule(expression)
        return Rate(value * _UNIT_SECONDS[unit.rstrip("s")])
    match = _CRON.match(expression)
    if not match:
        raise InvalidSchedule(expression)
    fields = match.group(1).split()
    if len(fields) != 6:
        raise InvalidSchedule(expression)
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise InvalidSchedule(expression)  # exactly one of day-of-month and day-of-week is '?'
    try:
        nth = None
        weekdays = None
        if dow != "?":
            if "#" in dow:
                day_name, n = dow.split("#")
                nth = (_value(day_name, 1, 7, _DAYS), int(n))
                if not 1 <= nth[1] <= 5:
                    raise InvalidSchedule(expression)
            else:
                weekdays = _field(dow, 1, 7, _DAYS)
        days = None
        last_day = False
        if dom != "?":
            if dom == "L":
                last_day = True
            else:
                days = _field(dom, 1, 31, {})
        return Cron(
            minutes=_field(minute, 0, 59, {}),
            hours=_field(hour, 0, 23, {}),
            days=days,
            last_day=last_day,
            months=_field(month, 1, 12, _MONTHS),
            weekdays=weekdays,
            nth_weekday=nth,
            years=None if year == "*" else _field(year, 1970, 2199, {}),
        )
    except ValueError:
        raise InvalidSchedule(expression) from None


def _value(text: str, low: int, high: int, names: dict[str, int]) -> int:
    value = names[text.upper()] if text.upper() in names else int(text)
    if not low <= value <= high:
        raise ValueError(text)
    return value


def _field(text: str, low: int, high: int, names: dict[str, int]) -> frozenset[int]:
    out: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step <= 0:
                raise ValueError(step_text)
        if part == "*":
            first, last = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            first, last = _value(a, low, high, names), _value(b, low, high, names)
            if first > last:
                raise ValueError(part)
        else:
            first = _value(part, low, high, names)
            last = high if step > 1 else first
        out.update(range(first, last + 1, step))
    if not out:
        raise ValueError(text)
    return frozenset(out)
