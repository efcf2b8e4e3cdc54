"""S3: buckets and objects whose bytes stream to blob files, with versioning, multipart uploads,
checksums and aws-chunked bodies, conditional and range requests, server-side encryption, Glacier
restores and stored bucket configurations.

The operations live in domain modules (``buckets``, ``objects``, ``listing``, ``multipart``,
``configs``); this class only puts them together. Object metadata is in the store (layout in
``store``), object bytes in ``ctx.blobs``.

Replication runs in a worker thread woken by new work and by the clock (``replication``), and
lifecycle rules in a daily sweep when the clock passes midnight (``lifecycle``);
Glacier restores are worked out from the clock when read (``glacier``).

Object Lock retention and legal holds are in ``lock``. Every bucket encrypts new objects with
SSE-S3 unless told otherwise (``crypto.DEFAULT_ENCRYPTION``), as S3 does since January 2023.
Browser-based uploads (POST Object) are answered at the HTTP level (``http.post_object``,
``postform``).

LIMITATIONS: bucket policies, ACLs and public access blocks are stored, not enforced (IAM
enforcement does that); cross-account access is not checked; aws-chunked chunk signatures are
checked only when fogbank verifies signatures; event notifications go to SQS and Lambda (SNS
once fogbank has it); lifecycle expirations send no notifications; Select, torrents, directory
buckets, analytics/inventory/metrics/intelligent-tiering configurations and
WriteGetObjectResponse are not implemented. POST Object bodies are buffered in memory (up to the
server's 64 MiB request limit), take no x-amz-checksum-* fields and check the policy's SigV4
signature only when fogbank verifies signatures (SigV2 POST signatures are not checked).
"""

from __future__ import annotations

from fogbank.context import Ctx
from fogbank.services.s3.buckets import BucketOperations
from fogbank.services.s3.configs import ConfigOperations
from fogbank.services.s3.events import Hooks
from fogbank.services.s3.listing import ListOperations
from fogbank.services.s3.lock import LockOperations
from fogbank.services.s3.multipart import MultipartOperations
from fogbank.services.s3.objects import ObjectOperations


class Provider(BucketOperations, ObjectOperations, ListOperations, MultipartOperations, ConfigOperations, LockOperations):
    """The S3 provider."""

    def __init__(self) -> None:
        self._hooks = Hooks()

    def start(self, ctx: Ctx) -> None:
        """Start the replication and lifecycle workers."""
        self._hooks.start(ctx)

    def stop(self) -> None:
        """Stop the replication and lifecycle workers."""
        self._hooks.stop()

    def reset(self, ctx: Ctx) -> None:
        """Forget cached replication state (the store is being cleared) and reschedule the
        lifecycle sweep from the clock as it is now (a full reset sets it back to real time)."""
        self._hooks.replicator.reset()
        self._hooks.sweeper.reschedule(ctx)
