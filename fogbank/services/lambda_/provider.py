"""Lambda: functions that really run, as local processes speaking the Lambda Runtime API.

Function records and versions are in ``functions``/``versions``, invocations in ``invoke`` (on
``fogbank.runtimes``), asynchronous invocation in ``events``, SQS event source mappings in
``mappings`` (DynamoDB Streams ones in ``streams``), layers in ``layers`` and resource policies
in ``policies``.

LIMITATIONS: container image functions, code signing, SnapStart, VPC, EFS, durable executions,
capacity providers and response streaming are not implemented; the Runtime API extensions and
telemetry APIs are not served; function logs reach CloudWatch Logs only once fogbank has that
service (``LogType=Tail`` works regardless); environments have a private /tmp directory but no
file system isolation or memory limit; Kinesis mappings are stored without polling; DynamoDB
Streams mappings ignore ParallelizationFactor, TumblingWindowInSeconds and FilterCriteria and do
not cap a batch at 6 MB; an SQS mapping without ScalingConfig runs at most 5 batches at once (AWS
scales further); provisioned concurrency on an alias with routing weights provisions one of its
versions only and publishes no ProvisionedConcurrency* metrics; resource policies are stored but
not enforced.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.lambda_ import configs, esm, events, functions, layers, policies, store, versions
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    RequestTooLargeException,
    ResourceConflictException,
)
from fogbank.services.lambda_.invoke import Invoker, account_limit, claimed, is_json, reserved_total
from fogbank.services.lambda_.mappings import Pollers
from fogbank.services.lambda_.resolve import target

MAX_SYNC_PAYLOAD = 6 * 1024 * 1024
MAX_ASYNC_PAYLOAD = 1024 * 1024


class Provider:
    """The Lambda operations."""

    def __init__(self) -> None:
        self.invoker = Invoker()
        self.worker: events.Worker | None = None
        self.pollers: Pollers | None = None

    def start(self, ctx: Ctx) -> None:
        """Start the asynchronous-invocation worker and the pollers of stored mappings."""
        self._start(ctx)

    def _start(self, ctx: Ctx) -> None:
        self.worker = events.Worker(ctx, self._run_event)
        self.pollers = Pollers(ctx, self._run_event)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a bare import): started on first use
        self.worker.start()
        self.pollers.start_all()
        self._reprovision(ctx)

    def _reprovision(self, ctx: Ctx) -> None:
        """Start the provisioned environments of the stored configs (after a restart)."""
        for k, raw in ctx.store.scan(prefix=(store.SERVICE,)):
            if len(k) != 5 or k[3] != "function" or b'"provisioned"' not in raw:
                continue
            scoped = ctx.derive(account=k[1], region=k[2])
            record = store.get(scoped, "function", k[4]) or {}
            for qualifier, config in (record.get("provisioned") or {}).items():
                try:
                    tgt = target(scoped, k[4], qualifier)
                except ServiceError:
                    continue
                self.invoker.provision(scoped, tgt, qualifier, int(config["RequestedProvisionedConcurrentExecutions"]))

    def _background(self, ctx: Ctx) -> tuple[events.Worker, Pollers]:
        if self.worker is None or self.worker.task is None or self.pollers is None:
            self._start(ctx.derive(request_id="background"))
        assert self.worker is not None and self.pollers is not None
        return self.worker, self.pollers

    async def _run_event(self, ctx: Ctx, tgt: Any, payload: bytes, request_id: str | None) -> Any:
        return await self.invoker.run(ctx, tgt, payload, request_id=request_id)

    async def stop(self) -> None:
        """Stop the worker and pollers and kill every execution environment."""
        for part in (self.worker, self.pollers):
            if part is not None:
                await part.stop()
        await self.invoker.shutdown()

    def reset(self, ctx: Ctx) -> None:
        """Stop everything that runs (the functions are going) and start afresh."""
        old = (self.worker, self.pollers, self.invoker)
        self.invoker = Invoker()
        self.worker = self.pollers = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.create_task(self._stop_parts(*old))

    @staticmethod
    async def _stop_parts(worker: events.Worker | None, pollers: Pollers | None, invoker: Invoker) -> None:
        for part in (worker, pollers):
            if part is not None:
                await part.stop()
        await invoker.shutdown()

    # --- functions -------------------------------------------------------------------------

    async def create_function(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateFunction from a zip or an S3 object."""
        name, qualifier = functions.parse_name(ctx, request["FunctionName"])
        if qualifier:
            raise InvalidParameterValueException("Unsupported function name format: qualifier not allowed")
        request = {**request, "FunctionName": name}
        functions.check_settings(request)
        if request.get("PackageType", "Zip") == "Zip" and not request.get("Runtime"):
            raise InvalidParameterValueException("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
        if store.get(ctx, "function", name) is not None:
            raise ResourceConflictException(f"Function already exist: {name}")
        layers, layer_code = versions.layer_refs(ctx, request.get("Layers") or [])
        code = await functions.take_code(ctx, request.get("Code") or {})
        code["layers"] = layer_code
        config = functions.new_config(ctx, request, code, layers)
        record = {"config": config, "code": code, "tags": dict(request.get("Tags") or {}), "next_version": 1}
        with ctx.store.transaction():
            if store.get(ctx, "function", name) is not None:
                ctx.blobs.delete(code["blob"])
                raise ResourceConflictException(f"Function already exist: {name}")
            store.put(ctx, record, "function", name)
        shown = dict(config)
        if request.get("Publish"):
            shown = versions.publish(ctx, name, None, request.get("Description"))
        shown.update({"State": "Pending", "StateReason": "The function is being created.", "StateReasonCode": "Creating"})
        return shown

    def get_function(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetFunction: configuration, code location, tags and concurrency."""
        name, qualifier = functions.parse_name(ctx, request["FunctionName"], request.get("Qualifier"))
        record = functions.load(ctx, name, qualifier)
        config = versions.config_of(ctx, name, qualifier, record)
        answer: dict[str, Any] = {
            "Configuration": config,
            "Code": {"RepositoryType": "S3", "Location": f"{ctx.config.endpoint}/_fogbank/lambda/code/{record['code']['blob']}"},
        }
        if record.get("tags"):
            answer["Tags"] = dict(record["tags"])
        if record.get("concurrency") is not None:
            answer["Concurrency"] = {"ReservedConcurrentExecutions": record["concurrency"]}
        return answer

    def get_function_configuration(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetFunctionConfiguration."""
        name, qualifier = functions.parse_name(ctx, request["FunctionName"], request.get("Qualifier"))
        record = functions.load(ctx, name, qualifier)
        return versions.config_of(ctx, name, qualifier, record)

    def list_functions(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListFunctions ($LATEST of each, or every version with FunctionVersion=ALL)."""
        everything = request.get("FunctionVersion") == "ALL"
        configs: list[dict[str, Any]] = []
        for _key, record in store.scan(ctx, "function"):
            configs.append(record["config"])
            if everything:
                configs.extend(v["config"] for _k, v in store.scan(ctx, "version", record["config"]["FunctionName"]))
        return versions.page(configs, request, "Functions", lambda c: c["FunctionArn"] + ":" + c["Version"])

    async def delete_function(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteFunction (a whole function, or one published version with Qualifier)."""
        name, qualifier = functions.parse_name(ctx, request["FunctionName"], request.get("Qualifier"))
        record = functions.load(ctx, name, qualifier)
        if qualifier and qualifier != functions.LATEST:
            versions.delete_version(ctx, name, qualifier)
        else:
            if qualifier == functions.LATEST:
                raise InvalidParameterValueException("$LATEST version cannot be deleted without deleting the function.")
            with ctx.store.transaction():
                ctx.store.delete_prefix(store.key(ctx, "version", name))
                ctx.store.delete_prefix(store.key(ctx, "alias", name))
                store.delete(ctx, "function", name)
            if claimed(record):
                self.invoker.forget_reserved(ctx)
            await self.invoker.unprovision(ctx, name)
        if qualifier and (record.get("provisioned") or {}).get(qualifier):
            self.invoker.forget_reserved(ctx)
            await self.invoker.unprovision(ctx, name, qualifier)
        await self._retire(ctx, name)
        return {}

    async def _retire(self, ctx: Ctx, name: str) -> None:
        if self.invoker.manager is not None:
            await self.invoker.manager.retire(lambda k: k[:3] == (ctx.account, ctx.region, name))

    async def update_function_code(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateFunctionCode (a new zip; Publish makes a version of it)."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        record = functions.load(ctx, name)
        versions.check_revision(record["config"], request.get("RevisionId"))
        code = await functions.take_code(ctx, request)
        code["layers"] = record["code"].get("layers", [])
        if request.get("DryRun"):
            ctx.blobs.delete(code["blob"])
            return {**record["config"], "CodeSha256": code["sha256"], "CodeSize": code["size"]}
        config = versions.touched(ctx, record["config"])
        config.update({"CodeSha256": code["sha256"], "CodeSize": code["size"]})
        if request.get("Architectures"):
            config["Architectures"] = request["Architectures"]
        old_blob = record["code"]["blob"]
        record.update(config=config, code=code)
        store.put(ctx, record, "function", name)
        if not versions.blob_in_use(ctx, name, old_blob):
            ctx.blobs.delete(old_blob)
        await self._retire(ctx, name)
        shown = dict(config)
        if request.get("Publish"):
            shown = versions.publish(ctx, name, None, None)
        shown.update({"LastUpdateStatus": "InProgress", "LastUpdateStatusReason": "The function is being created.", "LastUpdateStatusReasonCode": "Creating"})
        return shown

    async def update_function_configuration(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateFunctionConfiguration."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        record = functions.load(ctx, name)
        versions.check_revision(record["config"], request.get("RevisionId"))
        functions.check_settings(request)
        config = versions.touched(ctx, record["config"])
        for member in ("Role", "Handler", "Description", "Timeout", "MemorySize", "Runtime"):
            if request.get(member) is not None:
                config[member] = request[member]
        if request.get("EphemeralStorage"):
            config["EphemeralStorage"] = {"Size": request["EphemeralStorage"]["Size"]}
        if request.get("TracingConfig"):
            config["TracingConfig"] = {"Mode": request["TracingConfig"].get("Mode", "PassThrough")}
        if request.get("LoggingConfig"):
            config["LoggingConfig"] = {**config.get("LoggingConfig", {}), **request["LoggingConfig"]}
        functions.apply_optional(config, request)
        if "Layers" in request:
            layers, layer_code = versions.layer_refs(ctx, request.get("Layers") or [])
            if layers:
                config["Layers"] = layers
            else:
                config.pop("Layers", None)
            record["code"]["layers"] = layer_code
        record["config"] = config
        store.put(ctx, record, "function", name)
        await self._retire(ctx, name)
        return {**config, "LastUpdateStatus": "InProgress", "LastUpdateStatusReason": "The function is being created.", "LastUpdateStatusReasonCode": "Creating"}

    # --- invocation ------------------------------------------------------------------------

    async def invoke(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Invoke: RequestResponse (run and answer), Event (queue, 202) or DryRun (204)."""
        kind = request.get("InvocationType") or "RequestResponse"
        payload = request.get("Payload") or b""
        if isinstance(payload, str):
            payload = payload.encode()
        if kind == "Event" and len(payload) > MAX_ASYNC_PAYLOAD:
            raise RequestTooLargeException(f"Request must be smaller than {MAX_ASYNC_PAYLOAD} bytes for the InvokeFunction operation")
        if len(payload) > MAX_SYNC_PAYLOAD:
            raise RequestTooLargeException(f"Request must be smaller than {MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation")
        if not payload:
            payload = b"{}"
        if not is_json(payload):
            raise InvalidRequestContentException("Could not parse request body into json: Could not parse payload into json: Unrecognized token: was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
        tgt = target(ctx, request["FunctionName"], request.get("Qualifier"))
        if kind == "DryRun":
            return {"StatusCode": 204, "Payload": b""}
        if kind == "Event":
            return await self._enqueue(ctx, tgt, payload)
        client_context = request.get("ClientContext")
        if client_context:
            import base64

            try:
                client_context = base64.b64decode(client_context).decode()
            except ValueError:
                raise InvalidRequestContentException("Client context must be a valid Base64-encoded JSON object.") from None
        result = await self.invoker.run(ctx, tgt, payload, client_context=client_context)
        answer: dict[str, Any] = {"StatusCode": 200, "Payload": result.payload, "ExecutedVersion": result.version}
        if not result.ok:
            answer["FunctionError"] = "Unhandled"
        if request.get("LogType") == "Tail":
            from fogbank.services.lambda_.logs import tail

            answer["LogResult"] = tail(result.log)
        return answer

    async def _enqueue(self, ctx: Ctx, tgt: Any, payload: bytes) -> dict[str, Any]:
        worker, _pollers = self._background(ctx)
        qualifier = tgt.invoked_arn.split("function:", 1)[1].partition(":")[2] or None
        events.enqueue(ctx, tgt.name, qualifier, payload, ctx.request_id)
        worker.notify(ctx)
        return {"StatusCode": 202, "Payload": b""}

    def put_function_event_invoke_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutFunctionEventInvokeConfig (replaces the whole config)."""
        return configs.put_event_config(ctx, request, merge=False)

    def update_function_event_invoke_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateFunctionEventInvokeConfig (changes only what is given)."""
        return configs.put_event_config(ctx, request, merge=True)

    def get_function_event_invoke_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetFunctionEventInvokeConfig."""
        return configs.get_event_config(ctx, request)

    def delete_function_event_invoke_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteFunctionEventInvokeConfig."""
        configs.delete_event_config(ctx, request)
        return {}

    def list_function_event_invoke_configs(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListFunctionEventInvokeConfigs."""
        return versions.page(configs.list_event_configs(ctx, request), request, "FunctionEventInvokeConfigs", lambda c: c["FunctionArn"])

    # --- event source mappings -------------------------------------------------------------

    def create_event_source_mapping(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateEventSourceMapping (SQS mappings start polling at once)."""
        answer = esm.create(ctx, request)
        self._background(ctx)[1].ensure(ctx, esm.load(ctx, answer["UUID"]))
        return answer

    def get_event_source_mapping(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetEventSourceMapping."""
        return esm.get(ctx, request["UUID"])

    def update_event_source_mapping(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateEventSourceMapping (enabling or disabling starts or stops the poller)."""
        answer = esm.update(ctx, request)
        self._background(ctx)[1].ensure(ctx, esm.load(ctx, answer["UUID"]))
        return answer

    def delete_event_source_mapping(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteEventSourceMapping."""
        answer = esm.delete(ctx, request["UUID"])
        self._background(ctx)[1].drop(request["UUID"])
        return answer

    def list_event_source_mappings(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListEventSourceMappings."""
        return versions.page(esm.list_all(ctx, request), request, "EventSourceMappings", lambda m: m["UUID"])

    # --- layers ----------------------------------------------------------------------------

    async def publish_layer_version(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PublishLayerVersion."""
        return await layers.publish(ctx, request)

    def get_layer_version(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetLayerVersion."""
        return layers.shown(layers.load(ctx, request["LayerName"], request["VersionNumber"]))

    def get_layer_version_by_arn(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetLayerVersionByArn."""
        return layers.get_by_arn(ctx, request["Arn"])

    def list_layer_versions(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListLayerVersions (newest first)."""
        found = layers.list_versions(ctx, request["LayerName"], request.get("CompatibleRuntime"), request.get("CompatibleArchitecture"))
        return versions.page(found, request, "LayerVersions", lambda v: v["LayerVersionArn"])

    def list_layers(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListLayers."""
        found = layers.list_layers(ctx, request.get("CompatibleRuntime"), request.get("CompatibleArchitecture"))
        return versions.page(found, request, "Layers", lambda v: v["LayerArn"])

    def delete_layer_version(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteLayerVersion."""
        layers.delete(ctx, request["LayerName"], request["VersionNumber"])
        return {}

    def add_layer_version_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """AddLayerVersionPermission."""
        return layers.add_permission(ctx, request)

    def remove_layer_version_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """RemoveLayerVersionPermission."""
        layers.remove_permission(ctx, request)
        return {}

    def get_layer_version_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetLayerVersionPolicy."""
        return layers.get_policy(ctx, request["LayerName"], request["VersionNumber"])

    # --- resource policies -----------------------------------------------------------------

    def add_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """AddPermission."""
        return policies.add(ctx, request)

    def remove_permission(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """RemovePermission."""
        policies.remove(ctx, request)
        return {}

    def get_policy(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetPolicy."""
        return policies.get(ctx, request)

    # --- function URLs and provisioned concurrency -----------------------------------------

    def create_function_url_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateFunctionUrlConfig."""
        return configs.create_url(ctx, request)

    def get_function_url_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetFunctionUrlConfig."""
        return configs.get_url(ctx, request)

    def update_function_url_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateFunctionUrlConfig."""
        return configs.update_url(ctx, request)

    def delete_function_url_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteFunctionUrlConfig."""
        configs.delete_url(ctx, request)
        return {}

    def list_function_url_configs(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListFunctionUrlConfigs."""
        return versions.page(configs.list_urls(ctx, request), request, "FunctionUrlConfigs", lambda c: c["FunctionUrl"])

    def put_provisioned_concurrency_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutProvisionedConcurrencyConfig: IN_PROGRESS while the environments initialise, then
        READY (see ``Invoker.provision``)."""
        self._background(ctx)
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        others = reserved_total(ctx) - claimed(functions.load(ctx, name))
        name, qualifier, answer = configs.put_provisioned(ctx, request, account_limit(ctx), others)
        self.invoker.forget_reserved(ctx)
        self.invoker.provision(ctx.derive(request_id="provisioning"), target(ctx, name, qualifier), qualifier,
                               answer["RequestedProvisionedConcurrentExecutions"])
        return answer

    def get_provisioned_concurrency_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetProvisionedConcurrencyConfig."""
        return configs.get_provisioned(ctx, request)

    async def delete_provisioned_concurrency_config(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteProvisionedConcurrencyConfig (its environments are retired)."""
        name, qualifier = configs.delete_provisioned(ctx, request)
        self.invoker.forget_reserved(ctx)
        await self.invoker.unprovision(ctx, name, qualifier)
        return {}

    def list_provisioned_concurrency_configs(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListProvisionedConcurrencyConfigs."""
        return versions.page(configs.list_provisioned(ctx, request), request, "ProvisionedConcurrencyConfigs", lambda c: c["FunctionArn"])

    # --- concurrency -----------------------------------------------------------------------

    def get_account_settings(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetAccountSettings: limits and usage."""
        limit = account_limit(ctx)
        count = 0
        size = 0
        for _k, record in store.scan(ctx, "function"):
            count += 1
            size += int(record["code"]["size"])
        return {
            "AccountLimit": {
                "TotalCodeSize": 80530636800,
                "CodeSizeUnzipped": 262144000,
                "CodeSizeZipped": 52428800,
                "ConcurrentExecutions": limit,
                "UnreservedConcurrentExecutions": limit - reserved_total(ctx),
            },
            "AccountUsage": {"TotalCodeSize": size, "FunctionCount": count},
        }

    def put_function_concurrency(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutFunctionConcurrency: reserve executions, leaving at least 100 unreserved."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        wanted = int(request["ReservedConcurrentExecutions"])
        with ctx.store.transaction():
            record = functions.load(ctx, name)
            others = reserved_total(ctx) - claimed(record)
            if wanted < configs.provisioned_total(record):
                raise InvalidParameterValueException(
                    f"Specified ReservedConcurrentExecutions for function is less than the function's allocated provisioned concurrency [{configs.provisioned_total(record)}].")
            if account_limit(ctx) - others - wanted < 100:
                raise InvalidParameterValueException(
                    "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."
                )
            record["concurrency"] = wanted
            store.put(ctx, record, "function", name)
        self.invoker.forget_reserved(ctx)
        return {"ReservedConcurrentExecutions": wanted}

    def get_function_concurrency(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetFunctionConcurrency."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        record = functions.load(ctx, name)
        if record.get("concurrency") is None:
            return {}
        return {"ReservedConcurrentExecutions": record["concurrency"]}

    def delete_function_concurrency(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteFunctionConcurrency."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        with ctx.store.transaction():
            record = functions.load(ctx, name)
            record.pop("concurrency", None)
            store.put(ctx, record, "function", name)
        self.invoker.forget_reserved(ctx)
        return {}

    # --- tags ------------------------------------------------------------------------------

    def _tagged(self, ctx: Ctx, arn: str) -> tuple[str, dict[str, Any]]:
        name, qualifier = functions.parse_name(ctx, arn)
        if qualifier:
            raise InvalidParameterValueException("Tags are not supported on function versions or aliases.")
        return name, functions.load(ctx, name)

    def tag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TagResource."""
        with ctx.store.transaction():
            name, record = self._tagged(ctx, request["Resource"])
            tags = {**record.get("tags", {}), **request["Tags"]}
            if len(tags) > 50:
                raise InvalidParameterValueException("Number of tags exceeds resource tag limit.")
            record["tags"] = tags
            store.put(ctx, record, "function", name)
        return {}

    def untag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UntagResource."""
        with ctx.store.transaction():
            name, record = self._tagged(ctx, request["Resource"])
            for key in request["TagKeys"]:
                record.get("tags", {}).pop(key, None)
            store.put(ctx, record, "function", name)
        return {}

    def list_tags(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTags."""
        _name, record = self._tagged(ctx, request["Resource"])
        return {"Tags": dict(record.get("tags", {}))}

    # --- versions and aliases --------------------------------------------------------------

    def publish_version(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PublishVersion: an immutable snapshot of $LATEST's code and configuration."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        return versions.publish(ctx, name, request, request.get("Description"))

    def list_versions_by_function(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListVersionsByFunction ($LATEST first, then the published versions)."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        record = functions.load(ctx, name)
        configs = [record["config"]] + [v["config"] for _k, v in store.scan(ctx, "version", name)]
        return versions.page(configs, request, "Versions", lambda c: c["Version"])

    def create_alias(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateAlias."""
        return versions.create_alias(ctx, request)

    def get_alias(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetAlias."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        return versions.load_alias(ctx, name, request["Name"])

    def update_alias(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateAlias."""
        return versions.update_alias(ctx, request)

    def delete_alias(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteAlias."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        functions.load(ctx, name)
        store.delete(ctx, "alias", name, request["Name"])
        return {}

    def list_aliases(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListAliases (optionally only those pointing at FunctionVersion)."""
        name, _q = functions.parse_name(ctx, request["FunctionName"])
        functions.load(ctx, name)
        aliases = [a for _k, a in store.scan(ctx, "alias", name)]
        if request.get("FunctionVersion"):
            aliases = [a for a in aliases if a["FunctionVersion"] == request["FunctionVersion"]]
        return versions.page(aliases, request, "Aliases", lambda a: a["Name"])
