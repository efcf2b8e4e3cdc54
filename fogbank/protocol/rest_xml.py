"""The rest-xml protocol (S3; Route 53 and CloudFront speak it too).

HTTP bindings (URI labels, query string, headers, header-prefix maps, status code, payload) come
from ``fogbank.protocol.rest``; this module adds the XML body codec and the error forms: S3's bare
``<Error><Code/><Message/>...<RequestId/><HostId/></Error>`` and, for the other services,
``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>``.
Answers to HEAD requests carry no body.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import rest
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.protocol.query import write_error_fields
from fogbank.protocol.xml_shapes import (
    WireError,
    XmlWriter,
    escape,
    escape_attr,
    format_scalar,
    parse_xml,
    read_xml,
)

CONTENT_TYPE = "application/xml"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# S3's answers name their document root in a way the model does not record (its output shapes
# have no locationName). GetBucketLocation's root *is* its one member: botocore reads its text.
_ROOTS = {
    "ListBucketsOutput": "ListAllMyBucketsResult",
    "ListObjectsOutput": "ListBucketResult",
    "ListObjectsV2Output": "ListBucketResult",
    "ListObjectVersionsOutput": "ListVersionsResult",
    "ListMultipartUploadsOutput": "ListMultipartUploadsResult",
    "ListPartsOutput": "ListPartsResult",
    "CreateMultipartUploadOutput": "InitiateMultipartUploadResult",
    "CompleteMultipartUploadOutput": "CompleteMultipartUploadResult",
    "DeleteObjectsOutput": "DeleteResult",
    "GetBucketTaggingOutput": "Tagging",
    "GetObjectTaggingOutput": "Tagging",
    "GetBucketAclOutput": "AccessControlPolicy",
    "GetObjectAclOutput": "AccessControlPolicy",
    "GetBucketVersioningOutput": "VersioningConfiguration",
    "GetBucketCorsOutput": "CORSConfiguration",
    "GetBucketLifecycleConfigurationOutput": "LifecycleConfiguration",
    "GetBucketWebsiteOutput": "WebsiteConfiguration",
    "GetBucketNotificationConfigurationOutput": "NotificationConfiguration",
    "GetBucketAccelerateConfigurationOutput": "AccelerateConfiguration",
    "GetBucketRequestPaymentOutput": "RequestPaymentConfiguration",
    "GetBucketLoggingOutput": "BucketLoggingStatus",
    "GetObjectAttributesOutput": "GetObjectAttributesResponse",
}
_MEMBER_IS_ROOT = frozenset({"GetBucketLocationOutput"})


def _is_s3(service: ServiceModel) -> bool:
    return service.metadata.get("serviceId") == "S3"


@lru_cache(maxsize=64)
def default_namespace(service: ServiceModel) -> str:
    """The XML namespace the service's own documents declare (taken from its request payloads)."""
    ns = service.metadata.get("xmlNamespace")
    if ns:
        return ns
    for name in service.operation_names:
        shape = service.operation_model(name).input_shape
        if shape is None or "payload" not in shape.serialization:
            continue
        declared = shape.members[shape.serialization["payload"]].serialization.get("xmlNamespace")
        if isinstance(declared, dict) and declared.get("uri"):
            return declared["uri"]
    return ""


# --- the body codec -------------------------------------------------------------------------


def _decode(shape: Shape, body: bytes) -> Any:
    try:
        return read_xml(shape, parse_xml(body))
    except WireError as exc:
        raise BadRequest(exc.message, code="MalformedXML", status=400) from None
    except RecursionError:
        raise BadRequest("The XML you provided nests too deeply", code="MalformedXML", status=400) from None


def _root_tag(shape: Shape) -> str:
    return shape.serialization.get("name") or _ROOTS.get(shape.name, shape.name)


@lru_cache(maxsize=64)
def _encoder(service: ServiceModel) -> rest.EncodeBody:
    """The body codec's writer for ``service`` (knows the service's default namespace)."""
    namespace = default_namespace(service)

    def encode(shape: Shape, value: Any) -> bytes:
        w = XmlWriter(millis=True)
        w.raw(XML_DECLARATION)
        has_ns = bool(shape.serialization.get("xmlNamespace"))
        ns_attr = f' xmlns="{escape_attr(namespace)}"' if namespace and not has_ns else ""
        if shape.type_name == "structure" and shape.name in _MEMBER_IS_ROOT and len(value) <= 1:
            for name, member in shape.members.items():
                if "location" not in member.serialization:
                    tag = member.serialization.get("name", name)
                    text = value.get(name)
                    inner = escape(format_scalar(member, text)) if text is not None else ""
                    w.raw(f"<{tag}{ns_attr}>{inner}</{tag}>")
                    break
        else:
            w.value(shape, value, _root_tag(shape), ns_attr)
        return w.text().encode("utf-8")

    return encode


