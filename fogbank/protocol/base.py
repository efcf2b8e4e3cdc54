"""The HTTP request and response that flow between the server and the protocol modules.

Every protocol module (``query``, ``ec2``, ``json_``, ``rest_json``, ``rest_xml``, ``cbor``)
offers the same three functions:

    parse_request(op: OperationModel, req: HttpRequest, path_params: dict[str, str]) -> dict
        The operation's input as a plain dict in botocore's input shape (what a boto3 user passes):
        timestamps as aware UTC ``datetime``, blobs as ``bytes``, numbers as int/float.
        Raises ``fogbank.errors.BadRequest`` (or a subclass with the protocol's code) for bodies
        that cannot be parsed or members of the wrong type.
    serialize_response(op: OperationModel, output: dict, request_id: str) -> HttpResponse
        ``output`` is a dict in the operation's output shape (as boto3 returns it).
    serialize_error(service: ServiceModel, error: ServiceError, request_id: str,
                    op: OperationModel | None) -> HttpResponse

``path_params`` are the REST URI labels, percent-decoded, as the operation matcher found them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs


@dataclass
class HttpRequest:
    """A received HTTP request. Header names are lower case; repeated headers are joined with ','."""

    method: str
    path: str
    query_string: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # For operations whose payload is a streaming blob (S3 PutObject, UploadPart) the body is not
    # in ``body`` but spooled to disk: a ``fogbank.server.bodies.StreamedBody`` (file-like).
    stream: Any = None
    # The headers as received, repeats kept apart: (name, value) byte pairs (names lower case).
    raw_headers: Any = ()
    # The client's address (for aws:SourceIp and API Gateway's identity.sourceIp).
    peer: str = "127.0.0.1"

    @property
    def header_list(self) -> list[tuple[str, str]]:
        """Every header as (lower-case name, value), repeated headers kept apart and in order."""
        if not self.raw_headers:
            return [(k, v) for k, v in self.headers.items()]
        return [(n.decode("latin-1").lower(), v.decode("latin-1")) for n, v in self.raw_headers]

    @cached_property
    def query(self) -> dict[str, list[str]]:
        """The query string as a multi-dict, blank values kept."""
        return parse_qs(self.query_string, keep_blank_values=True) if self.query_string else {}

    @cached_property
    def form(self) -> dict[str, list[str]]:
        """Query-string parameters plus a form-encoded body's (parsed once, shared by routing and
        the query protocols). Raises ValueError (UnicodeDecodeError) for text that is not UTF-8."""
        params = {k: list(v) for k, v in self.query.items()}
        if self.body and self.content_type in ("application/x-www-form-urlencoded", ""):
            body = parse_qs(self.body.decode("utf-8"), keep_blank_values=True, errors="strict")
            for key, values in body.items():
                params.setdefault(key, []).extend(values)
        return params

    @property
    def host(self) -> str:
        return self.headers.get("host", "")

    @cached_property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass
class HttpResponse:
    """An HTTP response ready to send. ``headers`` may repeat a name."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    # A streaming payload (S3 GetObject): an iterable of byte chunks sent after the headers, in
    # place of ``body``. Content-Length must then be among the headers.
    stream: Iterable[bytes] | None = None

    def set_header(self, name: str, value: str) -> None:
        """Replace every header called ``name`` (any case) with one value."""
        lname = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != lname]
        self.headers.append((name, value))

    def get_header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None
