"""The fogbank command: exit codes scripts can rely on, and clear messages."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fogbank.cli import main


def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fogbank", *args], capture_output=True, text=True, timeout=timeout)


def test_env_prints_exports(capsys: pytest.CaptureFixture) -> None:
    assert main(["env", "--port", "4600"]) == 0
    out = capsys.readouterr().out
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:4600" in out
    assert "export AWS_ACCESS_KEY_ID=test" in out


def test_coverage_table_counts_sts(capsys: pytest.CaptureFixture) -> None:
    assert main(["coverage"]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("sts "))
    implemented, modelled = map(int, line.split()[1:])
    assert implemented >= 1 and modelled > implemented


def test_status_without_server_exits_1() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = run("status", "--port", str(port))
    assert out.returncode == 1
    assert "no server answers" in out.stderr


def test_port_in_use_exits_3() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        out = run("serve", "--in-memory", "--port", str(s.getsockname()[1]))
    assert out.returncode == 3
    assert "already in use" in out.stderr


def test_bad_setting_exits_2() -> None:
    out = run("serve", "--default-account", "42")
    assert out.returncode == 2
    assert "12 digits" in out.stderr


def test_unusable_data_dir_exits_4(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    out = run("serve", "--data-dir", str(blocker / "data"), "--port", "0")
    assert out.returncode == 4
    assert "data directory" in out.stderr


def test_status_and_reset_of_one_service_on_a_live_server(aws, fogbank) -> None:
    port = fogbank.endpoint.rsplit(":", 1)[1]
    aws("sqs").create_queue(QueueName="forgotten")
    aws("s3").create_bucket(Bucket="kept")
    out = run("status", "--port", port)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["services"]["sqs"] == "available"
    out = run("reset", "sqs", "--port", port)
    assert (out.returncode, out.stdout.strip()) == (0, "reset: sqs")
    assert "QueueUrls" not in aws("sqs").list_queues()
    assert [b["Name"] for b in aws("s3").list_buckets()["Buckets"]] == ["kept"]
    out = run("reset", "nosuchservice", "--port", port)
    assert out.returncode == 2 and "nosuchservice" in out.stderr
    assert run("reset", "--port", port).returncode == 0
    assert aws("s3").list_buckets()["Buckets"] == []


def test_env_lines_configure_a_working_client(fogbank, tmp_path: Path) -> None:
    port = fogbank.endpoint.rsplit(":", 1)[1]
    out = run("env", "--port", port)
    assert out.returncode == 0
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.stdout.splitlines())
    env.update(PATH=os.environ.get("PATH", ""), AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    call = subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert call.returncode == 0, call.stderr
    assert json.loads(call.stdout)["Account"] == "000000000000"
