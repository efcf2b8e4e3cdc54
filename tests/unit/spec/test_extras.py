"""The overlay of facts the botocore models lack: loading, error statuses, validation settings."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from botocore.loaders import Loader
from botocore.model import ServiceModel

from fogbank.spec.extras import EXTRAS_DIR, error_status, extras
from fogbank.spec.loader import SERVICES, service_model

KNOWN_KEYS = {"_doc", "error_status", "error_codes", "validation", "query"}
JSON_FAMILIES = {"json", "rest-json", "smithy-rpc-v2-cbor"}
OVERLAY_FILES = sorted(p.stem for p in EXTRAS_DIR.glob("*.json"))


@cache
def raw_shapes(name: str) -> dict[str, Any]:
    """The model's shapes as written in service-2.json (botocore's Shape hides ``fault``)."""
    return Loader().load_service_model(name, "service-2")["shapes"]


def test_a_service_without_a_file_has_an_empty_overlay() -> None:
    assert extras("no-such-service") == {}


@pytest.mark.parametrize("name", OVERLAY_FILES)
def test_every_overlay_file_is_an_object_of_known_keys(name: str) -> None:
    data = json.loads((EXTRAS_DIR / f"{name}.json").read_text())
    assert isinstance(data, dict)
    assert set(data) <= KNOWN_KEYS, set(data) - KNOWN_KEYS
    assert extras(name) == data


def _json_services() -> list[str]:
    return [name for name in SERVICES if service_model(name).protocol in JSON_FAMILIES]


@pytest.mark.parametrize("name", _json_services())
def test_every_error_shape_of_a_json_service_has_a_recorded_status(name: str) -> None:
    model = service_model(name)
    overlay = extras(name).get("error_status", {})
    for shape in model.error_shapes:
        error = shape.metadata.get("error", {})
        code = error.get("code", shape.name)
        if "httpStatusCode" in error:
            assert error_status(model, code) == error["httpStatusCode"]
            continue
        assert code in overlay, f"{name}: {code} has no status in the model nor in extras/{name}.json"
        assert error_status(model, code) == overlay[code]


@pytest.mark.parametrize("name", [n for n in OVERLAY_FILES if n in SERVICES])
def test_overlay_statuses_name_real_errors_and_faults_are_5xx(name: str) -> None:
    model = service_model(name)
    shapes = {s.metadata.get("error", {}).get("code", s.name): s for s in model.error_shapes}
    for code, status in extras(name).get("error_status", {}).items():
        assert code in shapes, f"extras/{name}.json names {code}, which the model does not have"
        assert 400 <= status <= 599
        if raw_shapes(name)[shapes[code].name].get("fault"):
            assert status >= 500, f"{name}.{code} is a server fault but answers {status}"
        else:
            assert status < 500, f"{name}.{code} is a client error but answers {status}"


def test_error_status_prefers_the_model_then_the_overlay_then_400() -> None:
    assert error_status(service_model("lambda"), "ResourceNotFoundException") == 404
    assert error_status(service_model("dynamodb"), "InternalServerError") == 500
    assert error_status(service_model("dynamodb"), "ConditionalCheckFailedException") == 400
    assert error_status(service_model("kms"), "DependencyTimeoutException") == 503
    assert error_status(service_model("kms"), "DryRunOperationException") == 412
    assert error_status(service_model("sqs"), "OverLimit") == 403
    assert error_status(service_model("firehose"), "ServiceUnavailableException") == 503
    assert error_status(service_model("dynamodb"), "NoSuchCodeAtAll") == 400


def test_error_status_knows_query_codes_that_differ_from_shape_names() -> None:
    iam = service_model("iam")
    # IAM's NoSuchEntityException shape is answered with the code "NoSuchEntity" and 404.
    assert error_status(iam, "NoSuchEntity") == 404
    assert error_status(iam, "NoSuchEntityException") == 404


def test_ec2_common_error_codes() -> None:
    ec2 = service_model("ec2")
    codes = extras("ec2")["error_codes"]
    for code in ("InvalidParameterValue", "MissingParameter", "InvalidInstanceID.NotFound", "InvalidVpcID.NotFound"):
        assert codes[code] == 400
        assert error_status(ec2, code) == 400
    assert error_status(ec2, "DryRunOperation") == 412
    assert error_status(ec2, "UnauthorizedOperation") == 403
    assert error_status(ec2, "RequestLimitExceeded") == 503


@pytest.mark.parametrize("name", [n for n in OVERLAY_FILES if "patterns" in extras(n).get("validation", {})])
def test_listed_patterns_exist_in_the_model_and_compile(name: str) -> None:
    shapes = raw_shapes(name)
    for shape_name, override in extras(name)["validation"]["patterns"].items():
        assert shape_name in shapes, f"{name}: no shape {shape_name}"
        pattern = override or shapes[shape_name].get("pattern")
        assert pattern, f"{name}.{shape_name} has no pattern"
        re.compile(pattern)


def test_error_status_table_is_per_model_object() -> None:
    # A model built outside the loader still gets the overlay.
    fresh = ServiceModel(Loader().load_service_model("dynamodb", "service-2"), service_name="dynamodb")
    assert error_status(fresh, "InternalServerError") == 500
