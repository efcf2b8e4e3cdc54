"""Round trips through botocore and fogbank for one operation on one protocol.

``check_input``: botocore serialises (and SigV4-signs) an input as a real client would, fogbank's
router and protocol module must get the same operation and the same dict back.
``check_output``: fogbank serialises an output, botocore must parse the same dict back.
``check_errors``: fogbank serialises each modelled error, botocore must parse code, message and
fields back. Each returns a list of differences; an empty list is a pass. fogbank modules are
imported lazily: ``Unavailable`` says which one is not there yet.
"""

from __future__ import annotations

import importlib
import io
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import HeadersDict, create_request_object, prepare_request_dict
from botocore.credentials import Credentials
from botocore.handlers import parse_get_bucket_location
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer

from .compare import diff, query_wire, xml_text
from .shapes import http_owned

ENDPOINT = "http://localhost:4566"
REGION = "us-east-1"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REQUEST_ID = "a1b2c3d4-5e6f-7a8b-9c0d-e1f2a3b4c5d6"
USER_AGENT = "Boto3/1.40.0 md/Botocore#1.44.8 ua/2.1 os/linux lang/python#3.11 Botocore/1.44.8"

# Used only while fogbank.spec.loader does not exist yet.
FALLBACK_SERVICES = (
    "s3", "sqs", "dynamodb", "dynamodbstreams", "lambda", "apigateway", "apigatewayv2",
    "cloudformation", "cloudwatch", "logs", "kms", "sts", "iam", "ssm", "kinesis", "firehose",
    "kinesisanalytics", "kinesisanalyticsv2", "xray", "cognito-idp", "cognito-identity",
    "cognito-sync", "codecommit", "codebuild", "codedeploy", "ecs", "ec2", "elasticbeanstalk",
    "elasticache", "events", "sns", "secretsmanager",
)


class Unavailable(Exception):
    """A fogbank module that the check needs is not written yet."""


@dataclass(frozen=True)
class Case:
    """One operation of one service spoken in one protocol."""

    service: str
    protocol: str
    operation: str

    @property
    def key(self) -> str:
        return f"{self.service}/{self.protocol}/{self.operation}"

    @property
    def seed(self) -> int:
        return zlib.crc32(self.key.encode())


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise Unavailable(f"{name} is not available yet ({e})") from e


def services() -> tuple[str, ...]:
    """The services in scope, from fogbank's loader when it exists."""
    try:
        return tuple(_import("fogbank.spec.loader").SERVICES)
    except Unavailable:
        return FALLBACK_SERVICES


@cache
def base_model(service: str) -> ServiceModel:
    """botocore's model of ``service`` (through fogbank's loader when it exists)."""
    try:
        return _import("fogbank.spec.loader").service_model(service)
    except Unavailable:
        import botocore.session

        return botocore.session.get_session().get_service_model(service)


def query_overlay_available(service: str) -> bool:
    """Whether fogbank has a query-protocol overlay for a JSON service (SQS)."""
    if service != "sqs":
        return False
    try:
        compat = _import("fogbank.protocol.query_compat")
    except Unavailable:
        return False
    return hasattr(compat, "query_service") and compat.needs_overlay(base_model(service))


@cache
def model_for(service: str, protocol: str) -> ServiceModel:
    """The model a client speaking ``protocol`` to ``service`` uses (SQS over query: an older one)."""
    model = base_model(service)
    if protocol == "query" and "query" not in protocols_of(model):
        return _import("fogbank.protocol.query_compat").query_service(model)
    return model


def protocols_of(model: ServiceModel) -> list[str]:
    """The protocols the model lists, the default first."""
    listed = list(model.metadata.get("protocols") or [model.protocol])
    if model.protocol not in listed:
        listed.insert(0, model.protocol)
    return listed


def cases() -> list[Case]:
    """Every (service, protocol, operation) in scope."""
    out: list[Case] = []
    for service in services():
        model = base_model(service)
        protos = protocols_of(model)
        if query_overlay_available(service) and "query" not in protos:
            protos.append("query")
        for protocol in protos:
            for op in model.operation_names:
                out.append(Case(service, protocol, op))
    return out


