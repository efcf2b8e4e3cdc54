"""The overlay of facts that botocore's service models lack, one JSON file per service.

``fogbank/spec/extras/<service>.json`` holds, under top-level keys:

``error_status``  HTTP statuses of error shapes whose model has no ``error.httpStatusCode``
                  (json-protocol services), keyed by error code (= shape name there).
``validation``    how the service answers input that breaks its model's constraints: the error
                  code and message form, which rule kinds it enforces, which patterns it checks
                  (see ``fogbank.protocol.validate``).
``error_codes``   codes a service answers that are not modelled as shapes at all (EC2), with
                  their statuses.
``query``         (SQS) the codes and wrappers of its older query protocol.

Nothing here is read from code scattered elsewhere: services and protocols ask this module.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from botocore.model import ServiceModel

EXTRAS_DIR = Path(__file__).with_name("extras")
DEFAULT_ERROR_STATUS = 400


@cache
def extras(service_name: str) -> dict[str, Any]:
    """The overlay of ``service_name`` (botocore's service name), or ``{}`` when it has none.

    The dict is shared by every caller: read it, never change it.
    """
    path = EXTRAS_DIR / f"{service_name}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a JSON object")
    return data


@lru_cache(maxsize=256)
def _status_table(service_model: ServiceModel) -> dict[str, int]:
    """Every known error code of a service -> its HTTP status (model first, then overlay)."""
    overlay = extras(service_model.service_name)
    table: dict[str, int] = {}
    for code, status in overlay.get("error_codes", {}).items():
        table[code] = int(status)
    overlay_status = overlay.get("error_status", {})
    for shape in service_model.error_shapes:
        error = shape.metadata.get("error", {})
        code = error.get("code", shape.name)
        status = error.get("httpStatusCode")
        if status is None:
            status = overlay_status.get(code, overlay_status.get(shape.name))
        if status is not None:
            table[code] = int(status)
            table.setdefault(shape.name, int(status))
    for code, status in overlay_status.items():
        table.setdefault(code, int(status))
    return table


def error_status(service_model: ServiceModel, code: str) -> int:
    """The HTTP status AWS answers error ``code`` of this service with.

    Looks at the model's ``error.httpStatusCode`` (by code or shape name), then the overlay's
    ``error_status`` and ``error_codes``, and falls back to 400.
    """
    return _status_table(service_model).get(code, DEFAULT_ERROR_STATUS)
