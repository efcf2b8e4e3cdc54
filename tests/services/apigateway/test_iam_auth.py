"""AWS_IAM methods (SigV4-signed requests authorised as execute-api:Invoke) and REST API resource
policies, on the default server and on one that verifies signatures and enforces IAM. Expected
decisions follow AWS's documented evaluation logic for API Gateway."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.conftest import Server, start_server, stop_server
from tests.services.apigateway.conftest import Answer, client, stage_call
from tests.services.apigateway.helpers import deploy, mock, new_api

WHO = '{"user": "$context.identity.userArn", "key": "$context.identity.accessKey", ' \
      '"account": "$context.identity.accountId"}'
MISSING = {"message": "Missing Authentication Token"}


def signed(endpoint: str, api_id: str, stage: str, path: str, key: str, secret: str, token: str | None = None,
           method: str = "GET", body: bytes = b"", tamper: bool = False) -> Answer:
    """A request to a stage signed with SigV4 for ``execute-api`` (``tamper``: altered after signing)."""
    url = f"{endpoint}/restapis/{api_id}/{stage}/_user_request_{path}"
    request = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(key, secret, token), "execute-api", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    if tamper:
        url += "?extra=1"
    req = urllib.request.Request(url, data=body or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return Answer(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _iam_api(apigw: Any, paths: tuple[str, ...], policy: str | None = None) -> str:
    api_id, _ = new_api(apigw, **({"policy": policy} if policy else {}))
    for path in paths:
        mock(apigw, api_id, path, template=WHO, authorizationType="AWS_IAM")
    deploy(apigw, api_id)
    return api_id


# --- the default server ---------------------------------------------------------------------------

def test_aws_iam_method_needs_a_signature_on_the_default_server(gw: Server, apigw: Any, http: Any) -> None:
    api_id = _iam_api(apigw, ("/who",))
    unsigned = http(api_id, "dev", "/who")
    assert (unsigned.status, unsigned.json()) == (403, MISSING)
    assert unsigned.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    answer = signed(gw.endpoint, api_id, "dev", "/who", "123456789012", "anything")
    assert answer.status == 200, answer.body
    # without --enforce-iam the signer is identified but no policy is evaluated
    assert answer.json() == {"user": "arn:aws:iam::123456789012:root", "key": "123456789012",
                             "account": "123456789012"}


def test_api_resource_policy_is_not_evaluated_without_enforcement(gw: Server, apigw: Any, http: Any) -> None:
    api_id, _ = new_api(apigw, policy=_doc({"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                                            "Resource": "execute-api:/*"}))
    mock(apigw, api_id, "/open")
    deploy(apigw, api_id)
    assert http(api_id, "dev", "/open").status == 200


# --- a server that verifies signatures and enforces IAM ---------------------------------------------

@pytest.fixture(scope="module")
def secure() -> Iterator[Server]:
    """A fogbank started with --enforce-iam --verify-signatures."""
    srv = start_server("--enforce-iam", "--verify-signatures")
    yield srv
    stop_server(srv)


@pytest.fixture
def env(secure: Server) -> Any:
    """Root clients on the secure server (fresh state), a user factory and stage calls."""
    secure.reset()
    iam = client(secure, "iam")

    class Env:
        server = secure
        apigw = client(secure, "apigateway")

        @staticmethod
        def user(name: str, *statements: dict[str, Any]) -> tuple[str, str]:
            iam.create_user(UserName=name)
            if statements:
                iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=_doc(*statements))
            key = iam.create_access_key(UserName=name)["AccessKey"]
            return key["AccessKeyId"], key["SecretAccessKey"]

        @staticmethod
        def call(api_id: str, path: str, creds: tuple[str, ...], **kwargs: Any) -> Answer:
            return signed(secure.endpoint, api_id, "dev", path, *creds, **kwargs)

        @staticmethod
        def plain(api_id: str, path: str, **kwargs: Any) -> Answer:
            return stage_call(secure.endpoint, api_id, "dev", path, **kwargs)

    Env.iam = iam
    return Env


def _invoke(resource: str, effect: str = "Allow") -> dict[str, Any]:
    return {"Effect": effect, "Action": "execute-api:Invoke", "Resource": resource}


def _arn(api_id: str, rest: str) -> str:
    return f"arn:aws:execute-api:us-east-1:000000000000:{api_id}/{rest}"


def _denial(api_id: str, who: str, rest: str, explicit: bool = False) -> dict[str, str]:
    message = (f"User: {who} is not authorized to perform: execute-api:Invoke on resource: "
               f"arn:aws:execute-api:us-east-1:********0000:{api_id}/{rest}")
    return {"Message": message + (" with an explicit deny" if explicit else "")}


def test_identity_policies_decide_execute_api_invoke(env: Any) -> None:
    api_id = _iam_api(env.apigw, ("/open", "/open/deeper", "/secret", "/blocked"))
    alice = env.user("alice", _invoke(_arn(api_id, "dev/GET/open*")), _invoke(_arn(api_id, "dev/*/blocked")),
                     _invoke(_arn(api_id, "*/GET/blocked"), "Deny"))
    bob = env.user("bob")
    answer = env.call(api_id, "/open", alice)
    assert answer.status == 200, answer.body
    assert answer.json() == {"user": "arn:aws:iam::000000000000:user/alice", "key": alice[0],
                             "account": "000000000000"}
    assert env.call(api_id, "/open/deeper", alice).status == 200
    secret = env.call(api_id, "/secret", alice)
    assert (secret.status, secret.json()) == (403, _denial(api_id, "arn:aws:iam::000000000000:user/alice",
                                                           "dev/GET/secret"))
    assert secret.headers["x-amzn-errortype"] == "AccessDeniedException"
    blocked = env.call(api_id, "/blocked", alice)
    assert (blocked.status, blocked.json()) == (403, _denial(api_id, "arn:aws:iam::000000000000:user/alice",
                                                             "dev/GET/blocked", explicit=True))
    nobody = env.call(api_id, "/open", bob)
    assert nobody.json() == _denial(api_id, "arn:aws:iam::000000000000:user/bob", "dev/GET/open")
    # the account's root is allowed; an unsigned request is not even identified
    assert env.call(api_id, "/secret", ("test", "test")).status == 200
    unsigned = env.plain(api_id, "/open")
    assert (unsigned.status, unsigned.json()) == (403, MISSING)


def test_signatures_are_verified(env: Any) -> None:
    api_id = _iam_api(env.apigw, ("/open",))
    alice = env.user("alice", _invoke("*"))
    wrong_secret = env.call(api_id, "/open", (alice[0], "not-the-secret"))
    assert wrong_secret.status == 403
    assert wrong_secret.json()["message"].startswith(
        "The request signature we calculated does not match the signature you provided")
    assert wrong_secret.headers["x-amzn-errortype"] == "InvalidSignatureException"
    tampered = env.call(api_id, "/open", alice, tamper=True)
    assert tampered.status == 403
    assert tampered.json()["message"].startswith("The request signature we calculated does not match")
    unknown = env.call(api_id, "/open", ("AKIAUNKNOWNUNKNOWN00", "x"))
    assert (unknown.status, unknown.json()) == (403, {"message": "The security token included in the request is invalid."})
    assert env.call(api_id, "/open", alice).status == 200


def test_role_sessions_sign_requests(env: Any) -> None:
    api_id = _iam_api(env.apigw, ("/open",))
    trust = _doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sts:AssumeRole"})
    env.iam.create_role(RoleName="caller", AssumeRolePolicyDocument=trust)
    env.iam.put_role_policy(RoleName="caller", PolicyName="p", PolicyDocument=_doc(_invoke(_arn(api_id, "*"))))
    session = client(env.server, "sts").assume_role(RoleArn="arn:aws:iam::000000000000:role/caller",
                                                    RoleSessionName="s1")["Credentials"]
    creds = (session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    answer = env.call(api_id, "/open", creds)
    assert answer.status == 200, answer.body
    assert answer.json()["user"] == "arn:aws:sts::000000000000:assumed-role/caller/s1"
    # a session policy narrower than the role's policy limits it
    narrow = client(env.server, "sts").assume_role(
        RoleArn="arn:aws:iam::000000000000:role/caller", RoleSessionName="s2",
        Policy=_doc(_invoke(_arn(api_id, "*/POST/*"))))["Credentials"]
    limited = env.call(api_id, "/open", (narrow["AccessKeyId"], narrow["SecretAccessKey"], narrow["SessionToken"]))
    assert limited.status == 403
    assert limited.json()["Message"].startswith("User: arn:aws:sts::000000000000:assumed-role/caller/s2 is not")


def test_resource_policy_with_source_ip_conditions(env: Any) -> None:
    policy = _doc({"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
                  {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                   "Resource": "execute-api:/*/GET/office",
                   "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}},
                  {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                   "Resource": "execute-api:/*/GET/local",
                   "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}})
    api_id, _ = new_api(env.apigw, policy=policy)
    for path in ("/public", "/office", "/local", "/home"):
        mock(env.apigw, api_id, path)
    deploy(env.apigw, api_id)
    assert env.plain(api_id, "/public").json() == {"ok": True}
    office = env.plain(api_id, "/office")
    assert (office.status, office.json()) == (403, _denial(api_id, "anonymous", "dev/GET/office", explicit=True))
    assert env.plain(api_id, "/local").status == 403
    assert env.plain(api_id, "/home").status == 200


def test_resource_policy_must_allow_unsigned_callers(env: Any) -> None:
    api_id, _ = new_api(env.apigw, policy=_doc({"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                                                "Resource": "execute-api:/*/GET/listed"}))
    # AWS saves the execute-api:/ shorthand as the API's own ARN
    saved = json.loads(env.apigw.get_rest_api(restApiId=api_id)["policy"].replace('\\"', '"'))
    assert saved["Statement"][0]["Resource"] == _arn(api_id, "*/GET/listed")
    mock(env.apigw, api_id, "/listed")
    mock(env.apigw, api_id, "/unlisted")
    deploy(env.apigw, api_id)
    assert env.plain(api_id, "/listed").status == 200
    unlisted = env.plain(api_id, "/unlisted")
    assert (unlisted.status, unlisted.json()) == (403, _denial(api_id, "anonymous", "dev/GET/unlisted"))
    # an API without a resource policy serves everyone
    open_api, _ = new_api(env.apigw, name="open")
    mock(env.apigw, open_api, "/unlisted")
    deploy(env.apigw, open_api)
    assert env.plain(open_api, "/unlisted").status == 200


def test_resource_policy_combines_with_identity_policies(env: Any) -> None:
    api_id, _ = new_api(env.apigw)
    alice = env.user("alice", _invoke("*"))
    bob = env.user("bob")
    policy = _doc({"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::000000000000:user/alice"},
                   "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/shared"},
                  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/bob"},
                   "Action": "execute-api:Invoke", "Resource": "execute-api:/*"})
    env.apigw.update_rest_api(restApiId=api_id, patchOperations=[{"op": "replace", "path": "/policy", "value": policy}])
    for path in ("/shared", "/mine"):
        mock(env.apigw, api_id, path, template=WHO, authorizationType="AWS_IAM")
    deploy(env.apigw, api_id)
    # explicit deny in the resource policy wins over alice's identity policy
    shared = env.call(api_id, "/shared", alice)
    assert shared.json() == _denial(api_id, "arn:aws:iam::000000000000:user/alice", "dev/GET/shared", explicit=True)
    assert env.call(api_id, "/mine", alice).status == 200
    # within the account, a resource policy naming bob is enough on its own
    assert env.call(api_id, "/shared", bob).json()["user"] == "arn:aws:iam::000000000000:user/bob"
    # the policy in force is the deployed one: removing it takes effect with the next deployment
    env.apigw.update_rest_api(restApiId=api_id, patchOperations=[{"op": "replace", "path": "/policy", "value": ""}])
    assert env.call(api_id, "/shared", alice).status == 403
    deploy(env.apigw, api_id)
    assert env.call(api_id, "/shared", alice).status == 200
    assert env.call(api_id, "/shared", bob).status == 403
