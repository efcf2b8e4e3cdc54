"""The query-protocol view of a JSON model marked ``awsQueryCompatible`` (SQS).

Such a service still answers the query protocol that older SDKs speak, but its current model
lacks the XML traits that wire format needs. ``fogbank/spec/extras/<service>.json`` keeps those
facts under ``"query"``: the XML namespace, the result-wrapper pattern, per-shape trait overrides
(``member``/``key``/``value``/``members`` refs and the shape's own traits) and the query error
codes. ``query_service`` lays that overlay on a copy of the model, once per model.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from botocore.model import OperationModel, ServiceModel

from fogbank.spec.extras import extras


def overlay(service_name: str) -> dict[str, Any] | None:
    """The ``"query"`` section of the service's extras file, or None when it has none."""
    return extras(service_name).get("query")


def needs_overlay(service: ServiceModel) -> bool:
    """True when ``service`` is not a query model itself but is reached over query too."""
    meta = service.metadata
    return meta.get("protocol") not in ("query", "ec2") and "awsQueryCompatible" in meta


@lru_cache(maxsize=32)
def query_service(service: ServiceModel) -> ServiceModel:
    """``service`` as a query-protocol model (itself when it already is one)."""
    if not needs_overlay(service):
        return service
    patch = overlay(service.service_name)
    if patch is None:
        return service
    # botocore keeps the parsed JSON only privately; a deep copy leaves the shared model intact.
    data = copy.deepcopy(service._service_description)
    meta = data["metadata"]
    meta["protocol"] = "query"
    meta["protocols"] = ["query"]
    if "xmlNamespace" in patch:
        meta["xmlNamespace"] = patch["xmlNamespace"]
    wrapper = patch.get("resultWrapper")
    if wrapper:
        for name, op in data["operations"].items():
            if "output" in op:
                op["output"]["resultWrapper"] = wrapper.format(operation=name)
    shapes = data["shapes"]
    for shape_name, traits in patch.get("shapes", {}).items():
        shape = shapes.get(shape_name)
        if shape is not None:
            _apply(shape, traits)
    for shape_name, err in patch.get("errors", {}).items():
        shape = shapes.get(shape_name)
        if shape is not None:
            shape["error"] = {"code": err["code"], "httpStatusCode": err.get("httpStatusCode", 400),
                              "senderFault": err.get("senderFault", True)}
    return ServiceModel(data, service_name=service.service_name)


def _apply(target: dict[str, Any], traits: dict[str, Any]) -> None:
    for key, value in traits.items():
        if key in ("member", "key", "value"):
            target.setdefault(key, {}).update(value)
        elif key == "members":
            for member, ref_traits in value.items():
                if member in target.get("members", {}):
                    target["members"][member].update(ref_traits)
        else:
            target[key] = value


def query_operation(op: OperationModel) -> OperationModel:
    """``op`` taken from the query view of its service (itself for plain query models)."""
    service = op.service_model
    if not needs_overlay(service):
        return op
    return query_service(service).operation_model(op.name)


def query_error(service: ServiceModel, code: str) -> tuple[str, int] | None:
    """The query-wire (code, HTTP status) of the error shape named ``code``, when the overlay has one.

    The JSON protocol writes the same pair into ``x-amzn-query-error`` for these services.
    """
    patch = overlay(service.service_name)
    if not patch:
        return None
    err = patch.get("errors", {}).get(code)
    if err is None:
        return None
    return err["code"], err.get("httpStatusCode", 400)
