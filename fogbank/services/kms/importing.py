"""Imported key material: GetParametersForImport (an RSA wrapping key and an import token, valid
24 hours), ImportKeyMaterial (with ValidTo expiry on fogbank's clock, applied in
``keys.settle``) and DeleteImportedKeyMaterial.

A key that had material accepts only the same material again (AWS's rule), except with
ImportType NEW_KEY_MATERIAL, which adds a new version for a symmetric key.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import InvalidInput
from fogbank.services.kms import crypto, keys
from fogbank.services.kms import store as kstore
from fogbank.services.kms.errors import (
    ExpiredImportTokenException,
    IncorrectKeyMaterialException,
    InvalidCiphertextException,
    InvalidImportTokenException,
    UnsupportedOperationException,
    invalid_state,
)
from fogbank.services.kms.lifecycle import update

TOKEN_LIFETIME = 24 * 3600
WRAPPING_SPECS = tuple(crypto.RSA_SIZES)


def _external(ctx: Ctx, key_id: str) -> dict[str, Any]:
    record = keys.resolve(ctx, key_id)
    if record["origin"] != "EXTERNAL":
        raise UnsupportedOperationException(
            f"{keys.arn(record)} origin is {record['origin']} which is not valid for this operation."
        )
    if record["state"] == "PendingDeletion":
        raise invalid_state(keys.arn(record), record["state"])
    return record


def get_parameters_for_import(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """A fresh RSA wrapping public key and import token for an EXTERNAL key."""
    record = _external(ctx, request["KeyId"])
    spec = request["WrappingKeySpec"]
    if spec not in WRAPPING_SPECS:
        raise UnsupportedOperationException(f"WrappingKeySpec {spec} is not supported in this Region.")
    wrapping = crypto.new_wrapping_key(spec)
    token = os.urandom(32) + record["id"].encode()
    valid_to = ctx.clock.now() + TOKEN_LIFETIME
    ctx.store.put(
        kstore.import_key(ctx.account, ctx.region, record["id"]),
        kstore.dump(
            {
                "token": kstore.b64(token),
                "wrapping": kstore.b64(wrapping),
                "algorithm": request["WrappingAlgorithm"],
                "valid_to": valid_to,
            }
        ),
    )
    return {
        "KeyId": keys.arn(record),
        "ImportToken": token,
        "PublicKey": crypto.public_der(wrapping),
        "ParametersValidTo": keys.when(valid_to),
    }


def _valid_to(ctx: Ctx, request: dict[str, Any]) -> tuple[str, float | None]:
    model = request.get("ExpirationModel") or "KEY_MATERIAL_EXPIRES"
    valid_to: datetime | None = request.get("ValidTo")
    if model == "KEY_MATERIAL_EXPIRES":
        if valid_to is None:
            raise InvalidInput("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
        if valid_to.timestamp() <= ctx.clock.now():
            raise InvalidInput("The validTo date must be in the future.")
        return model, valid_to.timestamp()
    if valid_to is not None:
        raise InvalidInput("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
    return model, None


def import_key_material(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Unwrap and install key material into an EXTERNAL key."""
    record = _external(ctx, request["KeyId"])
    params = kstore.load(ctx.store.get(kstore.import_key(ctx.account, ctx.region, record["id"])))
    if params is None or kstore.unb64(params["token"]) != request["ImportToken"]:
        raise InvalidImportTokenException("Import token is invalid or does not belong to the key.")
    if ctx.clock.now() >= params["valid_to"]:
        raise ExpiredImportTokenException("Import token has expired. Get new import parameters and try again.")
    model, valid_to = _valid_to(ctx, request)
    try:
        material = crypto.unwrap_material(kstore.unb64(params["wrapping"]), params["algorithm"], request["EncryptedKeyMaterial"])
    except crypto.CiphertextError as exc:
        raise InvalidCiphertextException("") from exc
    try:
        crypto.check_imported(record["spec"], material)
    except crypto.CryptoInputError as exc:
        raise IncorrectKeyMaterialException(str(exc)) from exc
    material_id = crypto.material_id_of(material)
    fingerprint = (record.get("import") or {}).get("fingerprint")
    new_version = request.get("ImportType") == "NEW_KEY_MATERIAL"
    if new_version and record["spec"] != "SYMMETRIC_DEFAULT":
        raise UnsupportedOperationException(f"{keys.arn(record)} does not support importing new key material.")
    if fingerprint is not None and fingerprint != material_id and not new_version:
        raise IncorrectKeyMaterialException(
            "The key material does not match the key material previously imported into this key."
        )

    def change(fresh: dict[str, Any]) -> None:
        now = ctx.clock.now()
        known = next((m for m in fresh["materials"] if m["id"] == material_id), None)
        if known is not None:
            known["secret"] = kstore.b64(material)
            fresh["current"] = material_id
        else:
            keys.add_material(
                fresh, material, now, rotation_type="ON_DEMAND" if fresh["materials"] else None, material_id=material_id
            )
        fresh["import"] = {
            "expiration_model": model,
            "valid_to": valid_to,
            "fingerprint": fingerprint if fingerprint and not new_version else material_id,
        }
        if fresh["state"] == "PendingImport":
            fresh["state"] = "Enabled"

    update(ctx, request["KeyId"], change)
    return {"KeyId": keys.arn(record), "KeyMaterialId": material_id}


def delete_imported_key_material(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Remove imported material at once; the key becomes PendingImport."""
    record = _external(ctx, request["KeyId"])
    removed = record["current"]

    def change(fresh: dict[str, Any]) -> None:
        for material in fresh["materials"]:
            material["secret"] = None
        if fresh.get("import"):
            fresh["import"]["valid_to"] = None
        fresh["state"] = "PendingImport"

    update(ctx, request["KeyId"], change)
    out: dict[str, Any] = {"KeyId": keys.arn(record)}
    if removed:
        out["KeyMaterialId"] = removed
    return out
