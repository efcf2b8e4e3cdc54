"""Server certificates (for load balancers and CloudFront): PEM certificates uploaded with their
private key, their expiry read from the X.509 structure itself, paths, renames and tags."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.iam import ids, store
from fogbank.services.iam.entities import drop_tags, merge_tags
from fogbank.services.iam.errors import (
    EntityAlreadyExistsException,
    LimitExceededException,
    MalformedCertificateException,
    NoSuchEntityException,
)
from fogbank.services.iam.paging import page

MAX_CERTIFICATES = 20
_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END \1-----")


def pem_blocks(text: str, label: str) -> list[bytes]:
    """The DER bytes of every ``label`` PEM block in ``text`` ([] when one is not base64)."""
    blocks = []
    for kind, body in _PEM.findall(text or ""):
        if kind != label:
            continue
        try:
            blocks.append(base64.b64decode("".join(body.split()), validate=True))
        except (ValueError, binascii.Error):
            return []
    return blocks


def _tlv(data: bytes, at: int) -> tuple[int, bytes, int]:
    """One DER element at ``at``: (tag, contents, offset after it)."""
    tag, length = data[at], data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[at:at + count], "big")
        at += count
    if at + length > len(data):
        raise ValueError("truncated")
    return tag, data[at:at + length], at + length


def _der_time(tag: int, raw: bytes) -> float:
    text = raw.decode("ascii").rstrip("Z")
    if tag == 0x17:  # UTCTime: two-digit years, 1950-2049
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC).timestamp()


def certificate_validity(der: bytes) -> tuple[float, float]:
    """(notBefore, notAfter) of an X.509 certificate in DER form; ValueError when it is not one."""
    try:
        tag, cert, _ = _tlv(der, 0)
        if tag != 0x30:
            raise ValueError("not a sequence")
        tag, tbs, _ = _tlv(cert, 0)
        at = 0
        tag, _, after = _tlv(tbs, at)
        if tag == 0xA0:  # explicit version
            at = after
        for _ in range(3):  # serial, signature algorithm, issuer
            _, _, at = _tlv(tbs, at)
        tag, validity, _ = _tlv(tbs, at)
        if tag != 0x30:
            raise ValueError("no validity")
        t1, start, after = _tlv(validity, 0)
        t2, end, _ = _tlv(validity, after)
        return _der_time(t1, start), _der_time(t2, end)
    except (IndexError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from None


def _metadata(record: dict[str, Any]) -> dict[str, Any]:
    return {k: store.when(record[k]) if k in ("UploadDate", "Expiration") else record[k]
            for k in ("Path", "ServerCertificateName", "ServerCertificateId", "Arn", "UploadDate", "Expiration")}


class Certificates:
    """Server certificate operations."""

    def upload_server_certificate(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Store a PEM certificate (with chain) and check its private key is PEM too."""
        name, path = request["ServerCertificateName"], request.get("Path") or "/"
        bodies = pem_blocks(request["CertificateBody"], "CERTIFICATE")
        if len(bodies) != 1:
            raise MalformedCertificateException("Certificate body is invalid")
        try:
            _, expiration = certificate_validity(bodies[0])
        except ValueError:
            raise MalformedCertificateException("Certificate body is invalid") from None
        key = request["PrivateKey"]
        if not any(pem_blocks(key, label) for label in ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")):
            raise MalformedCertificateException("Private key is invalid")
        chain = request.get("CertificateChain")
        if chain is not None and not pem_blocks(chain, "CERTIFICATE"):
            raise MalformedCertificateException("Certificate chain is invalid")
        with ctx.store.transaction() as txn:
            if store.load(txn, ctx.account, "cert", name) is not None:
                raise EntityAlreadyExistsException(f"The Server Certificate with name {name} already exists.")
            if txn.count(store.prefix(ctx.account, "cert")) >= MAX_CERTIFICATES:
                raise LimitExceededException(f"Cannot exceed quota for ServerCertificatesPerAccount: "
                                             f"{MAX_CERTIFICATES}")
            record: dict[str, Any] = {
                "Path": path, "ServerCertificateName": name, "ServerCertificateId": ids.unique_id(ids.CERT),
                "Arn": ids.arn(ctx.account, "server-certificate", path, name), "UploadDate": ctx.clock.now(),
                "Expiration": expiration, "Tags": [], "_body": request["CertificateBody"], "_chain": chain,
            }
            if request.get("Tags"):
                merge_tags(record, request["Tags"], "TagsPerServerCertificate")
            store.save(txn, ctx.account, "cert", name, record)
        out: dict[str, Any] = {"ServerCertificateMetadata": _metadata(record)}
        if record["Tags"]:
            out["Tags"] = record["Tags"]
        return out

    def _certificate(self, reader: Any, ctx: Ctx, name: str) -> dict[str, Any]:
        record = store.load(reader, ctx.account, "cert", name)
        if record is None:
            raise NoSuchEntityException(f"The Server Certificate with name {name} cannot be found.")
        return record

    def get_server_certificate(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A certificate with its body and chain (never its private key)."""
        record = self._certificate(ctx.store, ctx, request["ServerCertificateName"])
        out: dict[str, Any] = {"ServerCertificateMetadata": _metadata(record), "CertificateBody": record["_body"]}
        if record.get("_chain"):
            out["CertificateChain"] = record["_chain"]
        if record.get("Tags"):
            out["Tags"] = record["Tags"]
        return {"ServerCertificate": out}

    def list_server_certificates(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Certificates under a path prefix."""
        prefix = request.get("PathPrefix") or "/"
        rows = [_metadata(r) for r in store.records(ctx.store, ctx.account, "cert") if r["Path"].startswith(prefix)]
        return page(rows, request, lambda r: r["ServerCertificateName"].lower(), "ServerCertificateMetadataList")

    def update_server_certificate(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Rename a certificate or change its path."""
        name = request["ServerCertificateName"]
        with ctx.store.transaction() as txn:
            record = self._certificate(txn, ctx, name)
            new_name = request.get("NewServerCertificateName") or record["ServerCertificateName"]
            new_path = request.get("NewPath") or record["Path"]
            if new_name.lower() != name.lower() and store.load(txn, ctx.account, "cert", new_name) is not None:
                raise EntityAlreadyExistsException(f"The Server Certificate with name {new_name} already exists.")
            store.remove(txn, ctx.account, "cert", name)
            record.update(ServerCertificateName=new_name, Path=new_path,
                          Arn=ids.arn(ctx.account, "server-certificate", new_path, new_name))
            store.save(txn, ctx.account, "cert", new_name, record)
        return {}

    def delete_server_certificate(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Delete a certificate."""
        with ctx.store.transaction() as txn:
            record = self._certificate(txn, ctx, request["ServerCertificateName"])
            store.remove(txn, ctx.account, "cert", record["ServerCertificateName"])
        return {}

    def tag_server_certificate(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Add or replace tags on a certificate."""
        with ctx.store.transaction() as txn:
            record = self._certificate(txn, ctx, request["ServerCertificateName"])
            merge_tags(record, request["Tags"], "TagsPerServerCertificate")
            store.save(txn, ctx.account, "cert", record["ServerCertificateName"], record)
        return {}

    def untag_server_certificate(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Remove tags from a certificate."""
        with ctx.store.transaction() as txn:
            record = self._certificate(txn, ctx, request["ServerCertificateName"])
            drop_tags(record, request["TagKeys"])
            store.save(txn, ctx.account, "cert", record["ServerCertificateName"], record)
        return {}

    def list_server_certificate_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """A certificate's tags."""
        record = self._certificate(ctx.store, ctx, request["ServerCertificateName"])
        return page(record.get("Tags") or [], request, lambda t: t["Key"].lower(), "Tags")
