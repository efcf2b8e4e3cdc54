"""Parameter records: writing versions (PutParameter's rules), reading them back by name, version
or label, decrypting SecureString values through KMS, labels, history, deletion and tags.

SecureString values are encrypted by ``ctx.call("kms", "Encrypt", ...)`` under the given KeyId or
the AWS managed key ``alias/aws/ssm``, with the parameter's ARN as encryption context (as AWS
does), and only the ciphertext is stored.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import InvalidInput, ServiceError
from fogbank.services.ssm import names, policies, public
from fogbank.services.ssm import store as sstore
from fogbank.services.ssm.errors import (
    InvalidAllowedPatternException,
    InvalidKeyId,
    InvalidNextToken,
    InvalidResourceId,
    InvalidResourceType,
    ParameterAlreadyExists,
    ParameterMaxVersionLimitExceeded,
    ParameterNotFound,
    ParameterPatternMismatchException,
    ParameterVersionLabelLimitExceeded,
    ParameterVersionNotFound,
    TooManyTagsError,
)

MAX_VERSIONS = 100
MAX_LABELS_PER_VERSION = 10
MAX_TAGS = 50
DEFAULT_KEY = "alias/aws/ssm"
TIER_LIMITS = {"Standard": 4096, "Advanced": 8192}
DATA_TYPES = ("text", "aws:ec2:image", "aws:ssm:integration")
_AMI = re.compile(r"^ami-[0-9a-f]{8,17}$")


# -- reading ----------------------------------------------------------------------------------


def when(epoch: float) -> datetime:
    """A stored epoch time as boto3 returns timestamps."""
    return datetime.fromtimestamp(epoch, UTC)


def load(ctx: Ctx, name: str) -> dict[str, Any] | None:
    """A parameter's record, or None (an expired parameter is deleted here)."""
    record = sstore.load(ctx.store.get(sstore.param_key(ctx.account, ctx.region, name)))
    if record is not None and record.get("expires") is not None and ctx.clock.now() >= record["expires"]:
        _delete(ctx, name)
        return None
    return record


def find(ctx: Ctx, reference: str) -> dict[str, Any] | None:
    """The record a name or parameter ARN refers to, or None."""
    for name in names.from_arn(reference):
        record = load(ctx, name)
        if record is not None:
            return record
    return None


def version_of(ctx: Ctx, record: dict[str, Any], version: int) -> dict[str, Any] | None:
    """One version of a parameter (the record itself for the latest), or None."""
    if version == record["version"]:
        return record
    found = sstore.load(ctx.store.get(sstore.version_key(ctx.account, ctx.region, record["name"], version)))
    if found is not None:
        found["version"] = version
    return found


def labels_of(record: dict[str, Any], version: int) -> list[str]:
    """The labels on one version, in the order they were added."""
    return [label for label, v in record["labels"].items() if v == version]


def _kms_error(ctx: Ctx, err: ServiceError) -> InvalidKeyId:
    return InvalidKeyId(
        f"{err.message} (Service: AWSKMS; Status Code: {err.status}; Error Code: {err.code}; "
        f"Request ID: {ctx.request_id}; Proxy: null)"
    )


def reveal(ctx: Ctx, name: str, version: dict[str, Any], decrypt: bool) -> str:
    """A version's value as read: SecureString plaintext only when ``decrypt``."""
    if version["type"] != "SecureString" or not decrypt:
        return version["value"]
    try:
        out = ctx.call(
            "kms",
            "Decrypt",
            {
                "CiphertextBlob": base64.b64decode(version["value"]),
                "EncryptionContext": {"PARAMETER_ARN": names.arn(ctx.region, ctx.account, name)},
            },
        )
    except ServiceError as err:
        raise _kms_error(ctx, err) from err
    return out["Plaintext"].decode()


def resolve(ctx: Ctx, reference: str) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """``(record, version, selector)`` of ``name``, ``name:version`` or ``name:label``."""
    name, selector = names.split_selector(reference)
    record = find(ctx, name)
    if record is None:
        raise ParameterNotFound("")
    if selector is None:
        return record, record, None
    if selector.isdigit():
        version = version_of(ctx, record, int(selector))
        if version is None:
            raise ParameterVersionNotFound(
                f"Systems Manager could not find version {selector} of {record['name']}. "
                "Verify the version and try again."
            )
        return record, version, ":" + selector
    labelled = record["labels"].get(selector)
    version = version_of(ctx, record, labelled) if labelled is not None else None
    if version is None:
        raise ParameterNotFound("")
    return record, version, ":" + selector


