"""Which command starts an execution environment for a runtime, and on which local interpreter.

``python3.9``–``python3.13`` run on the local interpreter of the same minor version when the
machine has one (``/usr/bin``, ``/usr/local/bin``, pyenv), else on the interpreter running fogbank.
``nodejs18.x``–``nodejs22.x`` run on the local ``node``. ``provided``/``provided.al2``/
``provided.al2023`` run the function's own ``bootstrap`` (or a layer's, as AWS allows).
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON_BOOTSTRAP = HERE / "python" / "bootstrap.py"
NODE_BOOTSTRAP = HERE / "node" / "bootstrap.js"

PYTHON_RUNTIMES = ("python3.9", "python3.10", "python3.11", "python3.12", "python3.13")
NODE_RUNTIMES = ("nodejs18.x", "nodejs20.x", "nodejs22.x")
PROVIDED_RUNTIMES = ("provided", "provided.al2", "provided.al2023")


class RuntimeUnavailable(Exception):
    """No local program can run this runtime."""


@functools.lru_cache(maxsize=16)
def python_for(runtime: str) -> str:
    """The interpreter that serves ``runtime`` (``python3.12`` -> a local Python 3.12 if any)."""
    version = runtime.removeprefix("python")
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    candidates = [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv}/versions/{version}.*/bin/python{version}"), reverse=True)
    for path in os.environ.get("PATH", "").split(os.pathsep):
        if "shims" not in path:
            candidates.append(os.path.join(path, f"python{version}"))
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return sys.executable


@functools.lru_cache(maxsize=1)
def node() -> str | None:
    """The local ``node`` executable, if any."""
    return shutil.which("node")


def sdk_path() -> str:
    """The directory holding the AWS SDK for Python (boto3) that handlers can import, as on AWS."""
    import botocore

    return str(Path(botocore.__file__).resolve().parent.parent)


def command(runtime: str, code_dir: Path, opt_dir: Path | None) -> list[str]:
    """The argv that starts an environment of ``runtime``; raises RuntimeUnavailable."""
    if runtime in PYTHON_RUNTIMES:
        return [python_for(runtime), "-u", "-s", str(PYTHON_BOOTSTRAP)]
    if runtime in NODE_RUNTIMES:
        exe = node()
        if exe is None:
            raise RuntimeUnavailable(f"fogbank found no local node executable to run {runtime}")
        return [exe, str(NODE_BOOTSTRAP)]
    if runtime in PROVIDED_RUNTIMES or not runtime:
        for candidate in (code_dir / "bootstrap", (opt_dir / "bootstrap") if opt_dir else None):
            if candidate is not None and candidate.is_file():
                return [str(candidate)]
        raise RuntimeUnavailable("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")
    raise RuntimeUnavailable(f"fogbank cannot run {runtime} functions: no local runtime for it")


def search_env(runtime: str, code_dir: Path, opt_dir: Path | None) -> dict[str, str]:
    """The module search variables a runtime needs (AWS sets the same ones, with /opt and /var/task)."""
    opt = str(opt_dir) if opt_dir else ""
    if runtime in PYTHON_RUNTIMES:
        return {"FOGBANK_SDK_PATH": sdk_path()}
    if runtime in NODE_RUNTIMES:
        major = runtime.removeprefix("nodejs").removesuffix(".x")
        parts = [f"{opt}/nodejs/node{major}/node_modules", f"{opt}/nodejs/node_modules"] if opt else []
        parts.append(str(code_dir))
        return {"NODE_PATH": os.pathsep.join(parts)}
    return {}
