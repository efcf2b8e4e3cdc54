"""Function configuration: names and ARNs, validation of settings, code intake, records.

A function record (see ``store.py``) holds the ``$LATEST`` configuration exactly as boto3 shows
it; published versions are frozen copies of it. Code arrives as a zip (``ZipFile``) or from S3
through ``ctx.call("s3", "GetObject")`` and is kept in the blob store.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import inspect
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.runtimes.code import BadZip, check_zip
from fogbank.services.lambda_ import store
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
)

LATEST = "$LATEST"
MAX_TIMEOUT = 900
MAX_MEMORY = 10240
MIN_MEMORY = 128
MAX_EPHEMERAL = 10240
MAX_ENV_BYTES = 4096
MAX_UNZIPPED = 262144000
MAX_LAYERS = 5

_NAME = re.compile(
    r"^(?:arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:|(?P<pacct>\d{12}):function:)?"
    r"(?P<name>[a-zA-Z0-9_-]{1,64})(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$"
)


def function_arn(ctx: Ctx, name: str, qualifier: str | None = None) -> str:
    """The ARN of a function (qualified when ``qualifier`` is given)."""
    arn = f"arn:aws:lambda:{ctx.region}:{ctx.account}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def parse_name(ctx: Ctx, value: str, qualifier: str | None = None) -> tuple[str, str | None]:
    """(name, qualifier) from a name, partial ARN or ARN; the ``Qualifier`` parameter must agree."""
    match = _NAME.match(value or "")
    if match is None:
        raise InvalidParameterValueException(f"1 validation error detected: Value '{value}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{{2}}(-gov)?-[a-z]+-\\d{{1}}:)?(\\d{{12}}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?", code="ValidationException")
    account = match.group("account") or match.group("pacct")
    if account and account != ctx.account:
        raise ResourceNotFoundException(f"Function not found: {value}")
    if match.group("region") and match.group("region") != ctx.region:
        raise InvalidParameterValueException(f"Region {match.group('region')} does not match the request region {ctx.region}")
    embedded = match.group("qualifier")
    if embedded and qualifier and embedded != qualifier:
        raise InvalidParameterValueException("The derived qualifier from the function name does not match the specified qualifier.")
    return match.group("name"), embedded or qualifier or None


def load(ctx: Ctx, name: str, shown: str | None = None) -> dict[str, Any]:
    """The function record of ``name``; ResourceNotFoundException (with AWS's text) if none."""
    record = store.get(ctx, "function", name)
    if record is None:
        raise ResourceNotFoundException(f"Function not found: {function_arn(ctx, name, shown)}")
    return record


def timestamp(seconds: float) -> str:
    """Lambda's LastModified format: ``2024-01-31T12:00:00.000+0000``."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _range_error(member: str, value: int, low: int, high: int) -> ServiceError:
    bound = f"less than or equal to {high}" if value > high else f"greater than or equal to {low}"
    return ServiceError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must have value {bound}",
        code="ValidationException",
    )


def check_settings(request: dict[str, Any]) -> None:
    """AWS's limits on the settings a Create/UpdateFunctionConfiguration request may carry."""
    timeout = request.get("Timeout")
    if timeout is not None and not 1 <= timeout <= MAX_TIMEOUT:
        raise _range_error("timeout", timeout, 1, MAX_TIMEOUT)
    memory = request.get("MemorySize")
    if memory is not None and not MIN_MEMORY <= memory <= MAX_MEMORY:
        raise _range_error("memorySize", memory, MIN_MEMORY, MAX_MEMORY)
    storage = (request.get("EphemeralStorage") or {}).get("Size")
    if storage is not None and not 512 <= storage <= MAX_EPHEMERAL:
        raise _range_error("ephemeralStorage.size", storage, 512, MAX_EPHEMERAL)
    variables = (request.get("Environment") or {}).get("Variables")
    if variables:
        measured = json.dumps(variables, separators=(",", ":"))
        if len(measured.encode()) > MAX_ENV_BYTES:
            raise InvalidParameterValueException(
                "Lambda was unable to configure your environment variables because the environment variables "
                f"you have provided exceeded the 4KB limit. String measured: {measured}"
            )
        reserved = sorted(set(variables) & RESERVED_VARIABLES)
        if reserved:
            raise InvalidParameterValueException(
                f"Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {', '.join(reserved)}"
            )
    if request.get("Runtime") is not None:
        check_runtime(request["Runtime"])
    layers = request.get("Layers")
    if layers is not None and len(layers) > MAX_LAYERS:
        raise InvalidParameterValueException("Cannot reference more than 5 layers.")


# Runtimes AWS no longer lets anyone create or update a function with (past "block function
# create"), and the family's current runtime it names instead.
RETIRED_RUNTIMES = frozenset({
    "python2.7", "python3.6", "python3.7", "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10",
    "nodejs8.10", "nodejs10.x", "nodejs12.x", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "ruby2.5",
})
_SUCCESSORS = (("python", "python3.13"), ("nodejs", "nodejs22.x"), ("dotnet", "dotnet8"), ("ruby", "ruby3.3"))


@functools.cache
def known_runtimes() -> tuple[str, ...]:
    """The runtime identifiers the Lambda model allows (its ``Runtime`` enum)."""
    from fogbank.spec.loader import service_model

    return tuple(service_model("lambda").shape_for("Runtime").enum)


def check_runtime(runtime: str) -> None:
    """AWS's answer to a runtime it does not know, or no longer accepts for new code."""
    allowed = known_runtimes()
    if runtime not in allowed:
        raise ServiceError(
            f"1 validation error detected: Value '{runtime}' at 'runtime' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(allowed)}] or be a valid ARN",
            code="ValidationException",
        )
    if runtime in RETIRED_RUNTIMES:
        successor = next((new for family, new in _SUCCESSORS if runtime.startswith(family)), runtime)
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda functions. "
            f"We recommend you use the new runtime ({successor}) while creating or updating functions."
        )


