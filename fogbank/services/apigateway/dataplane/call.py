"""One request to a deployed stage: what it carries and what the pipeline learns about it."""

from __future__ import annotations

import base64
import fnmatch
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from fogbank.context import Principal
from fogbank.protocol.base import HttpRequest


def header_name(name: str) -> str:
    """A lower-cased header name in the capitalisation clients commonly send (``Content-Type``)."""
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


@dataclass
class Call:
    """A request on its way through a stage."""

    req: HttpRequest
    api_id: str
    stage_name: str
    path: str
    account: str
    region: str
    request_id: str
    now: float
    host: str
    stage: dict[str, Any]
    snapshot: dict[str, Any]
    resource: dict[str, Any] = field(default_factory=dict)
    method: dict[str, Any] = field(default_factory=dict)
    path_params: dict[str, str] = field(default_factory=dict)
    authorizer: dict[str, Any] | None = None  # requestContext.authorizer: principalId, context, latency
    usage_key: str | None = None  # an authorizer's usageIdentifierKey (apiKeySource AUTHORIZER)
    api_key: dict[str, Any] | None = None
    caller: Principal | None = None  # who signed the request of an AWS_IAM method
    caller_record: dict[str, Any] | None = None  # its issued-key record (None for an account's root)
    started: float = field(default_factory=time.perf_counter)
    integration_ms: float | None = None  # how long the integration took (IntegrationLatency)

    @property
    def stage_variables(self) -> dict[str, str]:
        return self.stage.get("variables") or {}

    @property
    def headers(self) -> dict[str, str]:
        """Request headers, lower-case names."""
        return self.req.headers

    def query_multi(self) -> dict[str, list[str]]:
        """The query string as name -> values, in order."""
        values: dict[str, list[str]] = {}
        for name, value in parse_qsl(self.req.query_string, keep_blank_values=True):
            values.setdefault(name, []).append(value)
        return values

    def query(self) -> dict[str, str]:
        """The query string with the last value of each name (as the 1.0 event has it)."""
        return {name: values[-1] for name, values in self.query_multi().items()}

    def header_values(self, name: str) -> list[str]:
        """Every value a header arrived with, in order (repeated headers kept apart)."""
        name = name.lower()
        return [value for key, value in self.req.header_list if key == name]

    def header(self, name: str) -> str | None:
        """A header's last value, as API Gateway hands a single-valued header on."""
        values = self.header_values(name)
        return values[-1] if values else None

    def event_header_lists(self) -> dict[str, list[str]]:
        """Headers as the proxy event's ``multiValueHeaders`` carries them, with the
        ``X-Forwarded-*`` headers API Gateway's front end adds (apps behind a proxy integration
        build their own URLs from them)."""
        headers: dict[str, list[str]] = {}
        for name, value in self.req.header_list:
            headers.setdefault(header_name(name), []).append(value)
        # The front end appends the connecting address to whatever chain the client sent.
        headers["X-Forwarded-For"] = [", ".join([*headers.pop("X-Forwarded-For", []), self.req.peer])]
        host = self.req.headers.get("host", "")
        port = host.rsplit(":", 1)[1] if ":" in host and host.rsplit(":", 1)[1].isdigit() else "80"
        headers.setdefault("X-Forwarded-Port", [port])
        headers.setdefault("X-Forwarded-Proto", ["http"])
        return headers

    def event_headers(self) -> dict[str, str]:
        """The proxy event's single-valued ``headers``: each header's last value."""
        return {name: values[-1] for name, values in self.event_header_lists().items()}

    def method_arn(self) -> str:
        """``arn:aws:execute-api:region:account:api/stage/METHOD/path`` of this request."""
        path = self.path.lstrip("/")
        return f"arn:aws:execute-api:{self.region}:{self.account}:{self.api_id}/{self.stage_name}/{self.req.method}/{path}"

    def source_arns(self) -> list[str]:
        """The ``aws:SourceArn`` API Gateway invokes an integration's function with: the method's
        resource path, for the request's HTTP method (and for ``ANY`` when the method is that)."""
        base = f"arn:aws:execute-api:{self.region}:{self.account}:{self.api_id}/{self.stage_name}"
        path = self.resource.get("path") or "/"
        methods = [self.req.method] + [m for m in (self.method.get("httpMethod"),) if m and m != self.req.method]
        return [f"{base}/{method}{path}" for method in methods]

    def is_binary(self, content_type: str) -> bool:
        """Whether a media type is among the API's binary media types (wildcards allowed)."""
        types = (self.snapshot.get("api") or {}).get("binaryMediaTypes") or []
        content_type = (content_type or "").split(";", 1)[0].strip().lower()
        return bool(content_type) and any(fnmatch.fnmatch(content_type, t.lower()) for t in types)

    def body_for_event(self) -> tuple[str | None, bool]:
        """The body as the proxy event has it, and whether it is base64-encoded."""
        body = self.req.body
        if not body:
            return None, False
        if self.is_binary(self.req.headers.get("content-type", "")):
            return base64.b64encode(body).decode(), True
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            return base64.b64encode(body).decode(), True

    def context(self) -> dict[str, Any]:
        """``$context`` and the proxy event's ``requestContext``."""
        when = datetime.fromtimestamp(self.now, UTC)
        authorizer = self.authorizer or {}
        identity = {
            "cognitoIdentityPoolId": None, "accountId": None, "cognitoIdentityId": None, "caller": None,
            "sourceIp": self.req.peer,
            "principalOrgId": None, "accessKey": None, "cognitoAuthenticationType": None,
            "cognitoAuthenticationProvider": None, "userArn": None,
            "userAgent": self.req.headers.get("user-agent"), "user": None,
        }
        if self.caller is not None:
            identity.update(accessKey=self.caller.access_key_id, accountId=self.caller.account,
                            caller=self.caller.user_id, user=self.caller.user_id, userArn=self.caller.arn)
        if self.api_key is not None:
            identity["apiKey"] = self.api_key["value"]
            identity["apiKeyId"] = self.api_key["id"]
        context: dict[str, Any] = {
            "resourceId": self.resource.get("id"), "resourcePath": self.resource.get("path"),
            "httpMethod": self.req.method, "extendedRequestId": self.request_id,
            "requestTime": when.strftime("%d/%b/%Y:%H:%M:%S +0000"), "path": f"/{self.stage_name}{self.path}",
            "accountId": self.account, "protocol": "HTTP/1.1", "stage": self.stage_name,
            "domainPrefix": self.host.split(".", 1)[0], "requestTimeEpoch": int(self.now * 1000),
            "requestId": self.request_id, "identity": identity, "domainName": self.host,
            "deploymentId": self.stage.get("deploymentId"), "apiId": self.api_id,
        }
        if authorizer:
            context["authorizer"] = authorizer
        return context
