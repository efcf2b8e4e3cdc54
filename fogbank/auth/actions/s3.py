"""S3: bucket ARNs (``arn:aws:s3:::bucket``) and object ARNs (``arn:aws:s3:::bucket/key``); the
many operations whose IAM action is named differently (ListObjectsV2 is ``s3:ListBucket``,
HeadObject ``s3:GetObject``, multipart parts ``s3:PutObject`` ...); a copy also reads its source;
condition keys ``s3:prefix``, ``s3:delimiter``, ``s3:max-keys``, ``s3:x-amz-server-side-encryption``
and friends. The bucket policy is the resource policy; the bucket's owner owns the resource."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from fogbank.auth.actions import Table, Target
from fogbank.context import Ctx
from fogbank.errors import ServiceError

ACTIONS = {
    "ListObjects": "s3:ListBucket", "ListObjectsV2": "s3:ListBucket", "HeadBucket": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions", "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "ListParts": "s3:ListMultipartUploadParts", "HeadObject": "s3:GetObject", "GetObjectAttributes": "s3:GetObject",
    "SelectObjectContent": "s3:GetObject", "CreateMultipartUpload": "s3:PutObject", "UploadPart": "s3:PutObject",
    "UploadPartCopy": "s3:PutObject", "CompleteMultipartUpload": "s3:PutObject", "CopyObject": "s3:PutObject",
    "DeleteObjects": "s3:DeleteObject",
    "GetBucketCors": "s3:GetBucketCORS", "PutBucketCors": "s3:PutBucketCORS", "DeleteBucketCors": "s3:PutBucketCORS",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration", "DeleteBucketLifecycle":
        "s3:PutLifecycleConfiguration", "GetBucketLifecycle": "s3:GetLifecycleConfiguration",
    "PutBucketLifecycle": "s3:PutLifecycleConfiguration",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration", "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "PutBucketNotificationConfiguration": "s3:PutBucketNotification",
    "GetBucketNotification": "s3:GetBucketNotification", "PutBucketNotification": "s3:PutBucketNotification",
    "GetBucketReplication": "s3:GetReplicationConfiguration", "PutBucketReplication": "s3:PutReplicationConfiguration",
    "DeleteBucketReplication": "s3:PutReplicationConfiguration",
    "DeleteBucketTagging": "s3:PutBucketTagging", "DeleteBucketWebsite": "s3:DeleteBucketWebsite",
    "GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock", "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
    "PutBucketAccelerateConfiguration": "s3:PutAccelerateConfiguration",
    "GetBucketAnalyticsConfiguration": "s3:GetAnalyticsConfiguration",
    "PutBucketAnalyticsConfiguration": "s3:PutAnalyticsConfiguration",
    "DeleteBucketAnalyticsConfiguration": "s3:PutAnalyticsConfiguration",
    "ListBucketAnalyticsConfigurations": "s3:GetAnalyticsConfiguration",
    "GetBucketInventoryConfiguration": "s3:GetInventoryConfiguration",
    "PutBucketInventoryConfiguration": "s3:PutInventoryConfiguration",
    "DeleteBucketInventoryConfiguration": "s3:PutInventoryConfiguration",
    "ListBucketInventoryConfigurations": "s3:GetInventoryConfiguration",
    "GetBucketMetricsConfiguration": "s3:GetMetricsConfiguration",
    "PutBucketMetricsConfiguration": "s3:PutMetricsConfiguration",
    "DeleteBucketMetricsConfiguration": "s3:PutMetricsConfiguration",
    "ListBucketMetricsConfigurations": "s3:GetMetricsConfiguration",
    "GetBucketIntelligentTieringConfiguration": "s3:GetIntelligentTieringConfiguration",
    "PutBucketIntelligentTieringConfiguration": "s3:PutIntelligentTieringConfiguration",
    "DeleteBucketIntelligentTieringConfiguration": "s3:PutIntelligentTieringConfiguration",
    "ListBucketIntelligentTieringConfigurations": "s3:GetIntelligentTieringConfiguration",
    "DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "GetBucketRequestPayment": "s3:GetBucketRequestPayment", "PutBucketRequestPayment": "s3:PutBucketRequestPayment",
    "ListBuckets": "s3:ListAllMyBuckets", "ListDirectoryBuckets": "s3:ListAllMyBuckets",
    "GetBucketLocation": "s3:GetBucketLocation", "WriteGetObjectResponse": "s3-object-lambda:WriteGetObjectResponse",
}
# operations that name a version act on the version (s3:GetObjectVersion ...)
_VERSIONED = {"s3:GetObject": "s3:GetObjectVersion", "s3:DeleteObject": "s3:DeleteObjectVersion",
              "s3:GetObjectTagging": "s3:GetObjectVersionTagging", "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
              "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging", "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
              "s3:PutObjectAcl": "s3:PutObjectVersionAcl"}
_CONTEXT = (("Prefix", "s3:prefix"), ("Delimiter", "s3:delimiter"), ("MaxKeys", "s3:max-keys"),
            ("ServerSideEncryption", "s3:x-amz-server-side-encryption"),
            ("SSEKMSKeyId", "s3:x-amz-server-side-encryption-aws-kms-key-id"), ("ACL", "s3:x-amz-acl"),
            ("StorageClass", "s3:x-amz-storage-class"), ("VersionId", "s3:VersionId"),
            ("MetadataDirective", "s3:x-amz-metadata-directive"), ("ObjectLockMode", "s3:object-lock-mode"),
            ("ObjectLockLegalHoldStatus", "s3:object-lock-legal-hold"))


def owner_of(ctx: Ctx, bucket: str) -> str | None:
    """The account that owns ``bucket`` (None when there is no such bucket)."""
    from fogbank.services.s3 import buckets

    try:
        return buckets.load(ctx, bucket).account
    except ServiceError:
        return None


def _source(ctx: Ctx, request: dict[str, Any]) -> Target | None:
    source = request.get("CopySource")
    if isinstance(source, dict):
        bucket, key, version = source.get("Bucket", ""), source.get("Key", ""), source.get("VersionId")
    elif isinstance(source, str):
        path, _, query = unquote(source).lstrip("/").partition("?versionId=")
        bucket, _, key = path.partition("/")
        version = query or None
    else:
        return None
    action = "s3:GetObjectVersion" if version else "s3:GetObject"
    return Target(action, f"arn:aws:s3:::{bucket}/{key}", owner_of(ctx, bucket), policy=("s3", bucket))


def _targets(ctx: Ctx, operation: str, request: dict[str, Any]) -> list[Target]:
    action = ACTIONS.get(operation, f"s3:{operation}")
    bucket = request.get("Bucket")
    if not bucket:
        return [Target(action)]
    if request.get("VersionId") and operation in ("GetObject", "HeadObject", "DeleteObject", "GetObjectTagging",
                                                   "PutObjectTagging", "DeleteObjectTagging", "GetObjectAcl",
                                                   "PutObjectAcl"):
        action = _VERSIONED.get(action, action)
    owner = owner_of(ctx, bucket)
    policy = ("s3", bucket)
    if operation == "DeleteObjects":
        objects = (request.get("Delete") or {}).get("Objects") or []
        return [Target(_VERSIONED[action] if o.get("VersionId") else action, f"arn:aws:s3:::{bucket}/{o.get('Key', '')}",
                       owner, policy=policy) for o in objects] or [Target(action, f"arn:aws:s3:::{bucket}/*", owner,
                                                                          policy=policy)]
    key = request.get("Key")
    resource = f"arn:aws:s3:::{bucket}/{key}" if key is not None and operation != "CreateBucket" else f"arn:aws:s3:::{bucket}"
    out = [Target(action, resource, owner, policy=policy)]
    if operation in ("CopyObject", "UploadPartCopy"):
        source = _source(ctx, request)
        if source is not None:
            out.append(source)
    return out


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for member, key in _CONTEXT:
        value = request.get(member)
        if value is not None:
            out[key] = str(value)
    if operation in ("PutObject", "CreateMultipartUpload", "CopyObject") and request.get("Tagging"):
        pairs = [p.partition("=") for p in str(request["Tagging"]).split("&") if p]
        for k, _, v in pairs:
            out[f"s3:RequestObjectTag/{unquote(k)}"] = unquote(v)
        out["s3:RequestObjectTagKeys"] = [unquote(k) for k, _, _ in pairs]
    return out


class _AllOperations(dict):
    """S3's targets are computed for every operation by ``_targets``."""

    def __contains__(self, operation: object) -> bool:
        return isinstance(operation, str)

    def __getitem__(self, operation: str):
        return lambda ctx, request: _targets(ctx, operation, request)


TABLES = {"s3": Table(prefix="s3", actions=ACTIONS, special=_AllOperations(), context=_context)}
