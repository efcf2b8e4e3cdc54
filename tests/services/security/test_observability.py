"""Denials are observable: with ``--log-level debug`` each one is logged with the principal, the
action, the resource and the statement that decided it."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import start_server, stop_server
from tests.services.security.conftest import allow, client, deny, policy


def test_debug_log_names_principal_action_resource_and_deciding_statement() -> None:
    srv = start_server("--verify-signatures", "--enforce-iam", "--log-level", "debug")
    try:
        iam = client(srv, "iam")
        url = client(srv, "sqs").create_queue(QueueName="watched")["QueueUrl"]
        iam.create_user(UserName="peggy")
        iam.put_user_policy(UserName="peggy", PolicyName="queues", PolicyDocument=policy(
            allow("sqs:*"), deny("sqs:PurgeQueue", Sid="NoPurge")))
        key = iam.create_access_key(UserName="peggy")["AccessKey"]
        sqs = client(srv, "sqs", key["AccessKeyId"], key["SecretAccessKey"])
        with pytest.raises(ClientError):
            sqs.purge_queue(QueueUrl=url)
        with pytest.raises(ClientError):
            client(srv, "dynamodb", key["AccessKeyId"], key["SecretAccessKey"]).list_tables()
        lines = [line for line in srv.log().splitlines() if "IAM denied" in line]
        assert len(lines) == 2, lines
        assert "principal=arn:aws:iam::000000000000:user/peggy action=sqs:PurgeQueue " \
               "resource=arn:aws:sqs:us-east-1:000000000000:watched" in lines[0]
        assert "NoPurge" in lines[0]
        assert "action=dynamodb:ListTables resource=*" in lines[1]
        assert "no identity-based policy allows" in lines[1]
        # allowed requests log no denial
        sqs.send_message(QueueUrl=url, MessageBody="ok")
        assert len([line for line in srv.log().splitlines() if "IAM denied" in line]) == 2
    finally:
        stop_server(srv)
