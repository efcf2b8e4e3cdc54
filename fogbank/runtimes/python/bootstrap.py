"""The Python runtime of fogbank's Lambda: a Runtime API client that runs ``module.function``.

Started by the process manager with ``_HANDLER``, ``LAMBDA_TASK_ROOT`` and
``AWS_LAMBDA_RUNTIME_API`` set. Imports the handler from the task root (then the layers' ``python``
directories), then loops: fetch the next event, call the handler, post its JSON result or AWS's
error document (``errorMessage``, ``errorType``, ``requestId``, ``stackTrace``). Init failures
are posted to ``/runtime/init/error`` with AWS's error types (``Runtime.ImportModuleError``,
``Runtime.HandlerNotFound``, ``Runtime.MalformedHandlerName``, ``Runtime.UserCodeSyntaxError``).
Standard library only: it runs on whatever local Python serves the function's runtime.
"""

from __future__ import annotations

import http.client
import importlib
import json
import os
import sys
import time
import traceback
from typing import Any

API_VERSION = "/2018-06-01/runtime"


class RuntimeClient:
    """A keep-alive connection to the Runtime API."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.host = host or "127.0.0.1"
        self.port = int(port)
        self.conn = http.client.HTTPConnection(self.host, self.port)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """One request, reconnecting once if the kept-alive connection went away."""
        for attempt in (0, 1):
            try:
                self.conn.request(method, API_VERSION + path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port)
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def post_json(self, path: str, doc: Any, headers: dict | None = None) -> None:
        """POST a JSON document."""
        self.request("POST", path, json.dumps(doc).encode(), {"Content-Type": "application/json", **(headers or {})})


class LambdaContext:
    """The context object AWS passes to a Python handler."""

    def __init__(self, request_id: str, deadline_ms: int, arn: str, client_context: Any, identity: Any) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.client_context = client_context
        self.identity = identity
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out."""
        return max(0, self._deadline_ms - int(time.time() * 1000))


class _Identity:
    """``context.identity``: present on every invocation, its fields None without Cognito."""

    def __init__(self, doc: dict | None = None) -> None:
        doc = doc or {}
        self.cognito_identity_id = doc.get("cognitoIdentityId")
        self.cognito_identity_pool_id = doc.get("cognitoIdentityPoolId")


class _Client:
    """``context.client_context.client``: the mobile app that called, as attributes."""

    def __init__(self, doc: dict) -> None:
        self.installation_id = doc.get("installation_id")
        self.app_title = doc.get("app_title")
        self.app_version_name = doc.get("app_version_name")
        self.app_version_code = doc.get("app_version_code")
        self.app_package_name = doc.get("app_package_name")


class _ClientContext:
    def __init__(self, doc: dict) -> None:
        client = doc.get("client")
        self.client = _Client(client) if isinstance(client, dict) else None
        self.custom = doc.get("custom")
        self.env = doc.get("env")


def error_doc(exc: BaseException, error_type: str | None = None, request_id: str = "") -> dict:
    """AWS's error document for an exception (the runtime's own frames left out, as AWS does)."""
    own = os.path.abspath(__file__)
    frames = traceback.format_list([f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename) != own])
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": request_id,
        "stackTrace": frames,
    }


