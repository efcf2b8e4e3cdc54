"""`fogbank serve` with a data directory: SIGTERM stops it cleanly, and a foreign or damaged data
directory is refused with exit code 4 and left untouched."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import start_server


def test_sigterm_shuts_down_cleanly(tmp_path: Path) -> None:
    server = start_server("--data-dir", str(tmp_path / "data"))
    assert server.admin("GET", "/_fogbank/health")["data_dir"] == str((tmp_path / "data").resolve())
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=15) == 0
    assert (tmp_path / "data" / "fogbank.db").exists()


def test_restart_on_same_data_dir(tmp_path: Path) -> None:
    for _ in range(2):
        server = start_server("--data-dir", str(tmp_path / "data"))
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=15) == 0


def test_foreign_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    foreign = data / "fogbank.db"
    foreign.write_bytes(b"this is somebody else's file\n" * 10)
    before = foreign.read_bytes()
    out = subprocess.run([sys.executable, "-m", "fogbank", "serve", "--data-dir", str(data), "--port", "0"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 4, out.stderr
    assert "data directory" in out.stderr
    assert foreign.read_bytes() == before
