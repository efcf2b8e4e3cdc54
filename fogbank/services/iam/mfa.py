"""Virtual MFA devices: TOTP seeds (RFC 6238: HMAC-SHA1, 30-second steps, six digits) on
fogbank's clock, enabling with two consecutive codes, resync, and the codes STS checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from typing import Any

from fogbank.context import Ctx
from fogbank.services.iam import store
from fogbank.services.iam.entities import drop_tags, merge_tags, require
from fogbank.services.iam.errors import (
    DeleteConflictException,
    EntityAlreadyExistsException,
    InvalidAuthenticationCodeException,
    LimitExceededException,
    NoSuchEntityException,
)
from fogbank.services.iam.paging import page

STEP = 30
MAX_DEVICES_PER_USER = 8
# how many steps either side of now a code may come from (clock drift, as AWS allows)
WINDOW = 1
RESYNC_WINDOW = 10


def totp(seed_b32: str, step: int) -> str:
    """The six-digit code of ``seed_b32`` for time step ``step``."""
    key = base64.b32decode(seed_b32)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _consecutive(seed: str, now: float, first: str, second: str, window: int) -> int | None:
    """The step of ``second`` when the two codes are consecutive near ``now``, else None."""
    current = int(now // STEP)
    for step in range(current - window, current + window + 1):
        if totp(seed, step - 1) == first and totp(seed, step) == second:
            return step
    return None


def code_matches(ctx: Ctx, device: dict[str, Any], code: str) -> bool:
    """Whether ``code`` is the device's code now (give or take one step) and not used before."""
    current = int(ctx.clock.now() // STEP)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if totp(device["_seed"], step) == code and step > device.get("_last_step", -1):
            return True
    return False


def device_of(ctx: Ctx, account: str, serial: str) -> dict[str, Any] | None:
    """An MFA device by serial number (its ARN), or None."""
    return store.load(ctx.store, account, "mfa", serial)


def _device_view(record: dict[str, Any]) -> dict[str, Any]:
    return {"UserName": record["UserName"], "SerialNumber": record["SerialNumber"],
            "EnableDate": store.when(record["EnableDate"])}


class Mfa:
    """MFA device operations."""

    def create_virtual_mfa_device(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A virtual device with a fresh TOTP seed (returned once, base32)."""
        path = request.get("Path") or "/"
        serial = f"arn:aws:iam::{ctx.account}:mfa{path}{request['VirtualMFADeviceName']}"
        seed = base64.b32encode(secrets.token_bytes(40)).decode()
        with ctx.store.transaction() as txn:
            if store.load(txn, ctx.account, "mfa", serial) is not None:
                raise EntityAlreadyExistsException("MFADevice entity at the same path and name already exists.")
            record: dict[str, Any] = {"SerialNumber": serial, "UserName": None, "EnableDate": None, "Tags": [],
                                      "_seed": seed, "CreateDate": ctx.clock.now()}
            if request.get("Tags"):
                merge_tags(record, request["Tags"], "TagsPerMFADevice")
            store.save(txn, ctx.account, "mfa", serial, record)
        out: dict[str, Any] = {"SerialNumber": serial, "Base32StringSeed": seed.encode()}
        if record["Tags"]:
            out["Tags"] = record["Tags"]
        return {"VirtualMFADevice": out}

    def _device(self, reader: Any, ctx: Ctx, serial: str) -> dict[str, Any]:
        record = store.load(reader, ctx.account, "mfa", serial)
        if record is None:
            raise NoSuchEntityException(f"MFA Device with serial number {serial} does not exist.")
        return record

    def enable_mfa_device(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Assign a device to a user once two consecutive codes prove it is in sync."""
        serial = request["SerialNumber"]
        with ctx.store.transaction() as txn:
            user = require(txn, ctx, "user", request["UserName"])
            record = self._device(txn, ctx, serial)
            if record["UserName"]:
                raise EntityAlreadyExistsException("MFA device is already in use.")
            owned = [d for d in store.records(txn, ctx.account, "mfa")
                     if (d["UserName"] or "").lower() == user["UserName"].lower()]
            if len(owned) >= MAX_DEVICES_PER_USER:
                raise LimitExceededException(f"Cannot exceed quota for MFADevicesPerUser: {MAX_DEVICES_PER_USER}")
            step = _consecutive(record["_seed"], ctx.clock.now(), request["AuthenticationCode1"],
                                request["AuthenticationCode2"], WINDOW)
            if step is None:
                raise InvalidAuthenticationCodeException("Authentication code for device is not valid.")
            record.update(UserName=user["UserName"], EnableDate=ctx.clock.now(), _last_step=step)
            store.save(txn, ctx.account, "mfa", serial, record)
        return {}

    def resync_mfa_device(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Bring a drifted device back in sync with two consecutive codes from a wider window."""
        with ctx.store.transaction() as txn:
            require(txn, ctx, "user", request["UserName"])
            record = self._device(txn, ctx, request["SerialNumber"])
            if (record["UserName"] or "").lower() != request["UserName"].lower():
                raise NoSuchEntityException(f"MFA Device with serial number {request['SerialNumber']} does not exist.")
            step = _consecutive(record["_seed"], ctx.clock.now(), request["AuthenticationCode1"],
                                request["AuthenticationCode2"], RESYNC_WINDOW)
            if step is None:
                raise InvalidAuthenticationCodeException("Authentication code for device is not valid.")
            record["_last_step"] = step
            store.save(txn, ctx.account, "mfa", record["SerialNumber"], record)
        return {}

    def deactivate_mfa_device(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Unassign a device from its user."""
        with ctx.store.transaction() as txn:
            record = self._device(txn, ctx, request["SerialNumber"])
            name = request.get("UserName")
            if not record["UserName"] or (name and record["UserName"].lower() != name.lower()):
                raise NoSuchEntityException(f"MFA Device with serial number {request['SerialNumber']} does not exist.")
            record.update(UserName=None, EnableDate=None)
            store.save(txn, ctx.account, "mfa", record["SerialNumber"], record)
        return {}

    def delete_virtual_mfa_device(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a virtual device that no user has enabled."""
        with ctx.store.transaction() as txn:
            record = self._device(txn, ctx, request["SerialNumber"])
            if record["UserName"]:
                raise DeleteConflictException("MFA VirtualDevice in use. Must deactivate first.")
            store.remove(txn, ctx.account, "mfa", record["SerialNumber"])
        return {}

    def list_mfa_devices(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """The devices enabled for a user (the caller when no user is named)."""
        name = request.get("UserName")
        if not name and ctx.principal is not None and ":user/" in ctx.principal.arn:
            name = ctx.principal.arn.rsplit("/", 1)[1]
        if name:
            require(ctx.store, ctx, "user", name)
        rows = [_device_view(d) for d in store.records(ctx.store, ctx.account, "mfa")
                if d["UserName"] and (not name or d["UserName"].lower() == name.lower())]
        return page(rows, request, lambda d: d["SerialNumber"], "MFADevices")

    def get_mfa_device(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """One MFA device."""
        record = self._device(ctx.store, ctx, request["SerialNumber"])
        out: dict[str, Any] = {"SerialNumber": record["SerialNumber"]}
        if record["UserName"]:
            out.update(UserName=record["UserName"], EnableDate=store.when(record["EnableDate"]))
        return out

    def list_virtual_mfa_devices(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Virtual devices, assigned, unassigned or any."""
        status = request.get("AssignmentStatus") or "Any"
        rows = []
        for d in store.records(ctx.store, ctx.account, "mfa"):
            if (status == "Assigned" and not d["UserName"]) or (status == "Unassigned" and d["UserName"]):
                continue
            row: dict[str, Any] = {"SerialNumber": d["SerialNumber"]}
            if d["UserName"]:
                user = store.load(ctx.store, ctx.account, "user", d["UserName"])
                if user is not None:
                    row["User"] = store.public(user, drop=("Tags", "PermissionsBoundary"))
                row["EnableDate"] = store.when(d["EnableDate"])
            if d.get("Tags"):
                row["Tags"] = d["Tags"]
            rows.append(row)
        return page(rows, request, lambda d: d["SerialNumber"], "VirtualMFADevices")

    def tag_mfa_device(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Add or replace tags on a virtual MFA device."""
        with ctx.store.transaction() as txn:
            record = self._device(txn, ctx, request["SerialNumber"])
            merge_tags(record, request["Tags"], "TagsPerMFADevice")
            store.save(txn, ctx.account, "mfa", record["SerialNumber"], record)
        return {}

    def untag_mfa_device(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove tags from a virtual MFA device."""
        with ctx.store.transaction() as txn:
            record = self._device(txn, ctx, request["SerialNumber"])
            drop_tags(record, request["TagKeys"])
            store.save(txn, ctx.account, "mfa", record["SerialNumber"], record)
        return {}

    def list_mfa_device_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A virtual MFA device's tags."""
        record = self._device(ctx.store, ctx, request["SerialNumber"])
        return page(record.get("Tags") or [], request, lambda t: t["Key"].lower(), "Tags")
