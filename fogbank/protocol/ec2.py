"""The EC2 protocol: query-style requests with EC2's naming, unwrapped XML responses.

Request keys use a member's ``queryName`` (else its ``locationName`` capitalised) and lists are
``Name.N`` with no ``member`` segment. Responses are ``<OpResponse xmlns=".../doc/{apiVersion}/">``
holding ``<requestId>`` and the output members directly; errors are
``<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>``.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from fogbank.errors import ServiceError
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.protocol.query import CONTENT_TYPE, form_params, read_input, write_error_fields
from fogbank.protocol.xml_shapes import XmlWriter, escape


def parse_request(op: OperationModel, req: HttpRequest, path_params: dict[str, str]) -> dict[str, Any]:
    """The operation's input as a boto3-style dict (see ``fogbank.protocol.base``)."""
    return read_input(op, form_params(req), ec2=True)


def serialize_response(op: OperationModel, output: dict[str, Any], request_id: str) -> HttpResponse:
    """``<OpResponse>`` with ``requestId`` first, then the output members (lists as ``item``)."""
    name = op.name
    version = op.service_model.metadata.get("apiVersion", "2016-11-15")
    w = XmlWriter(millis=True)
    w.raw(f'<{name}Response xmlns="http://ec2.amazonaws.com/doc/{version}/">'
          f"<requestId>{escape(request_id)}</requestId>")
    shape = op.output_shape
    if shape is not None and output:
        w.body_members(shape, output)
    w.raw(f"</{name}Response>")
    return HttpResponse(
        200,
        [("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", request_id)],
        w.text().encode("utf-8"),
    )


def serialize_error(service: ServiceModel, error: ServiceError, request_id: str,
                    op: OperationModel | None = None) -> HttpResponse:
    """``<Response><Errors><Error>`` with Code, Message and extra fields, then ``RequestID``."""
    w = XmlWriter(millis=True)
    w.raw('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>')
    w.element("Code", error.code)
    w.element("Message", error.message or "")
    write_error_fields(w, service, error.code, error.fields)
    w.raw(f"</Error></Errors><RequestID>{escape(request_id)}</RequestID></Response>")
    headers = [("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", request_id)]
    headers.extend(error.headers.items())
    return HttpResponse(error.status, headers, w.text().encode("utf-8"))
