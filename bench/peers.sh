#!/usr/bin/env bash
# Installs the peer emulators (moto server, MiniStack) that the benchmark compares fogbank with.
# They go into their own virtualenv, bench/.venv-peers, so they never touch the project's .venv.
# Idempotent: safe to run again; `bench/peers.sh --upgrade` refreshes them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-peers"
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
upgrade=()
if [ "${1:-}" = "--upgrade" ]; then upgrade=(--upgrade); fi
"$venv/bin/python" -m pip install --quiet "${upgrade[@]}" "moto[server]" ministack
"$venv/bin/python" -m pip list --format=freeze 2>/dev/null | grep -iE '^(moto|ministack|uvicorn|hypercorn)==' || true
