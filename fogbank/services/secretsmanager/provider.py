"""AWS Secrets Manager: secrets whose values are encrypted for real through KMS, versions with
staging labels, deletion on a recovery window of fogbank's clock, resource policies, tags,
ListSecrets filters, random passwords, batch reads and rotation through a Lambda function.
Record rules are in ``records``, the operations on one secret in ``secrets``.

LIMITATIONS: replication to other Regions and cross-account replicas answer NotImplemented;
resource policies are stored and checked for form, not evaluated on access; RotateSecret runs
the function's four steps before it answers (AWS runs them after), and a failed step is only
logged; cron() schedules rotate daily (rate() and AutomaticallyAfterDays are exact) and the
rotation window Duration is stored, not applied; the 24-hour rule on removing versions is not
applied (past 100, the oldest unlabelled versions go at once); managed rotation (no function,
OwningService) and ExternalSecretRotationMetadata are not modelled.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.secretsmanager import (
    batch,
    listing,
    passwords,
    policies,
    records,
    rotation,
    secrets,
    workers,
)

Request = dict[str, Any]
Response = dict[str, Any]


class Provider:
    """The Secrets Manager operations."""

    def __init__(self) -> None:
        self.scheduler = workers.Scheduler()

    def start(self, ctx: Ctx) -> None:
        """Start scheduled rotation."""
        self.scheduler.start(ctx)

    def stop(self) -> None:
        """Stop scheduled rotation."""
        self.scheduler.stop()

    def create_secret(self, ctx: Ctx, request: Request) -> Response:
        """CreateSecret."""
        return secrets.create(ctx, request)

    def get_secret_value(self, ctx: Ctx, request: Request) -> Response:
        """GetSecretValue."""
        return secrets.get_value(ctx, request)

    def put_secret_value(self, ctx: Ctx, request: Request) -> Response:
        """PutSecretValue."""
        return secrets.put_value(ctx, request)

    def update_secret(self, ctx: Ctx, request: Request) -> Response:
        """UpdateSecret."""
        return secrets.update(ctx, request)

    def update_secret_version_stage(self, ctx: Ctx, request: Request) -> Response:
        """UpdateSecretVersionStage."""
        return secrets.update_stage(ctx, request)

    def describe_secret(self, ctx: Ctx, request: Request) -> Response:
        """DescribeSecret (answers for secrets scheduled for deletion too)."""
        return secrets.describe(ctx, records.require(ctx, request["SecretId"], allow_deleted=True))

    def delete_secret(self, ctx: Ctx, request: Request) -> Response:
        """DeleteSecret."""
        return secrets.delete(ctx, request)

    def restore_secret(self, ctx: Ctx, request: Request) -> Response:
        """RestoreSecret."""
        return secrets.restore(ctx, request)

    def tag_resource(self, ctx: Ctx, request: Request) -> Response:
        """TagResource."""
        return secrets.tag(ctx, request)

    def untag_resource(self, ctx: Ctx, request: Request) -> Response:
        """UntagResource."""
        return secrets.untag(ctx, request)

    def get_random_password(self, ctx: Ctx, request: Request) -> Response:
        """GetRandomPassword."""
        return {"RandomPassword": passwords.generate(request)}

    def list_secrets(self, ctx: Ctx, request: Request) -> Response:
        """ListSecrets."""
        return listing.list_secrets(ctx, request)

    def list_secret_version_ids(self, ctx: Ctx, request: Request) -> Response:
        """ListSecretVersionIds."""
        return listing.list_versions(ctx, request)

    def put_resource_policy(self, ctx: Ctx, request: Request) -> Response:
        """PutResourcePolicy."""
        return policies.put(ctx, request)

    def get_resource_policy(self, ctx: Ctx, request: Request) -> Response:
        """GetResourcePolicy."""
        return policies.get(ctx, request)

    def delete_resource_policy(self, ctx: Ctx, request: Request) -> Response:
        """DeleteResourcePolicy."""
        return policies.delete(ctx, request)

    def validate_resource_policy(self, ctx: Ctx, request: Request) -> Response:
        """ValidateResourcePolicy."""
        return policies.validate(ctx, request)

    def batch_get_secret_value(self, ctx: Ctx, request: Request) -> Response:
        """BatchGetSecretValue."""
        return batch.batch_get(ctx, request)

    async def rotate_secret(self, ctx: Ctx, request: Request) -> Response:
        """RotateSecret (the rotation function's four steps run before the answer)."""
        return await rotation.rotate(ctx, request)

    def cancel_rotate_secret(self, ctx: Ctx, request: Request) -> Response:
        """CancelRotateSecret."""
        return rotation.cancel(ctx, request)
