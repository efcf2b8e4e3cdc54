"""Object operations: Put, Get, Head, Delete, DeleteObjects, Copy, tagging, ACLs, attributes and
RestoreObject."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from fogbank.context import Ctx
from fogbank.services.s3 import (
    buckets,
    conditions,
    crypto,
    events,
    glacier,
    http,
    lifecycle,
    lock,
    payload,
    records,
    versions,
)
from fogbank.services.s3.buckets import Bucket
from fogbank.services.s3.configs import acl_grants
from fogbank.services.s3.errors import (
    EntityTooLarge,
    InvalidArgument,
    InvalidObjectState,
    InvalidPartNumber,
    InvalidRequest,
    MalformedXML,
    MethodNotAllowed,
    NoSuchKey,
    NoSuchVersion,
    ObjectAlreadyInActiveTierError,
    PreconditionFailed,
    RestoreAlreadyInProgress,
    _S3Error,
)
from fogbank.services.s3.events import Hooks

MAX_DELETE_KEYS = 1000
MAX_PUT_SIZE = 5 * 1024 * 1024 * 1024
STORAGE_CLASSES = frozenset({
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
    "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP",
})


def encryption_config(bucket: Bucket) -> dict[str, Any]:
    """The bucket's default encryption: the configuration put, else SSE-S3 (every bucket has one)."""
    return bucket.cfg("encryption") or crypto.DEFAULT_ENCRYPTION


def sse_settings(ctx: Ctx, bucket: Bucket, request: dict[str, Any]) -> tuple[str | None, str | None]:
    """The SSE mode and KMS key for a new object: the request's, else the bucket default's."""
    mode = request.get("ServerSideEncryption")
    kms_key = request.get("SSEKMSKeyId")
    if mode is None and request.get("SSECustomerAlgorithm") is None:
        rule = (encryption_config(bucket).get("Rules") or [{}])[0].get("ApplyServerSideEncryptionByDefault") or {}
        mode = rule.get("SSEAlgorithm")
        kms_key = kms_key or rule.get("KMSMasterKeyID")
    if mode not in (None, crypto.AES256, crypto.KMS, "aws:kms:dsse"):
        raise InvalidArgument("The encryption method specified is not supported", ArgumentName="x-amz-server-side-encryption", ArgumentValue=mode)
    if mode == "aws:kms:dsse":
        mode = crypto.KMS
    if kms_key and mode != crypto.KMS:
        raise InvalidArgument(
            "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
            ArgumentName="x-amz-server-side-encryption-aws-kms-key-id",
        )
    return mode, kms_key


def mark_bucket_key(bucket: Bucket, request: dict[str, Any], sse: dict[str, Any] | None) -> None:
    """Record an S3 Bucket Key on a new SSE-KMS object: the request's ``BucketKeyEnabled``, else
    the bucket default encryption rule's."""
    if sse is None or sse["mode"] != crypto.KMS:
        return
    enabled = request.get("BucketKeyEnabled")
    if enabled is None:
        enabled = bool((encryption_config(bucket).get("Rules") or [{}])[0].get("BucketKeyEnabled"))
    if enabled:
        sse["bucket_key"] = True


def check_write_conditions(ctx: Ctx, bucket: Bucket, key: str, request: dict[str, Any]) -> None:
    """Conditional writes: ``If-None-Match: *`` (create only) and ``If-Match`` (replace only that ETag)."""
    if_none = request.get("IfNoneMatch")
    if_match = request.get("IfMatch")
    if if_none is None and if_match is None:
        return
    current = versions.current(ctx, bucket, key)
    if if_none is not None:
        if if_none.strip() != "*":
            raise records.bad_argument("If-None-Match only supports *", "If-None-Match", if_none)
        if current is not None:
            raise PreconditionFailed(Condition="If-None-Match")
    if if_match is not None:
        if current is None:
            raise NoSuchKey(Key=key)
        if not conditions.etag_matches(if_match, current["etag"]):
            raise PreconditionFailed(Condition="If-Match")


def parse_copy_source(source: str) -> tuple[str, str, str | None]:
    """``bucket/key[?versionId=...]`` (URL-encoded) as its parts."""
    text, _, query = source.partition("?")
    text = unquote(text).lstrip("/")
    bucket, _, key = text.partition("/")
    version = None
    for item in query.split("&"):
        name, _, value = item.partition("=")
        if name == "versionId":
            version = unquote(value)
    if not bucket or not key:
        raise InvalidArgument("Invalid copy source object key", ArgumentName="x-amz-copy-source", ArgumentValue=source)
    return bucket, key, version


