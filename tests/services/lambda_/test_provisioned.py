"""Provisioned concurrency: environments initialised ahead of invocations, used first, counted
against concurrency, and retired with their config."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

from botocore.exceptions import ClientError

from tests.services.lambda_.helpers import create, error_of, invoke
from tests.services.lambda_.test_async_and_sqs import wait_for

# reports how its environment was initialised; {"hold": true} waits for a message on "gate"
PROVISIONED_PY = """
import os, time, boto3
STARTED = time.time()
def handler(event, context):
    if event.get("hold"):
        sqs = boto3.client("sqs")
        gate = sqs.get_queue_url(QueueName="gate")["QueueUrl"]
        while not sqs.receive_message(QueueUrl=gate, WaitTimeSeconds=20).get("Messages"):
            pass
    return {"init": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"], "pid": os.getpid(), "started": STARTED}
"""


def _ready(lam: Any, name: str, qualifier: str) -> dict[str, Any]:
    def check() -> Any:
        config = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)
        return config if config["Status"] != "IN_PROGRESS" else None

    return wait_for(check)


def _report(response: dict[str, Any]) -> str:
    return [line for line in base64.b64decode(response["LogResult"]).decode().splitlines() if line.startswith("REPORT")][0]


def test_provisioned_environments_are_ready_used_first_and_retired(lam: Any) -> None:
    create(lam, "pc", {"app.py": PROVISIONED_PY}, Timeout=60)
    lam.publish_version(FunctionName="pc")
    lam.create_alias(FunctionName="pc", Name="live", FunctionVersion="1")
    put = lam.put_provisioned_concurrency_config(FunctionName="pc", Qualifier="1", ProvisionedConcurrentExecutions=2)
    assert put["Status"] == "IN_PROGRESS" and put["RequestedProvisionedConcurrentExecutions"] == 2
    assert put["AllocatedProvisionedConcurrentExecutions"] == 0
    ready = _ready(lam, "pc", "1")
    assert ready["Status"] == "READY"
    assert ready["AllocatedProvisionedConcurrentExecutions"] == ready["AvailableProvisionedConcurrentExecutions"] == 2
    listed = lam.list_provisioned_concurrency_configs(FunctionName="pc")["ProvisionedConcurrencyConfigs"]
    assert [c["FunctionArn"].rsplit(":", 1)[1] for c in listed] == ["1"]
    # invocations of version 1 run on the initialised environments: no Init Duration
    pids = set()
    for _ in range(3):
        response, out = invoke(lam, "pc", Qualifier="1", LogType="Tail")
        assert out["init"] == "provisioned-concurrency"
        assert "Init Duration" not in _report(response)
        pids.add(out["pid"])
    assert len(pids) == 1  # one at a time: the same warm environment serves them
    # the alias has no config of its own and $LATEST none at all: those start on demand
    response, out = invoke(lam, "pc", Qualifier="live", LogType="Tail")
    assert out["init"] == "on-demand" and "Init Duration" in _report(response)
    on_demand = out["pid"]
    # deleting the config retires the environments: version 1 runs on demand again
    lam.delete_provisioned_concurrency_config(FunctionName="pc", Qualifier="1")
    code, status, _ = error_of(lam.get_provisioned_concurrency_config, FunctionName="pc", Qualifier="1")
    assert (code, status) == ("ProvisionedConcurrencyConfigNotFoundException", 404)
    assert lam.list_provisioned_concurrency_configs(FunctionName="pc")["ProvisionedConcurrencyConfigs"] == []
    _response, out = invoke(lam, "pc", Qualifier="1")
    assert out["init"] == "on-demand" and out["pid"] == on_demand
    code, status, _ = error_of(lam.delete_provisioned_concurrency_config, FunctionName="pc", Qualifier="1")
    assert (code, status) == ("ProvisionedConcurrencyConfigNotFoundException", 404)


def test_provisioned_concurrency_counts_against_concurrency(lam: Any, aws: Any) -> None:
    sqs = aws("sqs")
    gate = sqs.create_queue(QueueName="gate")["QueueUrl"]
    create(lam, "held", {"app.py": PROVISIONED_PY}, Timeout=60)
    lam.publish_version(FunctionName="held")
    # without a reservation, the provisioned amount leaves the account's unreserved pool
    lam.put_provisioned_concurrency_config(FunctionName="held", Qualifier="1", ProvisionedConcurrentExecutions=1)
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 999
    assert _ready(lam, "held", "1")["Status"] == "READY"
    code, status, message = error_of(lam.put_provisioned_concurrency_config, FunctionName="held", Qualifier="1",
                                     ProvisionedConcurrentExecutions=901)
    assert (code, status) == ("InvalidParameterValueException", 400) and "unreserved concurrency" in message
    # with a reservation of 1, the provisioned execution uses it all
    code, status, _ = error_of(lam.put_function_concurrency, FunctionName="held", ReservedConcurrentExecutions=0)
    assert (code, status) == ("InvalidParameterValueException", 400)
    lam.put_function_concurrency(FunctionName="held", ReservedConcurrentExecutions=1)
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 999
    code, status, _ = error_of(lam.put_provisioned_concurrency_config, FunctionName="held", Qualifier="1",
                               ProvisionedConcurrentExecutions=2)
    assert (code, status) == ("InvalidParameterValueException", 400)
    outcome: dict[str, Any] = {}
    holder = threading.Thread(target=lambda: outcome.update(invoke(lam, "held", {"hold": True}, Qualifier="1")[1]))
    holder.start()
    try:
        wait_for(lambda: int(sqs.get_queue_attributes(QueueUrl=gate, AttributeNames=["All"])["Attributes"].get("ApproximateNumberOfMessagesNotVisible", "0")) == 0 and _busy(lam))
    finally:
        sqs.send_message(QueueUrl=gate, MessageBody="go")
        holder.join(30)
    assert outcome["init"] == "provisioned-concurrency"
    assert lam.get_provisioned_concurrency_config(FunctionName="held", Qualifier="1")["Status"] == "READY"


def _busy(lam: Any) -> bool:
    """Whether an invocation of $LATEST is throttled (the reservation is in use)."""
    try:
        lam.invoke(FunctionName="held", Payload=b"{}")
    except ClientError as err:
        assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert err.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
        return True
    return False


def test_provisioned_config_errors(lam: Any) -> None:
    create(lam, "e", {"app.py": PROVISIONED_PY})
    code, status, _ = error_of(lam.put_provisioned_concurrency_config, FunctionName="e", Qualifier="$LATEST",
                               ProvisionedConcurrentExecutions=1)
    assert (code, status) == ("InvalidParameterValueException", 400)
    code, status, _ = error_of(lam.put_provisioned_concurrency_config, FunctionName="e", Qualifier="7",
                               ProvisionedConcurrentExecutions=1)
    assert (code, status) == ("ResourceNotFoundException", 404)
    code, status, _ = error_of(lam.get_provisioned_concurrency_config, FunctionName="e", Qualifier="$LATEST")
    assert (code, status) == ("ProvisionedConcurrencyConfigNotFoundException", 404)
    assert json.loads(json.dumps(lam.list_provisioned_concurrency_configs(FunctionName="e")["ProvisionedConcurrencyConfigs"])) == []
