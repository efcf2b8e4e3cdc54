"""Access keys to principals: issued keys, expiry on fogbank's clock, revoked keys, last use."""

from __future__ import annotations

import pytest

from fogbank.auth import principals
from fogbank.clock import Clock
from fogbank.config import Config
from fogbank.errors import ServiceError
from fogbank.store.memory import MemoryStore

USER = {"account": "123456789012", "arn": "arn:aws:iam::123456789012:user/alice", "user_id": "AIDAEXAMPLE",
        "kind": "user", "status": "Active", "secret": "s"}


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def test_twelve_digits_and_unknown_keys_are_roots(store) -> None:
    config = Config()
    assert principals.resolve("111122223333", config, store).arn == "arn:aws:iam::111122223333:root"
    assert principals.resolve("AKIAUNKNOWN", config, store).account == "000000000000"
    assert principals.resolve("", config, store).access_key_id == "anonymous"


def test_issued_key_resolves_to_its_identity(store) -> None:
    principals.issue(store, "AKIAALICE", USER)
    principal = principals.resolve("AKIAALICE", Config(), store)
    assert (principal.account, principal.arn, principal.user_id) == (USER["account"], USER["arn"], USER["user_id"])


def test_sessions_expire_on_the_given_clock(store) -> None:
    clock = Clock()
    principals.issue(store, "ASIASESSION", {**USER, "session_token": "t", "expires": clock.now() + 900})
    assert principals.resolve("ASIASESSION", Config(), store, clock=clock).session_token == "t"
    clock.advance(901)
    with pytest.raises(ServiceError) as info:
        principals.resolve("ASIASESSION", Config(), store, clock=clock, protocol="query")
    assert (info.value.code, info.value.status) == ("ExpiredToken", 403)
    with pytest.raises(ServiceError) as info:
        principals.resolve("ASIASESSION", Config(), store, clock=clock, protocol="json")
    assert (info.value.code, info.value.status) == ("ExpiredTokenException", 400)


@pytest.mark.parametrize(("protocol", "code"), [("query", "InvalidClientTokenId"),
                                                ("json", "UnrecognizedClientException"),
                                                ("rest-xml", "InvalidAccessKeyId")])
def test_inactive_and_deleted_keys_are_refused(store, protocol: str, code: str) -> None:
    principals.issue(store, "AKIAOFF", {**USER, "status": "Inactive"})
    principals.issue(store, "AKIAGONE", {**USER, "status": "Deleted"})
    for key in ("AKIAOFF", "AKIAGONE"):
        with pytest.raises(ServiceError) as info:
            principals.resolve(key, Config(), store, protocol=protocol)
        assert info.value.code == code


def test_last_use_is_noted_once_a_minute(store) -> None:
    clock = Clock()
    principals.issue(store, "AKIAALICE", USER)
    principals.resolve("AKIAALICE", Config(), store, clock=clock, service="s3", region="eu-west-1")
    first = principals.lookup(store, "AKIAALICE")["last_used"]
    assert (first["service"], first["region"]) == ("s3", "eu-west-1")
    clock.advance(10)
    principals.resolve("AKIAALICE", Config(), store, clock=clock, service="s3", region="eu-west-1")
    assert principals.lookup(store, "AKIAALICE")["last_used"] == first
    principals.resolve("AKIAALICE", Config(), store, clock=clock, service="sqs", region="eu-west-1")
    assert principals.lookup(store, "AKIAALICE")["last_used"]["service"] == "sqs"


def test_forget(store) -> None:
    principals.issue(store, "AKIAALICE", USER)
    principals.issue(store, "ASIASESSION", {**USER, "issued": 1.0, "expires": 2.0})
    assert principals.forget(store, lambda r: r.get("issued") is not None) == 1
    assert principals.lookup(store, "ASIASESSION") is None and principals.lookup(store, "AKIAALICE")
