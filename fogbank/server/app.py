"""The ASGI application: the whole life of a request as plain calls, in order.

receive -> admin endpoints -> route (service, protocol, operation) -> protocol.parse_request ->
principal and account -> validate -> provider method -> protocol.serialize_response (or
serialize_error) -> request ids -> access log line -> send.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import logging
import os
import time
import traceback
import uuid
import zlib
from typing import Any

from fogbank import __version__
from fogbank.auth import enforce as auth_enforce
from fogbank.auth import internal as auth_internal
from fogbank.auth import principals
from fogbank.auth import verify as auth_verify
from fogbank.clock import Clock
from fogbank.config import Config
from fogbank.context import Ctx
from fogbank.errors import (
    BadRequest,
    InternalFailure,
    NotImplementedOperation,
    ServiceError,
    ServiceUnavailable,
)
from fogbank.metrics import MetricBuffer
from fogbank.protocol import module_for
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.server import admin
from fogbank.server.accesslog import AccessLog
from fogbank.server.bodies import StreamedBody, streams_payload, worth_spooling
from fogbank.server.providers import load_provider, method_name
from fogbank.server.routing import Route, Router
from fogbank.spec.loader import service_model
from fogbank.store.blobs import BlobStore
from fogbank.store.contract import Store

log = logging.getLogger("fogbank")

# Beyond this a request body is refused rather than buffered (S3's single PUT limit is 5 GiB,
# streamed by the S3 provider itself; other services' largest bodies are a few MiB).
MAX_BUFFERED_BODY = 64 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024


class App:
    """fogbank's ASGI app. One instance serves every service."""

    def __init__(self, config: Config, store: Store, blobs: BlobStore, clock: Clock | None = None) -> None:
        self.config = config
        self.store = store
        self.blobs = blobs
        self.clock = clock or Clock()
        self.router = Router()
        self.started = time.time()
        self._providers: dict[str, Any] = {}
        self.metric_buffer = MetricBuffer()
        self._validator: Any = None
        # the access log is on at log level info or debug, as the other info messages are
        self.access_log = AccessLog() if config.access_log and config.log_level.lower() in ("info", "debug") else None

    # --- providers -------------------------------------------------------------------------

    def provider(self, service: str) -> Any | None:
        """The provider of ``service`` (created on first use), or None."""
        if service not in self._providers:
            provider = load_provider(service)
            self._providers[service] = provider
            start = getattr(provider, "start", None)
            if callable(start):
                start(self.background_ctx(service))
        return self._providers[service]

    def background_ctx(self, service: str, account: str | None = None, region: str | None = None) -> Ctx:
        """A context for work that no request started (workers, timers)."""
        return Ctx(
            account=account or self.config.default_account,
            region=region or self.config.default_region,
            request_id=str(uuid.uuid4()),
            clock=self.clock,
            store=self.store,
            blobs=self.blobs,
            config=self.config,
            service=service,
            dispatch=self.dispatch,
            metrics=self.metric_buffer,
        )

    def dispatch(self, ctx: Ctx, service: str, operation: str, params: dict[str, Any]) -> Any:
        """Call ``service.operation`` in-process, validated like an HTTP request (``ctx.call``)."""
        op = service_model(service).operation_model(operation)
        self.validate(op, params, "internal")
        inner = ctx.derive(service=service, operation=operation, request_id=str(uuid.uuid4()))
        if self.config.enforce_iam:
            inner = auth_internal.admit(ctx, inner, params)  # as the caller, or as a service principal
        return self._invoke(inner, params)

    def _invoke(self, ctx: Ctx, params: dict[str, Any]) -> Any:
        provider = self.provider(ctx.service)
        method = getattr(provider, method_name(ctx.operation), None) if provider is not None else None
        if method is None:
            raise NotImplementedOperation(ctx.service, ctx.operation)
        if ctx.service == "cloudwatch":
            self.metric_buffer.flush(ctx)  # CloudWatch reads see every metric published so far
        return method(ctx, params)

    def resume_background_work(self) -> None:
        """After a restart, start the providers that have state, so their background work
        (queued Lambda events, event source pollers, alarm evaluation, replication) goes on
        without waiting for a request to reach them. Runs just after start-up, off its path."""
        for name in self.router.catalog.services:
            if name in self._providers or next(self.store.scan(prefix=(name,), limit=1), None) is None:
                continue
            try:
                self.provider(name)
            except Exception:
                log.error("could not resume %s:\n%s", name, traceback.format_exc())

    def validate(self, op: Any, params: dict[str, Any], family: str) -> None:
        """Check ``params`` against the operation's model (the validator loads on first use, so
        start-up does not pay for botocore)."""
        if self._validator is None:
            self._validator = _load_validator()
        self._validator(op, params, family)

    def reset(self, service: str | None = None) -> list[str]:
        """Forget all state (or one service's), as the reset endpoints promise. Returns what was reset."""
        services = [service] if service else list(self.router.catalog.services)
        if service in (None, "cloudwatch"):
            self.metric_buffer.clear()  # values published before the reset must not land after it
        if service is None:
            self.clock.reset()  # first, so that providers' reset hooks reschedule from real time
        for name in services:
            provider = self._providers.get(name)
            hook = getattr(provider, "reset", None)
            if callable(hook):
                hook(self.background_ctx(name))
            self.store.delete_prefix((name,))
        if service is None:
            self.store.delete_prefix(principals.ISSUED_KEYS_PREFIX)
            clear = getattr(self.blobs, "clear", None)
            if callable(clear):
                clear()
        return services

    async def shutdown(self) -> None:
        """Stop every provider's background work."""
        if self.access_log is not None:
            self.access_log.flush()
        self.metric_buffer.flush(self.background_ctx("cloudwatch"))
        for provider in self._providers.values():
            stop = getattr(provider, "stop", None)
            if callable(stop):
                result = stop()
                if inspect.isawaitable(result):
                    await result

    # --- the request pipeline --------------------------------------------------------------

    async def handle(self, req: HttpRequest, route: Route | None = None) -> HttpResponse:
        """Answer one request (``route`` when the caller has routed it already)."""
        started = time.perf_counter()
        plane = _data_plane_of(req)
        if plane is not None:
            handler, label = plane
            response = await self._data_plane(handler, req, label)
            if response is not None:
                if self.access_log is not None:
                    self.access_log.record(label, response.status, (time.perf_counter() - started) * 1000)
                return response
        if req.path.startswith(admin.PREFIXES):
            label = "admin " + req.path
            try:
                response = await admin.handle(self, req)
            except Exception:
                log.error("admin endpoint failed:\n%s", traceback.format_exc())
                response = admin.failure(req)
        else:
            request_id = str(uuid.uuid4())
            label = "-"
            try:
                if route is None:
                    route = self.router.route(req)
                label = f"{route.service}.{route.operation.name}"
                response = await self._serve(req, route, request_id)
            except ServiceError as err:
                response = self._error(route, err, request_id, req)
            except Exception:
                log.error("unhandled error in %s:\n%s", label, traceback.format_exc())
                response = self._error(route, InternalFailure("fogbank failed to process the request"), request_id, req)
        if self.access_log is not None:
            self.access_log.record(label, response.status, (time.perf_counter() - started) * 1000)
        return response

    async def _data_plane(self, handler: Any, req: HttpRequest, label: str) -> HttpResponse | None:
        """Run a data-plane handler (function URLs, deployed APIs); failures answer 500, logged."""
        try:
            return await handler(self, req)
        except Exception:
            log.error("unhandled error in %s:\n%s", label, traceback.format_exc())
            return HttpResponse(500, [("Content-Type", "application/json")], b'{"Message":"Internal Server Error"}')

    async def _serve(self, req: HttpRequest, route: Route, request_id: str) -> HttpResponse:
        protocol = module_for(route.protocol)
        op = route.operation
        # --- auth (fogbank.auth.verify / enforce): skipped entirely unless a flag turns it on ---
        authn = None
        if self.config.verify_signatures or self.config.enforce_iam:
            authn = auth_verify.authenticate(req, route.service, route.protocol, self.config, self.store, self.clock,
                                             route.path)
        # --- end auth ---
        if route.path and route.path != req.path:
            req = HttpRequest(req.method, route.path, req.query_string, req.headers, req.body, req.stream)
        if op.request_compression and "gzip" in req.headers.get("content-encoding", ""):
            req = HttpRequest(req.method, req.path, req.query_string, req.headers, _gunzip(req.body), req.stream)
        params = protocol.parse_request(op, req, route.path_params)
        principal = authn.principal if authn is not None else principals.resolve(
            route.scope.access_key, self.config, self.store, clock=self.clock,
            protocol=route.protocol, service=route.service, region=route.scope.region)
        self.validate(op, params, route.protocol)
        ctx = Ctx(
            account=principal.account,
            region=route.scope.region or self.config.default_region,
            request_id=request_id,
            clock=self.clock,
            store=self.store,
            blobs=self.blobs,
            config=self.config,
            service=route.service,
            operation=op.name,
            principal=principal,
            host=req.host,
            dispatch=self.dispatch,
            metrics=self.metric_buffer,
            extras={"source_ip": req.peer},  # calls to other services keep the caller's address
        )
        # --- auth: IAM enforcement (fogbank.auth.enforce) ---
        if authn is not None:
            auth_enforce.admit(ctx, authn, route.protocol, params, req)
            if authn.chunk_verifier is not None:
                ctx.extras["chunk_verifier"] = authn.chunk_verifier  # for S3's aws-chunked decoder
        # --- end auth ---
        http_hooks = _HTTP_HOOKS.get(route.service)
        if http_hooks is not None:
            http_hooks().before(ctx, req)
        result = self._invoke(ctx, params)
        if inspect.isawaitable(result):
            result = await result
        response = protocol.serialize_response(op, result or {}, request_id)
        if http_hooks is not None:
            http_hooks().after(ctx, req, response)
        _add_request_ids(response, route.service, request_id)
        return response

    def _error(self, route: Route | None, err: ServiceError, request_id: str, req: HttpRequest) -> HttpResponse:
        service, protocol_name = (route.service, route.protocol) if route else self.router.error_format(req)
        model = service_model(service)
        try:
            response = module_for(protocol_name).serialize_error(model, err, request_id, route.operation if route else None)
        except Exception:
            log.error("could not serialise %r:\n%s", err, traceback.format_exc())
            response = HttpResponse(err.status, [("Content-Type", "text/plain")], f"{err.code}: {err.message}".encode())
        for name, value in err.headers.items():
            response.set_header(name, value)
        _add_request_ids(response, service, request_id)
        http_hooks = _HTTP_HOOKS.get(service) if route is not None else None
        if http_hooks is not None:
            try:  # e.g. S3's CORS headers, so that a browser can read the error too
                http_hooks().after(self.background_ctx(service), req, response)
            except Exception:
                log.error("HTTP hook failed on an error answer:\n%s", traceback.format_exc())
        return response

    # --- ASGI --------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers: dict[str, str] = {}
        header_bytes = 0
        for raw_name, raw_value in scope["headers"]:
            header_bytes += len(raw_name) + len(raw_value)
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            headers[name] = headers[name] + "," + value if name in headers else value
        raw_path = scope.get("raw_path") or scope["path"].encode()
        path = raw_path.decode("latin-1").split("?", 1)[0]
        req = HttpRequest(scope["method"], path, scope.get("query_string", b"").decode("latin-1"), headers)
        req.raw_headers = scope["headers"]
        client = scope.get("client")
        if client:
            req.peer = client[0]
        route = self._rest_route(req)
        stream = None
        if route is not None and streams_payload(route.operation) and worth_spooling(headers):
            try:
                stream = StreamedBody(self.spool_dir())
            except OSError as exc:
                log.error("could not spool a request body, buffering it in memory: %s", exc)
        try:
            chunks: list[bytes] = []
            size = 0
            too_big = False
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # nothing half-received is kept: the spooled body is removed below
                chunk = message.get("body", b"")
                size += len(chunk)
                if stream is not None:
                    stream.write(chunk)
                elif size > MAX_BUFFERED_BODY:
                    too_big = True
                elif chunk:
                    chunks.append(chunk)
                if not message.get("more_body"):
                    break
            if stream is not None:
                stream.finish()
                req.stream = stream
            else:
                req.body = b"".join(chunks)
            if stream is not None and stream.failed is not None:
                log.error("could not spool a request body: %s", stream.failed)
                response = self._error(route, ServiceUnavailable(
                    f"fogbank could not save the request body ({stream.failed.strerror or stream.failed});"
                    " nothing was written"), str(uuid.uuid4()), req)
            elif header_bytes > MAX_HEADER_BYTES:
                response = self._error(None, BadRequest("request headers are too large", code="RequestHeaderSectionTooLarge"), str(uuid.uuid4()), req)
            elif too_big:
                response = self._error(None, BadRequest("request body is too large", code="RequestEntityTooLarge", status=413), str(uuid.uuid4()), req)
            else:
                response = await self.handle(req, route)
            await self._send(send, req, response)
        finally:
            if stream is not None:
                stream.close()

    async def _send(self, send: Any, req: HttpRequest, response: HttpResponse) -> None:
        out_headers = [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in response.headers]
        if response.stream is None and response.get_header("content-length") is None:
            out_headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": out_headers})
        if req.method == "HEAD":
            await send({"type": "http.response.body", "body": b""})
        elif response.stream is not None:
            try:
                for chunk in response.stream:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            finally:
                close = getattr(response.stream, "close", None)
                if callable(close):
                    close()
            await send({"type": "http.response.body", "body": b""})
        else:
            await send({"type": "http.response.body", "body": response.body})

    def _rest_route(self, req: HttpRequest) -> Route | None:
        """The route of a REST upload, found before its body is read so that a streaming payload
        can go straight to disk; None for every other request (routed once its body is in)."""
        if req.method not in ("PUT", "POST") or "x-amz-target" in req.headers or _data_plane_of(req) is not None:
            return None
        if req.content_type == "application/x-www-form-urlencoded" or "smithy-protocol" in req.headers:
            return None
        try:
            return self.router.route(req)
        except ServiceError:
            return None  # answered, with the right error format, once the body is in

    def spool_dir(self) -> str | None:
        """Where request bodies are spooled: beside the blobs, so a provider's copy stays on one disk."""
        root = getattr(self.blobs, "root", None)
        return str(root) if root is not None else None

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
                if not self.config.in_memory:
                    asyncio.get_running_loop().call_soon(self.resume_background_work)
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def health(self) -> dict[str, Any]:
        """What ``/_fogbank/health`` reports."""
        return {
            "status": "running",
            "version": __version__,
            "uptime_seconds": round(time.time() - self.started, 3),
            "data_dir": None if self.config.in_memory else os.path.abspath(self.config.data_dir),
            "in_memory": self.config.in_memory,
            "clock": {"now": self.clock.now(), "offset_seconds": self.clock.offset},
            "services": {
                name: "available" if load_provider_exists(name) else "not implemented"
                for name in self.router.catalog.services
            },
        }