# --- requests -------------------------------------------------------------------------------


def unsigned(op: OperationModel) -> bool:
    """Whether real clients send this operation without a signature."""
    auth = op.metadata.get("auth") or getattr(op, "auth", None) or []
    return op.auth_type == "none" or list(auth) == ["smithy.api#noAuth"]


def client_request(model: ServiceModel, op: OperationModel, protocol: str, params: dict) -> Any:
    """The HttpRequest a botocore client sends for ``params`` (signed with SigV4 unless unauthenticated)."""
    base = _import("fogbank.protocol.base")
    serializer = create_serializer(protocol, include_validation=False)
    request_dict = serializer.serialize_to_request(params, op)
    prepare_request_dict(request_dict, endpoint_url=ENDPOINT, user_agent=USER_AGENT)
    aws_request = create_request_object(request_dict)
    if not unsigned(op):
        creds = Credentials(ACCESS_KEY, SECRET_KEY)
        signer_cls = S3SigV4Auth if model.signing_name == "s3" else SigV4Auth
        signer_cls(creds, op.metadata.get("signingName") or model.signing_name, REGION).add_auth(aws_request)
    prepared = aws_request.prepare()
    url = urlsplit(prepared.url)
    headers = {"host": url.netloc}
    for name, value in prepared.headers.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        key = name.lower()
        headers[key] = f"{headers[key]},{text}" if key in headers and key != "host" else text
    body = prepared.body
    if body is None:
        body = b""
    elif hasattr(body, "read"):
        body = body.read()
    elif isinstance(body, str):
        body = body.encode("utf-8")
    return base.HttpRequest(method=prepared.method, path=url.path or "/", query_string=url.query,
                            headers=headers, body=bytes(body))


@lru_cache(maxsize=1)
def router() -> Any:
    """One fogbank Router per process (building its matchers is not free)."""
    return _import("fogbank.server.routing").Router()


def protocol_module(protocol: str) -> Any:
    """fogbank's module for ``protocol``."""
    registry = _import("fogbank.protocol")
    try:
        return registry.module_for(protocol)
    except ImportError as e:
        raise Unavailable(f"fogbank's {protocol} module is not available yet ({e})") from e


def check_input(case: Case, params: dict) -> list[str]:
    """Differences between ``params`` and what fogbank parses from botocore's request for them."""
    model = model_for(case.service, case.protocol)
    op = model.operation_model(case.operation)
    req = client_request(model, op, case.protocol, params)
    errors = _import("fogbank.errors")
    module = protocol_module(case.protocol)
    try:
        route = router().route(req)
    except errors.ServiceError as e:
        return [f"routing: {e!r} for {req.method} {req.path}?{req.query_string[:80]}"]
    problems = []
    if (route.service, route.operation.name) != (case.service, case.operation):
        return [f"routing: went to {route.service}.{route.operation.name}"]
    if route.protocol != case.protocol:
        problems.append(f"routing: protocol {route.protocol!r}, sent {case.protocol!r}")
    try:
        parsed = module.parse_request(op, req, dict(route.path_params))
    except Exception as e:  # noqa: BLE001 - any exception is the finding
        return problems + [f"parse_request raised {e!r:.300}"]
    if op.input_shape is None:
        return problems + ([f"parsed {parsed!r:.80} for an operation without input"] if parsed else [])
    # Content-Length and its kind are the HTTP layer's: a parser may fill them from the request.
    owned = {n for n, m in op.input_shape.members.items() if http_owned(m) and n not in params}
    parsed = {k: v for k, v in parsed.items() if k not in owned} if isinstance(parsed, dict) else parsed
    return problems + diff(on_the_wire(params, op.input_shape, case.protocol), parsed, op.input_shape, case.protocol)


def on_the_wire(params: dict, shape: Shape, protocol: str) -> dict:
    """What of ``params`` a botocore client's request can carry (see ``compare.query_wire``)."""
    if protocol in ("query", "ec2"):
        return query_wire(params, shape, protocol)
    if protocol == "rest-xml":
        # Only the body is XML: headers, URI and query string carry a CR unchanged.
        payload = shape.serialization.get("payload")
        if payload:
            body = {payload} if shape.members[payload].type_name == "structure" else set()
        else:
            body = {n for n, m in shape.members.items() if not m.serialization.get("location")}
        return {k: xml_text(v) if k in body else v for k, v in params.items()}
    return params


