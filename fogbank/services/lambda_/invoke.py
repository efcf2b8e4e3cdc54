"""Running an invocation: concurrency, the environment spec, the run, logs and the result.

``Invoker`` owns the process manager and the in-memory concurrency counters (what runs right now
is not durable state). The account's limit is 1,000 concurrent executions per region unless the
config says otherwise; a function with reserved concurrency runs only within its reservation,
the others share what is left unreserved.

Provisioned concurrency, as AWS counts it: an invocation of a version or alias with a
provisioned config runs on one of its pre-initialised environments while one is free, and only
then on demand. Those executions count against the function's reservation when it has one;
otherwise the provisioned amount is taken out of the account's unreserved pool up front.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.runtimes import code, launch
from fogbank.runtimes.environment import Invocation, Outcome, Spec, error_body
from fogbank.runtimes.manager import DEFAULT_IDLE_SECONDS, Manager
from fogbank.services.lambda_ import configs, logs, metrics, store
from fogbank.services.lambda_.errors import TooManyRequestsException
from fogbank.services.lambda_.resolve import Target

DEFAULT_ACCOUNT_CONCURRENCY = 1000


@dataclass
class Result:
    """What an invocation returned."""

    ok: bool
    payload: bytes
    error_type: str | None
    version: str
    log: str
    request_id: str


def account_limit(ctx: Ctx) -> int:
    """Concurrent executions allowed per account and region."""
    return int(getattr(ctx.config, "lambda_concurrent_executions", DEFAULT_ACCOUNT_CONCURRENCY))


def claimed(record: dict[str, Any]) -> int:
    """The concurrency a function takes out of the unreserved pool: its reservation, or else
    the provisioned concurrency of its versions and aliases."""
    if record.get("concurrency") is not None:
        return int(record["concurrency"])
    return configs.provisioned_total(record)


def reserved_total(ctx: Ctx) -> int:
    """The concurrency reserved (or provisioned) by all functions of this account and region."""
    return sum(claimed(rec) for _k, rec in store.scan(ctx, "function"))


def pool_key(ctx: Ctx, name: str, version: str, revision: str, qualifier: str) -> tuple:
    """The provisioned pool of a function version provisioned under ``qualifier``."""
    return (ctx.account, ctx.region, name, version, revision, qualifier)


def provisioned_spec(spec: Spec) -> Spec:
    """The spec of a provisioned environment (the function can tell how it was initialised)."""
    env = tuple((k, "provisioned-concurrency" if k == "AWS_LAMBDA_INITIALIZATION_TYPE" else v) for k, v in spec.env)
    return replace(spec, env=env)


def trace_header() -> str:
    """A new X-Ray trace header."""
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=0"


class Invoker:
    """Runs invocations on execution environments, within the concurrency limits."""

    def __init__(self) -> None:
        self.manager: Manager | None = None
        self.running: dict[tuple, int] = {}
        self.specs: dict[tuple, Spec] = {}
        self.credentials: dict[tuple, dict[str, str]] = {}
        self.flags: dict[str, Any] = {}
        self.reserved: dict[tuple, int] = {}
        # executions running now per function and per account and region (ConcurrentExecutions)
        self.by_function: dict[tuple, int] = {}
        self.tasks: set[asyncio.Task] = set()

    def manager_for(self, ctx: Ctx) -> Manager:
        """The process manager (created on first use, under the blob store's directory)."""
        if self.manager is None:
            root = Path(getattr(ctx.blobs, "root", ".")) / "lambda"
            idle = float(getattr(ctx.config, "lambda_idle_seconds", DEFAULT_IDLE_SECONDS))
            self.manager = Manager(root / "env", ctx.clock.now, idle)
        return self.manager

    def forget_reserved(self, ctx: Ctx) -> None:
        """Drop the cached reservation total (a reservation changed)."""
        self.reserved.pop((ctx.account, ctx.region), None)

    def _admit(self, ctx: Ctx, name: str, reserved: int | None) -> tuple:
        region_key = (ctx.account, ctx.region)
        if reserved is not None:
            fn_key = (ctx.account, ctx.region, name)
            if self.running.get(fn_key, 0) >= reserved:
                raise TooManyRequestsException("Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded")
            return (fn_key,)
        total = self.reserved.get(region_key)
        if total is None:
            total = self.reserved[region_key] = reserved_total(ctx)
        unreserved_key = (ctx.account, ctx.region, None)
        if self.running.get(unreserved_key, 0) >= account_limit(ctx) - total:
            raise TooManyRequestsException("Rate Exceeded.", "ConcurrentInvocationLimitExceeded")
        return (unreserved_key,)

    async def run(self, ctx: Ctx, target: Target, payload: bytes, *, client_context: str | None = None,
                  request_id: str | None = None) -> Result:
        """Run one invocation of ``target`` (raises TooManyRequestsException when throttled)."""
        reserved = target.record.get("concurrency")
        provisioned = self._take_provisioned(ctx, target)
        try:
            if provisioned is not None and reserved is None:
                keys: tuple = ((ctx.account, ctx.region, target.name, "provisioned"),)
            else:
                keys = self._admit(ctx, target.name, None if reserved is None else int(reserved))
        except TooManyRequestsException:
            if provisioned is not None:
                self.manager_for(ctx).give_back(*provisioned)
            metrics.throttled(ctx, target.name, target.invoked_arn)
            raise
        for k in keys:
            self.running[k] = self.running.get(k, 0) + 1
        fn_key, all_key = (ctx.account, ctx.region, target.name), (ctx.account, ctx.region)
        self.by_function[fn_key] = concurrent = self.by_function.get(fn_key, 0) + 1
        self.by_function[all_key] = concurrent_all = self.by_function.get(all_key, 0) + 1
        request_id = request_id or str(uuid.uuid4())
        try:
            spec = await self._spec(ctx, target)
            if isinstance(spec, Outcome):
                outcome, cold = spec, True
                if provisioned is not None:
                    self.manager_for(ctx).give_back(*provisioned)
            else:
                inv = Invocation(request_id, payload, float(target.config["Timeout"]), target.invoked_arn,
                                 trace_header(), client_context)
                outcome, cold = await self.manager_for(ctx).run(spec, inv, provisioned)
        finally:
            for k in keys:
                self.running[k] -= 1
            self.by_function[fn_key] -= 1
            self.by_function[all_key] -= 1
        metrics.invoked(ctx, target.name, target.invoked_arn, target.version, outcome.ok, outcome.duration_ms,
                        concurrent, concurrent_all)
        text = logs.report(request_id, target.version, outcome.log, outcome.duration_ms, int(target.config["MemorySize"]),
                           outcome.max_memory_mb, outcome.init_duration_ms if cold else None)
        group = target.config.get("LoggingConfig", {}).get("LogGroup") or f"/aws/lambda/{target.name}"
        # the stream the function was told (AWS_LAMBDA_LOG_STREAM_NAME), so context.log_stream_name finds its lines
        stream = None if isinstance(spec, Outcome) else dict(spec.env).get("AWS_LAMBDA_LOG_STREAM_NAME")
        if stream is None:
            stream = f"{time.strftime('%Y/%m/%d', time.gmtime(ctx.clock.now()))}/[{target.version}]{request_id.replace('-', '')[:32]}"
        logs.ship(ctx, group, stream, text, self.flags)
        return Result(outcome.ok, outcome.body, outcome.error_type, target.version, text, request_id)

    def _take_provisioned(self, ctx: Ctx, target: Target) -> tuple[tuple, Any] | None:
        if self.manager is None or not target.record.get("provisioned"):
            return None
        parts = target.invoked_arn.split(":")
        qualifier = parts[7] if len(parts) > 7 else None
        if qualifier is None or qualifier not in target.record["provisioned"]:
            return None
        pool = pool_key(ctx, target.name, target.version, target.config["RevisionId"], qualifier)
        env = self.manager.take_provisioned(pool)
        return (pool, env) if env is not None else None

    def provision(self, ctx: Ctx, target: Target, qualifier: str, count: int) -> None:
        """Start bringing ``qualifier``'s provisioned environments to ``count`` in the background;
        the config's Status turns READY (or FAILED) when they are up."""
        task = asyncio.get_running_loop().create_task(self._provision(ctx, target, qualifier, count))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _provision(self, ctx: Ctx, target: Target, qualifier: str, count: int) -> None:
        spec = await self._spec(ctx, target)
        if isinstance(spec, Outcome):
            configs.provisioned_done(ctx, target.name, qualifier, count, 0, spec.log.strip())
            return
        pool = pool_key(ctx, target.name, target.version, target.config["RevisionId"], qualifier)
        manager = self.manager_for(ctx)
        failure = await manager.provision(pool, provisioned_spec(spec), count)
        reason = None
        if failure is not None:
            reason = "FUNCTION_ERROR_INIT_FAILURE: " + failure.body.decode("utf-8", "replace")
        configs.provisioned_done(ctx, target.name, qualifier, count, manager.allocated(pool), reason)

    async def unprovision(self, ctx: Ctx, name: str, qualifier: str | None = None) -> None:
        """Retire the provisioned environments of a function (of one qualifier, if given)."""
        if self.manager is not None:
            await self.manager.unprovision(
                lambda p: p[:3] == (ctx.account, ctx.region, name) and (qualifier is None or p[5] == qualifier))

    async def _spec(self, ctx: Ctx, target: Target) -> Spec | Outcome:
        config = target.config
        key = (ctx.account, ctx.region, target.name, target.version, config["RevisionId"])
        spec = self.specs.get(key)
        if spec is not None:
            return spec
        manager = self.manager_for(ctx)
        root = manager.root.parent
        code_dir = await asyncio.to_thread(code.unpack, root, target.code["sha_hex"], ctx.blobs.path(target.code["blob"]))
        layer_zips = [(layer["sha_hex"], ctx.blobs.path(layer["blob"])) for layer in target.code.get("layers", [])]
        opt_dir = await asyncio.to_thread(code.merge_layers, root, layer_zips) if layer_zips else None
        runtime = config.get("Runtime", "provided.al2023")
        try:
            command = launch.command(runtime, code_dir, opt_dir)
        except launch.RuntimeUnavailable as exc:
            message = str(exc)
            error_type = "Runtime.InvalidEntrypoint"
            return Outcome(False, error_body(error_type, message), error_type, message + "\n", fatal=True)
        env = self._variables(ctx, target, code_dir, opt_dir)
        env.update(launch.search_env(runtime, code_dir, opt_dir))
        spec = Spec(key, tuple(command), code_dir, tuple(env.items()), float(config["Timeout"]), int(config["MemorySize"]))
        self.specs[key] = spec
        return spec

    def _variables(self, ctx: Ctx, target: Target, code_dir: Path, opt_dir: Path | None) -> dict[str, str]:
        config = target.config
        runtime = config.get("Runtime", "provided.al2023")
        group = config.get("LoggingConfig", {}).get("LogGroup") or f"/aws/lambda/{target.name}"
        env = {
            "PATH": os.pathsep.join(filter(None, [f"{opt_dir}/bin" if opt_dir else "", os.environ.get("PATH", "/usr/bin:/bin")])),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "LD_LIBRARY_PATH": os.pathsep.join(filter(None, [f"{opt_dir}/lib" if opt_dir else "", str(code_dir / "lib")])),
            "LAMBDA_TASK_ROOT": str(code_dir),
            "LAMBDA_RUNTIME_DIR": str(launch.HERE),
            "_HANDLER": config.get("Handler", ""),
            "AWS_REGION": ctx.region,
            "AWS_DEFAULT_REGION": ctx.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": target.name,
            "AWS_LAMBDA_FUNCTION_VERSION": target.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config["MemorySize"]),
            "AWS_LAMBDA_LOG_GROUP_NAME": group,
            "AWS_LAMBDA_LOG_STREAM_NAME": f"{time.strftime('%Y/%m/%d', time.gmtime(ctx.clock.now()))}/[{target.version}]{uuid.uuid4().hex}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "AWS_ENDPOINT_URL": endpoint(ctx),
            "FOGBANK_OPT_DIR": str(opt_dir or ""),
        }
        env.update(self._role_credentials(ctx, config["Role"], target.name))
        env.update((config.get("Environment") or {}).get("Variables") or {})
        return env

    def _role_credentials(self, ctx: Ctx, role: str, function: str) -> dict[str, str]:
        """The execution role's temporary credentials, in a session named after the function.

        Lambda assumes the role as itself (``lambda.amazonaws.com``), so the role's trust policy
        decides, with or without IAM enforcement; when it refuses (or there is no such role) the
        function gets the account's own key, which fogbank maps to the account."""
        key = (ctx.account, role, function)
        cached = self.credentials.get(key)
        if cached is not None and float(cached.get("_expires", "0")) > ctx.clock.now() + 300:
            return {k: v for k, v in cached.items() if not k.startswith("_")}
        creds = {"AWS_ACCESS_KEY_ID": ctx.account, "AWS_SECRET_ACCESS_KEY": "fogbank", "AWS_SESSION_TOKEN": "fogbank", "_expires": str(ctx.clock.now() + 3600)}
        try:
            as_lambda = ctx.derive(extras={**ctx.extras, "service_principal": "lambda.amazonaws.com"})
            answer = as_lambda.call("sts", "AssumeRole", {"RoleArn": role, "RoleSessionName": function[:64],
                                                          "DurationSeconds": 3600})
            given = answer["Credentials"]
            creds = {
                "AWS_ACCESS_KEY_ID": given["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": given["SecretAccessKey"],
                "AWS_SESSION_TOKEN": given["SessionToken"],
                "_expires": str(given["Expiration"].timestamp() if hasattr(given["Expiration"], "timestamp") else ctx.clock.now() + 3600),
            }
        except (ServiceError, KeyError, TypeError):
            pass  # no such role, or its trust policy refuses Lambda
        self.credentials[key] = creds
        return {k: v for k, v in creds.items() if not k.startswith("_")}

    async def shutdown(self) -> None:
        """Kill every environment and forget caches."""
        for task in list(self.tasks):
            task.cancel()
        if self.manager is not None:
            await self.manager.shutdown()
        self.specs.clear()
        self.credentials.clear()
        self.reserved.clear()
        self.running.clear()


def endpoint(ctx: Ctx) -> str:
    """fogbank's URL as seen from a function on this machine."""
    host = ctx.config.host if ctx.config.host not in ("0.0.0.0", "::", "localhost") else "127.0.0.1"
    return f"http://{host}:{ctx.config.port}"


def is_json(payload: bytes) -> bool:
    """Whether an Invoke payload is JSON (AWS refuses anything else)."""
    try:
        json.loads(payload)
    except ValueError:
        return False
    return True