def readable_source(ctx: Ctx, request: dict[str, Any]) -> tuple[Bucket, dict[str, Any]]:
    """The bucket and version a CopySource names, checked for copy-source conditions and archives."""
    src_bucket_name, src_key, src_version = parse_copy_source(request["CopySource"])
    src_bucket = buckets.load(ctx, src_bucket_name)
    try:
        source = versions.find(ctx, src_bucket, src_key, src_version)
    except MethodNotAllowed:
        raise InvalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.") from None
    if not glacier.readable(source, ctx.clock.now()):
        raise InvalidObjectState(StorageClass=source.get("sc"))
    conditions.check(source, request, prefix="CopySource", copy=True)
    return src_bucket, source


class ObjectOperations:
    """The operations on single objects."""

    _hooks: Hooks

    def put_object(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutObject: streams the body to a blob, verifying Content-MD5 and checksums."""
        bucket = buckets.load(ctx, request["Bucket"])
        key = request["Key"]
        records.check_key(key)
        check_write_conditions(ctx, bucket, key, request)
        records.check_metadata(request.get("Metadata"))
        storage = request.get("StorageClass")
        if storage is not None and storage not in STORAGE_CLASSES:
            raise records.bad_argument("The storage class you specified is not valid", "x-amz-storage-class", storage)
        tags = records.parse_tagging(request.get("Tagging"))
        mode, kms_key = sse_settings(ctx, bucket, request)
        sse_c = crypto.customer_key(request.get("SSECustomerAlgorithm"), request.get("SSECustomerKey"), request.get("SSECustomerKeyMD5"))
        data_key, sse = crypto.new_object_key(ctx, bucket.account, bucket.region, mode, kms_key, sse_c)
        mark_bucket_key(bucket, request, sse)
        _, chunked = records.strip_chunked(request.get("ContentEncoding"))
        written = payload.write(ctx, request.get("Body"), chunked=chunked,
                                algorithms=records.requested_algorithms(request), data_key=data_key)
        try:
            if written.size > MAX_PUT_SIZE:
                raise EntityTooLarge(ProposedSize=written.size, MaxSizeAllowed=MAX_PUT_SIZE)
            sums = records.verify(request, written.md5_hex, written.checksums, written.trailers)
        except _S3Error:
            payload.delete(ctx, written.segments)
            raise
        content_type, headers = records.content_fields(request)
        record: dict[str, Any] = {
            "mtime": ctx.clock.now(), "size": written.size, "etag": f'"{written.md5_hex}"',
            "segs": written.segments, "ct": content_type, "hdr": headers,
        }
        if request.get("Metadata"):
            record["meta"] = request["Metadata"]
        if tags:
            record["tags"] = tags
        if sums:
            record["sums"] = sums
            record["ctype"] = "FULL_OBJECT"
        if sse:
            record["sse"] = sse
        if storage and storage != "STANDARD":
            record["sc"] = storage
        if request.get("ACL"):
            record["acl"] = request["ACL"]
        object_lock = lock.for_new_object(ctx, bucket, request)
        if object_lock:
            record["lock"] = object_lock
        events.before_write(ctx, bucket, key, record)
        record = versions.put(ctx, bucket, key, record)
        events.after_write(ctx, bucket, record, "ObjectCreated:Put", self._hooks)
        out: dict[str, Any] = {"ETag": record["etag"], "Size": record["size"]}
        expires = lifecycle.expiration(bucket, record)
        if expires:
            out["Expiration"] = expires
        if bucket.versioning is not None:
            out["VersionId"] = record["vid"]
        out.update(records.checksum_fields(record))
        out.update(crypto.response_fields(sse))
        return out

    def _read_target(self, ctx: Ctx, request: dict[str, Any]) -> tuple[Bucket, dict[str, Any], bytes | None]:
        bucket = buckets.load(ctx, request["Bucket"])
        record = versions.find(ctx, bucket, request["Key"], request.get("VersionId"))
        sse_c = crypto.customer_key(request.get("SSECustomerAlgorithm"), request.get("SSECustomerKey"), request.get("SSECustomerKeyMD5"))
        data_key = crypto.object_data_key(ctx, bucket.account, bucket.region, record.get("sse"), sse_c)
        return bucket, record, data_key

    def _read(self, ctx: Ctx, request: dict[str, Any], *, body: bool) -> dict[str, Any]:
        self._hooks.pump(ctx)
        bucket, record, data_key = self._read_target(ctx, request)
        now = ctx.clock.now()
        if body and not glacier.readable(record, now):
            raise InvalidObjectState(StorageClass=record.get("sc"))
        conditions.check(record, request)
        out = records.object_fields(bucket, record, now, checksum_mode=request.get("ChecksumMode") == "ENABLED")
        out.update(lock.response_fields(record))
        expires = lifecycle.expiration(bucket, record)
        if expires:
            out["Expiration"] = expires
        size = record["size"]
        span: tuple[int, int] | None = None
        part = request.get("PartNumber")
        if part is not None:
            sizes = record.get("parts") or [size]
            if part < 1:
                raise records.bad_argument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", str(part))
            if part > len(sizes):
                raise InvalidPartNumber(PartNumberRequested=part, ActualPartCount=len(sizes))
            first = sum(sizes[: part - 1])
            span = (first, first + sizes[part - 1] - 1)
            out["PartsCount"] = len(sizes)
        else:
            span = conditions.byte_range(request.get("Range"), size)
        if span is not None:
            first, last = span
            out["ContentRange"] = f"bytes {first}-{last}/{size}"
            out["ContentLength"] = last - first + 1
            for member in list(out):
                if member.startswith("Checksum") and part is None:
                    del out[member]
        for override, member in records.OVERRIDES.items():
            if request.get(override) is not None:
                out[member] = request[override]
        if body:
            first, last = span if span is not None else (0, size - 1)
            reader = payload.read(ctx, record["segs"], first, last, data_key)
            # small bodies go out in one piece; large ones stream from their blobs
            out["Body"] = b"".join(reader) if reader.size <= payload.INLINE_MAX else reader
        return out

    def get_object(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetObject: the body streamed from its blobs (ranges read only the range)."""
        return self._read(ctx, request, body=True)

    def head_object(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """HeadObject: GetObject's headers without the body."""
        return self._read(ctx, request, body=False)

    def delete_object(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteObject: removes a version, or adds a delete marker in a versioned bucket."""
        bucket = buckets.load(ctx, request["Bucket"])
        return _delete(ctx, bucket, request["Key"], request.get("VersionId"), request, self._hooks)

    def delete_objects(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteObjects: up to 1000 keys, each answered on its own (Quiet: errors only)."""
        bucket = buckets.load(ctx, request["Bucket"])
        spec = request.get("Delete") or {}
        objects = spec.get("Objects") or []
        if not objects or len(objects) > MAX_DELETE_KEYS:
            raise MalformedXML()
        quiet = bool(spec.get("Quiet"))
        deleted: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for item in objects:
            key = item["Key"]
            try:
                records.check_key(key)
                result = _delete(ctx, bucket, key, item.get("VersionId"), item, self._hooks)
            except _S3Error as err:
                entry = {"Key": key, "Code": err.code, "Message": err.message}
                if item.get("VersionId"):
                    entry["VersionId"] = item["VersionId"]
                errors.append(entry)
                continue
            if quiet:
                continue
            done: dict[str, Any] = {"Key": key}
            if item.get("VersionId"):
                done["VersionId"] = item["VersionId"]
            if result.get("DeleteMarker"):
                done["DeleteMarker"] = True
                if not item.get("VersionId"):
                    done["DeleteMarkerVersionId"] = result["VersionId"]
                elif result.get("VersionId"):
                    done["DeleteMarkerVersionId"] = result["VersionId"]
            deleted.append(done)
        out: dict[str, Any] = {}
        if deleted:
            out["Deleted"] = deleted
        if errors:
            out["Errors"] = errors
        return out

    def copy_object(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CopyObject: server-side copy with metadata and tagging directives and source conditions."""
        bucket = buckets.load(ctx, request["Bucket"])
        key = request["Key"]
        records.check_key(key)
        src_bucket, source = readable_source(ctx, request)
        if source["size"] > MAX_PUT_SIZE:
            raise InvalidRequest(f"The specified copy source is larger than the maximum allowable size for a copy source: {MAX_PUT_SIZE}")
        directive = request.get("MetadataDirective") or "COPY"
        tag_directive = request.get("TaggingDirective") or "COPY"
        if directive not in ("COPY", "REPLACE") or tag_directive not in ("COPY", "REPLACE"):
            raise records.bad_argument("Unknown metadata directive.", "x-amz-metadata-directive", directive)
        same = src_bucket.name == bucket.name and source["key"] == key
        changes = (
            directive == "REPLACE" or request.get("StorageClass") or request.get("ServerSideEncryption")
            or request.get("SSECustomerAlgorithm") or request.get("WebsiteRedirectLocation") or request.get("SSEKMSKeyId")
        )
        if same and not changes and not (bucket.versioning and request.get("CopySource", "").find("versionId=") >= 0):
            raise InvalidRequest(
                "This copy request is illegal because it is trying to copy an object to itself without changing "
                "the object's metadata, storage class, website redirect location or encryption attributes."
            )
        check_write_conditions(ctx, bucket, key, request)
        src_c = crypto.customer_key(request.get("CopySourceSSECustomerAlgorithm"), request.get("CopySourceSSECustomerKey"),
                                    request.get("CopySourceSSECustomerKeyMD5"), source=True)
        src_key = crypto.object_data_key(ctx, src_bucket.account, src_bucket.region, source.get("sse"), src_c, source=True)
        mode, kms_key = sse_settings(ctx, bucket, request)
        sse_c = crypto.customer_key(request.get("SSECustomerAlgorithm"), request.get("SSECustomerKey"), request.get("SSECustomerKeyMD5"))
        data_key, sse = crypto.new_object_key(ctx, bucket.account, bucket.region, mode, kms_key, sse_c)
        mark_bucket_key(bucket, request, sse)
        algos = [request["ChecksumAlgorithm"]] if request.get("ChecksumAlgorithm") else [
            a for a in (source.get("sums") or {}) if source.get("ctype", "FULL_OBJECT") == "FULL_OBJECT"
        ]
        size = source["size"]
        body = payload.read(ctx, source["segs"], 0, size - 1, src_key) if size else b""
        written = payload.write(ctx, body, algorithms=algos, data_key=data_key)
        if directive == "REPLACE":
            records.check_metadata(request.get("Metadata"))
            content_type, headers = records.content_fields(request)
            meta = request.get("Metadata") or {}
        else:
            content_type, headers, meta = source.get("ct"), dict(source.get("hdr") or {}), source.get("meta") or {}
        tags = records.parse_tagging(request.get("Tagging")) if tag_directive == "REPLACE" else source.get("tags")
        record: dict[str, Any] = {
            "mtime": ctx.clock.now(), "size": written.size, "etag": f'"{written.md5_hex}"', "segs": written.segments,
            "ct": content_type, "hdr": headers,
        }
        if meta:
            record["meta"] = meta
        if tags:
            record["tags"] = tags
        if written.checksums:
            record["sums"] = written.checksums
            record["ctype"] = "FULL_OBJECT"
        if sse:
            record["sse"] = sse
        storage = request.get("StorageClass") or None
        if storage and storage != "STANDARD":
            record["sc"] = storage
        object_lock = lock.for_new_object(ctx, bucket, request)
        if object_lock:
            record["lock"] = object_lock
        events.before_write(ctx, bucket, key, record)
        record = versions.put(ctx, bucket, key, record)
        events.after_write(ctx, bucket, record, "ObjectCreated:Copy", self._hooks)
        result: dict[str, Any] = {"ETag": record["etag"], "LastModified": records.last_modified(record)}
        result.update(records.checksum_fields(record))
        result.pop("ChecksumType", None)
        out: dict[str, Any] = {"CopyObjectResult": result}
        if bucket.versioning is not None:
            out["VersionId"] = record["vid"]
        if src_bucket.versioning is not None:
            out["CopySourceVersionId"] = source["vid"]
        out.update(crypto.response_fields(sse))
        return out

    # --- tagging, ACLs, attributes ----------------------------------------------------------

    def _version(self, ctx: Ctx, request: dict[str, Any]) -> tuple[Bucket, dict[str, Any]]:
        bucket = buckets.load(ctx, request["Bucket"])
        version_id = request.get("VersionId")
        if version_id is None:
            return bucket, versions.find(ctx, bucket, request["Key"], None)
        record = versions.by_id(ctx, bucket, request["Key"], version_id)
        if record is None:
            raise NoSuchVersion(Key=request["Key"], VersionId=version_id)
        return bucket, record

    def put_object_tagging(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutObjectTagging: replaces the version's tag set."""
        bucket, record = self._version(ctx, request)
        tags = records.check_tags((request.get("Tagging") or {}).get("TagSet") or [])
        versions.update(ctx, bucket, record, tags=tags or None)
        return {"VersionId": record["vid"]} if bucket.versioning is not None else {}

    def get_object_tagging(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetObjectTagging: the version's tag set (possibly empty)."""
        bucket, record = self._version(ctx, request)
        out: dict[str, Any] = {"TagSet": records.tag_set(record.get("tags"))}
        if bucket.versioning is not None:
            out["VersionId"] = record["vid"]
        return out

    def delete_object_tagging(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteObjectTagging: removes every tag of the version."""
        bucket, record = self._version(ctx, request)
        versions.update(ctx, bucket, record, tags=None)
        return {"VersionId": record["vid"]} if bucket.versioning is not None else {}

    def put_object_acl(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutObjectAcl: a canned ACL or grants, stored (enforced with IAM later)."""
        bucket, record = self._version(ctx, request)
        versions.update(ctx, bucket, record, acl=request.get("ACL") or "private")
        return {}

    def get_object_acl(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetObjectAcl: the owner's full control plus what the canned ACL grants."""
        bucket, record = self._version(ctx, request)
        return {"Owner": buckets.owner(bucket.account), "Grants": acl_grants(bucket.account, record.get("acl"))}

    def get_object_attributes(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetObjectAttributes: ETag, checksum, parts, storage class and size as asked."""
        bucket = buckets.load(ctx, request["Bucket"])
        record = versions.find(ctx, bucket, request["Key"], request.get("VersionId"))
        wanted = set(request.get("ObjectAttributes") or [])
        out: dict[str, Any] = {"LastModified": records.last_modified(record)}
        if bucket.versioning is not None:
            out["VersionId"] = record["vid"]
        if "ETag" in wanted:
            out["ETag"] = record["etag"].strip('"')
        if "Checksum" in wanted and record.get("sums"):
            out["Checksum"] = records.checksum_fields(record)
        if "ObjectParts" in wanted and record.get("parts"):
            out["ObjectParts"] = {"TotalPartsCount": len(record["parts"]), "IsTruncated": False}
        if "StorageClass" in wanted:
            out["StorageClass"] = record.get("sc") or "STANDARD"
        if "ObjectSize" in wanted:
            out["ObjectSize"] = record["size"]
        return out

    def restore_object(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """RestoreObject: starts a restore that completes on fogbank's clock (see ``glacier``)."""
        bucket = buckets.load(ctx, request["Bucket"])
        record = versions.find(ctx, bucket, request["Key"], request.get("VersionId"))
        storage = record.get("sc") or "STANDARD"
        if storage not in glacier.ARCHIVED:
            raise ObjectAlreadyInActiveTierError()
        spec = request.get("RestoreRequest") or {}
        days = spec.get("Days")
        if days is None or days < 1:
            raise MalformedXML()
        tier = spec.get("Tier") or (spec.get("GlacierJobParameters") or {}).get("Tier") or "Standard"
        seconds = glacier.TIER_SECONDS[storage].get(tier)
        if seconds is None:
            raise InvalidObjectState(f"Restore tier {tier} is not supported for the {storage} storage class", StorageClass=storage)
        now = ctx.clock.now()
        current = glacier.state(record, now)
        if current == "ongoing":
            raise RestoreAlreadyInProgress()
        if current == "restored":
            # a repeated restore of a restored copy only changes how long it is kept
            versions.update(ctx, bucket, record, restore={**record["restore"], "days": days})
            return {}
        versions.update(ctx, bucket, record, restore={"asked": now, "done": now + seconds, "days": days, "tier": tier})
        ctx.extras[http.STATUS] = 202  # Accepted: the restore has started (200 for a restored copy)
        return {}


def _delete(ctx: Ctx, bucket: Bucket, key: str, version_id: str | None, request: dict[str, Any],
            hooks: Hooks) -> dict[str, Any]:
    if version_id is not None:
        if lock.enabled(bucket):
            target = versions.by_id(ctx, bucket, key, version_id)
            if target is not None:
                lock.check_removal(ctx, target, bool(request.get("BypassGovernanceRetention")))
        removed = versions.remove(ctx, bucket, key, version_id)
        out: dict[str, Any] = {"VersionId": version_id}
        if removed is not None and removed.get("dm"):
            out["DeleteMarker"] = True
        if removed is not None:
            events.after_delete(ctx, bucket, removed, "ObjectRemoved:Delete", hooks)
        return out
    if request.get("IfMatch") is not None:
        current = versions.current(ctx, bucket, key)
        if current is None:
            raise NoSuchKey(Key=key)
        if not conditions.etag_matches(request["IfMatch"], current["etag"]):
            raise PreconditionFailed(Condition="If-Match")
    if bucket.versioning is None:
        removed = versions.remove(ctx, bucket, key, versions.NULL)
        if removed is not None:
            events.after_delete(ctx, bucket, removed, "ObjectRemoved:Delete", hooks)
        return {}
    marker = versions.put(ctx, bucket, key, {"mtime": ctx.clock.now(), "dm": True, "size": 0, "etag": ""})
    events.after_write(ctx, bucket, marker, "ObjectRemoved:DeleteMarkerCreated", hooks)
    return {"DeleteMarker": True, "VersionId": marker["vid"]}
