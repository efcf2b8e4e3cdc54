"""SSH public keys, signing certificates and the credential report, through boto3."""

from __future__ import annotations

import base64
import csv
import io
import struct

import pytest
from botocore.exceptions import ClientError

from tests.services.iam.test_simulate_account import _certificate


def error_of(info: pytest.ExceptionInfo) -> tuple[str, int, str]:
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def ssh_rsa(bits: int = 2048, seed: int = 1) -> str:
    """An OpenSSH ``ssh-rsa`` public key line with a modulus of ``bits`` bits."""
    def field(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data
    modulus = ((1 << (bits - 1)) | (seed * 2 + 1)).to_bytes(bits // 8, "big")
    blob = field(b"ssh-rsa") + field(b"\x01\x00\x01") + field(b"\x00" + modulus)
    return "ssh-rsa " + base64.b64encode(blob).decode() + " dev@example"


def test_ssh_public_keys(iam) -> None:
    iam.create_user(UserName="dev")
    key = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=ssh_rsa())["SSHPublicKey"]
    assert key["SSHPublicKeyId"].startswith("APKA") and len(key["SSHPublicKeyId"]) == 20
    assert key["Status"] == "Active" and key["Fingerprint"].count(":") == 15
    with pytest.raises(ClientError) as info:
        iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=ssh_rsa())
    assert error_of(info)[:2] == ("DuplicateSSHPublicKey", 400)
    with pytest.raises(ClientError) as info:
        iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=ssh_rsa(bits=1024, seed=2))
    assert error_of(info)[:2] == ("InvalidPublicKey", 400)
    with pytest.raises(ClientError) as info:
        iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody="garbage")
    assert error_of(info)[:2] == ("UnrecognizedPublicKeyEncoding", 400)
    got = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=key["SSHPublicKeyId"], Encoding="SSH")["SSHPublicKey"]
    assert got["SSHPublicKeyBody"] == ssh_rsa()
    iam.update_ssh_public_key(UserName="dev", SSHPublicKeyId=key["SSHPublicKeyId"], Status="Inactive")
    assert iam.list_ssh_public_keys(UserName="dev")["SSHPublicKeys"][0]["Status"] == "Inactive"
    with pytest.raises(ClientError) as info:
        iam.delete_user(UserName="dev")
    assert error_of(info)[:2] == ("DeleteConflict", 409)
    iam.delete_ssh_public_key(UserName="dev", SSHPublicKeyId=key["SSHPublicKeyId"])
    iam.delete_user(UserName="dev")


def test_signing_certificates(iam) -> None:
    iam.create_user(UserName="dev")
    body, _ = _certificate(30)
    cert = iam.upload_signing_certificate(UserName="dev", CertificateBody=body)["Certificate"]
    assert cert["Status"] == "Active" and cert["UserName"] == "dev"
    with pytest.raises(ClientError) as info:
        iam.upload_signing_certificate(UserName="dev", CertificateBody=body)
    assert error_of(info)[:2] == ("DuplicateCertificate", 409)
    with pytest.raises(ClientError) as info:
        iam.upload_signing_certificate(UserName="dev", CertificateBody="nope")
    assert error_of(info)[:2] == ("MalformedCertificate", 400)
    iam.update_signing_certificate(UserName="dev", CertificateId=cert["CertificateId"], Status="Inactive")
    assert iam.list_signing_certificates(UserName="dev")["Certificates"][0]["Status"] == "Inactive"
    iam.delete_signing_certificate(UserName="dev", CertificateId=cert["CertificateId"])
    assert iam.list_signing_certificates(UserName="dev")["Certificates"] == []


def test_credential_report(iam, fogbank) -> None:
    with pytest.raises(ClientError) as info:
        iam.get_credential_report()
    assert error_of(info)[:2] == ("ReportNotPresent", 410)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Passw0rd-long")
    iam.create_access_key(UserName="alice")
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
    assert [r["user"] for r in rows] == ["<root_account>", "alice"]
    alice = rows[1]
    assert alice["password_enabled"] == "true" and alice["access_key_1_active"] == "true"
    assert alice["access_key_2_active"] == "false" and alice["mfa_active"] == "false"
    fogbank.advance(4 * 3600)
    with pytest.raises(ClientError) as info:
        iam.get_credential_report()
    assert error_of(info)[:2] == ("ReportExpired", 410)
