"""Decides which service, protocol and operation a request is for, using all that it carries.

In order: the rpc-v2-cbor path and ``smithy-protocol`` header, ``X-Amz-Target`` (JSON protocols),
the ``Action`` parameter (query and ec2), and the REST ``requestUri`` templates. The SigV4
credential scope (header or presigned query) names the signing service and region; S3 is also
reached by virtual-host names (``bucket.s3.localhost``, ``bucket.localhost``) and is the
destination of unsigned REST requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from fogbank.errors import ServiceError, UnknownOperation
from fogbank.protocol.base import HttpRequest
from fogbank.server.operations import matcher_for
from fogbank.spec.catalog import Catalog, catalog
from fogbank.spec.loader import service_model

if TYPE_CHECKING:
    from botocore.model import OperationModel

_SCOPE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
_CBOR_PATH = re.compile(r"/service/([^/]+)/operation/([^/?]+)\Z")
_S3_VHOST = re.compile(r"^(?P<bucket>.+?)\.s3(?:[.-](?P<region>[a-z0-9-]+))?\.(?:localhost|amazonaws\.com)")
_BARE_VHOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*)\.localhost$")
# `s3.localhost`, `s3.us-west-2.localhost`, `s3-us-west-2.localhost`: S3's own endpoint names,
# reached path style, not buckets
_S3_ENDPOINT = re.compile(r"^s3(?:[.-][a-z]{2}(?:-[a-z]+)+-\d+)?$")

_FORM = "application/x-www-form-urlencoded"


class NoRoute(ServiceError):
    """A request that names no service fogbank knows."""

    code = "UnknownService"
    status = 400


@dataclass
class Scope:
    """What the request's signature says: access key, region and signing service (any may be empty)."""

    access_key: str = ""
    region: str = ""
    service: str = ""


@dataclass
class Route:
    """Where a request goes."""

    service: str
    protocol: str
    operation: OperationModel
    path_params: dict[str, str]
    scope: Scope
    # The REST path after virtual-host rewriting (S3's bucket moved into the path).
    path: str = ""


def signature_scope(req: HttpRequest) -> Scope:
    """The SigV4 credential scope from the Authorization header or a presigned URL, else SigV2's key."""
    auth = req.headers.get("authorization", "")
    if auth.startswith("AWS4-"):
        m = _SCOPE.search(auth)
        if m:
            return Scope(access_key=m.group(1), region=m.group(3), service=m.group(4))
    elif auth.startswith("AWS "):
        return Scope(access_key=auth[4:].split(":", 1)[0], service="s3")
    cred = req.query.get("X-Amz-Credential")
    if cred:
        parts = cred[0].split("/")
        if len(parts) >= 5:
            return Scope(access_key=parts[0], region=parts[2], service=parts[3])
    if "AWSAccessKeyId" in req.query and "Signature" in req.query:
        return Scope(access_key=req.query["AWSAccessKeyId"][0], service="s3")
    return Scope()


