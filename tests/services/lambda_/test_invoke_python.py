"""Python functions run for real: results, context, environment, errors, warm reuse, logs."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.services.lambda_.helpers import ECHO_PY, create, error_of, invoke

CONTEXT_PY = """
import os, tempfile, time
def handler(event, context):
    path = os.path.join(tempfile.gettempdir(), "marker")
    existed = os.path.exists(path)
    open(path, "w").write("x")
    print("log line from handler")
    return {
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "name": context.function_name,
        "version": context.function_version,
        "memory": context.memory_limit_in_mb,
        "group": context.log_group_name,
        "remaining": context.get_remaining_time_in_millis(),
        "tmp_existed": existed,
        "env": {k: os.environ.get(k) for k in (
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_XRAY_DAEMON_ADDRESS",
            "AWS_XRAY_CONTEXT_MISSING", "_HANDLER", "MY_SETTING", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID")},
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "stream": os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME"),
        "task_root": os.environ.get("LAMBDA_TASK_ROOT"),
        "cwd": os.getcwd(),
    }
"""


def test_result_context_and_environment(lam: Any) -> None:
    create(lam, "ctx", {"app.py": CONTEXT_PY}, MemorySize=256, Timeout=7, Environment={"Variables": {"MY_SETTING": "on"}})
    response, out = invoke(lam, "ctx", {"a": 1}, LogType="Tail")
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    assert out["arn"] == "arn:aws:lambda:us-east-1:000000000000:function:ctx"
    assert out["name"] == "ctx" and out["version"] == "$LATEST" and out["memory"] == 256
    assert out["group"] == "/aws/lambda/ctx"
    assert 5000 < out["remaining"] <= 7000
    env = out["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "ctx"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_REGION"] == "us-east-1"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert env["AWS_XRAY_DAEMON_ADDRESS"] and env["AWS_XRAY_CONTEXT_MISSING"] == "LOG_ERROR"
    assert env["_HANDLER"] == "app.handler" and env["MY_SETTING"] == "on"
    assert env["AWS_ENDPOINT_URL"].startswith("http://")
    assert env["AWS_ACCESS_KEY_ID"]
    assert out["trace"].startswith("Root=1-")
    assert out["stream"].startswith("20") and "[$LATEST]" in out["stream"]
    assert out["cwd"] == out["task_root"]
    log = base64.b64decode(response["LogResult"]).decode()
    assert f"START RequestId: {out['request_id']} Version: $LATEST" in log
    assert "log line from handler" in log
    assert f"END RequestId: {out['request_id']}" in log
    assert "REPORT RequestId:" in log and "Memory Size: 256 MB" in log and "Init Duration:" in log


def test_warm_environment_keeps_state_and_tmp_until_idle_expiry(lam: Any, fogbank: Any) -> None:
    create(lam, "warm", {"app.py": ECHO_PY + CONTEXT_PY.replace("def handler", "def ctx_handler")})
    first = invoke(lam, "warm", handler_arg := {"n": 1})[1]
    second = invoke(lam, "warm", {"n": 2})[1]
    assert (first["count"], second["count"]) == (1, 2)
    assert handler_arg == {"n": 1}
    lam.update_function_configuration(FunctionName="warm", Handler="app.ctx_handler")
    a = invoke(lam, "warm")[1]
    b = invoke(lam, "warm", LogType="Tail")
    assert a["tmp_existed"] is False and b[1]["tmp_existed"] is True
    assert "Init Duration" not in base64.b64decode(b[0]["LogResult"]).decode()
    fogbank.advance(3600)  # past the idle time: the environment is gone, with its /tmp
    c = invoke(lam, "warm")[1]
    assert c["tmp_existed"] is False


def test_handler_exception_is_unhandled_function_error(lam: Any) -> None:
    create(lam, "boom", {"app.py": "def handler(e, c):\n    raise ValueError('bad thing ' + str(e['n']))\n"})
    response, out = invoke(lam, "boom", {"n": 7}, LogType="Tail")
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert out["errorType"] == "ValueError"
    assert out["errorMessage"] == "bad thing 7"
    assert any("raise ValueError" in line for line in out["stackTrace"])
    # only the function's own frames, as AWS shows them: none of the runtime's
    assert out["stackTrace"] and all("bootstrap" not in line for line in out["stackTrace"])
    assert 'app.py", line 2, in handler' in out["stackTrace"][0]
    assert "[ERROR] ValueError: bad thing 7" in base64.b64decode(response["LogResult"]).decode()
    # the environment survives a handled exception and serves again
    assert invoke(lam, "boom", {"n": 8})[1]["errorMessage"] == "bad thing 8"


def test_init_errors_have_aws_types(lam: Any) -> None:
    create(lam, "nomod", {"other.py": "x = 1\n"})
    response, out = invoke(lam, "nomod")
    assert response["FunctionError"] == "Unhandled"
    assert out["errorType"] == "Runtime.ImportModuleError"
    assert out["errorMessage"].startswith("Unable to import module 'app': No module named 'app'")
    create(lam, "nohandler", {"app.py": "def other(e, c):\n    return 1\n"})
    out = invoke(lam, "nohandler")[1]
    assert out["errorType"] == "Runtime.HandlerNotFound"
    assert out["errorMessage"] == "Handler 'handler' missing on module 'app'"
    create(lam, "syntax", {"app.py": "def handler(e, c)\n    return 1\n"})
    out = invoke(lam, "syntax")[1]
    assert out["errorType"] == "Runtime.UserCodeSyntaxError"
    create(lam, "malformed", {"app.py": "x = 1\n"}, handler="app")
    assert invoke(lam, "malformed")[1]["errorType"] == "Runtime.MalformedHandlerName"


def test_crash_is_exit_error_and_environment_is_replaced(lam: Any) -> None:
    code = "import os\nN = [0]\ndef handler(e, c):\n    N[0] += 1\n    if e.get('die'):\n        os._exit(3)\n    return N[0]\n"
    create(lam, "crash", {"app.py": code})
    assert invoke(lam, "crash")[1] == 1
    assert invoke(lam, "crash")[1] == 2
    response, out = invoke(lam, "crash", {"die": True})
    assert response["FunctionError"] == "Unhandled"
    assert out["errorType"] == "Runtime.ExitError"
    assert "Runtime exited with error: exit status 3" in out["errorMessage"]
    assert invoke(lam, "crash")[1] == 1  # a fresh environment


def test_timeout_kills_the_environment(lam: Any) -> None:
    code = "import time\nN = [0]\ndef handler(e, c):\n    N[0] += 1\n    if e.get('sleep'):\n        time.sleep(30)\n    return N[0]\n"
    create(lam, "slow", {"app.py": code}, Timeout=1)
    assert invoke(lam, "slow")[1] == 1
    response, out = invoke(lam, "slow", {"sleep": True}, LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    assert out["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in out["errorMessage"]
    assert "Task timed out after 1.00 seconds" in base64.b64decode(response["LogResult"]).decode()
    assert invoke(lam, "slow")[1] == 1


def test_results_that_are_not_json(lam: Any) -> None:
    create(lam, "marshal", {"app.py": "def handler(e, c):\n    return {1, 2}\n"})
    response, out = invoke(lam, "marshal")
    assert response["FunctionError"] == "Unhandled"
    assert out["errorType"] == "Runtime.MarshalError"
    assert "Unable to marshal response" in out["errorMessage"]


def test_payload_errors(lam: Any) -> None:
    create(lam, "echo", {"app.py": ECHO_PY})
    code, status, _ = error_of(lam.invoke, FunctionName="echo", Payload=b"{not json")
    assert (code, status) == ("InvalidRequestContentException", 400)
    code, status, _ = error_of(lam.invoke, FunctionName="echo", Payload=b'"' + b"x" * (6 * 1024 * 1024 + 10) + b'"')
    assert (code, status) == ("RequestTooLargeException", 413)
    code, status, message = error_of(lam.invoke, FunctionName="nope", Payload=b"{}")
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert message == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"
    code, status, _ = error_of(lam.invoke, FunctionName="echo", Qualifier="7", Payload=b"{}")
    assert (code, status) == ("ResourceNotFoundException", 404)
    dry = lam.invoke(FunctionName="echo", InvocationType="DryRun")
    assert dry["StatusCode"] == 204
    # nothing ran: the first real invocation is the environment's first
    assert invoke(lam, "echo", [1, 2])[1] == {"event": [1, 2], "count": 1}


def test_boto3_inside_the_function_reaches_fogbank(lam: Any, aws: Any) -> None:
    sqs = aws("sqs")
    sqs.create_queue(QueueName="from-outside")
    code = "import boto3\ndef handler(e, c):\n    q = boto3.client('sqs')\n    q.create_queue(QueueName='from-inside')\n    return sorted(u.rsplit('/', 1)[1] for u in q.list_queues()['QueueUrls'])\n"
    create(lam, "sdk", {"app.py": code})
    assert invoke(lam, "sdk")[1] == ["from-inside", "from-outside"]
    assert any(u.endswith("/from-inside") for u in sqs.list_queues()["QueueUrls"])


def test_client_context_reaches_the_function(lam: Any) -> None:
    code = (
        "def handler(e, c):\n"
        "    cc = c.client_context\n"
        "    return {'custom': cc and cc.custom, 'env': cc and cc.env,\n"
        "            'app': cc and cc.client and [cc.client.installation_id, cc.client.app_title],\n"
        "            'identity': [c.identity.cognito_identity_id, c.identity.cognito_identity_pool_id]}\n"
    )
    create(lam, "cc", {"app.py": code})
    doc = {"custom": {"k": "v"}, "env": {"platform": "x"}, "client": {"installation_id": "i-1", "app_title": "App"}}
    context = base64.b64encode(json.dumps(doc).encode()).decode()
    assert invoke(lam, "cc", ClientContext=context)[1] == {
        "custom": {"k": "v"}, "env": {"platform": "x"}, "app": ["i-1", "App"], "identity": [None, None]}
    # without a client context: client_context is None, identity is still there (fields None)
    assert invoke(lam, "cc")[1] == {"custom": None, "env": None, "app": None, "identity": [None, None]}
