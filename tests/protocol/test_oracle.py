"""The oracle itself must be able to fail: corrupted values are reported, faithful ones are not."""

from __future__ import annotations

import datetime as dt

from . import oracle, shapes
from .compare import diff


def _op(service: str, name: str):
    return oracle.base_model(service).operation_model(name)


def test_diff_reports_a_changed_scalar_a_lost_member_and_a_wrong_type() -> None:
    op = _op("sqs", "SendMessage")
    sent = shapes.example_input(op, 1)
    assert diff(sent, dict(sent), op.input_shape, "json") == []
    changed = dict(sent, DelaySeconds=sent["DelaySeconds"] + 1)
    assert any("DelaySeconds" in d for d in diff(sent, changed, op.input_shape, "json"))
    lost = {k: v for k, v in sent.items() if k != "MessageBody"}
    assert any("MessageBody: missing" in d for d in diff(sent, lost, op.input_shape, "json"))
    stringly = dict(sent, DelaySeconds=str(sent["DelaySeconds"]))
    assert any("expected an int" in d for d in diff(sent, stringly, op.input_shape, "json"))


def test_diff_compares_timestamps_exactly_and_rejects_naive_ones() -> None:
    op = _op("cloudwatch", "GetMetricData")
    sent = shapes.example_input(op, 7)
    later = dict(sent, StartTime=sent["StartTime"] + dt.timedelta(milliseconds=1))
    assert any("StartTime" in d for d in diff(sent, later, op.input_shape, "json"))
    naive = dict(sent, StartTime=sent["StartTime"].replace(tzinfo=None))
    assert any("naive" in d for d in diff(sent, naive, op.input_shape, "json"))


def test_empty_lists_may_vanish_only_where_the_wire_cannot_carry_them() -> None:
    op = _op("sqs", "ReceiveMessage")
    sent = {"QueueUrl": "q", "AttributeNames": []}
    assert diff(sent, {"QueueUrl": "q"}, op.input_shape, "query") == []
    assert diff(sent, {"QueueUrl": "q"}, op.input_shape, "json") != []


def test_examples_are_deterministic_and_fill_required_members() -> None:
    op = _op("s3", "PutObject")
    first, again = shapes.example_input(op, 42), shapes.example_input(op, 42)
    assert first == again
    assert {"Bucket", "Key"} <= set(first)
    assert "ContentLength" not in first  # owned by the HTTP layer
    assert first["Expires"].microsecond == 0  # header timestamps carry whole seconds
    assert "/" in first["Key"]  # greedy label


def test_client_request_is_signed_with_the_signing_name_scope() -> None:
    op = _op("dynamodbstreams", "ListStreams")
    model = oracle.base_model("dynamodbstreams")
    req = oracle.client_request(model, op, "json", {})
    assert "/us-east-1/dynamodb/aws4_request" in req.headers["authorization"]
    assert req.headers["x-amz-target"] == "DynamoDBStreams_20120810.ListStreams"


def test_a_parser_that_drops_a_member_fails_the_input_round_trip(monkeypatch) -> None:
    case = oracle.Case("sqs", "json", "SendMessage")
    try:
        module = oracle.protocol_module("json")
        oracle.router()
    except oracle.Unavailable as e:
        import pytest

        pytest.skip(str(e))
    real = module.parse_request

    def lossy(op, req, path_params):
        parsed = real(op, req, path_params)
        parsed.pop("MessageBody", None)
        return parsed

    monkeypatch.setattr(module, "parse_request", lossy)
    op = oracle.base_model("sqs").operation_model("SendMessage")
    problems = oracle.check_input(case, shapes.example_input(op, case.seed))
    assert any(p.startswith("MessageBody: missing") for p in problems)


def test_a_serialiser_that_changes_a_value_fails_the_output_round_trip(monkeypatch) -> None:
    case = oracle.Case("sts", "query", "GetCallerIdentity")
    try:
        module = oracle.protocol_module("query")
    except oracle.Unavailable as e:
        import pytest

        pytest.skip(str(e))
    real = module.serialize_response
    monkeypatch.setattr(
        module, "serialize_response", lambda op, output, rid: real(op, dict(output, Account="999"), rid)
    )
    op = oracle.base_model("sts").operation_model("GetCallerIdentity")
    problems = oracle.check_output(case, shapes.example_output(op, case.seed))
    assert any(p.startswith("Account:") for p in problems)


def test_report_counts_a_small_service() -> None:
    from . import report

    results = report.collect({"dynamodbstreams"}, examples=0)
    text = report.render(results)
    tally = results.tallies[("dynamodbstreams", "json")]
    if any(tally.skipped.values()):
        import pytest

        pytest.skip("fogbank's json module or router is not available yet")
    assert tally.total["input"] == tally.total["output"] == 4
    assert "dynamodbstreams" in text and "TOTAL" in text
