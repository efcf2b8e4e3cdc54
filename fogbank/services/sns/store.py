"""SNS's key layout in the store. Every key starts with ("sns", account, region).

  (..., "topic", name)                  -> topic record {"attributes", "tags", "created"}
  (..., "sub", topic_name, sub_id)      -> subscription record (protocol, endpoint, attributes,
                                           pending flag, confirmation token)
  (..., "subid", sub_id)                -> topic name (finds a subscription from its ARN)
  (..., "token", token)                 -> sub_id (ConfirmSubscription)
  (..., "dedup", topic_name, dedup_id)  -> {"ms": first publish ms, "id": message id, "seq": n}
  (..., "seq", topic_name)              -> the last FIFO sequence number given out
  (..., "deleted", topic_name)          -> how many subscriptions the topic has lost

Values are JSON.
"""

from __future__ import annotations

# records are stored in the shared JSON form
from fogbank.store.records import dump as dump
from fogbank.store.records import load as load

SERVICE = "sns"



def topic_key(account: str, region: str, name: str) -> tuple:
    """Where a topic's record lives."""
    return (SERVICE, account, region, "topic", name)


def topics_prefix(account: str, region: str) -> tuple:
    """The prefix of all topic records of an account and region."""
    return (SERVICE, account, region, "topic")


def sub_key(account: str, region: str, topic: str, sub_id: str) -> tuple:
    """Where a subscription's record lives."""
    return (SERVICE, account, region, "sub", topic, sub_id)


def subs_prefix(account: str, region: str, topic: str | None = None) -> tuple:
    """The prefix of the subscriptions of a region (or of one topic)."""
    prefix: tuple = (SERVICE, account, region, "sub")
    return prefix + (topic,) if topic is not None else prefix


def sub_index_key(account: str, region: str, sub_id: str) -> tuple:
    """The topic a subscription id belongs to."""
    return (SERVICE, account, region, "subid", sub_id)


def token_key(account: str, region: str, token: str) -> tuple:
    """The subscription a confirmation token confirms."""
    return (SERVICE, account, region, "token", token)


def dedup_key(account: str, region: str, topic: str, dedup_id: str) -> tuple:
    """A FIFO deduplication record."""
    return (SERVICE, account, region, "dedup", topic, dedup_id)


def dedup_prefix(account: str, region: str, topic: str) -> tuple:
    """The prefix of a topic's deduplication records."""
    return (SERVICE, account, region, "dedup", topic)


def seq_key(account: str, region: str, topic: str) -> tuple:
    """A FIFO topic's last sequence number."""
    return (SERVICE, account, region, "seq", topic)


def deleted_key(account: str, region: str, topic: str) -> tuple:
    """How many subscriptions a topic has lost."""
    return (SERVICE, account, region, "deleted", topic)
