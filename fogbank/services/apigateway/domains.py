"""Custom domain names and base path mappings (stored, not served), tags and account settings."""

from __future__ import annotations

import re
from typing import Any

from fogbank.context import Ctx
from fogbank.services.apigateway import patch, store
from fogbank.services.apigateway.documents import (
    editing,
    load_api,
    out,
    page,
    put_record,
    record,
    records,
    shape,
)
from fogbank.services.apigateway.errors import BadRequestException, ConflictException, NotFoundException

_ARN = re.compile(r"^arn:aws[a-z-]*:apigateway:(?P<region>[^:]*)::(?P<path>/.+)$")


class DomainOperations:
    """Domain names, base path mappings, tags and the account."""

    # --- domain names --------------------------------------------------------------------

    def create_domain_name(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateDomainName."""
        name = request["domainName"]
        if ctx.store.get(store.key(ctx.account, ctx.region, "domain", name)) is not None:
            raise ConflictException("The domain name you provided already exists.")
        endpoint = request.get("endpointConfiguration") or {"types": ["EDGE"]}
        domain: dict[str, Any] = {
            "domainName": name, "domainNameStatus": "AVAILABLE", "endpointConfiguration": endpoint,
            "securityPolicy": request.get("securityPolicy") or "TLS_1_2",
            "domainNameArn": f"arn:aws:apigateway:{ctx.region}::/domainnames/{name}",
        }
        if "REGIONAL" in endpoint.get("types", []):
            domain["regionalDomainName"] = f"d-{abs(hash(name)) % 10**10:010d}.execute-api.{ctx.region}.amazonaws.com"
            domain["regionalHostedZoneId"] = "Z1UJRXOUMOOFQ8"
        else:
            domain["distributionDomainName"] = f"d{abs(hash(name)) % 10**12:012d}.cloudfront.net"
            domain["distributionHostedZoneId"] = "Z2FDTNDATAQYW2"
        for field in ("certificateName", "certificateArn", "regionalCertificateName", "regionalCertificateArn",
                      "tags", "mutualTlsAuthentication", "ownershipVerificationCertificateArn"):
            if request.get(field) is not None:
                domain[field] = request[field]
        if domain.get("certificateArn") or domain.get("regionalCertificateArn"):
            domain["certificateUploadDate"] = ctx.clock.now()
        put_record(ctx, "domain", name, domain)
        return out(domain)

    def get_domain_name(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetDomainName."""
        return out(record(ctx, "domain", request["domainName"], "Invalid domain name identifier specified"))

    def get_domain_names(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetDomainNames."""
        result = page(records(ctx, "domain"), request)
        result["items"] = [out(d) for d in result["items"]]
        return result

    def update_domain_name(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateDomainName by patch operations."""
        domain = record(ctx, "domain", request["domainName"], "Invalid domain name identifier specified")
        patch.apply(domain, request.get("patchOperations") or [], shape("DomainName"),
                    ("certificateName", "certificateArn", "regionalCertificateName", "regionalCertificateArn",
                     "securityPolicy", "endpointConfiguration", "mutualTlsAuthentication"))
        put_record(ctx, "domain", domain["domainName"], domain)
        return out(domain)

    def delete_domain_name(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteDomainName and its base path mappings."""
        name = request["domainName"]
        record(ctx, "domain", name, "Invalid domain name identifier specified")
        with ctx.store.transaction() as txn:
            txn.delete(store.key(ctx.account, ctx.region, "domain", name))
            txn.delete_prefix(store.key(ctx.account, ctx.region, "mapping", name))
        return {}

    # --- base path mappings --------------------------------------------------------------

    def create_base_path_mapping(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateBasePathMapping: a domain's base path to an API (and stage)."""
        name = request["domainName"]
        record(ctx, "domain", name, "Invalid domain name identifier specified")
        doc = load_api(ctx, request["restApiId"])
        if request.get("stage") and request["stage"] not in doc["stages"]:
            raise BadRequestException("Invalid stage identifier specified")
        base_path = request.get("basePath") or "(none)"
        slot = store.key(ctx.account, ctx.region, "mapping", name, base_path)
        if ctx.store.get(slot) is not None:
            raise ConflictException("Base path already exists for this domain name")
        mapping = {"basePath": base_path, "restApiId": request["restApiId"]}
        if request.get("stage"):
            mapping["stage"] = request["stage"]
        ctx.store.put(slot, store.dump(mapping))
        return mapping

    def get_base_path_mapping(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetBasePathMapping."""
        record(ctx, "domain", request["domainName"], "Invalid domain name identifier specified")
        return _mapping(ctx, request["domainName"], request["basePath"])

    def get_base_path_mappings(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetBasePathMappings."""
        record(ctx, "domain", request["domainName"], "Invalid domain name identifier specified")
        return page(records(ctx, "mapping", request["domainName"]), request)

    def update_base_path_mapping(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateBasePathMapping: base path, API or stage."""
        mapping = _mapping(ctx, request["domainName"], request["basePath"])
        old = mapping["basePath"]
        patch.apply(mapping, request.get("patchOperations") or [], shape("BasePathMapping"),
                    ("basePath", "restApiId", "stage"))
        load_api(ctx, mapping["restApiId"])
        with ctx.store.transaction() as txn:
            txn.delete(store.key(ctx.account, ctx.region, "mapping", request["domainName"], old))
            txn.put(store.key(ctx.account, ctx.region, "mapping", request["domainName"], mapping["basePath"]), store.dump(mapping))
        return mapping

    def delete_base_path_mapping(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteBasePathMapping."""
        _mapping(ctx, request["domainName"], request["basePath"])
        ctx.store.delete(store.key(ctx.account, ctx.region, "mapping", request["domainName"], request["basePath"]))
        return {}

    # --- tags ----------------------------------------------------------------------------

    def tag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TagResource on an API, stage, API key, usage plan or domain name."""
        _change_tags(ctx, request["resourceArn"], lambda tags: tags.update(request.get("tags") or {}))
        return {}

    def untag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UntagResource."""
        def drop(tags: dict[str, str]) -> None:
            for key in request.get("tagKeys") or []:
                tags.pop(key, None)
        _change_tags(ctx, request["resourceArn"], drop)
        return {}

    def get_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetTags."""
        found: dict[str, str] = {}
        _change_tags(ctx, request["resourceArn"], lambda tags: found.update(tags), write=False)
        return {"tags": found}

    # --- account -------------------------------------------------------------------------

    def get_account(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetAccount: the CloudWatch role and the account's default throttle."""
        settings = store.load(ctx.store.get(store.key(ctx.account, ctx.region, "account"))) or {}
        return {**settings, "throttleSettings": {"burstLimit": 5000, "rateLimit": 10000.0},
                "features": ["UsagePlans"], "apiKeyVersion": "4"}

    def update_account(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateAccount: ``/cloudwatchRoleArn``."""
        settings = store.load(ctx.store.get(store.key(ctx.account, ctx.region, "account"))) or {}
        patch.apply(settings, request.get("patchOperations") or [], shape("Account"), ("cloudwatchRoleArn",))
        ctx.store.put(store.key(ctx.account, ctx.region, "account"), store.dump(settings))
        return self.get_account(ctx, request)


def _mapping(ctx: Ctx, domain: str, base_path: str) -> dict[str, Any]:
    value = store.load(ctx.store.get(store.key(ctx.account, ctx.region, "mapping", domain, base_path)))
    if value is None:
        raise NotFoundException("Invalid base path mapping identifier specified")
    return value


def _change_tags(ctx: Ctx, arn: str, change: Any, write: bool = True) -> None:
    m = _ARN.match(arn)
    if not m:
        raise BadRequestException(f"Invalid ARN: {arn}")
    parts = m.group("path").strip("/").split("/")
    if parts[0] == "restapis" and len(parts) in (2, 4):
        with editing(ctx, parts[1]) as doc:
            if len(parts) == 2:
                target = doc["api"]
            else:
                target = doc["stages"].get(parts[3])
                if target is None or parts[2] != "stages":
                    raise NotFoundException("Invalid Stage identifier specified")
            change(target.setdefault("tags", {}))
        return
    kinds = {"apikeys": ("apikey", "Invalid API Key identifier specified"),
             "usageplans": ("plan", "Invalid Usage Plan ID specified"),
             "domainnames": ("domain", "Invalid domain name identifier specified")}
    if len(parts) != 2 or parts[0] not in kinds:
        raise BadRequestException(f"Invalid ARN: {arn}")
    kind, message = kinds[parts[0]]
    value = record(ctx, kind, parts[1], message)
    change(value.setdefault("tags", {}))
    if write:
        put_record(ctx, kind, parts[1], value)
