"""API Gateway's data plane: deployed stages served over HTTP on fogbank's port.

Two forms of invoke URL reach a stage:
  http://localhost:4566/restapis/{api_id}/{stage}/_user_request_/{path}
  http://{api_id}.execute-api.localhost:4566/{stage}/{path}

The server calls ``handle`` before routing a request to a service; it answers None for requests
that are not for a deployed API. (HTTP APIs of apigatewayv2 would get a sibling module with the
payload format 2.0 and JWT authorizers, reusing ``vtl``, ``state`` and ``lambdas``.)
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.protocol.base import HttpRequest, HttpResponse

_PATH_FORM = re.compile(r"^/restapis/(?P<api>[A-Za-z0-9]+)/(?P<stage>[^/]+)/_user_request_(?P<path>/.*)?$")
_HOST_FORM = re.compile(r"^(?P<api>[a-z0-9]+)\.execute-api\.(?:localhost|localhost\.localstack\.cloud|[a-z0-9-]+\.amazonaws\.com)$")


def target(req: HttpRequest) -> tuple[str, str, str] | None:
    """(api id, stage, path) of a request for a deployed stage, or None."""
    m = _PATH_FORM.match(req.path)
    if m:
        return m.group("api"), m.group("stage"), m.group("path") or "/"
    host = _HOST_FORM.match(req.host.split(":", 1)[0].lower())
    if host:
        stage, _, rest = req.path.lstrip("/").partition("/")
        return host.group("api"), stage, "/" + rest
    return None


async def handle(app: Any, req: HttpRequest) -> HttpResponse | None:
    """The answer of a deployed API for ``req``, or None when ``req`` is not for one."""
    found = target(req)
    if found is None:
        return None
    from fogbank.services.apigateway.dataplane.gateway import serve

    if req.stream is not None and not req.body:
        # the server may have spooled an upload before knowing the request was for a stage
        req.body = req.stream.read()
    provider = app.provider("apigateway")
    return await serve(app, provider.runtime, req, *found)