def init_error(message: str, error_type: str) -> dict:
    """An init failure the way AWS reports it."""
    return {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": []}


def setup_path() -> None:
    """The task root first, then the layers' directories, then the runtime's SDK."""
    root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    opt = os.environ.get("FOGBANK_OPT_DIR", "")
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    here = os.path.dirname(os.path.abspath(__file__))
    # the bootstrap's own directory is not the function's: a module of the function may share a name
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    paths = [root]
    if opt:
        paths += [os.path.join(opt, "python"), os.path.join(opt, "python", "lib", version, "site-packages")]
    sys.path[:0] = [p for p in paths if p not in sys.path]
    sdk = os.environ.get("FOGBANK_SDK_PATH", "")
    if sdk and sdk not in sys.path:
        sys.path.append(sdk)


def load_handler(spec: str) -> Any:
    """The handler function named by ``module.function``; raises (dict) an AWS init error."""
    module_name, sep, function_name = spec.rpartition(".")
    if not sep or not module_name or not function_name:
        raise InitError(init_error(f"Bad handler '{spec}': not enough values to unpack (expected 2, got 1)", "Runtime.MalformedHandlerName"))
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as exc:
        raise InitError(init_error(f"Syntax error in module '{module_name}': {exc}", "Runtime.UserCodeSyntaxError")) from exc
    except ImportError as exc:
        raise InitError(init_error(f"Unable to import module '{module_name}': {exc}", "Runtime.ImportModuleError")) from exc
    except Exception as exc:
        traceback.print_exc()
        raise InitError(error_doc(exc)) from exc
    handler = getattr(module, function_name, None)
    if handler is None:
        raise InitError(init_error(f"Handler '{function_name}' missing on module '{module_name}'", "Runtime.HandlerNotFound"))
    return handler


class InitError(Exception):
    """Initialisation failed; ``doc`` is what AWS reports."""

    def __init__(self, doc: dict) -> None:
        super().__init__(doc["errorMessage"])
        self.doc = doc


def _json_header(value: str | None, wrap: Any) -> Any:
    if not value:
        return None
    try:
        return wrap(json.loads(value))
    except ValueError:
        return None


def serve(client: RuntimeClient, handler: Any) -> None:
    """Run invocations until the process is stopped."""
    while True:
        _status, headers, body = client.request("GET", "/invocation/next")
        request_id = headers.get("lambda-runtime-aws-request-id", "")
        trace = headers.get("lambda-runtime-trace-id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        context = LambdaContext(
            request_id,
            int(headers.get("lambda-runtime-deadline-ms", "0") or 0),
            headers.get("lambda-runtime-invoked-function-arn", ""),
            _json_header(headers.get("lambda-runtime-client-context"), _ClientContext),
            _json_header(headers.get("lambda-runtime-cognito-identity"), _Identity) or _Identity(),
        )
        try:
            event = json.loads(body) if body else None
        except ValueError as exc:
            client.post_json(f"/invocation/{request_id}/error", init_error(f"Unable to parse input as json: {exc}", "Runtime.UnmarshalError") | {"requestId": request_id})
            continue
        try:
            result = handler(event, context)
        except Exception as exc:
            doc = error_doc(exc, request_id=request_id)
            sys.stdout.write(f"[ERROR] {doc['errorType']}: {doc['errorMessage']}\nTraceback (most recent call last):\n{''.join(doc['stackTrace'])}")
            sys.stdout.flush()
            client.post_json(f"/invocation/{request_id}/error", doc, {"Lambda-Runtime-Function-Error-Type": doc["errorType"]})
            continue
        try:
            payload = json.dumps(result).encode()
        except (TypeError, ValueError) as exc:
            doc = init_error(f"Unable to marshal response: {exc}", "Runtime.MarshalError") | {"requestId": request_id}
            client.post_json(f"/invocation/{request_id}/error", doc, {"Lambda-Runtime-Function-Error-Type": "Runtime.MarshalError"})
            continue
        client.request("POST", f"/invocation/{request_id}/response", payload, {"Content-Type": "application/json"})


def main() -> None:
    """Initialise, then serve invocations."""
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    setup_path()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except InitError as err:
        sys.stdout.write(f"[ERROR] {err.doc['errorType']}: {err.doc['errorMessage']}\n")
        sys.stdout.flush()
        client.post_json("/init/error", err.doc, {"Lambda-Runtime-Function-Error-Type": err.doc["errorType"]})
        sys.exit(1)
    serve(client, handler)


if __name__ == "__main__":
    main()
