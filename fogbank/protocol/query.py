"""The AWS query protocol (STS, IAM, SNS, CloudFormation, ElastiCache, Elastic Beanstalk,
CloudWatch's query mode, and SQS for older SDKs).

Requests are ``Action=...&Version=...`` form parameters (body and query string); responses are
``<OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>`` XML; errors are
``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>``.
JSON models marked ``awsQueryCompatible`` are read through their query overlay (``query_compat``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import OperationModel, ServiceModel

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import query_compat
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.protocol.query_params import param_tree, read_params
from fogbank.protocol.xml_shapes import WireError, XmlWriter, escape, escape_attr

CONTENT_TYPE = "text/xml"
# The code each service answers when a parameter has the wrong type (e.g. "abc" for an integer);
# the services modelled in Smithy validate like this, the older ones say InvalidParameterValue.
_TYPE_ERROR_CODES = {
    "iam": "ValidationError",
    "sts": "ValidationError",
    "cloudformation": "ValidationError",
    "sns": "InvalidParameter",
}


def type_error_code(service: ServiceModel) -> str:
    """The AWS code for a query parameter that cannot be read as its modelled type."""
    return _TYPE_ERROR_CODES.get(service.service_name, "InvalidParameterValue")


def form_params(req: HttpRequest) -> dict[str, str]:
    """The request's parameters: query string and form body together (the body wins a clash).

    Raises ``BadRequest`` with ``MalformedQueryString`` when either is not valid UTF-8 form data;
    AWS's common-errors table gives that code HTTP 404.
    """
    try:
        # parsed once per request and shared with routing (HttpRequest.form)
        return {key: values[-1] for key, values in req.form.items()}
    except ValueError as exc:
        raise BadRequest(f"The request is not valid form data: {exc}", code="MalformedQueryString",
                         status=404) from None


def read_input(op: OperationModel, params: Mapping[str, str], *, ec2: bool = False) -> dict[str, Any]:
    """The operation's input from flat query ``params``; ``BadRequest`` for values of the wrong type."""
    shape = op.input_shape
    if shape is None:
        return {}
    try:
        return read_params(shape, param_tree(params), ec2=ec2)
    except WireError as exc:
        code = "InvalidParameterValue" if ec2 else type_error_code(op.service_model)
        raise BadRequest(exc.message, code=code, status=400) from None
    except RecursionError:
        raise BadRequest("The request nests too deeply", code="MalformedQueryString", status=400) from None


def parse_request(op: OperationModel, req: HttpRequest, path_params: dict[str, str]) -> dict[str, Any]:
    """The operation's input as a boto3-style dict (see ``fogbank.protocol.base``)."""
    params = read_input(query_compat.query_operation(op), form_params(req))
    # Older SQS clients post to the queue's own URL and leave QueueUrl out: the overlay names the
    # member that the request URL stands for.
    member = (query_compat.overlay(op.service_model.service_name) or {}).get("url_member")
    if member and member not in params and req.path not in ("", "/") and op.input_shape is not None \
            and member in op.input_shape.members:
        params[member] = f"http://{req.host or 'localhost'}{req.path}"
    return params


def _namespace(service: ServiceModel) -> str:
    ns = service.metadata.get("xmlNamespace")
    return f' xmlns="{escape_attr(ns)}"' if ns else ""


def serialize_response(op: OperationModel, output: dict[str, Any], request_id: str) -> HttpResponse:
    """``<OpResponse>`` with the output inside its result wrapper, then ``ResponseMetadata``."""
    op = query_compat.query_operation(op)
    name = op.name
    w = XmlWriter()
    w.raw(f"<{name}Response{_namespace(op.service_model)}>")
    shape = op.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper")
        if wrapper:
            w.structure(shape, output or {}, wrapper)
        else:
            w.body_members(shape, output or {})
    w.raw(f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata></{name}Response>")
    return HttpResponse(
        200,
        [("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", request_id)],
        w.text().encode("utf-8"),
    )


def error_code_and_status(service: ServiceModel, error: ServiceError) -> tuple[str, int]:
    """The code and status to send: a query-compatible service's own query code when it has one.

    A raiser may name the query code itself with a ``query_code`` attribute.
    """
    explicit = getattr(error, "query_code", None)
    if explicit:
        return explicit, error.status
    if query_compat.needs_overlay(service):
        mapped = query_compat.query_error(service, error.code)
        if mapped is not None:
            return mapped
    return error.code, error.status


def write_error_fields(w: XmlWriter, service: ServiceModel, code: str, fields: Mapping[str, Any]) -> None:
    """Extra members of a modelled error (typed by its shape when the model has it)."""
    if not fields:
        return
    shape = service.shape_for_error_code(code)
    if shape is None and code in service.shape_names:
        shape = service.shape_for(code)
    members = shape.members if shape is not None else {}
    for name, value in fields.items():
        if value is None or name in ("Code", "Message", "Type"):
            continue
        mshape = members.get(name)
        if mshape is not None:
            w.value(mshape, value, mshape.serialization.get("name", name))
        else:
            w.element(name, value if isinstance(value, str) else str(value))


def serialize_error(service: ServiceModel, error: ServiceError, request_id: str,
                    op: OperationModel | None = None) -> HttpResponse:
    """``<ErrorResponse>`` with Type, Code, Message and the error's extra fields."""
    code, status = error_code_and_status(service, error)
    service = query_compat.query_service(service)
    w = XmlWriter()
    w.raw(f"<ErrorResponse{_namespace(service)}><Error>")
    w.element("Type", "Sender" if error.sender_fault else "Receiver")
    w.element("Code", code)
    w.element("Message", error.message or "")
    write_error_fields(w, service, code, error.fields)
    w.raw(f"</Error><RequestId>{escape(request_id)}</RequestId></ErrorResponse>")
    headers = [("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", request_id)]
    headers.extend(error.headers.items())
    return HttpResponse(status, headers, w.text().encode("utf-8"))
