"""Objects, versions, multipart uploads and encrypted bytes survive a restart of a durable server."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
from botocore.config import Config

from tests.conftest import start_server, stop_server


def _client(endpoint: str) -> object:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))


def test_state_survives_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    big = os.urandom(200_000)
    server = start_server("--data-dir", str(data))
    try:
        s3 = _client(server.endpoint)
        s3.create_bucket(Bucket="durable-bucket")
        s3.put_bucket_versioning(Bucket="durable-bucket", VersioningConfiguration={"Status": "Enabled"})
        v1 = s3.put_object(Bucket="durable-bucket", Key="k", Body=b"small one")["VersionId"]
        s3.put_object(Bucket="durable-bucket", Key="k", Body=big, ServerSideEncryption="AES256")
        uid = s3.create_multipart_upload(Bucket="durable-bucket", Key="mp")["UploadId"]
        etag = s3.upload_part(Bucket="durable-bucket", Key="mp", UploadId=uid, PartNumber=1, Body=b"part")["ETag"]
    finally:
        stop_server(server)
    server = start_server("--data-dir", str(data))
    try:
        s3 = _client(server.endpoint)
        assert s3.get_object(Bucket="durable-bucket", Key="k")["Body"].read() == big
        assert s3.get_object(Bucket="durable-bucket", Key="k", VersionId=v1)["Body"].read() == b"small one"
        s3.complete_multipart_upload(Bucket="durable-bucket", Key="mp", UploadId=uid,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        assert s3.get_object(Bucket="durable-bucket", Key="mp")["Body"].read() == b"part"
    finally:
        stop_server(server)
