"""Bucket configurations that are stored and returned: versioning, tagging, ACLs, CORS, policy,
lifecycle, encryption, website, public access block, ownership controls, notifications,
replication, accelerate, request payment and logging.

Each configuration is kept in the bucket record under a short name, as the boto3 request gave
it; ``_put``/``_get``/``_delete`` build the three operations of one configuration from a row of
facts (the request member that carries it, the error when it is absent, how the answer wraps it).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import buckets, crypto, notifications, records, replication, versions
from fogbank.services.s3.errors import (
    InvalidBucketState,
    MalformedPolicy,
    MalformedXML,
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchLifecycleConfiguration,
    NoSuchPublicAccessBlockConfiguration,
    NoSuchTagSet,
    NoSuchWebsiteConfiguration,
    OwnershipControlsNotFoundError,
    ReplicationConfigurationNotFoundError,
    _S3Error,
)

Method = Callable[[Any, Ctx, dict[str, Any]], dict[str, Any]]

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
CANNED = {
    "private": [],
    "public-read": [(ALL_USERS, "READ")],
    "public-read-write": [(ALL_USERS, "READ"), (ALL_USERS, "WRITE")],
    "authenticated-read": [(AUTHENTICATED_USERS, "READ")],
    "aws-exec-read": [],
    "bucket-owner-read": [],
    "bucket-owner-full-control": [],
    "log-delivery-write": [],
}


def acl_grants(account: str, canned: str | None) -> list[dict[str, Any]]:
    """The grants of a canned ACL: the owner's FULL_CONTROL plus the canned extras."""
    owner = buckets.owner(account)
    grants: list[dict[str, Any]] = [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"], "DisplayName": owner["DisplayName"]}, "Permission": "FULL_CONTROL"}
    ]
    for uri, permission in CANNED.get(canned or "private", []):
        grants.append({"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission})
    return grants


def _put(cfg: str, member: str, check: Callable[[Any], None] | None = None) -> Method:
    def put(self: Any, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        value = request.get(member)
        if value is None:
            raise MalformedXML()
        if check is not None:
            check(value)
        buckets.set_cfg(ctx, request["Bucket"], cfg, value)
        return {}

    put.__doc__ = f"Store the bucket's {member}."
    return put


def _get(cfg: str, missing: type[_S3Error] | None, wrap: Callable[[Any], dict[str, Any]],
         default: dict[str, Any] | None = None) -> Method:
    def get(self: Any, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        bucket = buckets.load(ctx, request["Bucket"])
        value = bucket.cfg(cfg)
        if value is None:
            if missing is None:
                return dict(default or {})
            raise missing(BucketName=bucket.name)
        return wrap(value)

    get.__doc__ = f"The bucket's stored {cfg} configuration."
    return get


def _delete(cfg: str) -> Method:
    def delete(self: Any, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        buckets.set_cfg(ctx, request["Bucket"], cfg, None)
        return {}

    delete.__doc__ = f"Remove the bucket's {cfg} configuration."
    return delete


def _same(value: Any) -> dict[str, Any]:
    return dict(value)


def _check_policy(text: str) -> None:
    try:
        doc = json.loads(text)
    except ValueError:
        raise MalformedPolicy() from None
    if not isinstance(doc, dict) or "Statement" not in doc:
        raise MalformedPolicy("Missing required field Statement")


def _check_cors(value: dict[str, Any]) -> None:
    rules = value.get("CORSRules") or []
    if not rules or len(rules) > 100:
        raise MalformedXML()
    for rule in rules:
        if not rule.get("AllowedMethods") or not rule.get("AllowedOrigins"):
            raise MalformedXML()
        for method in rule["AllowedMethods"]:
            if method not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
                raise records.bad_argument(f"Found unsupported HTTP method in CORS config. Unsupported method is {method}", "AllowedMethod", method)


def _check_tags(value: dict[str, Any]) -> None:
    records.check_tags(value.get("TagSet") or [], limit=50)


class ConfigOperations:
    """Stored-and-returned bucket configurations."""

    put_bucket_cors = _put("cors", "CORSConfiguration", _check_cors)
    get_bucket_cors = _get("cors", NoSuchCORSConfiguration, _same)
    delete_bucket_cors = _delete("cors")

    put_bucket_policy = _put("policy", "Policy", _check_policy)
    get_bucket_policy = _get("policy", NoSuchBucketPolicy, lambda v: {"Policy": v})
    delete_bucket_policy = _delete("policy")

    put_bucket_lifecycle_configuration = _put("lifecycle", "LifecycleConfiguration")
    get_bucket_lifecycle_configuration = _get(
        "lifecycle", NoSuchLifecycleConfiguration, lambda v: {**v, "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}
    )
    delete_bucket_lifecycle = _delete("lifecycle")

    put_bucket_encryption = _put("encryption", "ServerSideEncryptionConfiguration")
    def get_bucket_encryption(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetBucketEncryption: the configuration put, else the SSE-S3 default every bucket has."""
        bucket = buckets.load(ctx, request["Bucket"])
        return {"ServerSideEncryptionConfiguration": copy.deepcopy(bucket.cfg("encryption") or crypto.DEFAULT_ENCRYPTION)}

    # deleting the configuration returns the bucket to the SSE-S3 default
    delete_bucket_encryption = _delete("encryption")

    put_bucket_website = _put("website", "WebsiteConfiguration")
    get_bucket_website = _get("website", NoSuchWebsiteConfiguration, _same)
    delete_bucket_website = _delete("website")

    put_public_access_block = _put("public_access_block", "PublicAccessBlockConfiguration")
    get_public_access_block = _get(
        "public_access_block", NoSuchPublicAccessBlockConfiguration, lambda v: {"PublicAccessBlockConfiguration": v}
    )
    delete_public_access_block = _delete("public_access_block")

    put_bucket_ownership_controls = _put("ownership", "OwnershipControls")
    get_bucket_ownership_controls = _get("ownership", OwnershipControlsNotFoundError, lambda v: {"OwnershipControls": v})
    delete_bucket_ownership_controls = _delete("ownership")

    def put_bucket_notification_configuration(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutBucketNotificationConfiguration: queues are checked and sent ``s3:TestEvent``."""
        bucket = buckets.load(ctx, request["Bucket"])
        config = request.get("NotificationConfiguration")
        if config is None:
            raise MalformedXML()
        if not request.get("SkipDestinationValidation"):
            notifications.validate(ctx, bucket, config)
        buckets.set_cfg(ctx, bucket.name, "notification", config)
        return {}

    get_bucket_notification_configuration = _get("notification", None, _same)

    def put_bucket_replication(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutBucketReplication: versioning must be enabled on the source and every destination."""
        bucket = buckets.load(ctx, request["Bucket"])
        config = request.get("ReplicationConfiguration") or {}
        replication.validate(ctx, bucket, config)
        buckets.set_cfg(ctx, bucket.name, "replication", config)
        return {}

    get_bucket_replication = _get("replication", ReplicationConfigurationNotFoundError, lambda v: {"ReplicationConfiguration": v})
    delete_bucket_replication = _delete("replication")

    put_bucket_tagging = _put("tagging", "Tagging", _check_tags)
    get_bucket_tagging = _get("tagging", NoSuchTagSet, _same)
    delete_bucket_tagging = _delete("tagging")

    put_bucket_accelerate_configuration = _put("accelerate", "AccelerateConfiguration")
    get_bucket_accelerate_configuration = _get("accelerate", None, _same)

    put_bucket_request_payment = _put("request_payment", "RequestPaymentConfiguration")
    get_bucket_request_payment = _get("request_payment", None, _same, {"Payer": "BucketOwner"})

    put_bucket_logging = _put("logging", "BucketLoggingStatus")
    get_bucket_logging = _get("logging", None, _same)

    # --- versioning -----------------------------------------------------------------------

    def put_bucket_versioning(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutBucketVersioning: Enabled or Suspended (a bucket never returns to unversioned)."""
        bucket = buckets.load(ctx, request["Bucket"])
        status = (request.get("VersioningConfiguration") or {}).get("Status")
        if status not in ("Enabled", "Suspended"):
            raise MalformedXML()
        if status == "Suspended" and bucket.cfg("replication"):
            raise InvalidBucketState("A replication configuration is present on this bucket, so you cannot change the versioning state.")
        if bucket.versioning is None:
            versions.start_versioning(ctx, bucket)
        bucket.record["versioning"] = status
        mfa = (request.get("VersioningConfiguration") or {}).get("MFADelete")
        if mfa:
            bucket.record["mfa_delete"] = mfa
        buckets.save(ctx, bucket)
        return {}

    def get_bucket_versioning(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetBucketVersioning: empty until versioning was first configured."""
        bucket = buckets.load(ctx, request["Bucket"])
        out: dict[str, Any] = {}
        if bucket.versioning:
            out["Status"] = bucket.versioning
        if bucket.record.get("mfa_delete"):
            out["MFADelete"] = bucket.record["mfa_delete"]
        return out

    # --- ACLs -----------------------------------------------------------------------------

    def put_bucket_acl(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutBucketAcl: canned ACLs (and grant lists, kept as given)."""
        bucket = buckets.load(ctx, request["Bucket"])
        bucket.record["acl"] = request.get("ACL") or "private"
        buckets.save(ctx, bucket)
        return {}

    def get_bucket_acl(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetBucketAcl: the owner's full control plus the canned ACL's grants."""
        bucket = buckets.load(ctx, request["Bucket"])
        return {"Owner": buckets.owner(bucket.account), "Grants": acl_grants(bucket.account, bucket.record.get("acl"))}

    def get_bucket_policy_status(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetBucketPolicyStatus: public when a statement allows ``*`` without conditions."""
        bucket = buckets.load(ctx, request["Bucket"])
        policy = bucket.cfg("policy")
        if policy is None:
            raise NoSuchBucketPolicy(BucketName=bucket.name)
        doc = json.loads(policy)
        statements = doc.get("Statement") or []
        if isinstance(statements, dict):
            statements = [statements]
        public = any(
            s.get("Effect") == "Allow" and s.get("Principal") in ("*", {"AWS": "*"}) and not s.get("Condition")
            for s in statements
        )
        return {"PolicyStatus": {"IsPublic": public}}
