"""Multipart uploads: create, upload part (and copy part), list parts and uploads, complete, abort.

Parts are blobs of their own; completing an upload writes no bytes: the object's segments are
the parts' blobs in order (see ``payload``), so completion is a metadata change whatever the
size. The ETag is the MD5 of the parts' binary MD5s followed by ``-N``. Encryption settings are
fixed at creation; each part is encrypted on arrival with the upload's data key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import (
    buckets,
    checksums,
    conditions,
    crypto,
    events,
    lock,
    objects,
    payload,
    records,
    versions,
)
from fogbank.services.s3 import store as keys
from fogbank.services.s3.buckets import Bucket
from fogbank.services.s3.errors import (
    BadDigest,
    EntityTooLarge,
    EntityTooSmall,
    InvalidPart,
    InvalidPartOrder,
    InvalidRequest,
    MalformedXML,
    NoSuchUpload,
    _S3Error,
)
from fogbank.services.s3.events import Hooks

MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_SIZE = 5 * 1024 * 1024 * 1024
MAX_PART_NUMBER = 10000
MAX_LIST = 1000


def _upload(ctx: Ctx, bucket: Bucket, key: str, upload_id: str) -> dict[str, Any]:
    raw = ctx.store.get(keys.upload_key(bucket.account, bucket.region, bucket.name, key, upload_id))
    if raw is None:
        raise NoSuchUpload(UploadId=upload_id)
    return keys.loads(raw)


def _part_number(number: int) -> None:
    if not 1 <= number <= MAX_PART_NUMBER:
        raise records.bad_argument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", str(number))


def _data_key(ctx: Ctx, bucket: Bucket, upload: dict[str, Any], request: dict[str, Any]) -> bytes | None:
    sse_c = crypto.customer_key(request.get("SSECustomerAlgorithm"), request.get("SSECustomerKey"), request.get("SSECustomerKeyMD5"))
    return crypto.object_data_key(ctx, bucket.account, bucket.region, upload.get("sse"), sse_c)


def _store_part(ctx: Ctx, bucket: Bucket, upload: dict[str, Any], number: int, part: dict[str, Any]) -> None:
    pkey = keys.part_key(bucket.account, bucket.region, upload["id"], number)
    ukey = keys.upload_key(bucket.account, bucket.region, bucket.name, upload["key"], upload["id"])
    old: bytes | None = None
    with ctx.store.transaction() as txn:
        if txn.get(ukey) is None:
            payload.delete(ctx, part["segs"])
            raise NoSuchUpload(UploadId=upload["id"])
        old = txn.get(pkey)
        txn.put(pkey, keys.dumps(part))
    if old is not None:
        payload.delete(ctx, keys.loads(old).get("segs"))


def _part_fields(part: dict[str, Any]) -> dict[str, Any]:
    return {checksums.MEMBER[a]: v for a, v in (part.get("sums") or {}).items()}


class MultipartOperations:
    """The multipart upload operations."""

    _hooks: Hooks

    def create_multipart_upload(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateMultipartUpload: fixes metadata, tags, storage class, encryption and checksum mode."""
        bucket = buckets.load(ctx, request["Bucket"])
        key = request["Key"]
        records.check_key(key)
        records.check_metadata(request.get("Metadata"))
        mode, kms_key = objects.sse_settings(ctx, bucket, request)
        sse_c = crypto.customer_key(request.get("SSECustomerAlgorithm"), request.get("SSECustomerKey"), request.get("SSECustomerKeyMD5"))
        _, sse = crypto.new_object_key(ctx, bucket.account, bucket.region, mode, kms_key, sse_c)
        objects.mark_bucket_key(bucket, request, sse)
        algorithm = request.get("ChecksumAlgorithm")
        records.requested_algorithms(request)  # refuses unknown algorithms
        ctype = request.get("ChecksumType") or ("COMPOSITE" if algorithm and algorithm not in ("CRC64NVME",) else "FULL_OBJECT")
        if ctype == "FULL_OBJECT" and algorithm in ("SHA1", "SHA256"):
            raise InvalidRequest(f"The FULL_OBJECT checksum type cannot be used with the {algorithm.lower()} checksum algorithm.")
        content_type, headers = records.content_fields(request)
        upload_id = secrets.token_urlsafe(48)
        upload: dict[str, Any] = {
            "key": key, "id": upload_id, "initiated": ctx.clock.now(), "ct": content_type, "hdr": headers,
            "meta": request.get("Metadata") or {}, "tags": records.parse_tagging(request.get("Tagging")),
            "sc": request.get("StorageClass"), "acl": request.get("ACL"), "sse": sse,
            "algo": algorithm, "ctype": ctype if algorithm else None, "lock": lock.for_new_object(ctx, bucket, request),
        }
        ctx.store.put(keys.upload_key(bucket.account, bucket.region, bucket.name, key, upload_id), keys.dumps(upload))
        out: dict[str, Any] = {"Bucket": bucket.name, "Key": key, "UploadId": upload_id}
        if algorithm:
            out["ChecksumAlgorithm"] = algorithm
            out["ChecksumType"] = ctype
        out.update(crypto.response_fields(sse))
        return out

    def upload_part(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UploadPart: streams one part to its own blob (replacing an earlier part of that number)."""
        bucket = buckets.load(ctx, request["Bucket"])
        number = request["PartNumber"]
        _part_number(number)
        upload = _upload(ctx, bucket, request["Key"], request["UploadId"])
        data_key = _data_key(ctx, bucket, upload, request)
        _, chunked = records.strip_chunked(request.get("ContentEncoding"))
        algos = records.requested_algorithms(request)
        if upload.get("algo") and upload["algo"] not in algos:
            algos.append(upload["algo"])
        written = payload.write(ctx, request.get("Body"), chunked=chunked, algorithms=algos, data_key=data_key)
        try:
            sums = records.verify(request, written.md5_hex, written.checksums, written.trailers)
        except _S3Error:
            payload.delete(ctx, written.segments)
            raise
        if upload.get("algo") and upload["algo"] not in sums:
            sums[upload["algo"]] = written.checksums[upload["algo"]]
        if written.size > MAX_PART_SIZE:
            payload.delete(ctx, written.segments)
            raise EntityTooLarge(ProposedSize=written.size, MaxSizeAllowed=MAX_PART_SIZE)
        part = {"n": number, "etag": f'"{written.md5_hex}"', "size": written.size, "segs": written.segments,
                "sums": sums, "mtime": ctx.clock.now()}
        _store_part(ctx, bucket, upload, number, part)
        out: dict[str, Any] = {"ETag": part["etag"], **_part_fields(part)}
        out.update(crypto.response_fields(upload.get("sse")))
        return out

    def upload_part_copy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UploadPartCopy: a part copied from (a byte range of) another object."""
        bucket = buckets.load(ctx, request["Bucket"])
        number = request["PartNumber"]
        _part_number(number)
        upload = _upload(ctx, bucket, request["Key"], request["UploadId"])
        src_bucket, source = objects.readable_source(ctx, request)
        src_c = crypto.customer_key(request.get("CopySourceSSECustomerAlgorithm"), request.get("CopySourceSSECustomerKey"),
                                    request.get("CopySourceSSECustomerKeyMD5"), source=True)
        src_key = crypto.object_data_key(ctx, src_bucket.account, src_bucket.region, source.get("sse"), src_c, source=True)
        span = conditions.copy_range(request.get("CopySourceRange"), source["size"]) or (0, source["size"] - 1)
        body = payload.read(ctx, source["segs"], span[0], span[1], src_key) if span[1] >= span[0] else b""
        data_key = _data_key(ctx, bucket, upload, request)
        algos = [upload["algo"]] if upload.get("algo") else []
        written = payload.write(ctx, body, algorithms=algos, data_key=data_key)
        part = {"n": number, "etag": f'"{written.md5_hex}"', "size": written.size, "segs": written.segments,
                "sums": written.checksums, "mtime": ctx.clock.now()}
        _store_part(ctx, bucket, upload, number, part)
        result = {"ETag": part["etag"], "LastModified": datetime.fromtimestamp(int(part["mtime"]), UTC), **_part_fields(part)}
        out: dict[str, Any] = {"CopyPartResult": result}
        if src_bucket.versioning is not None:
            out["CopySourceVersionId"] = source["vid"]
        out.update(crypto.response_fields(upload.get("sse")))
        return out

    def complete_multipart_upload(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CompleteMultipartUpload: checks order, ETags and sizes; the parts become the object."""
        bucket = buckets.load(ctx, request["Bucket"])
        key = request["Key"]
        upload_id = request["UploadId"]
        upload = _upload(ctx, bucket, key, upload_id)
        listed = (request.get("MultipartUpload") or {}).get("Parts") or []
        if not listed:
            raise MalformedXML()
        numbers = [p.get("PartNumber") for p in listed]
        if any(n is None for n in numbers):
            raise MalformedXML()
        if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
            raise InvalidPartOrder(UploadId=upload_id)
        stored = {
            k[-1]: keys.loads(raw)
            for k, raw in ctx.store.scan(keys.parts_prefix(bucket.account, bucket.region, upload_id))
        }
        chosen: list[dict[str, Any]] = []
        for item in listed:
            part = stored.get(item["PartNumber"])
            if part is None or item.get("ETag", "").strip('"') != part["etag"].strip('"'):
                raise InvalidPart(UploadId=upload_id, PartNumber=item["PartNumber"], ETag=item.get("ETag"))
            algo = upload.get("algo")
            if algo and item.get(checksums.MEMBER[algo]) is not None and item[checksums.MEMBER[algo]] != part["sums"].get(algo):
                raise InvalidPart(UploadId=upload_id, PartNumber=item["PartNumber"], ETag=item.get("ETag"))
            chosen.append(part)
        for part in chosen[:-1]:
            if part["size"] < MIN_PART_SIZE:
                raise EntityTooSmall(ProposedSize=part["size"], MinSizeAllowed=MIN_PART_SIZE,
                                     PartNumber=part["n"], ETag=part["etag"].strip('"'))
        objects.check_write_conditions(ctx, bucket, key, request)
        md5s = b"".join(bytes.fromhex(p["etag"].strip('"')) for p in chosen)
        etag = f'"{hashlib.md5(md5s, usedforsecurity=False).hexdigest()}-{len(chosen)}"'
        segments = [seg for p in chosen for seg in p["segs"]]
        record: dict[str, Any] = {
            "mtime": ctx.clock.now(), "size": sum(p["size"] for p in chosen), "etag": etag, "segs": segments,
            "ct": upload.get("ct"), "hdr": upload.get("hdr") or {}, "parts": [p["size"] for p in chosen],
        }
        for name in ("meta", "tags", "sse", "acl", "lock"):
            if upload.get(name):
                record[name] = upload[name]
        if upload.get("sc") and upload["sc"] != "STANDARD":
            record["sc"] = upload["sc"]
        algo = upload.get("algo")
        if algo:
            record["sums"] = {algo: self._full_checksum(ctx, bucket, upload, request, chosen, segments)}
            record["ctype"] = upload["ctype"]
        events.before_write(ctx, bucket, key, record)
        used = {seg[0] for seg in segments if seg[0] is not None}
        with ctx.store.transaction() as txn:
            if txn.get(keys.upload_key(bucket.account, bucket.region, bucket.name, key, upload_id)) is None:
                raise NoSuchUpload(UploadId=upload_id)
            txn.delete(keys.upload_key(bucket.account, bucket.region, bucket.name, key, upload_id))
            txn.delete_prefix(keys.parts_prefix(bucket.account, bucket.region, upload_id))
        record = versions.put(ctx, bucket, key, record)
        for part in stored.values():
            payload.delete(ctx, [s for s in part["segs"] if s[0] is not None and s[0] not in used])
        events.after_write(ctx, bucket, record, "ObjectCreated:CompleteMultipartUpload", self._hooks)
        out: dict[str, Any] = {
            "Location": f"http://{ctx.host or 'localhost'}/{bucket.name}/{key}", "Bucket": bucket.name, "Key": key, "ETag": etag,
        }
        if bucket.versioning is not None:
            out["VersionId"] = record["vid"]
        out.update(records.checksum_fields(record))
        out.update(crypto.response_fields(record.get("sse")))
        return out

    def _full_checksum(self, ctx: Ctx, bucket: Bucket, upload: dict[str, Any], request: dict[str, Any],
                       parts: list[dict[str, Any]], segments: list[list[Any]]) -> str:
        algo = upload["algo"]
        if upload["ctype"] == "COMPOSITE":
            value = checksums.composite(algo, [p["sums"][algo] for p in parts])
        else:
            data_key = _data_key(ctx, bucket, upload, request) if upload.get("sse") else None
            value = payload.checksum_segments(ctx, segments, [algo], data_key)[algo]
        sent = request.get(checksums.MEMBER[algo])
        if sent is not None and sent.split("-")[0] != value.split("-")[0]:
            raise BadDigest(f"The {algo} you specified did not match the calculated checksum.")
        return value

    def abort_multipart_upload(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """AbortMultipartUpload: removes the upload and its parts' blobs."""
        bucket = buckets.load(ctx, request["Bucket"])
        upload = _upload(ctx, bucket, request["Key"], request["UploadId"])
        prefix = keys.parts_prefix(bucket.account, bucket.region, upload["id"])
        parts = [keys.loads(raw) for _, raw in ctx.store.scan(prefix)]
        with ctx.store.transaction() as txn:
            txn.delete(keys.upload_key(bucket.account, bucket.region, bucket.name, upload["key"], upload["id"]))
            txn.delete_prefix(prefix)
        for part in parts:
            payload.delete(ctx, part["segs"])
        return {}

    def list_parts(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListParts: in part-number order after PartNumberMarker, MaxParts at a time."""
        bucket = buckets.load(ctx, request["Bucket"])
        upload = _upload(ctx, bucket, request["Key"], request["UploadId"])
        marker = int(request.get("PartNumberMarker") or 0)
        limit = min(request.get("MaxParts") or MAX_LIST, MAX_LIST)
        prefix = keys.parts_prefix(bucket.account, bucket.region, upload["id"])
        parts: list[dict[str, Any]] = []
        truncated = False
        for _, raw in ctx.store.scan(prefix, start=prefix + (marker + 1,)):
            if len(parts) >= limit:
                truncated = True
                break
            part = keys.loads(raw)
            parts.append({"PartNumber": part["n"], "LastModified": datetime.fromtimestamp(int(part["mtime"]), UTC),
                          "ETag": part["etag"], "Size": part["size"], **_part_fields(part)})
        owner = buckets.owner(bucket.account)
        out: dict[str, Any] = {
            "Bucket": bucket.name, "Key": upload["key"], "UploadId": upload["id"], "PartNumberMarker": marker,
            "MaxParts": limit, "IsTruncated": truncated, "Parts": parts, "Owner": owner,
            "Initiator": {"ID": owner["ID"], "DisplayName": owner["DisplayName"]},
            "StorageClass": upload.get("sc") or "STANDARD",
        }
        if parts:
            out["NextPartNumberMarker"] = parts[-1]["PartNumber"]
        if upload.get("algo"):
            out["ChecksumAlgorithm"] = upload["algo"]
            out["ChecksumType"] = upload["ctype"]
        return out

    def list_multipart_uploads(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListMultipartUploads: by key then upload id; prefix, delimiter, key and upload-id markers."""
        self._hooks.pump(ctx)
        bucket = buckets.load(ctx, request["Bucket"])
        prefix = request.get("Prefix") or ""
        delimiter = request.get("Delimiter") or ""
        key_marker = request.get("KeyMarker") or ""
        id_marker = request.get("UploadIdMarker") or ""
        limit = min(request.get("MaxUploads") or MAX_LIST, MAX_LIST)
        base = keys.uploads_prefix(bucket.account, bucket.region, bucket.name)
        uploads: list[dict[str, Any]] = []
        prefixes: list[str] = []
        truncated = False
        last: tuple[str, str] | None = None
        owner = buckets.owner(bucket.account)
        for k, raw in ctx.store.scan(base, start=base + (max(prefix, key_marker),)):
            key, upload_id = k[len(base)], k[len(base) + 1]
            if not key.startswith(prefix):
                break
            if key_marker and (key < key_marker or (key == key_marker and (not id_marker or upload_id <= id_marker))):
                continue
            if delimiter:
                cut = key.find(delimiter, len(prefix))
                if cut >= 0:
                    common = key[: cut + len(delimiter)]
                    if common not in prefixes:
                        if len(uploads) + len(prefixes) >= limit:
                            truncated = True
                            break
                        prefixes.append(common)
                    continue
            if len(uploads) + len(prefixes) >= limit:
                truncated = True
                break
            upload = keys.loads(raw)
            item = {"UploadId": upload_id, "Key": key, "Initiated": datetime.fromtimestamp(int(upload["initiated"]), UTC),
                    "StorageClass": upload.get("sc") or "STANDARD", "Owner": owner,
                    "Initiator": {"ID": owner["ID"], "DisplayName": owner["DisplayName"]}}
            if upload.get("algo"):
                item["ChecksumAlgorithm"] = upload["algo"]
                item["ChecksumType"] = upload["ctype"]
            uploads.append(item)
            last = (key, upload_id)
        out: dict[str, Any] = {"Bucket": bucket.name, "KeyMarker": key_marker, "UploadIdMarker": id_marker,
                               "MaxUploads": limit, "IsTruncated": truncated, "Prefix": prefix}
        if delimiter:
            out["Delimiter"] = delimiter
        if uploads:
            out["Uploads"] = uploads
        if prefixes:
            out["CommonPrefixes"] = [{"Prefix": p} for p in prefixes]
        if truncated and last is not None:
            out["NextKeyMarker"], out["NextUploadIdMarker"] = last
        return out

