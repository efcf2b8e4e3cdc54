"""Public keys IAM users upload: SSH public keys (CodeCommit over SSH) and X.509 signing
certificates, each with a status and per-user limits."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import string
from typing import Any

from fogbank.context import Ctx
from fogbank.services.iam import ids, store
from fogbank.services.iam.certs import certificate_validity, pem_blocks
from fogbank.services.iam.credentials import caller_user
from fogbank.services.iam.entities import require
from fogbank.services.iam.errors import (
    DuplicateCertificateException,
    DuplicateSSHPublicKeyException,
    InvalidPublicKeyException,
    LimitExceededException,
    MalformedCertificateException,
    NoSuchEntityException,
    UnrecognizedPublicKeyEncodingException,
    validation,
)
from fogbank.services.iam.paging import page

MAX_SSH_KEYS = 5
MAX_SIGNING_CERTIFICATES = 2
MIN_RSA_BITS = 2048


def _ssh_blob(body: str) -> bytes:
    """The key blob of an OpenSSH ``ssh-rsa AAAA...`` line or a PEM public key."""
    text = body.strip()
    if text.startswith("-----BEGIN"):
        for label in ("PUBLIC KEY", "RSA PUBLIC KEY"):
            blocks = pem_blocks(text, label)
            if blocks:
                return blocks[0]
        raise UnrecognizedPublicKeyEncodingException("Unrecognized public key encoding.")
    parts = text.split()
    if len(parts) < 2:
        raise UnrecognizedPublicKeyEncodingException("Unrecognized public key encoding.")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (ValueError, binascii.Error):
        raise UnrecognizedPublicKeyEncodingException("Unrecognized public key encoding.") from None
    if parts[0] != "ssh-rsa":
        raise InvalidPublicKeyException("Public key is not an RSA key.")
    try:
        fields, at = [], 0
        for _ in range(3):
            size = int.from_bytes(blob[at:at + 4], "big")
            fields.append(blob[at + 4:at + 4 + size])
            at += 4 + size
        if fields[0] != b"ssh-rsa" or len(fields[2]) == 0:
            raise ValueError("not an RSA key")
        bits = int.from_bytes(fields[2], "big").bit_length()
    except (ValueError, IndexError):
        raise InvalidPublicKeyException("Public key is not valid.") from None
    if bits < MIN_RSA_BITS:
        raise InvalidPublicKeyException(f"Public key must be at least {MIN_RSA_BITS} bits long.")
    return blob


def _fingerprint(blob: bytes) -> str:
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _ssh_view(record: dict[str, Any], with_body: bool) -> dict[str, Any]:
    out = {k: record[k] for k in ("UserName", "SSHPublicKeyId", "Status")}
    out["UploadDate"] = store.when(record["UploadDate"])
    if with_body:
        out.update(Fingerprint=record["Fingerprint"], SSHPublicKeyBody=record["SSHPublicKeyBody"])
    return out


class PublicKeys:
    """SSH public key and signing certificate operations."""

    # --- SSH public keys -----------------------------------------------------------------------

    def upload_ssh_public_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Store a user's SSH public key (RSA, at least 2048 bits), five per user."""
        fingerprint = _fingerprint(_ssh_blob(request["SSHPublicKeyBody"]))
        with ctx.store.transaction() as txn:
            user = require(txn, ctx, "user", request["UserName"])
            owned = [k for k in store.records(txn, ctx.account, "ssh")
                     if k["UserName"].lower() == user["UserName"].lower()]
            if any(k["Fingerprint"] == fingerprint for k in owned):
                raise DuplicateSSHPublicKeyException("The public key is already associated with this user.")
            if len(owned) >= MAX_SSH_KEYS:
                raise LimitExceededException(f"Cannot exceed quota for PublicKeysPerUser: {MAX_SSH_KEYS}")
            record = {"UserName": user["UserName"], "SSHPublicKeyId": ids.unique_id("APKA")[:20],
                      "Fingerprint": fingerprint, "SSHPublicKeyBody": request["SSHPublicKeyBody"],
                      "Status": "Active", "UploadDate": ctx.clock.now()}
            store.save(txn, ctx.account, "ssh", record["SSHPublicKeyId"], record)
        return {"SSHPublicKey": _ssh_view(record, True)}

    def _ssh(self, reader: Any, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        require(reader, ctx, "user", request["UserName"])
        record = store.load(reader, ctx.account, "ssh", request["SSHPublicKeyId"])
        if record is None or record["UserName"].lower() != request["UserName"].lower():
            raise NoSuchEntityException(f"The Public Key with id {request['SSHPublicKeyId']} cannot be found.")
        return record

    def get_ssh_public_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A user's SSH public key, as it was uploaded."""
        return {"SSHPublicKey": _ssh_view(self._ssh(ctx.store, ctx, request), True)}

    def list_ssh_public_keys(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A user's SSH public keys."""
        name = caller_user(ctx, request)
        if name is not None:
            require(ctx.store, ctx, "user", name)
        rows = [_ssh_view(k, False) for k in store.records(ctx.store, ctx.account, "ssh")
                if name is None or k["UserName"].lower() == name.lower()]
        return page(rows, request, lambda k: k["SSHPublicKeyId"], "SSHPublicKeys")

    def update_ssh_public_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Make an SSH public key Active or Inactive."""
        with ctx.store.transaction() as txn:
            record = self._ssh(txn, ctx, request)
            record["Status"] = request["Status"]
            store.save(txn, ctx.account, "ssh", record["SSHPublicKeyId"], record)
        return {}

    def delete_ssh_public_key(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete an SSH public key."""
        with ctx.store.transaction() as txn:
            record = self._ssh(txn, ctx, request)
            store.remove(txn, ctx.account, "ssh", record["SSHPublicKeyId"])
        return {}

    # --- signing certificates ------------------------------------------------------------------

    def upload_signing_certificate(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Store an X.509 signing certificate for a user, two per user."""
        name = caller_user(ctx, request)
        if name is None:
            raise validation("Must specify userName when calling with non-User credentials")
        body = request["CertificateBody"]
        blocks = pem_blocks(body, "CERTIFICATE")
        try:
            if len(blocks) != 1:
                raise ValueError("not one certificate")
            certificate_validity(blocks[0])
        except ValueError:
            raise MalformedCertificateException("Certificate body is invalid") from None
        with ctx.store.transaction() as txn:
            user = require(txn, ctx, "user", name)
            owned = [c for c in store.records(txn, ctx.account, "signcert")
                     if c["UserName"].lower() == user["UserName"].lower()]
            if any(pem_blocks(c["CertificateBody"], "CERTIFICATE") == blocks for c in owned):
                raise DuplicateCertificateException("The certificate is already associated with this user.")
            if len(owned) >= MAX_SIGNING_CERTIFICATES:
                raise LimitExceededException(f"Cannot exceed quota for SigningCertificatesPerUser: "
                                             f"{MAX_SIGNING_CERTIFICATES}")
            cert_id = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(32))
            record = {"UserName": user["UserName"], "CertificateId": cert_id, "CertificateBody": body,
                      "Status": "Active", "UploadDate": ctx.clock.now()}
            store.save(txn, ctx.account, "signcert", cert_id, record)
        return {"Certificate": store.public(record)}

    def _signing(self, reader: Any, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        name = caller_user(ctx, request)
        record = store.load(reader, ctx.account, "signcert", request["CertificateId"])
        if record is None or (name is not None and record["UserName"].lower() != name.lower()):
            raise NoSuchEntityException(f"The Certificate with id {request['CertificateId']} cannot be found.")
        return record

    def list_signing_certificates(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A user's signing certificates."""
        name = caller_user(ctx, request)
        if name is not None:
            require(ctx.store, ctx, "user", name)
        rows = [store.public(c) for c in store.records(ctx.store, ctx.account, "signcert")
                if name is None or c["UserName"].lower() == name.lower()]
        return page(rows, request, lambda c: c["CertificateId"], "Certificates")

    def update_signing_certificate(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Make a signing certificate Active or Inactive."""
        with ctx.store.transaction() as txn:
            record = self._signing(txn, ctx, request)
            record["Status"] = request["Status"]
            store.save(txn, ctx.account, "signcert", record["CertificateId"], record)
        return {}

    def delete_signing_certificate(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a signing certificate."""
        with ctx.store.transaction() as txn:
            record = self._signing(txn, ctx, request)
            store.remove(txn, ctx.account, "signcert", record["CertificateId"])
        return {}
