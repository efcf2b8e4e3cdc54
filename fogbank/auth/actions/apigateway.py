"""API Gateway's control plane: IAM authorises it by HTTP method (``apigateway:GET`` ...) on
``arn:aws:apigateway:<region>::<path>``, the path being the operation's request URI with the
request's values filled in -- taken from the model, so every operation has its entry."""

from __future__ import annotations

import re
from typing import Any

from fogbank.auth.actions import Table, Target, request_tags
from fogbank.context import Ctx
from fogbank.spec.loader import service_model

_LABEL = re.compile(r"\{([^}+]+)\+?\}")


def _targets(operation: str):
    def build(ctx: Ctx, request: dict[str, Any]) -> list[Target]:
        op = service_model("apigateway").operation_model(operation)
        uri = op.http["requestUri"].split("?", 1)[0]
        names = {m.serialization.get("name", n): n for n, m in op.input_shape.members.items()} if op.input_shape else {}

        def fill(match: re.Match[str]) -> str:
            value = request.get(names.get(match.group(1), match.group(1)))
            return str(value) if value is not None else "*"

        resource = f"arn:aws:apigateway:{ctx.region}::{_LABEL.sub(fill, uri)}"
        return [Target(f"apigateway:{op.http['method']}", resource)]
    return build


class _Special(dict):
    """Every API Gateway operation is computed from its own request URI."""

    def __contains__(self, operation: object) -> bool:
        return isinstance(operation, str) and operation in service_model("apigateway").operation_names

    def __getitem__(self, operation: str):
        return _targets(operation)


TABLES = {"apigateway": Table(prefix="apigateway", special=_Special(),
                              context=lambda ctx, operation, request: request_tags(request, "tags"))}
