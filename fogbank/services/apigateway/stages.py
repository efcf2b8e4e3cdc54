"""Deployments (frozen snapshots of an API) and the stages that serve them."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from fogbank.context import Ctx
from fogbank.services.apigateway import patch
from fogbank.services.apigateway.documents import editing, load_api, new_id, out, shape
from fogbank.services.apigateway.errors import BadRequestException, ConflictException, NotFoundException

log = logging.getLogger("fogbank")

_STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
SNAPSHOT_PARTS = ("resources", "authorizers", "validators", "models", "gatewayResponses")

#: patch path suffix of a method setting -> MethodSetting member
METHOD_SETTING_PATHS = {
    "throttling/rateLimit": "throttlingRateLimit",
    "throttling/burstLimit": "throttlingBurstLimit",
    "logging/loglevel": "loggingLevel",
    "logging/dataTrace": "dataTraceEnabled",
    "metrics/enabled": "metricsEnabled",
    "caching/enabled": "cachingEnabled",
    "caching/ttlInSeconds": "cacheTtlInSeconds",
    "caching/dataEncrypted": "cacheDataEncrypted",
    "caching/requireAuthorizationForCacheControl": "requireAuthorizationForCacheControl",
    "caching/unauthorizedCacheControlHeaderStrategy": "unauthorizedCacheControlHeaderStrategy",
}
DEFAULT_METHOD_SETTING = {
    "metricsEnabled": False, "loggingLevel": "OFF", "dataTraceEnabled": False,
    "throttlingBurstLimit": 5000, "throttlingRateLimit": 10000.0, "cachingEnabled": False,
    "cacheTtlInSeconds": 300, "cacheDataEncrypted": False, "requireAuthorizationForCacheControl": True,
    "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
}


def snapshot(doc: dict[str, Any]) -> dict[str, Any]:
    """What a deployment freezes of the API: everything the data plane serves from."""
    methods = [m for r in doc["resources"].values() for m in r["resourceMethods"].values()]
    if not methods:
        raise BadRequestException("The REST API doesn't contain any methods")
    for method in methods:
        if "methodIntegration" not in method:
            raise BadRequestException("No integration defined for method")
    frozen = {part: copy.deepcopy(doc[part]) for part in SNAPSHOT_PARTS}
    frozen["api"] = {k: doc["api"].get(k) for k in ("binaryMediaTypes", "apiKeySource", "policy", "minimumCompressionSize")}
    return frozen


def api_summary(doc: dict[str, Any]) -> dict[str, Any]:
    """A deployment's apiSummary: path -> method -> authorization type and key requirement."""
    summary: dict[str, Any] = {}
    for resource in doc["resources"].values():
        for name, method in resource["resourceMethods"].items():
            summary.setdefault(resource["path"], {})[name] = {
                "authorizationType": method["authorizationType"], "apiKeyRequired": method.get("apiKeyRequired", False),
            }
    return summary


def new_stage(ctx: Ctx, request: dict[str, Any], deployment_id: str) -> dict[str, Any]:
    """A stage record."""
    name = request["stageName"]
    if not _STAGE_NAME.match(name):
        raise BadRequestException("Stage name only allows a-zA-Z0-9_-")
    now = ctx.clock.now()
    stage: dict[str, Any] = {
        "stageName": name, "deploymentId": deployment_id, "cacheClusterEnabled": bool(request.get("cacheClusterEnabled", False)),
        "cacheClusterStatus": "AVAILABLE" if request.get("cacheClusterEnabled") else "NOT_AVAILABLE",
        "methodSettings": {}, "tracingEnabled": bool(request.get("tracingEnabled", False)),
        "createdDate": now, "lastUpdatedDate": now,
    }
    for src, dst in (("description", "description"), ("stageDescription", "description"), ("variables", "variables"),
                     ("cacheClusterSize", "cacheClusterSize"), ("documentationVersion", "documentationVersion"),
                     ("canarySettings", "canarySettings"), ("tags", "tags")):
        if request.get(src) is not None:
            stage[dst] = request[src]
    _check_variables(stage.get("variables") or {})
    return stage


