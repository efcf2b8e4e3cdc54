"""SNS topics: names and ARNs, the attributes a topic reports and accepts, and its record."""

from __future__ import annotations

import json
import re
from typing import Any

from fogbank.context import Ctx
from fogbank.services.sns import store
from fogbank.services.sns.errors import invalid, topic_not_found

NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")
SETTABLE = frozenset(
    {
        "DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig",
        "ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope", "DataProtectionPolicy",
        "ApplicationSuccessFeedbackRoleArn", "ApplicationSuccessFeedbackSampleRate", "ApplicationFailureFeedbackRoleArn",
        "HTTPSuccessFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate", "HTTPFailureFeedbackRoleArn",
        "LambdaSuccessFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate", "LambdaFailureFeedbackRoleArn",
        "SQSSuccessFeedbackRoleArn", "SQSSuccessFeedbackSampleRate", "SQSFailureFeedbackRoleArn",
        "FirehoseSuccessFeedbackRoleArn", "FirehoseSuccessFeedbackSampleRate", "FirehoseFailureFeedbackRoleArn",
    }
)
CREATE_ONLY = frozenset({"FifoTopic"})
FIFO_ONLY = frozenset({"ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope"})
DEFAULT_DELIVERY = {
    "http": {
        "defaultHealthyRetryPolicy": {
            "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3, "numMaxDelayRetries": 0,
            "numNoDelayRetries": 0, "numMinDelayRetries": 0, "backoffFunction": "linear",
        },
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    }
}


def topic_arn(region: str, account: str, name: str) -> str:
    """A topic's ARN."""
    return f"arn:aws:sns:{region}:{account}:{name}"


def parse_arn(arn: str, parameter: str = "TopicArn") -> tuple[str, str, str]:
    """(region, account, name) of a topic ARN; ``InvalidParameter`` when it is not one."""
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sns" or not parts[3] or not parts[4]:
        raise invalid(parameter)
    if not (NAME.match(parts[5]) or FIFO_NAME.match(parts[5])):
        raise invalid(parameter)
    return parts[3], parts[4], parts[5]


def default_policy(arn: str, account: str) -> str:
    """The access policy a new topic starts with: its owner may do everything."""
    actions = [
        "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
        "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
    ]
    return json.dumps({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Effect": "Allow",
            "Sid": "__default_statement_ID",
            "Principal": {"AWS": "*"},
            "Action": actions,
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
        }],
    }, separators=(",", ":"))


def check_attribute(name: str, value: str, fifo: bool, creating: bool) -> str:
    """A topic attribute value as SNS stores it; ``InvalidParameter`` when it is refused."""
    if name not in SETTABLE and not (creating and name in CREATE_ONLY):
        raise invalid("AttributeName")
    if name in FIFO_ONLY and not fifo:
        raise invalid(f"Attributes Reason: {name} is only valid for FIFO topics" if name != "ContentBasedDeduplication"
                      else "Attributes Reason: Content-based deduplication can only be set for FIFO topics")
    if name in ("FifoTopic", "ContentBasedDeduplication"):
        if value.lower() not in ("true", "false"):
            raise invalid(f"Attributes Reason: {name} must be true or false")
        return value.lower()
    if name in ("Policy", "DeliveryPolicy", "DataProtectionPolicy", "ArchivePolicy") and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            raise invalid(f"Attributes Reason: {name}: failed to parse JSON") from None
        if not isinstance(parsed, dict):
            raise invalid(f"Attributes Reason: {name}: must be a JSON object")
    if name == "DisplayName" and len(value) > 100:
        raise invalid("DisplayName")
    if name == "SignatureVersion" and value not in ("1", "2"):
        raise invalid("Attributes Reason: SignatureVersion must be 1 or 2")
    if name == "TracingConfig" and value not in ("Active", "PassThrough"):
        raise invalid("Attributes Reason: TracingConfig must be Active or PassThrough")
    return value


class Topics:
    """Reading and writing topic records."""

    def get(self, ctx: Ctx, arn: str, parameter: str = "TopicArn") -> tuple[str, dict[str, Any]]:
        """(name, record) of the topic an ARN names, in the caller's account and region."""
        region, account, name = parse_arn(arn, parameter)
        raw = ctx.store.get(store.topic_key(account, region, name))
        if raw is None or region != ctx.region:
            raise topic_not_found()
        return name, store.load(raw)

    def find(self, ctx: Ctx, name: str) -> dict[str, Any] | None:
        """A topic's record by name, or None."""
        raw = ctx.store.get(store.topic_key(ctx.account, ctx.region, name))
        return store.load(raw) if raw is not None else None

    def save(self, ctx: Ctx, name: str, record: dict[str, Any]) -> None:
        """Write a topic's record."""
        ctx.store.put(store.topic_key(ctx.account, ctx.region, name), store.dump(record))
