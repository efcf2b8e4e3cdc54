"""The AWS CLI's high-level s3 commands (mb, sync, ls, rm, rb) against fogbank."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def _cli(fogbank: Any, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    result = subprocess.run([sys.executable, "-m", "awscli", "--endpoint-url", fogbank.endpoint, *args],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_sync_ls_rm(fogbank: Any, s3: Any, tmp_path: Path) -> None:
    tree = tmp_path / "site"
    (tree / "css").mkdir(parents=True)
    (tree / "index.html").write_text("<h1>hi</h1>")
    (tree / "css" / "main.css").write_text("body{}")
    (tree / "ünï code.txt").write_text("u")
    _cli(fogbank, tmp_path, "s3", "mb", "s3://cli-bucket")
    _cli(fogbank, tmp_path, "s3", "sync", str(tree), "s3://cli-bucket/site")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="cli-bucket")["Contents"])
    assert keys == ["site/css/main.css", "site/index.html", "site/ünï code.txt"]
    listing = _cli(fogbank, tmp_path, "s3", "ls", "s3://cli-bucket/site/").stdout
    assert "PRE css/" in listing and "index.html" in listing
    # a second sync has nothing to copy
    assert _cli(fogbank, tmp_path, "s3", "sync", str(tree), "s3://cli-bucket/site").stdout.strip() == ""
    back = tmp_path / "back"
    _cli(fogbank, tmp_path, "s3", "sync", "s3://cli-bucket/site", str(back))
    assert (back / "css" / "main.css").read_text() == "body{}"
    _cli(fogbank, tmp_path, "s3", "rm", "s3://cli-bucket", "--recursive")
    assert s3.list_objects_v2(Bucket="cli-bucket")["KeyCount"] == 0
    _cli(fogbank, tmp_path, "s3", "rb", "s3://cli-bucket")
    assert "cli-bucket" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
