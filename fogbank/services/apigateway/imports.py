"""ImportRestApi, PutRestApi and GetExport: OpenAPI 2 and 3 with the x-amazon-apigateway-* extensions."""

from __future__ import annotations

import json
from typing import Any

from fogbank.context import Ctx
from fogbank.services.apigateway import openapi
from fogbank.services.apigateway.documents import editing, load_api, new_id, out, save_api
from fogbank.services.apigateway.errors import BadRequestException, NotFoundException
from fogbank.services.apigateway.restapis import new_document

EXPORT_TYPES = ("oas30", "swagger")


def _endpoint(parameters: dict[str, str]) -> dict[str, Any] | None:
    types = parameters.get("endpointConfigurationTypes")
    return {"types": [types.upper()]} if types else None


class ImportOperations:
    """OpenAPI import and export."""

    def import_rest_api(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ImportRestApi: a new API from an OpenAPI definition."""
        spec = openapi.parse(request["body"])
        parameters = request.get("parameters") or {}
        doc = new_document(ctx, {"name": (spec.get("info") or {}).get("title") or "imported",
                                 "endpointConfiguration": _endpoint(parameters)})
        warnings = openapi.apply(doc, spec, new_id)
        if warnings and request.get("failOnWarnings"):
            raise BadRequestException("Warnings found during import:\n\t" + "\n\t".join(warnings))
        save_api(ctx, doc)
        result = out(doc["api"])
        if warnings:
            result["warnings"] = warnings
        return result

    def put_rest_api(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutRestApi: overwrite (default) or merge an API with an OpenAPI definition."""
        spec = openapi.parse(request["body"])
        mode = request.get("mode") or "merge"
        if mode not in ("merge", "overwrite"):
            raise BadRequestException(f"Invalid mode: {mode}")
        with editing(ctx, request["restApiId"]) as doc:
            if mode == "overwrite":
                root = doc["api"]["rootResourceId"]
                doc["resources"] = {root: {"id": root, "path": "/", "resourceMethods": {}}}
                for part in ("authorizers", "validators", "models", "gatewayResponses"):
                    doc[part] = {}
            else:
                self._forget_imported_paths(doc, spec)
            warnings = openapi.apply(doc, spec, new_id)
            if warnings and request.get("failOnWarnings"):
                raise BadRequestException("Warnings found during import:\n\t" + "\n\t".join(warnings))
            result = out(doc["api"])
        if warnings:
            result["warnings"] = warnings
        return result

    def _forget_imported_paths(self, doc: dict[str, Any], spec: dict[str, Any]) -> None:
        # merging replaces the methods a definition names and keeps the rest
        wanted = set((spec.get("paths") or {}).keys())
        for resource in doc["resources"].values():
            if resource["path"] in wanted:
                item = spec["paths"][resource["path"]] or {}
                for verb in item:
                    name = "ANY" if verb == openapi.ANY_METHOD else verb.upper()
                    resource["resourceMethods"].pop(name, None)

    def get_export(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetExport of a stage as OpenAPI 3 (``oas30``) or Swagger 2, JSON or YAML."""
        doc = load_api(ctx, request["restApiId"])
        stage = doc["stages"].get(request["stageName"])
        if stage is None:
            raise NotFoundException("Invalid Stage identifier specified")
        kind = request["exportType"]
        if kind not in EXPORT_TYPES:
            raise BadRequestException(f"No API exporter for type '{kind}'")
        frozen = doc["deployments"][stage["deploymentId"]]["_snapshot"]
        extensions = (request.get("parameters") or {}).get("extensions", "") in ("integrations", "apigateway", "authorizers")
        host = f"{doc['api']['id']}.execute-api.localhost:{ctx.config.port}"
        spec = openapi.export(doc["api"], frozen, stage, host, kind == "oas30", extensions)
        accepts = request.get("accepts") or "application/json"
        if "yaml" in accepts:
            import yaml

            body = yaml.safe_dump(spec, sort_keys=False).encode()
            content_type, suffix = "application/yaml", "yaml"
        else:
            body = json.dumps(spec, indent=2).encode()
            content_type, suffix = "application/json", "json"
        name = f"{kind}_{doc['api']['id']}_{stage['stageName']}"
        return {"contentType": content_type, "contentDisposition": f'attachment; filename="{name}.{suffix}"', "body": body}