def _check_variables(variables: dict[str, str]) -> None:
    for name, value in variables.items():
        if not re.match(r"^[A-Za-z0-9_]+$", name):
            raise BadRequestException("Stage variable names must only contain alphanumeric characters or underscores.")
        if not re.match(r"^[A-Za-z0-9\-._~:/?#&=,]*$", value):
            raise BadRequestException("Stage variable values must only contain alphanumeric characters, hyphens, periods, underscores, tildes, colons, slashes, question marks, pound signs, ampersands, equals signs or commas.")


def invoke_urls(ctx: Ctx, api_id: str, stage: str) -> list[str]:
    """The two URLs a deployed stage answers on."""
    port = ctx.config.port
    return [f"http://{api_id}.execute-api.localhost:{port}/{stage}/",
            f"http://localhost:{port}/restapis/{api_id}/{stage}/_user_request_/"]


def _announce(ctx: Ctx, api_id: str, stage: str) -> None:
    log.info("API Gateway stage %s of %s deployed: %s", stage, api_id, " or ".join(invoke_urls(ctx, api_id, stage)))


class StageOperations:
    """Deployments and stages."""

    def create_deployment(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateDeployment, creating or moving a stage when ``stageName`` is given."""
        with editing(ctx, request["restApiId"]) as doc:
            deployment = {"id": new_id(6), "createdDate": ctx.clock.now(), "apiSummary": api_summary(doc),
                          "_snapshot": snapshot(doc)}
            if request.get("description") is not None:
                deployment["description"] = request["description"]
            doc["deployments"][deployment["id"]] = deployment
            name = request.get("stageName")
            if name:
                stage = doc["stages"].get(name)
                if stage is None:
                    doc["stages"][name] = new_stage(ctx, request, deployment["id"])
                else:
                    stage["deploymentId"] = deployment["id"]
                    stage["lastUpdatedDate"] = ctx.clock.now()
                    if request.get("variables") is not None:
                        _check_variables(request["variables"])
                        stage["variables"] = {**stage.get("variables", {}), **request["variables"]}
                    if request.get("stageDescription") is not None:
                        stage["description"] = request["stageDescription"]
        if name:
            _announce(ctx, request["restApiId"], name)
        return out(deployment)

    def get_deployment(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetDeployment."""
        deployment = load_api(ctx, request["restApiId"])["deployments"].get(request["deploymentId"])
        if deployment is None:
            raise NotFoundException("Invalid Deployment identifier specified")
        return out(deployment)

    def get_deployments(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetDeployments."""
        from fogbank.services.apigateway.documents import page

        items = sorted(load_api(ctx, request["restApiId"])["deployments"].values(), key=lambda d: d["createdDate"])
        result = page(items, request)
        result["items"] = [out(d) for d in result["items"]]
        return result

    def update_deployment(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateDeployment: its description."""
        with editing(ctx, request["restApiId"]) as doc:
            deployment = doc["deployments"].get(request["deploymentId"])
            if deployment is None:
                raise NotFoundException("Invalid Deployment identifier specified")
            patch.apply(deployment, request.get("patchOperations") or [], shape("Deployment"), ("description",))
            return out(deployment)

    def delete_deployment(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteDeployment (not while a stage points at it)."""
        with editing(ctx, request["restApiId"]) as doc:
            if request["deploymentId"] not in doc["deployments"]:
                raise NotFoundException("Invalid Deployment identifier specified")
            if any(s["deploymentId"] == request["deploymentId"] for s in doc["stages"].values()):
                raise BadRequestException("Active stages pointing to this deployment must be moved or deleted")
            del doc["deployments"][request["deploymentId"]]
        return {}

    # --- stages --------------------------------------------------------------------------

    def create_stage(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateStage on an existing deployment."""
        with editing(ctx, request["restApiId"]) as doc:
            if request["deploymentId"] not in doc["deployments"]:
                raise NotFoundException("Invalid Deployment identifier specified")
            if request["stageName"] in doc["stages"]:
                raise ConflictException("Stage already exists")
            stage = new_stage(ctx, request, request["deploymentId"])
            doc["stages"][stage["stageName"]] = stage
        _announce(ctx, request["restApiId"], stage["stageName"])
        return out(stage)

    def get_stage(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetStage."""
        return out(stage_of(load_api(ctx, request["restApiId"]), request["stageName"]))

    def get_stages(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetStages (all, or those of one deployment)."""
        stages = load_api(ctx, request["restApiId"])["stages"].values()
        wanted = request.get("deploymentId")
        return {"item": [out(s) for s in stages if not wanted or s["deploymentId"] == wanted]}

    def update_stage(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateStage: variables, method settings (``/{path}/{method}/throttling/rateLimit``) and the rest."""
        with editing(ctx, request["restApiId"]) as doc:
            stage = stage_of(doc, request["stageName"])
            plain = []
            for operation in request.get("patchOperations") or []:
                if not _method_setting(stage, operation):
                    plain.append(operation)
            writable = ("deploymentId", "description", "cacheClusterEnabled", "cacheClusterSize", "variables",
                        "documentationVersion", "accessLogSettings", "canarySettings", "tracingEnabled",
                        "clientCertificateId", "webAclArn")
            patch.apply(stage, plain, shape("Stage"), writable)
            if stage["deploymentId"] not in doc["deployments"]:
                raise BadRequestException("Deployment id does not exist")
            _check_variables(stage.get("variables") or {})
            stage["cacheClusterStatus"] = "AVAILABLE" if stage.get("cacheClusterEnabled") else "NOT_AVAILABLE"
            stage["lastUpdatedDate"] = ctx.clock.now()
            return out(stage)

    def delete_stage(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteStage."""
        with editing(ctx, request["restApiId"]) as doc:
            stage_of(doc, request["stageName"])
            del doc["stages"][request["stageName"]]
        return {}

    def flush_stage_cache(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """FlushStageCache (fogbank keeps no response cache: nothing to drop)."""
        stage_of(load_api(ctx, request["restApiId"]), request["stageName"])
        return {}

    def flush_stage_authorizers_cache(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """FlushStageAuthorizersCache: forget cached authorizer results of the stage."""
        stage_of(load_api(ctx, request["restApiId"]), request["stageName"])
        flush = getattr(self, "_flush_authorizers", None)
        if callable(flush):
            flush(request["restApiId"], request["stageName"])
        return {}


def stage_of(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """A stage of the API; NotFound otherwise."""
    stage = doc["stages"].get(name)
    if stage is None:
        raise NotFoundException("Invalid Stage identifier specified")
    return stage


def _method_setting(stage: dict[str, Any], operation: dict[str, Any]) -> bool:
    """Apply a ``/{resource path}/{method}/{group}/{setting}`` patch; False when it is not one."""
    parts = (operation.get("path") or "").lstrip("/").split("/")
    if len(parts) != 4:
        return False
    suffix = parts[2] + "/" + parts[3]
    member = METHOD_SETTING_PATHS.get(suffix)
    if member is None:
        return False
    key = patch.unescape(parts[0]).lstrip("/") + "/" + parts[1]
    settings = stage.setdefault("methodSettings", {})
    if operation.get("op") == "remove":
        settings.get(key, {}).pop(member, None)
        return True
    if operation.get("op") not in ("replace", "add"):
        raise BadRequestException("Invalid patch operation specified. Must be 'add'|'remove'|'replace'")
    value = patch.coerce(operation.get("value"), shape("MethodSetting").members[member], operation["path"])
    if member == "loggingLevel" and value not in ("OFF", "ERROR", "INFO"):
        raise BadRequestException(f"Invalid logging level specified: {value}")
    settings.setdefault(key, dict(DEFAULT_METHOD_SETTING))[member] = value
    return True
