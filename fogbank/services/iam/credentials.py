"""Long-term credentials of IAM users: access keys (two per user, status, last use), login
profiles (console passwords, checked against the account's password policy) and service-specific
credentials (CodeCommit's Git HTTPS user name and password, Keyspaces)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from fogbank.auth import principals
from fogbank.context import Ctx
from fogbank.services.iam import ids, store
from fogbank.services.iam.entities import require
from fogbank.services.iam.errors import (
    AccessDenied,
    EntityAlreadyExistsException,
    InvalidUserTypeException,
    LimitExceededException,
    NoSuchEntityException,
    PasswordPolicyViolationException,
    ServiceNotSupportedException,
    validation,
)
from fogbank.services.iam.paging import page

MAX_KEYS_PER_USER = 2
MAX_SSC_PER_SERVICE = 2
SSC_SERVICES = ("codecommit.amazonaws.com", "cassandra.amazonaws.com", "bedrock.amazonaws.com")


def caller_user(ctx: Ctx, request: dict[str, Any]) -> str | None:
    """The user a request is about: the one named, else the calling IAM user (None for root)."""
    if request.get("UserName"):
        return request["UserName"]
    principal = ctx.principal
    if principal is not None and ":user/" in principal.arn:
        return principal.arn.rsplit("/", 1)[1]
    return None


def user_key_record(user: dict[str, Any], account: str, status: str, secret: str) -> dict[str, Any]:
    """The record under which ``principals`` resolves a user's access key."""
    return {"account": account, "arn": user["Arn"], "user_id": user["UserId"], "secret": secret,
            "kind": "user", "status": status, "user_name": user["UserName"]}


def _write_key(writer: Any, key_id: str, record: dict[str, Any]) -> None:
    """Write a key's resolving record, keeping what ``principals`` noted about its last use."""
    old = principals.lookup(writer, key_id)
    if old and old.get("last_used"):
        record["last_used"] = old["last_used"]
    principals.issue(writer, key_id, record)


def refresh_user_keys(txn: Any, account: str, user: dict[str, Any]) -> None:
    """Rewrite the resolving records of a user's keys after the user was renamed or moved."""
    for key in store.records(txn, account, "key"):
        if key["UserName"].lower() == user["UserName"].lower():
            _write_key(txn, key["AccessKeyId"], user_key_record(user, account, key["Status"], key["_secret"]))


def _password_problems(policy: dict[str, Any], password: str) -> list[str]:
    rules = [
        ("RequireUppercaseCharacters", any(c.isupper() for c in password), "one uppercase letter"),
        ("RequireLowercaseCharacters", any(c.islower() for c in password), "one lowercase letter"),
        ("RequireNumbers", any(c.isdigit() for c in password), "one number"),
        ("RequireSymbols", any(not c.isalnum() for c in password), "one non-alphanumeric character"),
    ]
    problems = [f"Password should have at least {text}" for flag, ok, text in rules if policy.get(flag) and not ok]
    minimum = policy.get("MinimumPasswordLength", 8)
    if len(password) < minimum:
        problems.insert(0, f"Password should have a minimum length of {minimum}")
    return problems


def _hash(password: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 10_000).hex()


