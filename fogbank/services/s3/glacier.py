"""Archived storage classes and RestoreObject, computed lazily from fogbank's clock.

An object in GLACIER or DEEP_ARCHIVE cannot be read until a restore completes. A restore
records when it was asked for, when it completes (now + the tier's time, the upper end of AWS's
range) and for how many days the copy is kept; whether it is ongoing, done or expired is worked
out from the clock whenever the object is read, so advancing the clock completes and expires
restores without a worker.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
DAY = 86400.0

#: seconds a restore takes, by storage class and tier
TIER_SECONDS = {
    "GLACIER": {"Expedited": 5 * 60, "Standard": 5 * 3600, "Bulk": 12 * 3600},
    "DEEP_ARCHIVE": {"Standard": 12 * 3600, "Bulk": 48 * 3600},
}


def expiry(done: float, days: int) -> float:
    """When a restored copy goes away: ``days`` after completion, rounded up to midnight UTC."""
    return math.ceil((done + days * DAY) / DAY) * DAY


def state(record: dict[str, Any], now: float) -> str:
    """``none``, ``ongoing``, ``restored`` or ``expired`` for an object's restore."""
    restore = record.get("restore")
    if not restore:
        return "none"
    if now < restore["done"]:
        return "ongoing"
    if now < expiry(restore["done"], restore["days"]):
        return "restored"
    return "expired"


def readable(record: dict[str, Any], now: float) -> bool:
    """Whether GET may return the object's bytes."""
    return record.get("sc") not in ARCHIVED or state(record, now) == "restored"


def header(record: dict[str, Any], now: float) -> str | None:
    """The ``x-amz-restore`` value for an object, or None."""
    current = state(record, now)
    if current == "ongoing":
        return 'ongoing-request="true"'
    if current == "restored":
        restore = record["restore"]
        when = datetime.fromtimestamp(expiry(restore["done"], restore["days"]), UTC)
        return f'ongoing-request="false", expiry-date="{format_datetime(when, usegmt=True)}"'
    return None