class Router:
    """Routes requests using the catalog of services in scope."""

    def __init__(self, services: Catalog | None = None) -> None:
        self.catalog = services or catalog()
        self._by_target = self.catalog.by_target_prefix

    def route(self, req: HttpRequest) -> Route:
        """The route of ``req``; raises a 4xx ServiceError when it reaches no operation."""
        scope = signature_scope(req)
        headers = req.headers
        if req.method == "POST" and (headers.get("smithy-protocol") == "rpc-v2-cbor" or req.path.startswith("/service/")):
            return self._cbor(req, scope)
        target = headers.get("x-amz-target")
        if target and req.method == "POST":
            return self._json(req, target, scope)
        if self._is_query(req, scope):
            return self._query(req, scope)
        return self._rest(req, scope)

    # --- RPC protocols ---------------------------------------------------------------

    def _cbor(self, req: HttpRequest, scope: Scope) -> Route:
        m = _CBOR_PATH.match(req.path)
        if not m:
            raise NoRoute(f"no rpc-v2-cbor operation at {req.path}")
        service = self._by_target.get(m.group(1)) or self._only(scope.service, "smithy-rpc-v2-cbor")
        if service is None:
            raise NoRoute(f"unknown rpc-v2-cbor service {m.group(1)!r}")
        return Route(service, "smithy-rpc-v2-cbor", self._operation(service, m.group(2)), {}, scope)

    def _json(self, req: HttpRequest, target: str, scope: Scope) -> Route:
        prefix, _, op_name = target.rpartition(".")
        service = self._by_target.get(prefix)
        if service is None:
            raise NoRoute(f"unknown X-Amz-Target {target!r}")
        return Route(service, "json", self._operation(service, op_name), {}, scope)

    def _is_query(self, req: HttpRequest, scope: Scope) -> bool:
        if req.method == "POST" and req.content_type == _FORM:
            return not self._s3_like(req, scope)
        return req.method == "GET" and "Action" in req.query and not self._s3_like(req, scope)

    def _s3_like(self, req: HttpRequest, scope: Scope) -> bool:
        return scope.service == "s3" or bool(_S3_VHOST.match(req.host.split(":", 1)[0]))

    def _query(self, req: HttpRequest, scope: Scope) -> Route:
        try:
            params = req.form
        except ValueError:
            raise NoRoute("the form body is not valid UTF-8", code="MalformedQueryString", status=404) from None
        action = (params.get("Action") or [""])[0]
        version = (params.get("Version") or [""])[0]
        if not action:
            raise NoRoute("the request has no Action parameter", code="MissingAction")
        candidates = [
            s for s in self.catalog.by_signing_name(scope.service)
            if {"query", "ec2"} & set(self.catalog.services[s].protocols) or self.catalog.services[s].query_compatible
        ] if scope.service else []
        if not candidates and version:
            candidates = self.catalog.by_api_version(version, ("query", "ec2"))
            candidates += [
                s.name for s in self.catalog.services.values()
                if s.query_compatible and s.api_version == version and s.name not in candidates
            ]
        for service in candidates:
            model = service_model(service)
            if action in model.operation_names:
                info = self.catalog.services[service]
                protocol = "ec2" if "ec2" in info.protocols else "query"
                return Route(service, protocol, model.operation_model(action), {}, scope)
        if not candidates:
            raise NoRoute(f"cannot tell which service Action={action!r} is for: sign the request or send Version")
        raise UnknownOperation(
            f"The action {action} is not valid for this web service.", code="InvalidAction"
        )

    # --- REST ---------------------------------------------------------------------------

    def _rest(self, req: HttpRequest, scope: Scope) -> Route:
        path = req.path
        host = req.host.split(":", 1)[0]
        vhost = _vhost(host, bare=scope.service in ("", "s3"))
        if vhost:
            # an operation with a host prefix (S3's WriteGetObjectResponse, `{RequestRoute}.`)
            # owns the first host label: that label is then no bucket
            model = service_model("s3")
            found = matcher_for(model).match(req.method, path, req.query, req.headers)
            if found and model.operation_model(found[0]).endpoint:
                return Route("s3", "rest-xml", model.operation_model(found[0]), found[1], scope, path)
            path = "/" + vhost.group("bucket") + (path if path != "/" else "")
            services = ["s3"]
        elif scope.service:
            services = [s for s in self.catalog.by_signing_name(scope.service)
                        if self.catalog.services[s].protocol in ("rest-json", "rest-xml")]
        else:
            services = ["s3"]
        for service in services:
            model = service_model(service)
            found = matcher_for(model).match(req.method, path, req.query, req.headers)
            if found:
                op_name, params = found
                protocol = self.catalog.services[service].protocol
                return Route(service, protocol, model.operation_model(op_name), params, scope, path)
        if not services:
            raise NoRoute(f"fogbank does not serve the service {scope.service!r}")
        raise UnknownOperation(
            f"no {services[0]} operation matches {req.method} {req.path}", status=404 if services != ["s3"] else 405,
            code="UnknownOperationException" if services != ["s3"] else "MethodNotAllowed",
        )

    # --- helpers ------------------------------------------------------------------------

    def _operation(self, service: str, name: str) -> OperationModel:
        model = service_model(service)
        if name not in model.operation_names:
            raise UnknownOperation(f"{service} has no operation {name!r}")
        return model.operation_model(name)

    def error_format(self, req: HttpRequest) -> tuple[str, str]:
        """The (service, protocol) whose error format answers a request that reached no
        operation: the one its client will parse, judged from what routing could read."""
        scope = signature_scope(req)
        services = self.catalog.services
        signed = self.catalog.by_signing_name(scope.service) if scope.service else []
        if req.headers.get("smithy-protocol") == "rpc-v2-cbor" or req.path.startswith("/service/"):
            m = _CBOR_PATH.match(req.path)
            service = (self._by_target.get(m.group(1)) if m else None) or self._only(scope.service, "smithy-rpc-v2-cbor")
            return service or "cloudwatch", "smithy-rpc-v2-cbor"
        target = req.headers.get("x-amz-target")
        if target:
            service = self._by_target.get(target.rpartition(".")[0]) or self._only(scope.service, "json")
            return service or "dynamodb", "json"
        if req.content_type == _FORM or "Action" in req.query:
            service = next((s for s in signed if {"query", "ec2"} & set(services[s].protocols)), None)
            if service is None:
                try:
                    version = (req.form.get("Version") or [""])[0]
                except ValueError:
                    version = ""
                found = self.catalog.by_api_version(version, ("query", "ec2")) if version else []
                service = found[0] if found else "sts"
            return service, "ec2" if "ec2" in services[service].protocols else "query"
        rest = [s for s in signed if services[s].protocol in ("rest-json", "rest-xml")]
        if rest:
            return rest[0], services[rest[0]].protocol
        if signed:
            return signed[0], services[signed[0]].protocol
        return ("lambda", "rest-json") if scope.service and scope.service != "s3" else ("s3", "rest-xml")

    def _only(self, signing_name: str, protocol: str) -> str | None:
        for s in self.catalog.by_signing_name(signing_name):
            if protocol in self.catalog.services[s].protocols:
                return s
        return None


def _vhost(host: str, *, bare: bool) -> re.Match[str] | None:
    """The virtual-host match of an S3 host name (``bare``: ``bucket.localhost`` too), if any."""
    m = _S3_VHOST.match(host) or (_BARE_VHOST.match(host) if bare else None)
    return None if m is None or _S3_ENDPOINT.match(m.group("bucket")) else m


def s3_bucket(req: HttpRequest) -> str | None:
    """The bucket an S3 request addresses (virtual-host or path style), or None."""
    vhost = _vhost(req.host.split(":", 1)[0], bare=True)
    if vhost:
        return vhost.group("bucket")
    first = req.path.lstrip("/").split("/", 1)[0]
    return unquote(first) or None
