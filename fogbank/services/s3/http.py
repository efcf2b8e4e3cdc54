"""S3's behaviour at the HTTP level, around its operations: CORS preflight ``OPTIONS`` requests
(which name no operation), ``Access-Control-*`` headers on actual requests that carry an
``Origin``, statuses the model cannot express (``STATUS``), and the expiry of presigned URLs (refused as S3 refuses them even when fogbank does
not verify signatures, since an expired link is a behaviour people test)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.server.routing import s3_bucket
from fogbank.services.s3 import cors, presigned

if TYPE_CHECKING:
    from fogbank.server.app import App


async def preflight(app: App, req: HttpRequest) -> HttpResponse | None:
    """Answer a CORS preflight for a bucket, or None when ``req`` is not one."""
    bucket = s3_bucket(req)
    if req.method != "OPTIONS" or bucket is None:
        return None
    ctx = app.background_ctx("s3")
    try:
        status, headers = cors.preflight(ctx, bucket, req.headers.get("origin"),
                                         req.headers.get("access-control-request-method"),
                                         req.headers.get("access-control-request-headers"))
    except ServiceError as err:
        from fogbank.protocol import rest_xml
        from fogbank.spec.loader import service_model

        return rest_xml.serialize_error(service_model("s3"), err, ctx.request_id)
    return HttpResponse(status, list(headers.items()))


def before(ctx: Ctx, req: HttpRequest) -> None:
    """Checks S3 makes before any operation runs: an expired presigned URL is refused."""
    if "X-Amz-Expires" in req.query or ("Expires" in req.query and "Signature" in req.query):
        presigned.check_expiry(req.query, ctx.clock.now())


# A status an operation answers that its model cannot say (RestoreObject's 202 Accepted for a
# restore it starts): the provider leaves it in ``ctx.extras[STATUS]`` and ``after`` applies it.
STATUS = "s3_status"


def after(ctx: Ctx, req: HttpRequest, response: HttpResponse) -> None:
    """Apply a status the provider left in ``ctx.extras[STATUS]`` to a successful answer, and add
    the CORS headers a matching rule grants to a request with an ``Origin``."""
    status = ctx.extras.get(STATUS)
    if status is not None and response.status < 300:
        response.status = status
    origin = req.headers.get("origin")
    if not origin:
        return
    bucket = s3_bucket(req)
    if bucket is None:
        return
    for name, value in cors.response_headers(ctx, bucket, origin, req.method).items():
        response.set_header(name, value)
