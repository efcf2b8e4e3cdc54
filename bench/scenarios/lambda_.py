"""Lambda scenarios: control-plane reads only for now (invocations need a runtime per peer)."""

from __future__ import annotations

from typing import Any

from bench.scenarios.base import Scenario, WrongAnswer, no_setup


def _list_functions(client: Any, state: None, i: int) -> None:
    if "Functions" not in client.list_functions():
        raise WrongAnswer("ListFunctions answered without a Functions list")


SCENARIOS = (Scenario("lambda.list_functions", "lambda", no_setup, _list_functions),)