# --- the contract ---------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _host_pattern(host_prefix: str) -> re.Pattern[str]:
    regex = "".join(
        f"(?P<{part[1:-1]}>[A-Za-z0-9-]+)" if part.startswith("{") else re.escape(part)
        for part in re.split(r"(\{[^}]+\})", host_prefix)
        if part
    )
    return re.compile(regex)


def host_labels(op: OperationModel, host: str) -> dict[str, str]:
    """Members the operation's ``hostPrefix`` carries in the Host header (``{AccountId}.``).

    Read only when the host is a name with more labels after the prefix, so that a request sent
    to ``localhost`` or an IP address without the prefix yields nothing.
    """
    endpoint = op.endpoint
    if not endpoint or "{" not in endpoint.get("hostPrefix", ""):
        return {}
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if not name or name.replace(".", "").isdigit():
        return {}
    found = _host_pattern(endpoint["hostPrefix"]).match(name)
    if found is None or found.end() >= len(name):
        return {}
    return found.groupdict()


def parse_request(op: OperationModel, req: HttpRequest, path_params: dict[str, str]) -> dict[str, Any]:
    """The operation's input as a boto3-style dict (see ``fogbank.protocol.base``)."""
    params = rest.parse_request(op, req, path_params, _decode, error_code="InvalidArgument")
    for name, value in host_labels(op, req.host).items():
        params.setdefault(name, value)
    return params


def _request_headers(service: ServiceModel, request_id: str) -> list[tuple[str, str]]:
    if _is_s3(service):
        return [("x-amz-request-id", request_id), ("x-amz-id-2", request_id)]
    return [("x-amzn-RequestId", request_id)]


def serialize_response(op: OperationModel, output: dict[str, Any], request_id: str) -> HttpResponse:
    """The output spread over status, headers and an XML (or raw payload) body."""
    resp = rest.serialize_response(op, output, _encoder(op.service_model))
    if resp.status == 200 and resp.get_header("Content-Range") is not None:
        resp.status = 206  # HTTP's status for a partial body (S3 GetObject/HeadObject with Range)
    if op.http.get("method") == "HEAD":
        resp.body = b""
    elif resp.body and resp.get_header("Content-Type") is None:
        shape = op.output_shape
        payload = shape.serialization.get("payload") if shape is not None else None
        if payload is None or shape.members[payload].type_name not in ("blob", "string"):
            resp.headers.append(("Content-Type", CONTENT_TYPE))
    resp.headers.extend(_request_headers(op.service_model, request_id))
    return resp


def serialize_error(service: ServiceModel, error: ServiceError, request_id: str,
                    op: OperationModel | None = None) -> HttpResponse:
    """S3's ``<Error>`` document (others: ``<ErrorResponse>``); no body when answering a HEAD."""
    headers = _request_headers(service, request_id)
    headers.extend(error.headers.items())
    # HTTP forbids a body on a HEAD answer and on 304 Not Modified (a failed If-None-Match).
    if error.status == 304 or (op is not None and op.http.get("method") == "HEAD"):
        return HttpResponse(error.status, headers, b"")
    w = XmlWriter(millis=True)
    w.raw(XML_DECLARATION)
    s3 = _is_s3(service)
    if s3:
        w.raw("<Error>")
    else:
        ns = default_namespace(service)
        w.raw(f'<ErrorResponse xmlns="{escape_attr(ns)}"><Error>' if ns else "<ErrorResponse><Error>")
        w.element("Type", "Sender" if error.sender_fault else "Receiver")
    w.element("Code", error.code)
    w.element("Message", error.message or "")
    write_error_fields(w, service, error.code, error.fields)
    if s3:
        w.element("RequestId", request_id)
        w.element("HostId", request_id)
        w.raw("</Error>")
    else:
        w.raw(f"</Error><RequestId>{escape(request_id)}</RequestId></ErrorResponse>")
    headers.append(("Content-Type", CONTENT_TYPE))
    return HttpResponse(error.status, headers, w.text().encode("utf-8"))
