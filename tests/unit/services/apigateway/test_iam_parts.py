"""Pure parts of API Gateway's IAM: masked ARNs in denials, the source ARNs Lambda permissions
are checked against, and the ``execute-api:/`` shorthand of resource policies."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from fogbank.protocol.base import HttpRequest
from fogbank.services.apigateway.dataplane import iam
from fogbank.services.apigateway.dataplane.call import Call


def _call(method: str = "GET", declared: str = "GET", path: str = "/items/{id}", policy: str | None = None) -> Call:
    return Call(req=HttpRequest(method, "/items/7", "", {}), api_id="abc123", stage_name="dev", path="/items/7",
                account="123456789012", region="eu-west-1", request_id="r", now=0.0, host="h", stage={},
                snapshot={"api": {"policy": policy}}, resource={"path": path}, method={"httpMethod": declared})


def test_masked_hides_all_but_four_account_digits() -> None:
    assert iam.masked("arn:aws:execute-api:us-east-1:123456789012:abc/dev/GET/a:b") == \
        "arn:aws:execute-api:us-east-1:********9012:abc/dev/GET/a:b"
    assert iam.masked("not-an-arn") == "not-an-arn"


@given(st.from_regex(r"[0-9]{12}", fullmatch=True), st.text(alphabet="abc/:*{}", max_size=20))
def test_masked_keeps_everything_but_the_account(account: str, rest: str) -> None:
    arn = f"arn:aws:execute-api:us-east-1:{account}:api/{rest}"
    out = iam.masked(arn)
    assert out.replace("********" + account[-4:], account, 1) == arn
    assert account[:8] not in out.split(":")[4]


def test_source_arns_use_the_resource_path() -> None:
    assert _call().source_arns() == ["arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/items/{id}"]
    assert _call("POST", "ANY").source_arns() == [
        "arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/POST/items/{id}",
        "arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/ANY/items/{id}"]
    assert _call(path="/").source_arns() == ["arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/"]


def test_resource_policy_shorthand_names_the_api() -> None:
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/dev/GET/*"}]}
    [(name, policy)] = iam._resource_policy(_call(policy=json.dumps(doc)))
    assert name == "api-policy"
    assert policy.statements[0].resources == ("arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/*",)
    assert iam._resource_policy(_call(policy=None)) == []
    assert iam._resource_policy(_call(policy="{not json")) == []
