"""STS scenarios: the cheapest call there is, so it measures the request pipeline itself."""

from __future__ import annotations

from typing import Any

from bench.scenarios.base import Scenario, WrongAnswer, no_setup


def _get_caller_identity(client: Any, state: None, i: int) -> None:
    if "Account" not in client.get_caller_identity():
        raise WrongAnswer("GetCallerIdentity answered without an Account")


SCENARIOS = (Scenario("sts.get_caller_identity", "sts", no_setup, _get_caller_identity),)
