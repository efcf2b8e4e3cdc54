"""Kinesis consumers, encryption settings, enhanced monitoring, stream mode and ARN-based tagging."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "111111111111"


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    err = exc.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def _arn(kinesis: Any, stream: str) -> str:
    return kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]


def test_consumer_lifecycle(kinesis: Any, stream: str) -> None:
    arn = _arn(kinesis, stream)
    made = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="app")["Consumer"]
    assert made["ConsumerStatus"] == "CREATING"
    assert made["ConsumerARN"].startswith(f"{arn}/consumer/app:")
    by_arn = kinesis.describe_stream_consumer(ConsumerARN=made["ConsumerARN"])["ConsumerDescription"]
    assert by_arn["ConsumerStatus"] == "ACTIVE" and by_arn["StreamARN"] == arn
    by_name = kinesis.describe_stream_consumer(StreamARN=arn, ConsumerName="app")["ConsumerDescription"]
    assert by_name["ConsumerARN"] == made["ConsumerARN"]
    kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="other")
    listed = kinesis.list_stream_consumers(StreamARN=arn, MaxResults=1)
    assert [c["ConsumerName"] for c in listed["Consumers"]] == ["app"]
    rest = kinesis.list_stream_consumers(StreamARN=arn, NextToken=listed["NextToken"])
    assert [c["ConsumerName"] for c in rest["Consumers"]] == ["other"]
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["ConsumerCount"] == 2
    with pytest.raises(ClientError) as exc:
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="app")
    assert _code(exc) == ("ResourceInUseException", 400)
    with pytest.raises(ClientError) as exc:
        kinesis.delete_stream(StreamName=stream)
    assert _code(exc) == ("ResourceInUseException", 400)
    kinesis.deregister_stream_consumer(ConsumerARN=made["ConsumerARN"])
    with pytest.raises(ClientError) as exc:
        kinesis.describe_stream_consumer(ConsumerARN=made["ConsumerARN"])
    assert _code(exc) == ("ResourceNotFoundException", 400)
    kinesis.delete_stream(StreamName=stream, EnforceConsumerDeletion=True)
    assert kinesis.list_streams()["StreamNames"] == []


def test_encryption_mode_and_monitoring(kinesis: Any, stream: str) -> None:
    kinesis.start_stream_encryption(StreamName=stream, EncryptionType="KMS", KeyId="alias/aws/kinesis")
    desc = kinesis.describe_stream(StreamName=stream)["StreamDescription"]
    assert (desc["EncryptionType"], desc["KeyId"]) == ("KMS", "alias/aws/kinesis")
    out = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="k")
    assert out["EncryptionType"] == "KMS"
    kinesis.stop_stream_encryption(StreamName=stream, EncryptionType="KMS", KeyId="alias/aws/kinesis")
    assert kinesis.describe_stream(StreamName=stream)["StreamDescription"]["EncryptionType"] == "NONE"
    on = kinesis.enable_enhanced_monitoring(StreamName=stream, ShardLevelMetrics=["IncomingBytes"])
    assert on["CurrentShardLevelMetrics"] == [] and on["DesiredShardLevelMetrics"] == ["IncomingBytes"]
    off = kinesis.disable_enhanced_monitoring(StreamName=stream, ShardLevelMetrics=["ALL"])
    assert off["DesiredShardLevelMetrics"] == []
    kinesis.update_stream_mode(StreamARN=_arn(kinesis, stream), StreamModeDetails={"StreamMode": "ON_DEMAND"})
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    with pytest.raises(ClientError) as exc:
        kinesis.start_stream_encryption(StreamName="ghost", EncryptionType="KMS", KeyId="k")
    assert _code(exc) == ("ResourceNotFoundException", 400)


def test_tag_resource_by_arn_and_describe_limits(kinesis: Any, stream: str) -> None:
    arn = _arn(kinesis, stream)
    kinesis.tag_resource(ResourceARN=arn, Tags={"team": "data"})
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "data"}]
    kinesis.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert kinesis.list_tags_for_stream(StreamName=stream)["Tags"] == []
    limits = kinesis.describe_limits()
    assert limits["OpenShardCount"] == 2 and limits["ShardLimit"] == 500
    with pytest.raises(ClientError) as exc:
        kinesis.list_tags_for_resource(ResourceARN=f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/ghost")
    assert _code(exc) == ("ResourceNotFoundException", 400)