def output(ctx: Ctx, record: dict[str, Any], version: dict[str, Any], selector: str | None, decrypt: bool) -> dict[str, Any]:
    """The Parameter member of GetParameter and friends."""
    name = record["name"]
    out: dict[str, Any] = {
        "Name": name,
        "Type": version["type"],
        "Value": reveal(ctx, name, version, decrypt),
        "Version": version["version"],
        "LastModifiedDate": when(version["modified"]),
        "ARN": names.arn(ctx.region, ctx.account, name),
        "DataType": version["data_type"],
    }
    if selector:
        out["Selector"] = selector
    return out


def get(ctx: Ctx, reference: str, decrypt: bool) -> dict[str, Any]:
    """One parameter as GetParameter answers it (public ``/aws/service/`` names included)."""
    name, _ = names.split_selector(reference)
    if names.is_public(name):
        published = public.parameter(ctx.region, name)
        if published is None:
            raise ParameterNotFound("")
        return published
    record, version, selector = resolve(ctx, reference)
    return output(ctx, record, version, selector, decrypt)


# -- writing ----------------------------------------------------------------------------------


def _user(ctx: Ctx) -> str:
    return ctx.principal.arn if ctx.principal is not None else f"arn:aws:iam::{ctx.account}:root"


def _check_value(request: dict[str, Any], kind: str, tier: str, pattern: str | None, data_type: str) -> None:
    value = request["Value"]
    if value == "":
        raise InvalidInput(
            "1 validation error detected: Value at 'value' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    size = len(value.encode())
    if size > TIER_LIMITS["Advanced"]:
        raise InvalidInput(
            "1 validation error detected: Value at 'value' failed to satisfy constraint: "
            "Member must have length less than or equal to 8192"
        )
    if size > TIER_LIMITS[tier]:
        raise InvalidInput(
            "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger "
            "parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see "
            "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
        )
    if pattern:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise InvalidAllowedPatternException(f"The allowed pattern is not valid: {exc}") from exc
        if not compiled.fullmatch(value):
            raise ParameterPatternMismatchException(f"Parameter value, cannot be validated against allowedPattern: {pattern}")
    if data_type not in DATA_TYPES:
        raise InvalidInput(f"The following data type is not supported: {data_type} (Data type names are all lowercase.)")
    if data_type == "aws:ec2:image":
        if kind != "String":
            raise InvalidInput("The aws:ec2:image data type is supported only for String parameters.")
        if not _AMI.match(value):
            raise InvalidInput(f"Parameter value, {value}, is not a valid Amazon Machine Image (AMI) ID.")


def _tier(request: dict[str, Any], existing: dict[str, Any] | None, has_policies: bool) -> str:
    asked = request.get("Tier")
    current = existing["tier"] if existing else None
    if asked == "Intelligent-Tiering":
        big = len(request["Value"].encode()) > TIER_LIMITS["Standard"]
        return "Advanced" if big or has_policies or current == "Advanced" else "Standard"
    if asked is None:
        return current or "Standard"
    if asked == "Standard" and current == "Advanced":
        raise InvalidInput(
            "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the "
            "advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced "
            "parameter and recreate it as a standard parameter."
        )
    return asked


def _encrypt(ctx: Ctx, name: str, key_id: str, value: str) -> str:
    try:
        out = ctx.call(
            "kms",
            "Encrypt",
            {
                "KeyId": key_id,
                "Plaintext": value.encode(),
                "EncryptionContext": {"PARAMETER_ARN": names.arn(ctx.region, ctx.account, name)},
            },
        )
    except ServiceError as err:
        raise _kms_error(ctx, err) from err
    return base64.b64encode(out["CiphertextBlob"]).decode()


def put(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """PutParameter: create, or (with Overwrite) add a version; returns Version and Tier."""
    name = request["Name"]
    names.check_name(name)
    if request.get("Tags") and request.get("Overwrite"):
        raise InvalidInput(
            "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please "
            "remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or "
            "RemoveTagsFromResource."
        )
    existing = load(ctx, name)
    if existing is not None and not request.get("Overwrite"):
        raise ParameterAlreadyExists("The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
    kind = request.get("Type") or (existing["type"] if existing else None)
    if kind is None:
        raise InvalidInput("A parameter type is required when you create a parameter.")
    if request.get("KeyId") and kind != "SecureString":
        raise InvalidInput("KeyId is valid only for SecureString parameters.")
    now = ctx.clock.now()
    parsed_policies, expires = (policies.parse(request["Policies"], now) if request.get("Policies") else ([], None))
    if existing is not None and "Policies" not in request:
        parsed_policies, expires = existing["policies"], existing.get("expires")
    tier = _tier(request, existing, bool(parsed_policies))
    if parsed_policies and tier != "Advanced":
        raise InvalidInput("Parameter policies are supported only for parameters in the advanced-parameter tier.")
    keep = existing if existing is not None and request.get("Type") in (None, existing["type"]) else None
    pattern = request.get("AllowedPattern", keep["allowed_pattern"] if keep else None)
    data_type = request.get("DataType") or (existing["data_type"] if existing else "text")
    _check_value(request, kind, tier, pattern, data_type)
    key_id = None
    value = request["Value"]
    if kind == "SecureString":
        key_id = request.get("KeyId") or (keep["key_id"] if keep and keep.get("key_id") else DEFAULT_KEY)
        value = _encrypt(ctx, name, key_id, value)
    version = {
        "type": kind,
        "value": value,
        "key_id": key_id,
        "description": request.get("Description", existing["description"] if existing else ""),
        "allowed_pattern": pattern,
        "tier": tier,
        "policies": parsed_policies,
        "data_type": data_type,
        "modified": now,
        "user": _user(ctx),
    }
    tags = [{"Key": t["Key"], "Value": t["Value"]} for t in request.get("Tags", [])]
    if len(tags) > MAX_TAGS:
        raise TooManyTagsError("The Tags parameter contains more than 50 tags. Reduce the number of tags and try again.")
    with ctx.store.transaction() as txn:
        pkey = sstore.param_key(ctx.account, ctx.region, name)
        current = sstore.load(txn.get(pkey))
        if current is not None and not request.get("Overwrite"):
            raise ParameterAlreadyExists("The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
        if current is None:
            record = {"name": name, "version": 1, "oldest": 1, "labels": {}, "tags": tags, "expires": expires, **version}
        else:
            number = current["version"] + 1
            oldest = current["oldest"]
            if number - oldest + 1 > MAX_VERSIONS:
                if oldest in current["labels"].values():
                    raise ParameterMaxVersionLimitExceeded(
                        f"You attempted to create a new version of {name} by calling the PutParameter API with the "
                        f"overwrite flag. Version {oldest}, the oldest version, can't be deleted because it has a "
                        "label associated with it. Move the label to another version of the parameter, and try again."
                    )
                txn.delete(sstore.version_key(ctx.account, ctx.region, name, oldest))
                oldest += 1
            record = {**current, **version, "version": number, "oldest": oldest, "expires": expires}
        txn.put(pkey, sstore.dump(record))
        txn.put(sstore.version_key(ctx.account, ctx.region, name, record["version"]), sstore.dump(version))
    return {"Version": record["version"], "Tier": tier}


def _delete(ctx: Ctx, name: str) -> bool:
    with ctx.store.transaction() as txn:
        existed = txn.delete(sstore.param_key(ctx.account, ctx.region, name))
        txn.delete_prefix(sstore.versions_prefix(ctx.account, ctx.region, name))
    return existed


def delete(ctx: Ctx, reference: str) -> bool:
    """Delete a parameter with every version; False when it did not exist."""
    record = find(ctx, reference)
    return record is not None and _delete(ctx, record["name"])


# -- labels, history, tags -------------------------------------------------------------------


def label(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """LabelParameterVersion: attach labels to a version (moving them from other versions)."""
    record = find(ctx, request["Name"])
    if record is None:
        raise ParameterNotFound("")
    number = request.get("ParameterVersion") or record["version"]
    if version_of(ctx, record, number) is None:
        raise ParameterVersionNotFound(
            f"Systems Manager could not find version {number} of {record['name']}. Verify the version and try again."
        )
    invalid = [lab for lab in request["Labels"] if names.label_problem(lab)]
    wanted = [lab for lab in request["Labels"] if lab not in invalid]
    with ctx.store.transaction() as txn:
        pkey = sstore.param_key(ctx.account, ctx.region, record["name"])
        fresh = sstore.load(txn.get(pkey)) or record
        for lab in wanted:
            fresh["labels"].pop(lab, None)
            fresh["labels"][lab] = number
        if len(labels_of(fresh, number)) > MAX_LABELS_PER_VERSION:
            raise ParameterVersionLabelLimitExceeded(
                "A parameter version can have maximum 10 labels.Move one or more labels to another version and try again."
            )
        txn.put(pkey, sstore.dump(fresh))
    return {"InvalidLabels": invalid, "ParameterVersion": number}


def unlabel(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """UnlabelParameterVersion: remove labels from a version."""
    record = find(ctx, request["Name"])
    if record is None:
        raise ParameterNotFound("")
    number = request["ParameterVersion"]
    if version_of(ctx, record, number) is None:
        raise ParameterVersionNotFound(
            f"Systems Manager could not find version {number} of {record['name']}. Verify the version and try again."
        )
    removed, invalid = [], []
    with ctx.store.transaction() as txn:
        pkey = sstore.param_key(ctx.account, ctx.region, record["name"])
        fresh = sstore.load(txn.get(pkey)) or record
        for lab in request["Labels"]:
            if fresh["labels"].get(lab) == number:
                del fresh["labels"][lab]
                removed.append(lab)
            else:
                invalid.append(lab)
        txn.put(pkey, sstore.dump(fresh))
    return {"RemovedLabels": removed, "InvalidLabels": invalid}


def _token(position: int) -> str:
    return base64.urlsafe_b64encode(f"fogbank:{position}".encode()).decode()


def untoken(token: str | None) -> int:
    """The position a NextToken issued by ``_token`` points at."""
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        prefix, _, number = text.partition(":")
        if prefix != "fogbank" or not number.isdigit():
            raise ValueError(text)
        return int(number)
    except ValueError as exc:
        raise InvalidNextToken("The specified token isn't valid.") from exc


def paged(items: list[Any], request: dict[str, Any], default: int) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``items`` by MaxResults/NextToken."""
    start = untoken(request.get("NextToken"))
    size = request.get("MaxResults") or default
    chosen = items[start : start + size]
    extra = {"NextToken": _token(start + size)} if start + size < len(items) else {}
    return chosen, extra


def history(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """GetParameterHistory: every kept version, oldest first, with its labels."""
    record = find(ctx, request["Name"])
    if record is None:
        raise ParameterNotFound("")
    name = record["name"]
    rows = []
    for key, raw in ctx.store.scan(prefix=sstore.versions_prefix(ctx.account, ctx.region, name)):
        rows.append((key[-1], sstore.load(raw)))
    chosen, extra = paged(rows, request, 50)
    out = []
    for number, version in chosen:
        version["version"] = number
        entry: dict[str, Any] = {
            "Name": name,
            "Type": version["type"],
            "LastModifiedDate": when(version["modified"]),
            "LastModifiedUser": version["user"],
            "Description": version["description"],
            "Value": reveal(ctx, name, version, bool(request.get("WithDecryption"))),
            "Version": number,
            "Labels": labels_of(record, number),
            "Tier": version["tier"],
            "Policies": policies.described(version["policies"]),
            "DataType": version["data_type"],
        }
        if version.get("allowed_pattern"):
            entry["AllowedPattern"] = version["allowed_pattern"]
        if version.get("key_id"):
            entry["KeyId"] = version["key_id"]
        out.append(entry)
    return {"Parameters": out, **extra}


def _tag_target(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    if request["ResourceType"] != "Parameter":
        raise InvalidResourceType("The resource type is not supported by fogbank's Systems Manager yet.")
    record = find(ctx, request["ResourceId"])
    if record is None:
        raise InvalidResourceId("The resource ID is not valid. Verify that you entered the correct ID and try again.")
    return record


def change_tags(ctx: Ctx, request: dict[str, Any], add: list[dict[str, str]], remove: list[str]) -> None:
    """Add and remove tags on a parameter."""
    record = _tag_target(ctx, request)
    with ctx.store.transaction() as txn:
        pkey = sstore.param_key(ctx.account, ctx.region, record["name"])
        fresh = sstore.load(txn.get(pkey)) or record
        merged = {t["Key"]: t["Value"] for t in fresh["tags"]}
        for tag in add:
            merged[tag["Key"]] = tag["Value"]
        for key in remove:
            merged.pop(key, None)
        if len(merged) > MAX_TAGS:
            raise TooManyTagsError("The Tags parameter contains more than 50 tags. Reduce the number of tags and try again.")
        fresh["tags"] = [{"Key": k, "Value": v} for k, v in merged.items()]
        txn.put(pkey, sstore.dump(fresh))


def tags(ctx: Ctx, request: dict[str, Any]) -> list[dict[str, str]]:
    """A parameter's tags."""
    return list(_tag_target(ctx, request)["tags"])

