"""The REST matcher picks the operation AWS would from method, path, query keys and headers."""

from __future__ import annotations

import pytest

from fogbank.server.operations import matcher_for
from fogbank.spec.loader import service_model


@pytest.mark.parametrize(("method", "path", "query", "headers", "expected"), [
    ("GET", "/", {}, {}, ("ListBuckets", {})),
    ("GET", "/b", {}, {}, ("ListObjects", {"Bucket": "b"})),
    ("GET", "/b", {"list-type": ["2"]}, {}, ("ListObjectsV2", {"Bucket": "b"})),
    ("GET", "/b/", {"versioning": [""]}, {}, ("GetBucketVersioning", {"Bucket": "b"})),
    ("PUT", "/b", {}, {}, ("CreateBucket", {"Bucket": "b"})),
    ("PUT", "/b/dir/file%20name.txt", {}, {}, ("PutObject", {"Bucket": "b", "Key": "dir/file name.txt"})),
    ("PUT", "/b/k", {}, {"x-amz-copy-source": "/a/k"}, ("CopyObject", {"Bucket": "b", "Key": "k"})),
    ("PUT", "/b/k", {"partNumber": ["1"], "uploadId": ["u"]}, {}, ("UploadPart", {"Bucket": "b", "Key": "k"})),
    ("POST", "/b/k", {"uploads": [""]}, {}, ("CreateMultipartUpload", {"Bucket": "b", "Key": "k"})),
    ("DELETE", "/b", {"cors": [""]}, {}, ("DeleteBucketCors", {"Bucket": "b"})),
    ("DELETE", "/b", {}, {}, ("DeleteBucket", {"Bucket": "b"})),
    ("HEAD", "/b/k", {}, {}, ("HeadObject", {"Bucket": "b", "Key": "k"})),
    ("GET", "/b", {"lifecycle": [""]}, {}, ("GetBucketLifecycleConfiguration", {"Bucket": "b"})),
    ("PUT", "/b", {"notification": [""]}, {}, ("PutBucketNotificationConfiguration", {"Bucket": "b"})),
])
def test_s3(method: str, path: str, query: dict, headers: dict, expected: tuple) -> None:
    assert matcher_for(service_model("s3")).match(method, path, query, headers) == expected


def test_lambda_paths_and_no_match() -> None:
    m = matcher_for(service_model("lambda"))
    assert m.match("POST", "/2015-03-31/functions/my-fn/invocations", {}, {}) == ("Invoke", {"FunctionName": "my-fn"})
    assert m.match("GET", "/2015-03-31/functions/", {}, {}) == ("ListFunctions", {})
    assert m.match("PATCH", "/2015-03-31/functions/", {}, {}) is None
    assert m.match("GET", "/nowhere", {}, {}) is None