RESERVED_VARIABLES = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})


async def take_code(ctx: Ctx, code: dict[str, Any]) -> dict[str, Any]:
    """Store a function's or layer's zip: ``{"blob", "sha256", "size"}`` (sha256 base64, as AWS)."""
    data = code.get("ZipFile")
    if data is None and code.get("S3Bucket"):
        data = await _from_s3(ctx, code)
    if data is None:
        if code.get("ImageUri"):
            raise InvalidParameterValueException("fogbank does not run container image functions; use a zip package")
        raise InvalidParameterValueException("Please provide a source for function code.")
    blob = ctx.blobs.put(data)
    try:
        check_zip(ctx.blobs.path(blob))
        size = _unzipped_size(ctx, blob)
    except BadZip:
        ctx.blobs.delete(blob)
        raise InvalidParameterValueException("Could not unzip uploaded file. Please check your file, then try to upload again.") from None
    if size > MAX_UNZIPPED:
        ctx.blobs.delete(blob)
        raise InvalidParameterValueException(f"Unzipped size must be smaller than {MAX_UNZIPPED} bytes")
    digest = hashlib.sha256(data)
    return {"blob": blob, "sha256": base64.b64encode(digest.digest()).decode(), "sha_hex": digest.hexdigest(), "size": len(data)}


def _unzipped_size(ctx: Ctx, blob: str) -> int:
    import zipfile

    with zipfile.ZipFile(ctx.blobs.path(blob)) as archive:
        return sum(info.file_size for info in archive.infolist())


async def _from_s3(ctx: Ctx, code: dict[str, Any]) -> bytes:
    params = {"Bucket": code["S3Bucket"], "Key": code.get("S3Key", "")}
    if code.get("S3ObjectVersion"):
        params["VersionId"] = code["S3ObjectVersion"]
    try:
        result = ctx.call("s3", "GetObject", params)
        if inspect.isawaitable(result):
            result = await result
    except ServiceError as err:
        if err.code == "NotImplemented":
            raise
        raise InvalidParameterValueException(
            f"Error occurred while GetObject. S3 Error Code: {err.code}. S3 Error Message: {err.message}"
        ) from None
    body = result.get("Body", b"")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    read = getattr(body, "read", None)
    if read is not None:
        return read()
    return b"".join(body)


def new_config(ctx: Ctx, request: dict[str, Any], code: dict[str, Any], layers: list[dict[str, Any]]) -> dict[str, Any]:
    """The $LATEST FunctionConfiguration of a new function."""
    name = request["FunctionName"]
    config: dict[str, Any] = {
        "FunctionName": name,
        "FunctionArn": function_arn(ctx, name),
        "Runtime": request.get("Runtime"),
        "Role": request["Role"],
        "Handler": request.get("Handler"),
        "CodeSize": code["size"],
        "Description": request.get("Description", ""),
        "Timeout": request.get("Timeout", 3),
        "MemorySize": request.get("MemorySize", 128),
        "LastModified": timestamp(ctx.clock.now()),
        "CodeSha256": code["sha256"],
        "Version": LATEST,
        "TracingConfig": {"Mode": (request.get("TracingConfig") or {}).get("Mode", "PassThrough")},
        "RevisionId": str(uuid.uuid4()),
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": request.get("PackageType", "Zip"),
        "Architectures": request.get("Architectures") or ["x86_64"],
        "EphemeralStorage": {"Size": (request.get("EphemeralStorage") or {}).get("Size", 512)},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}", **(request.get("LoggingConfig") or {})},
    }
    if config["Runtime"] is None:
        del config["Runtime"]
    if config["Handler"] is None:
        del config["Handler"]
    apply_optional(config, request)
    if layers:
        config["Layers"] = layers
    return config


def apply_optional(config: dict[str, Any], request: dict[str, Any]) -> None:
    """Copy the optional settings a request carries into a configuration."""
    if "Environment" in request:
        variables = (request.get("Environment") or {}).get("Variables") or {}
        if variables:
            config["Environment"] = {"Variables": dict(variables)}
        else:
            config.pop("Environment", None)
    if "DeadLetterConfig" in request:
        target = (request.get("DeadLetterConfig") or {}).get("TargetArn")
        if target:
            config["DeadLetterConfig"] = {"TargetArn": target}
        else:
            config.pop("DeadLetterConfig", None)
    if request.get("KMSKeyArn"):
        config["KMSKeyArn"] = request["KMSKeyArn"]
    if request.get("VpcConfig"):
        vpc = request["VpcConfig"]
        config["VpcConfig"] = {"SubnetIds": vpc.get("SubnetIds", []), "SecurityGroupIds": vpc.get("SecurityGroupIds", []), "VpcId": ""}
