"""Node.js handlers (CommonJS, ESM, async, callback) and a provided.al2023 shell bootstrap."""

from __future__ import annotations

import base64
from typing import Any

from tests.services.lambda_.helpers import create, invoke

CURL_BOOTSTRAP = """#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)"
  ARN="$(grep -i '^Lambda-Runtime-Invoked-Function-Arn:' "$HEADERS" | tr -d '[:space:]' | cut -d: -f2-)"
  echo "handling $REQUEST_ID"
  case "$EVENT" in
    *fail*) curl -sS -X POST "$API/invocation/$REQUEST_ID/error" -H 'Lambda-Runtime-Function-Error-Type: Custom.Failure' -d '{"errorType":"Custom.Failure","errorMessage":"asked to fail"}' >/dev/null ;;
    *) curl -sS -X POST "$API/invocation/$REQUEST_ID/response" -d "{\\"echo\\":$EVENT,\\"arn\\":\\"$ARN\\",\\"handler\\":\\"$_HANDLER\\"}" >/dev/null ;;
  esac
  rm -f "$HEADERS"
done
"""


def test_nodejs_commonjs_async_and_context(lam: Any) -> None:
    code = ("let n = 0;\nexports.handler = async (event, context) => {\n  n += 1;\n  console.log('node says hi');\n"
            "  return { n, event, name: context.functionName, memory: context.memoryLimitInMB,\n"
            "           remaining: context.getRemainingTimeInMillis(), id: context.awsRequestId };\n};\n")
    create(lam, "node-cjs", {"index.js": code}, runtime="nodejs20.x", handler="index.handler")
    response, out = invoke(lam, "node-cjs", {"k": 1}, LogType="Tail")
    assert out["n"] == 1 and out["event"] == {"k": 1} and out["name"] == "node-cjs" and out["memory"] == "128"
    assert 0 < out["remaining"] <= 3000
    assert "node says hi" in base64.b64decode(response["LogResult"]).decode()
    assert invoke(lam, "node-cjs")[1]["n"] == 2


def test_nodejs_esm_and_callback_styles(lam: Any) -> None:
    esm = "export const handler = async (event) => ({ esm: true, got: event.v });\n"
    create(lam, "node-esm", {"app.mjs": esm}, runtime="nodejs22.x")
    assert invoke(lam, "node-esm", {"v": 5})[1] == {"esm": True, "got": 5}
    callback = "exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { cb: event.v }), 5); };\n"
    create(lam, "node-cb", {"app.js": callback}, runtime="nodejs18.x")
    assert invoke(lam, "node-cb", {"v": 3})[1] == {"cb": 3}


def test_nodejs_errors(lam: Any) -> None:
    create(lam, "node-throw", {"app.js": "exports.handler = async () => { throw new TypeError('nope'); };\n"}, runtime="nodejs20.x")
    response, out = invoke(lam, "node-throw")
    assert response["FunctionError"] == "Unhandled"
    assert out["errorType"] == "TypeError" and out["errorMessage"] == "nope"
    assert isinstance(out["trace"], list)
    create(lam, "node-missing", {"other.js": "exports.x = 1;\n"}, runtime="nodejs20.x")
    assert invoke(lam, "node-missing")[1]["errorType"] == "Runtime.ImportModuleError"
    create(lam, "node-nohandler", {"app.js": "exports.other = () => 1;\n"}, runtime="nodejs20.x")
    out = invoke(lam, "node-nohandler")[1]
    assert out["errorType"] == "Runtime.HandlerNotFound"
    assert out["errorMessage"] == "app.handler is undefined or not exported"


def test_provided_runtime_with_a_curl_bootstrap(lam: Any) -> None:
    create(lam, "custom", {"bootstrap": CURL_BOOTSTRAP}, runtime="provided.al2023", handler="function.handler",
           modes={"bootstrap": 0o755})
    response, out = invoke(lam, "custom", {"hello": "world"}, LogType="Tail")
    assert "FunctionError" not in response
    assert out == {"echo": {"hello": "world"}, "arn": "arn:aws:lambda:us-east-1:000000000000:function:custom", "handler": "function.handler"}
    assert "handling " in base64.b64decode(response["LogResult"]).decode()
    response, out = invoke(lam, "custom", {"fail": 1})
    assert response["FunctionError"] == "Unhandled"
    assert out == {"errorType": "Custom.Failure", "errorMessage": "asked to fail"}


def test_provided_runtime_without_bootstrap(lam: Any) -> None:
    create(lam, "nobootstrap", {"main.sh": "echo"}, runtime="provided.al2", handler="x")
    response, out = invoke(lam, "nobootstrap")
    assert response["FunctionError"] == "Unhandled"
    assert out["errorType"] == "Runtime.InvalidEntrypoint"


def test_python_versions_run(lam: Any) -> None:
    code = "import sys\ndef handler(e, c):\n    return list(sys.version_info[:2])\n"
    create(lam, "py312", {"app.py": code}, runtime="python3.12")
    major, minor = invoke(lam, "py312")[1]
    assert major == 3 and minor >= 9
