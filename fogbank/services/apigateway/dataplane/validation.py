"""Request validators: required method request parameters and the body against its model
(the JSON Schema draft 4 keywords API Gateway models use)."""

from __future__ import annotations

import json
import re
from typing import Any

from fogbank.services.apigateway.dataplane import failures
from fogbank.services.apigateway.dataplane.call import Call

_TYPES = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool) or isinstance(v, float) and v.is_integer(),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool), "null": lambda v: v is None,
}


def schema_errors(value: Any, schema: dict[str, Any], models: dict[str, Any], where: str = "") -> list[str]:
    """What is wrong with ``value`` under ``schema`` (empty when it conforms)."""
    if not isinstance(schema, dict):
        return []
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = models.get(ref.rstrip("/").rsplit("/", 1)[-1])
        try:
            return schema_errors(value, json.loads(target["schema"]), models, where) if target else []
        except (ValueError, KeyError):
            return []
    errors: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_TYPES.get(k, lambda v: True)(value) for k in kinds):
            return [f"instance type does not match any allowed primitive type ({where or '/'})"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"instance value not found in enum ({where or '/'})")
    if isinstance(value, dict):
        for name in schema.get("required") or []:
            if name not in value:
                errors.append(f"object has missing required properties ([\"{name}\"])")
        props = schema.get("properties") or {}
        for name, item in value.items():
            if name in props:
                errors.extend(schema_errors(item, props[name], models, f"{where}/{name}"))
            elif schema.get("additionalProperties") is False:
                errors.append(f"object instance has properties which are not allowed by the schema: [\"{name}\"]")
    if isinstance(value, list):
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                errors.extend(schema_errors(item, schema["items"], models, f"{where}/{i}"))
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"array is too short ({where or '/'})")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"array is too long ({where or '/'})")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"string is too short ({where or '/'})")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"string is too long ({where or '/'})")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"ECMA 262 regex does not match input string ({where or '/'})")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"numeric instance is lower than the required minimum ({where or '/'})")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"numeric instance is greater than the required maximum ({where or '/'})")
    return errors


def _present(call: Call, name: str) -> bool:
    for prefix, kind in (("method.request.header.", "header"), ("method.request.querystring.", "query"),
                         ("method.request.multivalueheader.", "header"), ("method.request.multivaluequerystring.", "query"),
                         ("method.request.path.", "path")):
        if name.startswith(prefix):
            key = name[len(prefix):]
            if kind == "header":
                return key.lower() in call.headers
            if kind == "query":
                return key in call.query_multi()
            return key in call.path_params
    return True


def validate(call: Call) -> None:
    """Apply the method's request validator, if it has one."""
    validator = call.snapshot["validators"].get(call.method.get("requestValidatorId") or "")
    if validator is None:
        return
    if validator.get("validateRequestParameters"):
        missing = [name.rsplit(".", 1)[-1] for name, required in (call.method.get("requestParameters") or {}).items()
                   if required and not _present(call, name)]
        if missing:
            raise failures.bad_parameters(missing)
    if validator.get("validateRequestBody"):
        models = call.method.get("requestModels") or {}
        content_type = call.headers.get("content-type", "application/json").split(";", 1)[0].strip() or "application/json"
        name = models.get(content_type) or models.get("$default")
        model = call.snapshot["models"].get(name or "")
        if model is None or name == "Empty":
            return
        try:
            value = json.loads(call.req.body or b"null")
            schema = json.loads(model.get("schema") or "{}")
        except ValueError:
            raise failures.bad_body() from None
        if schema_errors(value, schema, call.snapshot["models"]):
            raise failures.bad_body()
