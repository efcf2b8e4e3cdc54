"""The public parameters AWS publishes under ``/aws/service/`` that templates commonly read (latest
Amazon Linux and ECS-optimised AMI ids), answered with stable fogbank AMI ids per Region.

An AMI id is derived from the Region and parameter name, so the same template resolves to the
same image on every run.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

PUBLISHED = datetime(2024, 1, 1, tzinfo=UTC)

AMAZON_LINUX = "/aws/service/ami-amazon-linux-latest/"
IMAGES = tuple(
    [
        AMAZON_LINUX + suffix
        for suffix in (
            "al2023-ami-kernel-default-x86_64",
            "al2023-ami-kernel-default-arm64",
            "al2023-ami-kernel-6.1-x86_64",
            "al2023-ami-kernel-6.1-arm64",
            "al2023-ami-minimal-kernel-default-x86_64",
            "al2023-ami-minimal-kernel-default-arm64",
            "amzn2-ami-hvm-x86_64-gp2",
            "amzn2-ami-hvm-arm64-gp2",
            "amzn2-ami-hvm-x86_64-ebs",
            "amzn2-ami-kernel-5.10-hvm-x86_64-gp2",
            "amzn2-ami-kernel-5.10-hvm-arm64-gp2",
            "amzn-ami-hvm-x86_64-gp2",
        )
    ]
    + [
        "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
        "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
        "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id",
        "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
    ]
)


def ami_id(region: str, name: str) -> str:
    """The stable fogbank AMI id a public image parameter answers in ``region``."""
    return "ami-" + hashlib.sha256(f"{region}|{name}".encode()).hexdigest()[:17]


def parameter(region: str, name: str) -> dict[str, Any] | None:
    """A public parameter as GetParameter answers it, or None when fogbank does not publish it."""
    if name not in IMAGES:
        return None
    return {
        "Name": name,
        "Type": "String",
        "Value": ami_id(region, name),
        "Version": 1,
        "LastModifiedDate": PUBLISHED,
        "ARN": f"arn:aws:ssm:{region}::parameter{name}",
        "DataType": "text",
    }


def under(region: str, path: str, recursive: bool) -> list[dict[str, Any]]:
    """The public parameters below ``path`` (ending in ``/``), in name order."""
    found = []
    for name in sorted(IMAGES):
        if name.startswith(path) and (recursive or "/" not in name[len(path) :]):
            found.append(parameter(region, name))
    return [p for p in found if p is not None]
