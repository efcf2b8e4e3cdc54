"""Unpacking function code and layers from their zips into directories the processes can use.

Code is content-addressed (``<root>/code/<sha256 hex>``): functions and versions with the same zip
share one read-only tree. Layers chosen by a function are merged in order into one directory
(``<root>/opt/<digest of the layer list>``), later layers overwriting earlier ones as AWS
extracts them into ``/opt``. Each tree is unpacked into a temporary directory and renamed into
place, so a half-written tree is never used. Blocking work: call these from a thread.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import uuid
import zipfile
from collections.abc import Sequence
from pathlib import Path


class BadZip(Exception):
    """The bytes are not a zip archive fogbank can unpack."""


def check_zip(path: Path) -> None:
    """Raise BadZip unless ``path`` is a readable zip without entries escaping its root."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("/") or ".." in Path(name).parts:
                    raise BadZip(f"unsafe path in zip: {name}")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BadZip(str(exc)) from exc


def _extract(archive_path: Path, target: Path) -> None:
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            if info.filename.startswith("/") or ".." in Path(info.filename).parts:
                continue
            written = Path(archive.extract(info, target))
            mode = (info.external_attr >> 16) & 0o777
            if not info.is_dir():
                # keep the executable bits the zip recorded (a provided runtime's bootstrap)
                os.chmod(written, (mode or 0o644) | stat.S_IRUSR | stat.S_IWUSR)


def unpack(root: Path, sha_hex: str, zip_path: Path) -> Path:
    """The directory holding the zip's files, unpacking it first if needed."""
    target = root / "code" / sha_hex
    if target.is_dir():
        return target
    temp = root / "code" / f".tmp-{uuid.uuid4().hex}"
    temp.mkdir(parents=True)
    try:
        _extract(zip_path, temp)
        bootstrap = temp / "bootstrap"
        if bootstrap.is_file():
            bootstrap.chmod(bootstrap.stat().st_mode | 0o111)
        try:
            temp.rename(target)
        except OSError:
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target


def merge_layers(root: Path, layers: Sequence[tuple[str, Path]]) -> Path | None:
    """One directory with the layers (``(sha hex, zip path)``, in order) extracted over each other."""
    if not layers:
        return None
    digest = hashlib.sha256("/".join(sha for sha, _ in layers).encode()).hexdigest()[:32]
    target = root / "opt" / digest
    if target.is_dir():
        return target
    temp = root / "opt" / f".tmp-{uuid.uuid4().hex}"
    temp.mkdir(parents=True)
    try:
        for _sha, path in layers:
            _extract(path, temp)
        try:
            temp.rename(target)
        except OSError:
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target
