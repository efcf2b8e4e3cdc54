"""API Gateway's key layout in the store. Regional keys start with ("apigateway", account, region).

  (..., "api", api_id)              -> the whole REST API document (see below)
  (..., "apikey", key_id)           -> API key record
  (..., "plan", plan_id)            -> usage plan record
  (..., "plankey", plan_id, key_id) -> usage plan key ({"id", "type"})
  (..., "usage", plan_id, key_id, day) -> {"used": n} requests counted against a quota that day
  (..., "domain", name)             -> custom domain name record
  (..., "mapping", name, base_path) -> base path mapping
  (..., "account")                  -> account settings (cloudwatchRoleArn)
  ("apigateway", "_global", "", "api", api_id) -> {"account", "region"}: the data plane receives
      only an API id in the URL, so it needs one lookup that is not scoped by account.

An API document is small and always changed as a whole, so it is one value:
  {"api": RestApi, "resources": {id: Resource with resourceMethods}, "authorizers": {id: ...},
   "validators": {id: ...}, "models": {name: ...}, "gatewayResponses": {type: ...},
   "deployments": {id: Deployment + "snapshot"}, "stages": {name: Stage}, "docParts": {id: ...}}
A deployment's snapshot freezes what the data plane serves: resources, authorizers, validators,
models, gateway responses and the API's binary media types and API key source.
Timestamps are stored as epoch seconds (floats). Values are JSON.
"""

from __future__ import annotations

from typing import Any

# records are stored in the shared JSON form
from fogbank.store.records import dump as dump
from fogbank.store.records import load as load

SERVICE = "apigateway"



def key(account: str, region: str, *rest: Any) -> tuple:
    """A regional key: (service, account, region, *rest)."""
    return (SERVICE, account, region, *rest)


def api_key(account: str, region: str, api_id: str) -> tuple:
    """Where a REST API document lives."""
    return (SERVICE, account, region, "api", api_id)


def api_index_key(api_id: str) -> tuple:
    """The global lookup from API id to its account and region."""
    return (SERVICE, "_global", "", "api", api_id)
