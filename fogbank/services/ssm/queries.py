"""Reading many parameters: GetParametersByPath and DescribeParameters with their filters
(``ParameterFilters`` and the older ``Filters``) and pagination.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import InvalidInput
from fogbank.services.ssm import names, parameters, policies, public
from fogbank.services.ssm import store as sstore
from fogbank.services.ssm.errors import InvalidFilterKey, InvalidFilterOption, InvalidFilterValue

BY_PATH_KEYS = ("Type", "KeyId", "Label")
DESCRIBE_KEYS = ("Name", "Type", "KeyId", "Path", "Tier", "DataType")
OPTIONS = {
    "Name": ("Equals", "BeginsWith", "Contains"),
    "Path": ("Recursive", "OneLevel"),
}
ENUMS = {
    "Type": ("String", "StringList", "SecureString"),
    "Tier": ("Standard", "Advanced"),
    "DataType": parameters.DATA_TYPES,
}

# a record, and the version it is read at -> whether it passes
Test = Callable[[dict[str, Any]], bool]


def _records(ctx: Ctx, start: str = "") -> list[dict[str, Any]]:
    """Every live parameter whose name starts with ``start``, in name order."""
    prefix = sstore.params_prefix(ctx.account, ctx.region)
    found = []
    for key, raw in ctx.store.scan(prefix=prefix, start=(*prefix, start) if start else None):
        name = key[-1]
        if start and not name.startswith(start):
            break
        record = sstore.load(raw)
        if record.get("expires") is not None and ctx.clock.now() >= record["expires"]:
            parameters.load(ctx, name)  # deletes it
            continue
        found.append(record)
    return found


def _filter(spec: dict[str, Any], allowed: tuple[str, ...]) -> Test:
    key = spec["Key"]
    values = spec.get("Values") or []
    option = spec.get("Option")
    if key.startswith("tag:"):
        tag = key[4:]
        if option not in (None, "Equals"):
            raise InvalidFilterOption(f"The following filter option is not valid: {option}. Valid options include: [Equals].")
        return lambda r: any(t["Key"] == tag and (not values or t["Value"] in values) for t in r["tags"])
    if key not in allowed:
        raise InvalidFilterKey(f"The following filter key is not valid: {key}. Valid filter keys include: [{', '.join(allowed)}].")
    valid_options = OPTIONS.get(key, ("Equals",))
    if option is not None and option not in valid_options:
        raise InvalidFilterOption(
            f"The following filter option is not valid: {option}. Valid options include: [{', '.join(valid_options)}]."
        )
    if key != "Path" and not values:
        raise InvalidFilterValue(f"The following filter values are missing : null for filter key {key}.")
    for value in values:
        if key in ENUMS and value not in ENUMS[key]:
            raise InvalidFilterValue(f"The following filter value is not valid: {value}. Valid values include: [{', '.join(ENUMS[key])}].")
    if key == "Name":
        chosen = option or "Equals"
        wanted = [v if v.startswith("/") or "/" not in v else "/" + v for v in values]
        if chosen == "BeginsWith":
            return lambda r: any(r["name"].startswith(v) for v in wanted)
        if chosen == "Contains":
            return lambda r: any(v in r["name"] for v in wanted)
        return lambda r: r["name"] in wanted
    if key == "Path":
        recursive = option == "Recursive"
        paths = [names.check_path(v) for v in values] or ["/"]
        return lambda r: any(_below(r["name"], p, recursive) for p in paths)
    if key == "Label":
        return lambda r: any(label in r["labels"] for label in values)
    field = {"Type": "type", "KeyId": "key_id", "Tier": "tier", "DataType": "data_type"}[key]
    return lambda r: r.get(field) in values


def _below(name: str, path: str, recursive: bool) -> bool:
    if not name.startswith(path) or name == path:
        return False
    return recursive or "/" not in name[len(path) :]


def _legacy(spec: dict[str, Any]) -> Test:
    """The older ``Filters`` of DescribeParameters: Name (prefix), Type, KeyId."""
    key, values = spec["Key"], spec["Values"]
    if key == "Name":
        return lambda r: any(r["name"].startswith(v) for v in values)
    if key not in ("Type", "KeyId"):
        raise InvalidFilterKey(f"The following filter key is not valid: {key}. Valid filter keys include: [Name, Type, KeyId].")
    field = "type" if key == "Type" else "key_id"
    return lambda r: r.get(field) in values


def by_path(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """GetParametersByPath: the parameters below a path (one level, or all with Recursive)."""
    path = names.check_path(request["Path"])
    recursive = bool(request.get("Recursive"))
    specs = request.get("ParameterFilters") or []
    tests = [_filter(spec, BY_PATH_KEYS) for spec in specs]
    labels = [v for spec in specs if spec["Key"] == "Label" for v in spec.get("Values") or []]
    if names.is_public(path) or path in ("/aws/", "/aws/service/"):
        items: list[Any] = public.under(ctx.region, path, recursive)
        chosen, extra = parameters.paged(items, request, 10)
        return {"Parameters": chosen, **extra}
    records = [
        r for r in _records(ctx, path if path != "/" else "/")
        if _below(r["name"], path, recursive) and all(test(r) for test in tests)
    ]
    chosen, extra = parameters.paged(records, request, 10)
    decrypt = bool(request.get("WithDecryption"))
    out = []
    for record in chosen:
        version, selector = record, None
        if labels:
            label = next(lab for lab in labels if lab in record["labels"])
            version = parameters.version_of(ctx, record, record["labels"][label]) or record
            selector = ":" + label
        out.append(parameters.output(ctx, record, version, selector, decrypt))
    return {"Parameters": out, **extra}


def describe(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeParameters: metadata of the parameters that pass the filters, in name order."""
    if request.get("Filters") and request.get("ParameterFilters"):
        raise InvalidInput("You can use either Filters or ParameterFilters in a single request.")
    tests = [_legacy(spec) for spec in request.get("Filters") or []]
    tests += [_filter(spec, DESCRIBE_KEYS) for spec in request.get("ParameterFilters") or []]
    records = [r for r in _records(ctx) if all(test(r) for test in tests)]
    chosen, extra = parameters.paged(records, request, 50)
    return {"Parameters": [metadata(ctx, r) for r in chosen], **extra}


def metadata(ctx: Ctx, record: dict[str, Any]) -> dict[str, Any]:
    """The ParameterMetadata of a parameter."""
    out: dict[str, Any] = {
        "Name": record["name"],
        "ARN": names.arn(ctx.region, ctx.account, record["name"]),
        "Type": record["type"],
        "LastModifiedDate": parameters.when(record["modified"]),
        "LastModifiedUser": record["user"],
        "Version": record["version"],
        "Tier": record["tier"],
        "Policies": policies.described(record["policies"]),
        "DataType": record["data_type"],
    }
    if record.get("description"):
        out["Description"] = record["description"]
    if record.get("allowed_pattern"):
        out["AllowedPattern"] = record["allowed_pattern"]
    if record.get("key_id"):
        out["KeyId"] = record["key_id"]
    return out
