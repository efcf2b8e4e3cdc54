"""Every implemented operation has an entry in the IAM action tables, and the tables answer the
ARNs AWS documents for representative operations."""

from __future__ import annotations

from fogbank.auth import actions
from fogbank.server.providers import implemented, load_provider
from fogbank.spec.catalog import catalog
from fogbank.spec.loader import service_model


def test_every_implemented_operation_has_an_entry() -> None:
    missing = []
    for service in catalog().services:
        provider = load_provider(service)
        if provider is None:
            continue
        missing += [f"{service}.{op}" for op in implemented(provider, service_model(service))
                    if not actions.has_entry(service, op)]
    assert missing == []


def test_member_without_rule_has_no_entry() -> None:
    # a service without a table is not covered
    assert not actions.has_entry("firehose", "PutRecord")


def test_new_services_resolve_their_resources() -> None:
    from fogbank.context import Ctx

    ctx = Ctx(account="111111111111", region="eu-west-1", request_id="r", clock=None, store=None,  # type: ignore[arg-type]
              blobs=None, config=None)  # type: ignore[arg-type]
    [t] = actions.targets(ctx, "events", "PutRule", {"Name": "r1", "EventBusName": "orders"})
    assert (t.action, t.resource) == ("events:PutRule", "arn:aws:events:eu-west-1:111111111111:rule/orders/r1")
    [t] = actions.targets(ctx, "events", "DescribeEventBus", {"Name": "orders"})
    assert t.resource == "arn:aws:events:eu-west-1:111111111111:event-bus/orders"
    [t] = actions.targets(ctx, "sns", "CreateTopic", {"Name": "alerts"})
    assert (t.action, t.resource) == ("sns:CreateTopic", "arn:aws:sns:eu-west-1:111111111111:alerts")
