"""An ORM unchanged against fogbank: PynamoDB models, conditions, counters, queries, indexes."""

from __future__ import annotations

from typing import Any

import pytest

pynamodb = pytest.importorskip("pynamodb")

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute  # noqa: E402
from pynamodb.exceptions import PutError  # noqa: E402
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex  # noqa: E402
from pynamodb.models import Model  # noqa: E402


def models(endpoint: str) -> tuple[type[Model], type[GlobalSecondaryIndex]]:
    class ByOwner(GlobalSecondaryIndex):
        class Meta:
            index_name = "by-owner"
            projection = AllProjection()

        owner = UnicodeAttribute(hash_key=True)
        score = NumberAttribute(range_key=True)

    class Note(Model):
        class Meta:
            table_name = "notes"
            host = endpoint
            region = "us-east-1"
            aws_access_key_id = "test"
            aws_secret_access_key = "test"

        topic = UnicodeAttribute(hash_key=True)
        seq = NumberAttribute(range_key=True)
        owner = UnicodeAttribute()
        score = NumberAttribute(default=0)
        tags = UnicodeSetAttribute(null=True)
        version = NumberAttribute(default=0)
        by_owner = ByOwner()

    return Note, ByOwner


def test_pynamodb_model_round_trip(fogbank: Any) -> None:
    Note, _ = models(fogbank.endpoint)
    Note.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    for i in range(5):
        Note(topic="t", seq=i, owner="ann" if i % 2 else "bob", score=i * 10, tags={"x"}).save()
    assert [n.seq for n in Note.query("t", Note.seq >= 3)] == [3, 4]
    assert [n.seq for n in Note.query("t", scan_index_forward=False, limit=2)] == [4, 3]
    assert sorted(n.score for n in Note.by_owner.query("ann")) == [10, 30]
    note = Note.get("t", 1)
    note.update(actions=[Note.score.add(5), Note.tags.add({"y"})])
    again = Note.get("t", 1)
    assert again.score == 15 and again.tags == {"x", "y"}
    with pytest.raises(PutError):
        Note(topic="t", seq=1, owner="z").save(condition=Note.topic.does_not_exist())
    assert Note.count("t") == 5
    assert sum(1 for _ in Note.scan(Note.score > 20)) == 2
    Note.get("t", 0).delete()
    assert Note.count("t") == 4
