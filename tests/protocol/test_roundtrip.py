"""Every operation of every service in scope, in every protocol it speaks, with botocore as the oracle.

Two deterministic examples per operation by default (every optional member, then required members
only); ``FOGBANK_PROTOCOL_EXAMPLES=50`` adds that many hypothesis examples per operation and direction.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import oracle, shapes
from .known import known_reason

EXAMPLES = int(os.environ.get("FOGBANK_PROTOCOL_EXAMPLES", "0"))
CASES = oracle.cases()
IDS = [c.key for c in CASES]


def _verdict(kind: str, case: oracle.Case, check: Callable[[], list[str]]) -> None:
    try:
        problems = check()
    except oracle.Unavailable as e:
        pytest.skip(str(e))
    if problems:
        reason = known_reason(kind, case.key)
        if reason:
            pytest.xfail(reason)
        pytest.fail("\n".join(problems))


def _explore(kind: str, case: oracle.Case, strategy: st.SearchStrategy, check: Callable) -> None:
    """Run ``check`` on ``EXAMPLES`` hypothesis examples (nothing when the env var is unset)."""
    if not EXAMPLES or known_reason(kind, case.key):
        return

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(value=strategy)
    def run(value: object) -> None:
        problems = check(value)
        assert not problems, "\n".join(problems)

    run()


def _op(case: oracle.Case):
    try:
        return oracle.model_for(case.service, case.protocol).operation_model(case.operation)
    except oracle.Unavailable as e:
        pytest.skip(str(e))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_input(case: oracle.Case) -> None:
    """botocore's request for a generated input parses back to that input."""
    op = _op(case)
    _verdict("input", case, lambda: [
        *oracle.check_input(case, shapes.example_input(op, case.seed)),
        *(f"(required members only) {p}" for p in oracle.check_input(case, shapes.example_input(op, case.seed, full=False))),
    ])
    _explore("input", case, shapes.inputs(op), lambda v: oracle.check_input(case, v))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_output(case: oracle.Case) -> None:
    """fogbank's response for a generated output parses back, in botocore, to that output."""
    op = _op(case)
    _verdict("output", case, lambda: [
        *oracle.check_output(case, shapes.example_output(op, case.seed)),
        *(f"(required members only) {p}" for p in oracle.check_output(case, shapes.example_output(op, case.seed, full=False))),
    ])
    _explore("output", case, shapes.outputs(op), lambda v: oracle.check_output(case, v))


def _fields(case: oracle.Case) -> Callable:
    return lambda shape: shapes.example_error(shape, case.seed, sorted(oracle.message_members(shape)))


ERROR_CASES = [c for c in CASES if oracle.base_model(c.service).operation_model(c.operation).error_shapes]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.key for c in ERROR_CASES])
def test_errors(case: oracle.Case) -> None:
    """Every modelled error of the operation reaches botocore with its code, message and fields."""
    _op(case)
    _verdict("error", case, lambda: oracle.check_errors(case, _fields(case)))
    _explore("error", case, st.data(), lambda data: oracle.check_errors(case, _drawn_fields(data)))


def _drawn_fields(data: st.DataObject) -> Callable:
    return lambda shape: data.draw(shapes.error_fields(shape, sorted(oracle.message_members(shape))))


def test_every_service_in_scope_has_cases() -> None:
    """The suite covers every service in scope and each protocol its model lists."""
    covered = {(c.service, c.protocol) for c in CASES}
    for service in oracle.services():
        for protocol in oracle.protocols_of(oracle.base_model(service)):
            assert (service, protocol) in covered
    assert len(CASES) > 2500


PAIRS = sorted({(c.service, c.protocol) for c in CASES})


@pytest.mark.parametrize(("service", "protocol"), PAIRS, ids=[f"{s}/{p}" for s, p in PAIRS])
def test_generic_errors(service: str, protocol: str) -> None:
    """fogbank's own error kinds (not in any model) reach botocore intact, with or without an operation."""
    try:
        errors = oracle._import("fogbank.errors")
        oracle.protocol_module(protocol)
    except oracle.Unavailable as e:
        pytest.skip(str(e))
    op_name = sorted(oracle.base_model(service).operation_names)[0]
    kinds = [
        errors.NotImplementedOperation(service, op_name),
        errors.InternalFailure("boom <&>"),
        errors.ServiceUnavailable("try again later"),
        errors.InvalidInput("1 validation error detected: Value 'x' at 'y' failed"),
        errors.ServiceError("Throttled", code="ThrottlingException", status=400),
    ]
    problems = []
    for err in kinds:
        for op in (None, op_name):
            problems += [f"{err!r} (operation {op}): {p}" for p in oracle.check_generic_error(service, protocol, err, op)]
    assert not problems, "\n".join(problems)
