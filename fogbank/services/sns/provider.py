"""SNS: standard and FIFO topics, subscriptions for SQS, Lambda, HTTP(S) and email, filter
policies on attributes or body, and fan-out of Publish/PublishBatch on fogbank's store and clock.
Topic rules live in ``topics``, subscription rules in ``subscriptions``, message checks in
``publishing``, what subscribers receive in ``envelopes`` and the sending in ``delivery``.

LIMITATIONS: SMS, mobile push (platform applications and endpoints) and data protection policies
answer NotImplemented; sms/application/firehose subscriptions are stored but receive nothing;
email subscriptions stay pending; HTTP(S) endpoints are reached only on loopback, once, without
the delivery policy's retries; topic policies are stored but not enforced; KMS keys are stored
without encrypting; delivery status logging and message archiving/replay are not done.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import NotImplementedOperation, ServiceError
from fogbank.services.sns import delivery, envelopes, publishing, store
from fogbank.services.sns import subscriptions as subs
from fogbank.services.sns import topics as tops
from fogbank.services.sns.errors import (
    BatchEntryIdsNotDistinctException,
    BatchRequestTooLongException,
    EmptyBatchRequestException,
    InvalidBatchEntryIdException,
    ResourceNotFoundException,
    TagLimitExceededException,
    TooManyEntriesInBatchRequestException,
    invalid,
)

log = logging.getLogger(__name__)

PAGE = 100
MAX_TAGS = 50
BATCH_MAX = 10
_BATCH_ID = publishing.BATCH_ID


def _page(items: list[Any], token: str | None) -> tuple[list[Any], str | None]:
    start = 0
    if token:
        try:
            start = int(token)
        except ValueError:
            raise invalid("NextToken") from None
    chunk = items[start:start + PAGE]
    return chunk, (str(start + PAGE) if start + PAGE < len(items) else None)


class Provider:
    """The SNS operations."""

    def __init__(self) -> None:
        self.topics = tops.Topics()
        self.subs = subs.Subscriptions()
        # HTTP deliveries in flight, kept so that they are not collected before they finish
        self._posts: set[asyncio.Task] = set()

    # --- topics ----------------------------------------------------------------------------

    def create_topic(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateTopic: idempotent when attributes and tags agree."""
        name = request["Name"]
        given = dict(request.get("Attributes") or {})
        fifo = given.get("FifoTopic", "false").lower() == "true"
        if fifo and not tops.FIFO_NAME.match(name):
            raise invalid("Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase "
                          "ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 "
                          "characters long.")
        if not fifo and not tops.NAME.match(name):
            raise invalid("Topic Name")
        attributes = {k: tops.check_attribute(k, v, fifo, creating=True) for k, v in given.items()}
        tags = {t["Key"]: t["Value"] for t in request.get("Tags") or []}
        self._check_tags(tags)
        arn = tops.topic_arn(ctx.region, ctx.account, name)
        existing = self.topics.find(ctx, name)
        if existing is not None:
            for key, value in attributes.items():
                if existing["attributes"].get(key, "false" if key == "FifoTopic" else None) != value:
                    raise invalid("Attributes Reason: Topic already exists with different attributes")
            if tags and any(existing["tags"].get(k) != v for k, v in tags.items()):
                raise invalid("Tags Reason: Topic already exists with different tags")
            return {"TopicArn": arn}
        if fifo:
            attributes["FifoTopic"] = "true"
            attributes.setdefault("ContentBasedDeduplication", "false")
        else:
            attributes.pop("FifoTopic", None)
        attributes.setdefault("Policy", tops.default_policy(arn, ctx.account))
        self.topics.save(ctx, name, {"attributes": attributes, "tags": tags, "created": ctx.clock.now()})
        return {"TopicArn": arn}

    def delete_topic(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteTopic with its subscriptions; a topic that does not exist is no error."""
        region, account, name = tops.parse_arn(request["TopicArn"])
        with ctx.store.transaction() as txn:
            for key, raw in list(ctx.store.scan(prefix=store.subs_prefix(account, region, name))):
                sub = store.load(raw)
                txn.delete(key)
                txn.delete(store.sub_index_key(account, region, key[-1]))
                if sub.get("token"):
                    txn.delete(store.token_key(account, region, sub["token"]))
            txn.delete(store.topic_key(account, region, name))
            txn.delete(store.deleted_key(account, region, name))
            txn.delete(store.seq_key(account, region, name))
        ctx.store.delete_prefix(store.dedup_prefix(account, region, name))
        return {}

    def list_topics(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTopics, 100 a page."""
        names = [key[-1] for key, _ in ctx.store.scan(prefix=store.topics_prefix(ctx.account, ctx.region))]
        chunk, token = _page(names, request.get("NextToken"))
        out: dict[str, Any] = {"Topics": [{"TopicArn": tops.topic_arn(ctx.region, ctx.account, n)} for n in chunk]}
        if token:
            out["NextToken"] = token
        return out

    def get_topic_attributes(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetTopicAttributes with the subscription counts."""
        arn = request["TopicArn"]
        name, record = self.topics.get(ctx, arn)
        region, account, _ = tops.parse_arn(arn)
        confirmed = pending = 0
        for sub in self.subs.of_topic(ctx, account, region, name):
            if sub["pending"]:
                pending += 1
            else:
                confirmed += 1
        deleted = ctx.store.get(store.deleted_key(account, region, name))
        attributes = {
            "TopicArn": arn,
            "Owner": account,
            "DisplayName": "",
            "SubscriptionsConfirmed": str(confirmed),
            "SubscriptionsPending": str(pending),
            "SubscriptionsDeleted": str(store.load(deleted) if deleted else 0),
            "EffectiveDeliveryPolicy": json.dumps(tops.DEFAULT_DELIVERY),
        }
        attributes.update(record["attributes"])
        if record["attributes"].get("DeliveryPolicy"):
            attributes["EffectiveDeliveryPolicy"] = record["attributes"]["DeliveryPolicy"]
        return {"Attributes": attributes}

    def set_topic_attributes(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """SetTopicAttributes: one attribute; an empty value removes optional ones."""
        name, record = self.topics.get(ctx, request["TopicArn"])
        fifo = record["attributes"].get("FifoTopic") == "true"
        key = request["AttributeName"]
        value = tops.check_attribute(key, request.get("AttributeValue") or "", fifo, creating=False)
        if value == "" and key != "DisplayName":
            record["attributes"].pop(key, None)
            if key == "Policy":
                record["attributes"]["Policy"] = tops.default_policy(request["TopicArn"], ctx.account)
        else:
            record["attributes"][key] = value
        self.topics.save(ctx, name, record)
        return {}

    # --- tags ------------------------------------------------------------------------------

    @staticmethod
    def _check_tags(tags: dict[str, str], existing: int = 0) -> None:
        if len(tags) + existing > MAX_TAGS:
            raise TagLimitExceededException("Could not complete request: tag quota of per resource exceeded")

    def _tagged(self, ctx: Ctx, arn: str) -> tuple[str, dict[str, Any]]:
        try:
            return self.topics.get(ctx, arn, "ResourceArn")
        except ServiceError as exc:
            if exc.code == "NotFound":
                raise ResourceNotFoundException("Resource does not exist") from None
            raise

    def tag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TagResource (at most 50 tags a topic)."""
        name, record = self._tagged(ctx, request["ResourceArn"])
        tags = {t["Key"]: t["Value"] for t in request["Tags"]}
        merged = {**record["tags"], **tags}
        self._check_tags(merged)
        record["tags"] = merged
        self.topics.save(ctx, name, record)
        return {}

    def untag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UntagResource."""
        name, record = self._tagged(ctx, request["ResourceArn"])
        for key in request["TagKeys"]:
            record["tags"].pop(key, None)
        self.topics.save(ctx, name, record)
        return {}

    def list_tags_for_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTagsForResource."""
        _, record = self._tagged(ctx, request["ResourceArn"])
        return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(record["tags"].items())]}

    # --- permissions -----------------------------------------------------------------------

    def add_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """AddPermission: a statement in the topic's policy."""
        name, record = self.topics.get(ctx, request["TopicArn"])
        policy = json.loads(record["attributes"]["Policy"])
        label = request["Label"]
        if any(s.get("Sid") == label for s in policy.get("Statement", [])):
            raise invalid("Statement already exists")
        principals = [f"arn:aws:iam::{a}:root" for a in request["AWSAccountId"]]
        policy.setdefault("Statement", []).append({
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
            "Action": [f"SNS:{a}" for a in request["ActionName"]],
            "Resource": request["TopicArn"],
        })
        record["attributes"]["Policy"] = json.dumps(policy, separators=(",", ":"))
        self.topics.save(ctx, name, record)
        return {}

    def remove_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """RemovePermission: drop the statement with that label."""
        name, record = self.topics.get(ctx, request["TopicArn"])
        policy = json.loads(record["attributes"]["Policy"])
        policy["Statement"] = [s for s in policy.get("Statement", []) if s.get("Sid") != request["Label"]]
        record["attributes"]["Policy"] = json.dumps(policy, separators=(",", ":"))
        self.topics.save(ctx, name, record)
        return {}

    # --- subscriptions ---------------------------------------------------------------------

    def subscribe(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Subscribe: SQS and Lambda at once, HTTP(S) once confirmed, email stays pending."""
        topic_arn = request["TopicArn"]
        name, record = self.topics.get(ctx, topic_arn)
        protocol = request["Protocol"].lower()
        endpoint = subs.check_endpoint(protocol, request.get("Endpoint"))
        fifo = record["attributes"].get("FifoTopic") == "true"
        if fifo and protocol != "sqs":
            raise invalid(f"Invalid protocol type: {protocol}. FIFO topics support only the sqs protocol")
        if not fifo and protocol == "sqs" and endpoint.endswith(".fifo"):
            raise invalid("Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
        attributes: dict[str, str] = {}
        for key, value in (request.get("Attributes") or {}).items():
            attributes[key] = subs.check_attribute(key, value, protocol, attributes | (request.get("Attributes") or {}))
        region, account, _ = tops.parse_arn(topic_arn)
        for existing in self.subs.of_topic(ctx, account, region, name):
            if existing["protocol"] == protocol and existing["endpoint"] == endpoint:
                if any(existing["attributes"].get(k, "") != v for k, v in attributes.items()):
                    raise invalid("Attributes Reason: Subscription already exists with different attributes")
                return {"SubscriptionArn": self._shown_arn(existing, request)}
        sub_id = str(uuid.uuid4())
        pending = protocol not in CONFIRMED
        sub = {
            "arn": f"{topic_arn}:{sub_id}",
            "topic_arn": topic_arn,
            "protocol": protocol,
            "endpoint": endpoint,
            "attributes": attributes,
            "pending": pending,
            "owner": ctx.account,
            "principal": ctx.principal.arn if ctx.principal else f"arn:aws:iam::{ctx.account}:root",
            "token": uuid.uuid4().hex + uuid.uuid4().hex if pending else None,
        }
        self.subs.save(ctx, sub)
        if protocol in ("http", "https"):
            self._send_confirmation(ctx, sub)
        return {"SubscriptionArn": self._shown_arn(sub, request)}

    @staticmethod
    def _shown_arn(sub: dict[str, Any], request: dict[str, Any]) -> str:
        if sub["pending"] and not request.get("ReturnSubscriptionArn"):
            return "pending confirmation"
        return sub["arn"]

    def _send_confirmation(self, ctx: Ctx, sub: dict[str, Any]) -> None:
        host = ctx.host or "localhost:4566"
        subscribe_url = (f"http://{host}/?Action=ConfirmSubscription&TopicArn={sub['topic_arn']}"
                         f"&Token={sub['token']}")
        message_id = str(uuid.uuid4())
        region = sub["topic_arn"].split(":")[3]
        doc = envelopes.confirmation(sub["topic_arn"], region, sub["token"], subscribe_url, message_id,
                                     ctx.clock.now())
        headers = delivery.http_headers("SubscriptionConfirmation", message_id, sub["topic_arn"], None)
        self._post_later(sub["endpoint"], envelopes.dumps(doc), headers)

    def _post_later(self, url: str, text: str, headers: dict[str, str]) -> None:
        if not delivery.is_loopback(url):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            delivery.post(url, text, headers)
            return
        task = loop.create_task(asyncio.to_thread(delivery.post, url, text, headers))
        self._posts.add(task)
        task.add_done_callback(self._posts.discard)

    def confirm_subscription(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ConfirmSubscription with the token sent to the endpoint."""
        topic_arn = request["TopicArn"]
        self.topics.get(ctx, topic_arn)
        region, account, name = tops.parse_arn(topic_arn)
        sub_id = ctx.store.get(store.token_key(account, region, request["Token"]))
        raw = ctx.store.get(store.sub_key(account, region, name, store.load(sub_id))) if sub_id else None
        if raw is None:
            raise invalid("Token")
        sub = store.load(raw)
        sub["pending"] = False
        if str(request.get("AuthenticateOnUnsubscribe", "")).lower() == "true":
            sub["authenticated"] = True
        self.subs.save(ctx, sub)
        return {"SubscriptionArn": sub["arn"]}

    def unsubscribe(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Unsubscribe."""
        sub = self.subs.get(ctx, request["SubscriptionArn"])
        self.subs.delete(ctx, sub)
        return {}

    @staticmethod
    def _listed(sub: dict[str, Any]) -> dict[str, Any]:
        return {
            "SubscriptionArn": "PendingConfirmation" if sub["pending"] else sub["arn"],
            "Owner": sub["owner"],
            "Protocol": sub["protocol"],
            "Endpoint": sub["endpoint"],
            "TopicArn": sub["topic_arn"],
        }

    def list_subscriptions(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListSubscriptions of the region, 100 a page."""
        every = [self._listed(store.load(raw))
                 for _, raw in ctx.store.scan(prefix=store.subs_prefix(ctx.account, ctx.region))]
        chunk, token = _page(every, request.get("NextToken"))
        out: dict[str, Any] = {"Subscriptions": chunk}
        if token:
            out["NextToken"] = token
        return out

    def list_subscriptions_by_topic(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListSubscriptionsByTopic, 100 a page."""
        name, _ = self.topics.get(ctx, request["TopicArn"])
        region, account, _ = tops.parse_arn(request["TopicArn"])
        every = [self._listed(s) for s in self.subs.of_topic(ctx, account, region, name)]
        chunk, token = _page(every, request.get("NextToken"))
        out: dict[str, Any] = {"Subscriptions": chunk}
        if token:
            out["NextToken"] = token
        return out

    def get_subscription_attributes(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetSubscriptionAttributes."""
        sub = self.subs.get(ctx, request["SubscriptionArn"])
        return {"Attributes": subs.report(sub, sub["owner"])}

    def set_subscription_attributes(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """SetSubscriptionAttributes: one attribute; an empty value removes it."""
        sub = self.subs.get(ctx, request["SubscriptionArn"])
        key = request["AttributeName"]
        value = subs.check_attribute(key, request.get("AttributeValue") or "", sub["protocol"], sub["attributes"])
        if value == "":
            sub["attributes"].pop(key, None)
            if key == "FilterPolicy":
                sub["attributes"].pop("FilterPolicyScope", None)
        else:
            sub["attributes"][key] = value
        self.subs.save(ctx, sub)
        return {}

    # --- publishing ------------------------------------------------------------------------

    async def publish(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Publish to a topic: every confirmed subscription whose filter passes receives it."""
        if request.get("PhoneNumber"):
            raise NotImplementedOperation("sns", "Publish to a phone number")
        arn = request.get("TopicArn") or request.get("TargetArn")
        if not arn:
            raise invalid("TopicArn or TargetArn Reason: no value for required parameter")
        if request.get("TopicArn") and request.get("TargetArn"):
            raise invalid("TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be set")
        if ":endpoint/" in arn:
            raise NotImplementedOperation("sns", "Publish to a platform endpoint")
        name, record = self.topics.get(ctx, arn, "TopicArn" if request.get("TopicArn") else "TargetArn")
        message = publishing.prepare(request, record, arn)
        return await self._fan_out(ctx, name, arn, record, message)

    async def publish_batch(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PublishBatch: up to ten messages, each succeeding or failing on its own."""
        arn = request["TopicArn"]
        name, record = self.topics.get(ctx, arn)
        entries = request["PublishBatchRequestEntries"]
        if not entries:
            raise EmptyBatchRequestException("The batch request doesn't contain any entries")
        if len(entries) > BATCH_MAX:
            raise TooManyEntriesInBatchRequestException("The batch request contains more entries than permissible.")
        ids = [e["Id"] for e in entries]
        if len(set(ids)) != len(ids):
            raise BatchEntryIdsNotDistinctException("Two or more batch entries in the request have the same Id.")
        if any(not _BATCH_ID.match(i) for i in ids):
            raise InvalidBatchEntryIdException(
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                "It can be at most 80 letters long.")
        if sum(publishing.size_of(e) for e in entries) > publishing.MAX_SIZE:
            raise BatchRequestTooLongException("The length of all the messages put together is more than the limit.")
        successful, failed = [], []
        for entry in entries:
            try:
                message = publishing.prepare(entry, record, arn)
                answer = await self._fan_out(ctx, name, arn, record, message)
            except ServiceError as exc:
                if exc.status >= 500 and not isinstance(exc, NotImplementedOperation):
                    raise
                failed.append({"Id": entry["Id"], "Code": exc.code, "Message": exc.message,
                               "SenderFault": exc.sender_fault})
                continue
            successful.append({"Id": entry["Id"], **answer})
        return {"Successful": successful, "Failed": failed}

    async def _fan_out(self, ctx: Ctx, name: str, arn: str, record: dict[str, Any],
                       message: dict[str, Any]) -> dict[str, Any]:
        region, account, _ = tops.parse_arn(arn)
        message.update(id=str(uuid.uuid4()), region=region, timestamp=ctx.clock.now())
        if message.get("group") is not None and record["attributes"].get("FifoTopic") == "true":
            duplicate = publishing.remember(ctx, account, region, name, message)
            if duplicate is not None:
                return duplicate
        for sub in list(self.subs.of_topic(ctx, account, region, name)):
            if sub["pending"]:
                continue
            body = delivery.body_for(message, sub["protocol"])
            if not subs.passes(sub, message, body):
                continue
            await self._deliver(ctx, message, sub)
        answer = {"MessageId": message["id"]}
        if message.get("sequence"):
            answer["SequenceNumber"] = message["sequence"]
        return answer

    async def _deliver(self, ctx: Ctx, message: dict[str, Any], sub: dict[str, Any]) -> None:
        try:
            if sub["protocol"] == "sqs":
                await delivery.to_sqs(ctx, message, sub)
            elif sub["protocol"] == "lambda":
                await delivery.to_lambda(ctx, message, sub)
            elif sub["protocol"] in ("http", "https"):
                text, headers = delivery.http_notification(message, sub)
                self._post_later(sub["endpoint"], text, headers)
        except ServiceError as exc:
            await delivery.dead_letter(ctx, message, sub, exc)


CONFIRMED = subs.CONFIRMED_AT_ONCE