def _response_dict(op: OperationModel, resp: Any) -> dict:
    headers = HeadersDict()
    for name, value in resp.headers:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    body: Any = resp.body or b""
    if op.has_streaming_output and resp.status < 300:
        body = StreamingBody(io.BytesIO(body), len(body))
    return {"status_code": resp.status, "headers": headers, "body": body}


def _without_metadata(parsed: dict, drop: set[str]) -> dict:
    return {k: v for k, v in parsed.items() if k != "ResponseMetadata" and k not in drop}


def event_stream_members(shape: Shape | None) -> set[str]:
    """Members carrying an event stream (not part of these round trips)."""
    if shape is None:
        return set()
    return {n for n, m in shape.members.items() if m.serialization.get("eventstream")}


def check_output(case: Case, output: dict) -> list[str]:
    """Differences between ``output`` and what botocore parses from fogbank's response for it."""
    op = model_for(case.service, case.protocol).operation_model(case.operation)
    module = protocol_module(case.protocol)
    try:
        # The server holds the service's own model, whatever the protocol of the request.
        resp = module.serialize_response(base_model(case.service).operation_model(case.operation), output, REQUEST_ID)
    except Exception as e:  # noqa: BLE001 - any exception is the finding
        return [f"serialize_response raised {e!r:.300}"]
    if resp.status >= 300:
        return [f"status {resp.status} for a successful response"]
    drop = event_stream_members(op.output_shape)
    if op.has_event_stream_output:
        return []
    try:
        parsed = create_parser(case.protocol).parse(_response_dict(op, resp), op.output_shape)
    except Exception as e:  # noqa: BLE001
        return [f"botocore cannot parse the response: {e!r:.300} body={resp.body[:200]!r}"]
    after_call(case, op, parsed, resp)
    got = _without_metadata(parsed, drop)
    for name, member in (op.output_shape.members.items() if op.output_shape else ()):
        if hasattr(got.get(name), "read"):
            got[name] = got[name].read()
        # botocore always reports the HTTP status, and the Content-Type a server always sends.
        if name not in output and (
            member.serialization.get("location") == "statusCode"
            or member.serialization.get("name", "").lower() == "content-type"
        ):
            got.pop(name, None)
    if op.output_shape is None:
        return [f"botocore parsed {got!r:.80} for an operation without output"] if got else []
    return diff(output, got, op.output_shape, case.protocol)


def after_call(case: Case, op: OperationModel, parsed: dict, resp: Any) -> None:
    """The parsing that botocore clients do in event handlers rather than in the parser."""
    if (case.service, op.name) == ("s3", "GetBucketLocation"):
        http_response = SimpleNamespace(raw=resp.body, content=resp.body)
        parse_get_bucket_location(parsed, http_response)
        if parsed.get("LocationConstraint") is None:
            parsed.pop("LocationConstraint", None)


def error_code(shape: Shape) -> str:
    """The code clients see for a modelled error shape."""
    return shape.metadata.get("error", {}).get("code") or shape.name


def error_status(shape: Shape) -> int:
    """The HTTP status of a modelled error (the model's, else 400 / 500 by fault)."""
    status = shape.metadata.get("error", {}).get("httpStatusCode")
    if status:
        return int(status)
    return 500 if shape.metadata.get("fault") else 400


def message_members(shape: Shape) -> set[str]:
    """Members that carry the error's message (or its code), filled from the ServiceError itself."""
    return {n for n in shape.members if n.lower() in ("message", "code", "errormessage", "errorcode")}