def load_provider_exists(service: str) -> bool:
    """Whether fogbank has a provider module for ``service`` (without importing it)."""
    import importlib.util

    from fogbank.server.providers import package_name

    try:
        return importlib.util.find_spec(f"fogbank.services.{package_name(service)}.provider") is not None
    except ModuleNotFoundError:
        return False


def _gunzip(body: bytes) -> bytes:
    """A gzip request body (botocore compresses large CloudWatch requests), bounded in size."""
    decompressor = zlib.decompressobj(wbits=31)
    try:
        data = decompressor.decompress(body, MAX_BUFFERED_BODY + 1)
    except zlib.error:
        raise BadRequest("the request body is not valid gzip", code="SerializationException") from None
    if len(data) > MAX_BUFFERED_BODY or decompressor.unconsumed_tail:
        raise BadRequest("request body is too large", code="RequestEntityTooLarge", status=413)
    return data


def _s3_http() -> Any:
    from fogbank.services.s3 import http

    return http


# Services with behaviour at the HTTP level around their operations (``before(ctx, req)``
# raising a ServiceError, ``after(ctx, req, response)``), loaded on first use.
_HTTP_HOOKS = {"s3": _s3_http}


def _data_plane_of(req: HttpRequest) -> tuple[Any, str] | None:
    """The data-plane handler a request is for (a function URL, a deployed API stage), if any."""
    if ".lambda-url." in req.host or req.path.startswith(admin.LAMBDA_URL_PREFIX):
        from fogbank.services.lambda_ import urls  # loaded on first use: start-up doesn't pay for it

        return urls.handle, "lambda.FunctionUrl"
    if ".execute-api." in req.host or (req.path.startswith("/restapis/") and "/_user_request_" in req.path):
        from fogbank.services.apigateway import dataplane

        return dataplane.handle, "apigateway.Invoke"
    if req.method == "POST" and req.content_type == "multipart/form-data":
        from fogbank.services.s3 import http as s3_http

        return s3_http.post_object, "s3.PostObject"
    if req.method == "OPTIONS" and "x-amz-target" not in req.headers:
        from fogbank.services.s3 import http as s3_http

        return s3_http.preflight, "s3.Preflight"
    return None


def _load_validator() -> Any:
    from fogbank.protocol.validate import validate

    return validate


def _add_request_ids(response: HttpResponse, service: str, request_id: str) -> None:
    if service == "s3":
        response.set_header("x-amz-request-id", request_id.replace("-", "")[:16].upper())
        response.set_header("x-amz-id-2", base64.b64encode(uuid.uuid4().bytes * 2).decode())
    if response.get_header("x-amzn-requestid") is None:
        response.set_header("x-amzn-RequestId", request_id)

