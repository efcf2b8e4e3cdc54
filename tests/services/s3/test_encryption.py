"""Server-side encryption: SSE-S3, SSE-KMS (local data keys until KMS exists), SSE-C with its key
checks, bucket default encryption, ranges and multipart over encrypted bytes."""

from __future__ import annotations

import os
from typing import Any

from tests.services.s3.helpers import assert_error, error_of

KEY = b"k" * 32
OTHER = b"o" * 32


def test_sse_s3(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"secret data", ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["ServerSideEncryption"] == "AES256"
    assert got["Body"].read() == b"secret data"
    assert s3.get_object(Bucket=bucket, Key="k", Range="bytes=7-10")["Body"].read() == b"data"


def test_sse_kms_default_and_named_key(s3: Any, aws: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"kms data", ServerSideEncryption="aws:kms")
    assert put["SSEKMSKeyId"].startswith("arn:aws:kms:us-east-1:000000000000:")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"kms data"
    kms = aws("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    named = s3.put_object(Bucket=bucket, Key="n", Body=b"named", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
    assert named["SSEKMSKeyId"].endswith(f":key/{key_id}")
    head = s3.head_object(Bucket=bucket, Key="n")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert s3.get_object(Bucket=bucket, Key="n")["Body"].read() == b"named"
    assert_error(s3.put_object, "InvalidArgument", 400, Bucket=bucket, Key="x", Body=b"x", SSEKMSKeyId="abc")
    # a disabled key can neither encrypt new objects nor decrypt old ones
    kms.disable_key(KeyId=key_id)
    # S3 answers KMS's own error code prefixed "KMS."
    disabled = assert_error(s3.get_object, "KMS.DisabledException", 400, Bucket=bucket, Key="n")
    assert key_id in disabled["Message"]
    assert_error(s3.put_object, "KMS.DisabledException", 400, Bucket=bucket, Key="n2", Body=b"x",
                 ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
    assert error_of(s3.head_object, Bucket=bucket, Key="n2")["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert_error(s3.put_object, "KMS.NotFoundException", 400, Bucket=bucket, Key="x", Body=b"x", ServerSideEncryption="aws:kms",
                 SSEKMSKeyId="1234abcd-12ab-34cd-56ef-1234567890ab")


def test_sse_c_requires_the_right_key(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"customer secret", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)
    assert put["SSECustomerAlgorithm"] == "AES256" and put["SSECustomerKeyMD5"]
    got = s3.get_object(Bucket=bucket, Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)
    assert got["Body"].read() == b"customer secret"
    assert s3.get_object(Bucket=bucket, Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY,
                         Range="bytes=9-")["Body"].read() == b"secret"
    assert_error(s3.get_object, "InvalidRequest", 400, Bucket=bucket, Key="k")
    assert_error(s3.get_object, "AccessDenied", 403, Bucket=bucket, Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER)
    assert_error(s3.head_object, "400", 400, Bucket=bucket, Key="k")
    assert_error(s3.put_object, "InvalidArgument", 400, Bucket=bucket, Key="short", Body=b"x",
                 SSECustomerAlgorithm="AES256", SSECustomerKey=b"short")
    # copying needs the source key; the copy can be stored under another key
    assert_error(s3.copy_object, "InvalidRequest", 400, Bucket=bucket, Key="copy", CopySource=f"{bucket}/k")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/k", CopySourceSSECustomerAlgorithm="AES256",
                   CopySourceSSECustomerKey=KEY, SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER)
    assert s3.get_object(Bucket=bucket, Key="copy", SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER)["Body"].read() == b"customer secret"


SSE_S3_DEFAULT = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}


def test_new_buckets_encrypt_with_sse_s3_by_default(s3: Any, bucket: str) -> None:
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == SSE_S3_DEFAULT
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"by default")["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["ServerSideEncryption"] == "AES256" and got["Body"].read() == b"by default"
    assert s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/k")["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="c", Range="bytes=3-9")["Body"].read() == b"default"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m")
    assert upload["ServerSideEncryption"] == "AES256"
    etag = s3.upload_part(Bucket=bucket, Key="m", UploadId=upload["UploadId"], PartNumber=1, Body=b"one part")["ETag"]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="m", UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert done["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="m")["Body"].read() == b"one part"
    # SSE-C in the request replaces the default
    sse_c = s3.put_object(Bucket=bucket, Key="c2", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)
    assert "ServerSideEncryption" not in sse_c and sse_c["SSECustomerAlgorithm"] == "AES256"
    assert_error(s3.get_bucket_encryption, "NoSuchBucket", 404, Bucket="no-such-bucket-here")


def test_bucket_default_encryption(s3: Any, aws: Any, bucket: str) -> None:
    kms = aws("kms")
    kms.create_alias(AliasName="alias/my-key", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    config = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/my-key"}}]}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"by default")
    assert put["ServerSideEncryption"] == "aws:kms"
    assert put["SSEKMSKeyId"].startswith("arn:aws:kms:us-east-1:000000000000:key/")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"by default"
    s3.delete_bucket_encryption(Bucket=bucket)
    # back to the SSE-S3 default, not to plaintext
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == SSE_S3_DEFAULT
    put = s3.put_object(Bucket=bucket, Key="after", Body=b"x")
    assert put["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in put
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"by default"



def test_bucket_key_from_the_default_rule(s3: Any, bucket: str) -> None:
    config = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config)
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"x")["BucketKeyEnabled"] is True
    assert s3.head_object(Bucket=bucket, Key="k")["BucketKeyEnabled"] is True
    assert s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/k")["BucketKeyEnabled"] is True
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m")
    assert upload["BucketKeyEnabled"] is True
    # the request's own setting wins over the bucket's
    assert "BucketKeyEnabled" not in s3.put_object(Bucket=bucket, Key="off", Body=b"x", BucketKeyEnabled=False)


def test_encrypted_multipart(s3: Any, bucket: str) -> None:
    parts = [os.urandom(5 * 1024 * 1024), os.urandom(1000)]
    uid = s3.create_multipart_upload(Bucket=bucket, Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)["UploadId"]
    assert_error(s3.upload_part, "InvalidRequest", 400, Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"x")
    etags = [s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=i + 1, Body=p, SSECustomerAlgorithm="AES256",
                            SSECustomerKey=KEY)["ETag"] for i, p in enumerate(parts)]
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    first = 5 * 1024 * 1024 - 10
    got = s3.get_object(Bucket=bucket, Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY, Range=f"bytes={first}-")
    assert got["Body"].read() == (parts[0] + parts[1])[first:]


def test_kms_multipart_needs_a_usable_key(s3: Any, aws: Any, bucket: str) -> None:
    kms = aws("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
    assert upload["ServerSideEncryption"] == "aws:kms"
    uid = upload["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"part one")["ETag"]
    kms.disable_key(KeyId=key_id)
    assert_error(s3.upload_part, "KMS.DisabledException", 400, Bucket=bucket, Key="k", UploadId=uid, PartNumber=2, Body=b"x")
    assert_error(s3.create_multipart_upload, "KMS.DisabledException", 400, Bucket=bucket, Key="k2",
                 ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
    kms.enable_key(KeyId=key_id)
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"part one"
    assert got["SSEKMSKeyId"].endswith(key_id)
