"""EventBridge's key layout in the store. Every key starts with ("events", account, region).

  (..., "bus", bus_name)               -> bus record (arn, policy, description, times, tags)
  (..., "rule", bus_name, rule_name)   -> rule record (pattern, schedule, state, targets, tags,
                                          next scheduled fire time)

The default bus is not stored until something writes to it: ``get_bus`` makes it up.
Values are JSON.
"""

from __future__ import annotations

import json
from typing import Any

SERVICE = "events"
DEFAULT_BUS = "default"


def bus_key(account: str, region: str, name: str) -> tuple:
    """Where a bus record lives."""
    return (SERVICE, account, region, "bus", name)


def buses_prefix(account: str, region: str) -> tuple:
    """The prefix of every bus record of an account and region."""
    return (SERVICE, account, region, "bus")


def rule_key(account: str, region: str, bus: str, name: str) -> tuple:
    """Where a rule record lives."""
    return (SERVICE, account, region, "rule", bus, name)


def rules_prefix(account: str, region: str, bus: str) -> tuple:
    """The prefix of a bus's rules, in name order."""
    return (SERVICE, account, region, "rule", bus)


def encode(record: dict[str, Any]) -> bytes:
    """A record as stored."""
    return json.dumps(record, separators=(",", ":")).encode()


def decode(raw: bytes) -> dict[str, Any]:
    """A stored record."""
    return json.loads(raw)
