"""The AWS CLI, unchanged: create a user and its keys, call as that user, assume a role, call as
the role, and watch GetCallerIdentity change each time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.services.sts.conftest import trust


def cli(fogbank, tmp_path: Path, *args: str, key: str = "test", secret: str = "test",
        token: str | None = None) -> dict:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    env.pop("AWS_SESSION_TOKEN", None)
    if token:
        env["AWS_SESSION_TOKEN"] = token
    out = subprocess.run([sys.executable, "-m", "awscli", "--endpoint-url", fogbank.endpoint, *args],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if out.stdout.strip() else {}


def test_user_then_role_through_the_cli(fogbank, tmp_path: Path) -> None:
    user = cli(fogbank, tmp_path, "iam", "create-user", "--user-name", "carol")["User"]
    key = cli(fogbank, tmp_path, "iam", "create-access-key", "--user-name", "carol")["AccessKey"]
    as_carol = {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    assert cli(fogbank, tmp_path, "sts", "get-caller-identity", **as_carol)["Arn"] == user["Arn"]
    role = cli(fogbank, tmp_path, "iam", "create-role", "--role-name", "ops",
               "--assume-role-policy-document", trust({"AWS": user["Arn"]}))["Role"]
    creds = cli(fogbank, tmp_path, "sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name", "carol-ops",
                **as_carol)["Credentials"]
    identity = cli(fogbank, tmp_path, "sts", "get-caller-identity", key=creds["AccessKeyId"],
                   secret=creds["SecretAccessKey"], token=creds["SessionToken"])
    assert identity["Arn"] == "arn:aws:sts::000000000000:assumed-role/ops/carol-ops"
    assert identity["UserId"] == f"{role['RoleId']}:carol-ops"