def check_error(case: Case, shape: Shape, fields: dict) -> list[str]:
    """Differences between a modelled error and what botocore parses from fogbank's answer for it."""
    model = model_for(case.service, case.protocol)
    op = model.operation_model(case.operation)
    server = base_model(case.service)
    module = protocol_module(case.protocol)
    errors = _import("fogbank.errors")
    # Providers raise the service model's code; a client of another protocol may know another one.
    code, server_code = error_code(model.shape_for(shape.name)), error_code(shape)
    status, message = error_status(model.shape_for(shape.name)), "It went wrong: <&> é"
    err = errors.ServiceError(message, code=server_code, status=error_status(shape), fields=fields)
    try:
        resp = module.serialize_error(server, err, REQUEST_ID, server.operation_model(case.operation))
    except Exception as e:  # noqa: BLE001
        return [f"{shape.name}: serialize_error raised {e!r:.300}"]
    problems = []
    if resp.status != status:
        problems.append(f"{shape.name}: status {resp.status}, expected {status}")
    parser = create_parser(case.protocol)
    response = _response_dict(op, resp)
    try:
        parsed = parser.parse(response, op.output_shape)
    except Exception as e:  # noqa: BLE001
        return problems + [f"{shape.name}: botocore cannot parse the error: {e!r:.200} body={resp.body[:200]!r}"]
    got = parsed.get("Error", {})
    # awsQueryCompatible services answer with their query-era code too (x-amzn-query-error):
    # botocore then shows that code and keeps the shape's name as QueryErrorCode.
    seen = got.get("QueryErrorCode") if got.get("QueryErrorCode") in (code, server_code) else got.get("Code")
    if seen not in (code, server_code) or (got.get("Code") != code and "QueryErrorCode" not in got):
        problems.append(f"{shape.name}: code {got.get('Code')!r}, expected {code!r}")
    if got.get("Message") != message:
        problems.append(f"{shape.name}: message {got.get('Message')!r:.80}, expected {message!r}")
    error_shape = model.shape_for_error_code(seen or "") or (
        model.shape_for(got["QueryErrorCode"]) if got.get("QueryErrorCode") in model.shape_names else None
    )
    if error_shape is None or not fields:
        return problems
    try:
        modelled = parser.parse(_response_dict(op, resp), error_shape)
    except Exception as e:  # noqa: BLE001
        return problems + [f"{shape.name}: botocore cannot parse the error fields: {e!r:.200}"]
    got_fields = {k: v for k, v in modelled.items() if k in fields}
    return problems + [f"{shape.name}: {d}" for d in diff(fields, got_fields, error_shape, case.protocol)]


def check_errors(case: Case, make_fields: Any) -> list[str]:
    """``check_error`` for every error shape of the operation; ``make_fields(shape)`` gives fields."""
    op = base_model(case.service).operation_model(case.operation)
    out: list[str] = []
    for shape in op.error_shapes:
        out.extend(check_error(case, shape, make_fields(shape)))
    return out


def check_generic_error(service: str, protocol: str, err: Any, op_name: str | None) -> list[str]:
    """A generic fogbank error (not modelled) reaches botocore with its code, message and status.

    ``op_name`` None stands for errors raised before an operation is known (routing, auth).
    """
    model = model_for(service, protocol)
    server = base_model(service)
    module = protocol_module(protocol)
    server_op = server.operation_model(op_name) if op_name else None
    try:
        resp = module.serialize_error(server, err, REQUEST_ID, server_op)
    except Exception as e:  # noqa: BLE001
        return [f"serialize_error raised {e!r:.300}"]
    problems = [] if resp.status == err.status else [f"status {resp.status}, expected {err.status}"]
    op = model.operation_model(op_name) if op_name else None
    headers = HeadersDict()
    for name, value in resp.headers:
        headers[name] = value
    response = {"status_code": resp.status, "headers": headers, "body": resp.body}
    try:
        parsed = create_parser(protocol).parse(response, op.output_shape if op else None)
    except Exception as e:  # noqa: BLE001
        return problems + [f"botocore cannot parse the error: {e!r:.200} body={resp.body[:200]!r}"]
    got = parsed.get("Error", {})
    if err.code not in (got.get("Code"), got.get("QueryErrorCode")):
        problems.append(f"code {got.get('Code')!r}, expected {err.code!r}")
    if got.get("Message") != err.message:
        problems.append(f"message {got.get('Message')!r:.80}, expected {err.message!r}")
    return problems
