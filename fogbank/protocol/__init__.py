"""AWS's wire protocols: one module per protocol, each with parse_request / serialize_response /
serialize_error (see ``base.py``), all driven by botocore's service models."""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

# botocore's protocol names -> the module that speaks it.
MODULES = {
    "query": "fogbank.protocol.query",
    "ec2": "fogbank.protocol.ec2",
    "json": "fogbank.protocol.json_",
    "rest-json": "fogbank.protocol.rest_json",
    "rest-xml": "fogbank.protocol.rest_xml",
    "smithy-rpc-v2-cbor": "fogbank.protocol.cbor",
}


@cache
def module_for(protocol: str) -> ModuleType:
    """The module that parses and serialises ``protocol`` (a botocore protocol name)."""
    return importlib.import_module(MODULES[protocol])
