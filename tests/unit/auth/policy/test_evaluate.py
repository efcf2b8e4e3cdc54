"""The evaluation logic, case by case as AWS's policy evaluation documentation describes it."""

from __future__ import annotations

import json

from fogbank.auth.policy import PolicySet, Request, evaluate, parse
from fogbank.auth.policy.evaluate import Caller

ACCOUNT = "111122223333"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s1"
OBJECT = "arn:aws:s3:::bucket/report.csv"
ALICE = Caller(ACCOUNT, (USER,), (USER,))


def policy(*statements: dict, kind: str = "identity"):
    return parse(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}), kind)


def allow(action: str = "s3:GetObject", resource: str = "*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str = "s3:GetObject", resource: str = "*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decide(identity=(), resource=(), boundaries=None, sessions=None, action="s3:GetObject", target=OBJECT,
           context=None, caller=ALICE, resource_account=None) -> str:
    policies = PolicySet(identity=[(f"i{n}", p) for n, p in enumerate(identity)],
                         resource=[(f"r{n}", p) for n, p in enumerate(resource)],
                         boundaries=None if boundaries is None else [(f"b{n}", p) for n, p in enumerate(boundaries)],
                         sessions=None if sessions is None else [(f"s{n}", p) for n, p in enumerate(sessions)])
    return evaluate(policies, Request(action, target, context or {}, caller, resource_account)).decision


def test_nothing_allows_is_an_implicit_deny() -> None:
    assert decide() == "implicitDeny"
    assert decide([policy(allow("s3:PutObject"))]) == "implicitDeny"


def test_an_identity_allow_allows() -> None:
    assert decide([policy(allow())]) == "allowed"


def test_explicit_deny_beats_every_allow() -> None:
    assert decide([policy(allow("s3:*")), policy(deny("s3:Get*"))]) == "explicitDeny"
    assert decide([policy(allow())], resource=[policy(deny(Principal="*"), kind="resource")]) == "explicitDeny"
    assert decide([policy(allow())], boundaries=[policy(allow("s3:*"), deny())]) == "explicitDeny"
    assert decide([policy(allow())], sessions=[policy(deny())]) == "explicitDeny"


def test_boundary_limits_identity_policies() -> None:
    assert decide([policy(allow())], boundaries=[policy(allow("s3:*"))]) == "allowed"
    assert decide([policy(allow())], boundaries=[policy(allow("sqs:*"))]) == "implicitDeny"
    assert decide([policy(allow("sqs:*"))], boundaries=[policy(allow("s3:*"))]) == "implicitDeny"


def test_resource_policy_naming_the_user_is_not_limited_by_the_boundary() -> None:
    grant = policy(allow(Principal={"AWS": USER}), kind="resource")
    assert decide(resource=[grant], boundaries=[policy(allow("sqs:*"))]) == "allowed"
    via_account = policy(allow(Principal={"AWS": ACCOUNT}), kind="resource")
    assert decide(resource=[via_account], boundaries=[policy(allow("sqs:*"))]) == "implicitDeny"


def test_session_policies_limit_role_sessions() -> None:
    caller = Caller(ACCOUNT, (SESSION, ROLE), (SESSION,))
    identity = [policy(allow("s3:*"))]
    assert decide(identity, sessions=[policy(allow())], caller=caller) == "allowed"
    assert decide(identity, sessions=[policy(allow("s3:PutObject"))], caller=caller) == "implicitDeny"
    to_role = policy(allow(Principal={"AWS": ROLE}), kind="resource")
    assert decide(resource=[to_role], sessions=[policy(allow("sqs:*"))], caller=caller) == "implicitDeny"
    to_session = policy(allow(Principal={"AWS": SESSION}), kind="resource")
    assert decide(resource=[to_session], sessions=[policy(allow("sqs:*"))], caller=caller) == "allowed"


def test_cross_account_needs_both_sides() -> None:
    other = Caller("444455556666", ("arn:aws:iam::444455556666:user/bob",), ("arn:aws:iam::444455556666:user/bob",))
    grant = policy(allow(Principal={"AWS": "arn:aws:iam::444455556666:root"}), kind="resource")
    assert decide(resource=[grant], caller=other, resource_account=ACCOUNT) == "implicitDeny"
    assert decide([policy(allow())], caller=other, resource_account=ACCOUNT) == "implicitDeny"
    assert decide([policy(allow())], resource=[grant], caller=other, resource_account=ACCOUNT) == "allowed"


def test_not_action_and_not_resource() -> None:
    everything_but_iam = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert decide([everything_but_iam]) == "allowed"
    assert decide([everything_but_iam], action="iam:CreateUser", target="*") == "implicitDeny"
    not_secret = policy({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})
    assert decide([not_secret]) == "allowed"
    assert decide([not_secret], target="arn:aws:s3:::secret/key") == "implicitDeny"
    # a Deny with NotAction denies everything except the listed actions
    guard = policy({"Effect": "Deny", "NotAction": ["iam:ChangePassword"], "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}})
    assert decide([policy(allow("*")), guard], context={"aws:MultiFactorAuthPresent": "false"}) == "explicitDeny"
    assert decide([policy(allow("*")), guard], action="iam:ChangePassword", target="*",
                  context={"aws:MultiFactorAuthPresent": "false"}) == "allowed"
    assert decide([policy(allow("*")), guard], context={"aws:MultiFactorAuthPresent": "true"}) == "allowed"


def test_not_principal() -> None:
    lockout = policy({"Effect": "Deny", "NotPrincipal": {"AWS": USER}, "Action": "s3:*", "Resource": "*"},
                     kind="resource")
    grant = policy(allow(Principal="*"), kind="resource")
    bob = Caller(ACCOUNT, (f"arn:aws:iam::{ACCOUNT}:user/bob",), (f"arn:aws:iam::{ACCOUNT}:user/bob",))
    assert decide(resource=[lockout, grant]) == "allowed"
    assert decide(resource=[lockout, grant], caller=bob) == "explicitDeny"


def test_policy_variables_in_resources_and_conditions() -> None:
    home = policy(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))
    assert decide([home], target="arn:aws:s3:::home/alice/notes", context={"aws:username": "alice"}) == "allowed"
    assert decide([home], target="arn:aws:s3:::home/bob/notes", context={"aws:username": "alice"}) == "implicitDeny"
    assert decide([home], target="arn:aws:s3:::home/alice/notes") == "implicitDeny"
    same_team = policy(allow(Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))
    ctx = {"aws:PrincipalTag/team": "blue", "aws:ResourceTag/team": "blue"}
    assert decide([same_team], context=ctx) == "allowed"
    assert decide([same_team], context={**ctx, "aws:ResourceTag/team": "red"}) == "implicitDeny"


def test_2008_documents_do_not_substitute_variables() -> None:
    old = parse(json.dumps({"Version": "2008-10-17", "Statement": [allow("s3:*", "arn:aws:s3:::home/${aws:username}")]}))
    assert decide([old], target="arn:aws:s3:::home/alice", context={"aws:username": "alice"}) == "implicitDeny"
    assert decide([old], target="arn:aws:s3:::home/${aws:username}") == "allowed"


def test_condition_keys_are_case_insensitive() -> None:
    mfa = policy(allow(Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    assert decide([mfa], context={"AWS:multifactorauthpresent": "true"}) == "allowed"
    assert decide([mfa]) == "implicitDeny"


def test_trust_policy_principals() -> None:
    trust = policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}},
                   kind="trust")
    lam = Caller(service="lambda.amazonaws.com")
    assert decide(resource=[trust], action="sts:AssumeRole", target=ROLE, caller=lam) == "allowed"
    assert decide(resource=[trust], action="sts:AssumeRole", target=ROLE) == "implicitDeny"
    federated = policy({"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                        "Principal": {"Federated": "cognito-identity.amazonaws.com"}}, kind="trust")
    assert decide(resource=[federated], action="sts:AssumeRoleWithWebIdentity", target=ROLE,
                  caller=Caller(federated="cognito-identity.amazonaws.com")) == "allowed"


def test_matched_statements_are_reported() -> None:
    policies = PolicySet(identity=[("read", policy(allow())), ("other", policy(allow("sqs:*")))])
    decision = evaluate(policies, Request("s3:GetObject", OBJECT))
    assert decision.allowed and [m.policy_id for m in decision.matched] == ["read"]


ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ROOT_CALLER = Caller(ACCOUNT, (ROOT,), (ROOT,))


def test_a_resource_policy_naming_the_account_delegates_to_its_identity_policies() -> None:
    # AWS: a resource policy whose principal is the account (its root ARN or its id) grants the
    # account; a user of that account still needs an identity policy that allows
    for name in (ROOT, ACCOUNT):
        to_account = policy(allow(Principal={"AWS": name}), kind="resource")
        assert decide(resource=[to_account]) == "implicitDeny"
        assert decide([policy(allow())], resource=[to_account]) == "allowed"
        assert decide([policy(allow("s3:PutObject"))], resource=[to_account]) == "implicitDeny"
        # the account's root user is the account: the statement names it directly
        assert decide(resource=[to_account], caller=ROOT_CALLER) == "allowed"


def test_a_deny_naming_the_account_applies_to_its_users() -> None:
    denied = policy(deny(Principal={"AWS": ROOT}), kind="resource")
    assert decide([policy(allow())], resource=[denied]) == "explicitDeny"


def test_without_identity_policies_in_the_evaluation_a_delegation_is_taken_as_granted() -> None:
    # a role trust check made on its own (identity None): the account is trusted
    trust = policy({"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "sts:AssumeRole"}, kind="trust")
    request = Request("sts:AssumeRole", ROLE, {}, ALICE)
    assert evaluate(PolicySet(resource=[("trust", trust)]), request).allowed
    assert not evaluate(PolicySet(identity=[], resource=[("trust", trust)]), request).allowed


def test_a_key_policy_must_allow_even_within_the_account() -> None:
    key = "arn:aws:kms:us-east-1:111122223333:key/k"

    def kms(identity=(), key_policy=(), caller=ALICE):
        policies = PolicySet(identity=[(f"i{n}", p) for n, p in enumerate(identity)],
                             resource=[(f"k{n}", p) for n, p in enumerate(key_policy)], key_policy=True)
        return evaluate(policies, Request("kms:Encrypt", key, {}, caller))

    everything = policy(allow("kms:*"))
    to_account = policy(allow("kms:*", Principal={"AWS": ROOT}), kind="resource")
    to_alice = policy(allow("kms:Encrypt", Principal={"AWS": USER}), kind="resource")
    to_bob = policy(allow("kms:*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"}), kind="resource")
    assert kms([everything], [to_account]).allowed
    assert kms([], [to_account]).missing == "identity"
    assert kms([], [to_alice]).allowed
    denied = kms([everything], [to_bob])
    assert (denied.decision, denied.missing) == ("implicitDeny", "resource")
    assert kms([], [to_account], ROOT_CALLER).allowed
    assert not kms([everything], [to_bob], ROOT_CALLER).allowed