class Credentials:
    """Access key, login profile and service-specific credential operations."""

    # --- access keys ---------------------------------------------------------------------------

    def create_access_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A new AKIA key and its secret (shown only now), at most two per user."""
        name = caller_user(ctx, request)
        if name is None:
            raise validation("Must specify userName when calling with non-User credentials")
        now = ctx.clock.now()
        with ctx.store.transaction() as txn:
            user = require(txn, ctx, "user", name)
            owned = [k for k in store.records(txn, ctx.account, "key") if k["UserName"].lower() == name.lower()]
            if len(owned) >= MAX_KEYS_PER_USER:
                raise LimitExceededException(f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS_PER_USER}")
            key_id = ids.access_key_id(ids.LONG_TERM, ctx.account)
            secret = ids.secret_access_key()
            record = {"UserName": user["UserName"], "AccessKeyId": key_id, "Status": "Active", "CreateDate": now,
                      "_secret": secret, "_last_used": None}
            store.save(txn, ctx.account, "key", key_id, record)
            principals.issue(txn, key_id, user_key_record(user, ctx.account, "Active", secret))
        return {"AccessKey": {"UserName": user["UserName"], "AccessKeyId": key_id, "Status": "Active",
                              "SecretAccessKey": secret, "CreateDate": store.when(now)}}

    def _key(self, reader: Any, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        key_id = request["AccessKeyId"]
        record = store.load(reader, ctx.account, "key", key_id)
        name = caller_user(ctx, request)
        if name is not None:
            require(reader, ctx, "user", name)
        if record is None or (name is not None and record["UserName"].lower() != name.lower()):
            raise NoSuchEntityException(f"The Access Key with id {key_id} cannot be found.")
        return record

    def update_access_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Make a key Active or Inactive (an inactive key is refused on every request)."""
        with ctx.store.transaction() as txn:
            record = self._key(txn, ctx, request)
            record["Status"] = request["Status"]
            store.save(txn, ctx.account, "key", record["AccessKeyId"], record)
            user = require(txn, ctx, "user", record["UserName"])
            _write_key(txn, record["AccessKeyId"],
                             user_key_record(user, ctx.account, record["Status"], record["_secret"]))
        return {}

    def delete_access_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a key; requests signed with it are refused from now on."""
        with ctx.store.transaction() as txn:
            record = self._key(txn, ctx, request)
            store.remove(txn, ctx.account, "key", record["AccessKeyId"])
            user = require(txn, ctx, "user", record["UserName"])
            _write_key(txn, record["AccessKeyId"],
                             user_key_record(user, ctx.account, "Deleted", record["_secret"]))
        return {}

    def list_access_keys(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A user's keys (without secrets)."""
        name = caller_user(ctx, request)
        if name is None:
            return {"AccessKeyMetadata": [], "IsTruncated": False}
        user = require(ctx.store, ctx, "user", name)
        rows = [store.public(k) for k in store.records(ctx.store, ctx.account, "key")
                if k["UserName"].lower() == user["UserName"].lower()]
        return page(rows, request, lambda k: k["AccessKeyId"], "AccessKeyMetadata")

    def get_access_key_last_used(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """When, where and for which service a key was last used (N/A before its first use)."""
        key_id = request["AccessKeyId"]
        record = store.load(ctx.store, ctx.account, "key", key_id)
        if record is None:
            raise NoSuchEntityException(f"The Access Key with id {key_id} cannot be found.")
        issued = principals.lookup(ctx.store, key_id) or {}
        last = issued.get("last_used") or record.get("_last_used")
        if not last:
            used: dict[str, Any] = {"ServiceName": "N/A", "Region": "N/A"}
        else:
            used = {"LastUsedDate": store.when(last["date"]), "ServiceName": last["service"],
                    "Region": last["region"]}
        return {"UserName": record["UserName"], "AccessKeyLastUsed": used}

    # --- login profiles and passwords -----------------------------------------------------------

    def _check_password(self, ctx: Ctx, reader: Any, password: str) -> None:
        policy = store.load(reader, ctx.account, "account", "password-policy") or {}
        problems = _password_problems(policy, password)
        if problems:
            raise PasswordPolicyViolationException(
                "Password does not conform to the account password policy: " + "; ".join(problems) + ".")

    def create_login_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A console password for a user."""
        name = caller_user(ctx, request) or ""
        now = ctx.clock.now()
        with ctx.store.transaction() as txn:
            user = require(txn, ctx, "user", name)
            if store.load(txn, ctx.account, "login", name) is not None:
                raise EntityAlreadyExistsException(f"Login Profile for user {user['UserName']} already exists.")
            password = request.get("Password") or ""
            self._check_password(ctx, txn, password)
            salt = secrets.token_hex(8)
            record = {"UserName": user["UserName"], "CreateDate": now,
                      "PasswordResetRequired": bool(request.get("PasswordResetRequired")),
                      "_salt": salt, "_hash": _hash(password, salt)}
            store.save(txn, ctx.account, "login", name, record)
        return {"LoginProfile": store.public(record)}

    def _login(self, reader: Any, ctx: Ctx, name: str) -> dict[str, Any]:
        user = require(reader, ctx, "user", name)
        record = store.load(reader, ctx.account, "login", name)
        if record is None:
            raise NoSuchEntityException(f"Login Profile for User {user['UserName']} cannot be found.")
        return record

    def get_login_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Whether a user has a console password (never the password)."""
        return {"LoginProfile": store.public(self._login(ctx.store, ctx, caller_user(ctx, request) or ""))}

    def update_login_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Change a user's console password or its reset flag."""
        name = caller_user(ctx, request) or ""
        with ctx.store.transaction() as txn:
            record = self._login(txn, ctx, name)
            if request.get("Password") is not None:
                self._check_password(ctx, txn, request["Password"])
                record["_hash"] = _hash(request["Password"], record["_salt"])
            if request.get("PasswordResetRequired") is not None:
                record["PasswordResetRequired"] = request["PasswordResetRequired"]
            store.save(txn, ctx.account, "login", name, record)
        return {}

    def delete_login_profile(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove a user's console password."""
        name = caller_user(ctx, request) or ""
        with ctx.store.transaction() as txn:
            self._login(txn, ctx, name)
            store.remove(txn, ctx.account, "login", name)
        return {}

    def change_password(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The calling IAM user changes its own console password (the old one must match)."""
        principal = ctx.principal
        if principal is None or ":user/" not in principal.arn:
            raise InvalidUserTypeException("Only IAM users can change their own password.")
        name = principal.arn.rsplit("/", 1)[1]
        with ctx.store.transaction() as txn:
            record = self._login(txn, ctx, name)
            if _hash(request["OldPassword"], record["_salt"]) != record["_hash"]:
                raise AccessDenied("The old password is incorrect.")
            self._check_password(ctx, txn, request["NewPassword"])
            record.update(_hash=_hash(request["NewPassword"], record["_salt"]), PasswordResetRequired=False)
            store.save(txn, ctx.account, "login", name, record)
        return {}

    def update_account_password_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Set the rules console passwords must follow."""
        policy = {"MinimumPasswordLength": 8, "RequireSymbols": False, "RequireNumbers": False,
                  "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
                  "AllowUsersToChangePassword": False}
        policy.update({k: v for k, v in request.items() if v is not None})
        policy["ExpirePasswords"] = bool(policy.get("MaxPasswordAge"))
        store.save(ctx.store, ctx.account, "account", "password-policy", policy)
        return {}

    def get_account_password_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The account's password policy."""
        policy = store.load(ctx.store, ctx.account, "account", "password-policy")
        if policy is None:
            raise NoSuchEntityException(f"The Password Policy with domain name {ctx.account} cannot be found.")
        return {"PasswordPolicy": policy}

    def delete_account_password_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove the account's password policy."""
        if store.load(ctx.store, ctx.account, "account", "password-policy") is None:
            raise NoSuchEntityException("The account policy with name PasswordPolicy cannot be found.")
        store.remove(ctx.store, ctx.account, "account", "password-policy")
        return {}

    # --- service-specific credentials ----------------------------------------------------------

    def create_service_specific_credential(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A user name and password for one service (CodeCommit Git over HTTPS), two per service."""
        service = request["ServiceName"]
        if service not in SSC_SERVICES:
            raise ServiceNotSupportedException(f"No such service {service} is supported for Service-Specific "
                                               "Credentials")
        now = ctx.clock.now()
        with ctx.store.transaction() as txn:
            user = require(txn, ctx, "user", request["UserName"])
            owned = [c for c in store.records(txn, ctx.account, "ssc")
                     if c["UserName"].lower() == user["UserName"].lower() and c["ServiceName"] == service]
            if len(owned) >= MAX_SSC_PER_SERVICE:
                raise LimitExceededException(
                    f"Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {MAX_SSC_PER_SERVICE}")
            record = {"CreateDate": now, "ServiceName": service,
                      "ServiceUserName": f"{user['UserName']}-at-{ctx.account}",
                      "ServicePassword": ids.secret_access_key(),
                      "ServiceSpecificCredentialId": ids.unique_id(ids.SSC), "UserName": user["UserName"],
                      "Status": "Active"}
            store.save(txn, ctx.account, "ssc", record["ServiceSpecificCredentialId"], record)
        return {"ServiceSpecificCredential": store.public(record)}

    def _ssc(self, reader: Any, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        cred_id = request["ServiceSpecificCredentialId"]
        record = store.load(reader, ctx.account, "ssc", cred_id)
        name = caller_user(ctx, request)
        if record is None or (name is not None and record["UserName"].lower() != name.lower()):
            raise NoSuchEntityException(f"No such credential {cred_id} exists")
        return record

    def list_service_specific_credentials(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A user's service-specific credentials, without passwords."""
        name = caller_user(ctx, request)
        if name is not None:
            require(ctx.store, ctx, "user", name)
        rows = [store.public(c, drop=("ServicePassword",)) for c in store.records(ctx.store, ctx.account, "ssc")
                if (name is None or c["UserName"].lower() == name.lower())
                and (not request.get("ServiceName") or c["ServiceName"] == request["ServiceName"])]
        return {"ServiceSpecificCredentials": rows}

    def update_service_specific_credential(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Make a service-specific credential Active or Inactive."""
        with ctx.store.transaction() as txn:
            record = self._ssc(txn, ctx, request)
            record["Status"] = request["Status"]
            store.save(txn, ctx.account, "ssc", record["ServiceSpecificCredentialId"], record)
        return {}

    def reset_service_specific_credential(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A new password for a service-specific credential."""
        with ctx.store.transaction() as txn:
            record = self._ssc(txn, ctx, request)
            record["ServicePassword"] = ids.secret_access_key()
            store.save(txn, ctx.account, "ssc", record["ServiceSpecificCredentialId"], record)
        return {"ServiceSpecificCredential": store.public(record)}

    def delete_service_specific_credential(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a service-specific credential."""
        with ctx.store.transaction() as txn:
            record = self._ssc(txn, ctx, request)
            store.remove(txn, ctx.account, "ssc", record["ServiceSpecificCredentialId"])
        return {}
