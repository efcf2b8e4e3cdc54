"""KMS: symmetric (AES-256-GCM), RSA, ECC and HMAC keys with real cryptography from the
``cryptography`` library; envelope encryption, signing and MACs; key states, scheduled deletion
and automatic rotation on fogbank's clock; aliases (with AWS managed ``alias/aws/<service>`` keys
made on first use), tags, key policies, grants, multi-Region keys and imported key material.

Each operation is one line here; the work is in ``cipher`` (cryptographic operations),
``lifecycle`` (keys, states, tags, policies), ``rotation``, ``replication``, ``importing``,
``aliases`` and ``grants``. Other services use KMS through ``ctx.call`` (see ``managed``).

LIMITATIONS: key policies and grants are stored, listed and returned but not enforced (nor are
grant constraints or grant tokens checked); key material lives in fogbank's store, not an HSM;
custom key stores (CloudHSM, external), key agreement (DeriveSharedSecret), ML-DSA/ML-KEM/SM2/
Ed25519 key specs and GetKeyLastUsage answer NotImplemented or UnsupportedOperationException;
imported material for replicas is not checked against the primary's ValidTo; ciphertext blobs use fogbank's own format (not byte-compatible with AWS's); the
Recipient (Nitro Enclaves attestation) parameter is ignored.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.kms import aliases, cipher, grants, importing, lifecycle, replication, rotation

Request = dict[str, Any]
Response = dict[str, Any]


class Provider:
    """The KMS operations."""

    # keys
    def create_key(self, ctx: Ctx, request: Request) -> Response:
        """CreateKey."""
        return lifecycle.create_key(ctx, request)

    def describe_key(self, ctx: Ctx, request: Request) -> Response:
        """DescribeKey."""
        return lifecycle.describe_key(ctx, request)

    def list_keys(self, ctx: Ctx, request: Request) -> Response:
        """ListKeys."""
        return lifecycle.list_keys(ctx, request)

    def enable_key(self, ctx: Ctx, request: Request) -> Response:
        """EnableKey."""
        return lifecycle.enable_key(ctx, request)

    def disable_key(self, ctx: Ctx, request: Request) -> Response:
        """DisableKey."""
        return lifecycle.disable_key(ctx, request)

    def schedule_key_deletion(self, ctx: Ctx, request: Request) -> Response:
        """ScheduleKeyDeletion."""
        return lifecycle.schedule_key_deletion(ctx, request)

    def cancel_key_deletion(self, ctx: Ctx, request: Request) -> Response:
        """CancelKeyDeletion."""
        return lifecycle.cancel_key_deletion(ctx, request)

    def update_key_description(self, ctx: Ctx, request: Request) -> Response:
        """UpdateKeyDescription."""
        return lifecycle.update_key_description(ctx, request)

    def tag_resource(self, ctx: Ctx, request: Request) -> Response:
        """TagResource."""
        return lifecycle.tag_resource(ctx, request)

    def untag_resource(self, ctx: Ctx, request: Request) -> Response:
        """UntagResource."""
        return lifecycle.untag_resource(ctx, request)

    def list_resource_tags(self, ctx: Ctx, request: Request) -> Response:
        """ListResourceTags."""
        return lifecycle.list_resource_tags(ctx, request)

    def get_key_policy(self, ctx: Ctx, request: Request) -> Response:
        """GetKeyPolicy."""
        return lifecycle.get_key_policy(ctx, request)

    def put_key_policy(self, ctx: Ctx, request: Request) -> Response:
        """PutKeyPolicy."""
        return lifecycle.put_key_policy(ctx, request)

    def list_key_policies(self, ctx: Ctx, request: Request) -> Response:
        """ListKeyPolicies."""
        return lifecycle.list_key_policies(ctx, request)

    # rotation
    def enable_key_rotation(self, ctx: Ctx, request: Request) -> Response:
        """EnableKeyRotation."""
        return rotation.enable_key_rotation(ctx, request)

    def disable_key_rotation(self, ctx: Ctx, request: Request) -> Response:
        """DisableKeyRotation."""
        return rotation.disable_key_rotation(ctx, request)

    def get_key_rotation_status(self, ctx: Ctx, request: Request) -> Response:
        """GetKeyRotationStatus."""
        return rotation.get_key_rotation_status(ctx, request)

    def rotate_key_on_demand(self, ctx: Ctx, request: Request) -> Response:
        """RotateKeyOnDemand."""
        return rotation.rotate_key_on_demand(ctx, request)

    def list_key_rotations(self, ctx: Ctx, request: Request) -> Response:
        """ListKeyRotations."""
        return rotation.list_key_rotations(ctx, request)

    # multi-Region keys
    def replicate_key(self, ctx: Ctx, request: Request) -> Response:
        """ReplicateKey."""
        return replication.replicate_key(ctx, request)

    def update_primary_region(self, ctx: Ctx, request: Request) -> Response:
        """UpdatePrimaryRegion."""
        return replication.update_primary_region(ctx, request)

    # imported key material
    def get_parameters_for_import(self, ctx: Ctx, request: Request) -> Response:
        """GetParametersForImport."""
        return importing.get_parameters_for_import(ctx, request)

    def import_key_material(self, ctx: Ctx, request: Request) -> Response:
        """ImportKeyMaterial."""
        return importing.import_key_material(ctx, request)

    def delete_imported_key_material(self, ctx: Ctx, request: Request) -> Response:
        """DeleteImportedKeyMaterial."""
        return importing.delete_imported_key_material(ctx, request)

    # aliases
    def create_alias(self, ctx: Ctx, request: Request) -> Response:
        """CreateAlias."""
        return aliases.create_alias(ctx, request)

    def update_alias(self, ctx: Ctx, request: Request) -> Response:
        """UpdateAlias."""
        return aliases.update_alias(ctx, request)

    def delete_alias(self, ctx: Ctx, request: Request) -> Response:
        """DeleteAlias."""
        return aliases.delete_alias(ctx, request)

    def list_aliases(self, ctx: Ctx, request: Request) -> Response:
        """ListAliases."""
        return aliases.list_aliases(ctx, request)

    # grants
    def create_grant(self, ctx: Ctx, request: Request) -> Response:
        """CreateGrant."""
        return grants.create_grant(ctx, request)

    def list_grants(self, ctx: Ctx, request: Request) -> Response:
        """ListGrants."""
        return grants.list_grants(ctx, request)

    def list_retirable_grants(self, ctx: Ctx, request: Request) -> Response:
        """ListRetirableGrants."""
        return grants.list_retirable_grants(ctx, request)

    def retire_grant(self, ctx: Ctx, request: Request) -> Response:
        """RetireGrant."""
        return grants.retire_grant(ctx, request)

    def revoke_grant(self, ctx: Ctx, request: Request) -> Response:
        """RevokeGrant."""
        return grants.revoke_grant(ctx, request)

    # cryptographic operations
    def encrypt(self, ctx: Ctx, request: Request) -> Response:
        """Encrypt."""
        return cipher.encrypt(ctx, request)

    def decrypt(self, ctx: Ctx, request: Request) -> Response:
        """Decrypt."""
        return cipher.decrypt(ctx, request)

    def re_encrypt(self, ctx: Ctx, request: Request) -> Response:
        """ReEncrypt."""
        return cipher.re_encrypt(ctx, request)

    def generate_data_key(self, ctx: Ctx, request: Request) -> Response:
        """GenerateDataKey."""
        return cipher.generate_data_key(ctx, request)

    def generate_data_key_without_plaintext(self, ctx: Ctx, request: Request) -> Response:
        """GenerateDataKeyWithoutPlaintext."""
        return cipher.generate_data_key(ctx, request, plaintext=False)

    def generate_data_key_pair(self, ctx: Ctx, request: Request) -> Response:
        """GenerateDataKeyPair."""
        return cipher.generate_data_key_pair(ctx, request)

    def generate_data_key_pair_without_plaintext(self, ctx: Ctx, request: Request) -> Response:
        """GenerateDataKeyPairWithoutPlaintext."""
        return cipher.generate_data_key_pair(ctx, request, plaintext=False)

    def generate_random(self, ctx: Ctx, request: Request) -> Response:
        """GenerateRandom."""
        return cipher.generate_random(ctx, request)

    def sign(self, ctx: Ctx, request: Request) -> Response:
        """Sign."""
        return cipher.sign(ctx, request)

    def verify(self, ctx: Ctx, request: Request) -> Response:
        """Verify."""
        return cipher.verify(ctx, request)

    def generate_mac(self, ctx: Ctx, request: Request) -> Response:
        """GenerateMac."""
        return cipher.generate_mac(ctx, request)

    def verify_mac(self, ctx: Ctx, request: Request) -> Response:
        """VerifyMac."""
        return cipher.verify_mac(ctx, request)

    def get_public_key(self, ctx: Ctx, request: Request) -> Response:
        """GetPublicKey."""
        return cipher.get_public_key(ctx, request)
