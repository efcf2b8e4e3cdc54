"""``$input``: the request (or integration response) body and the method request parameters."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.apigateway.vtl import jsonpath


class Input:
    """What a template reaches as ``$input``."""

    def __init__(self, body: str, params: dict[str, dict[str, str]]) -> None:
        self.body = body
        self._params = {"path": params.get("path", {}), "querystring": params.get("querystring", {}),
                        "header": params.get("header", {})}
        self._parsed: Any = jsonpath.MISSING

    def _document(self) -> Any:
        if self._parsed is jsonpath.MISSING:
            try:
                self._parsed = json.loads(self.body) if self.body.strip() else {}
            except ValueError:
                # API Gateway treats a body that is not JSON as a string for $input.path/json
                self._parsed = self.body
        return self._parsed

    def json(self, path: str) -> str:
        """The value at a JSONPath, as JSON text."""
        value = jsonpath.evaluate(self._document(), path)
        return "null" if value is jsonpath.MISSING else json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    def path(self, path: str) -> Any:
        """The value at a JSONPath, as an object a template can walk."""
        value = jsonpath.evaluate(self._document(), path)
        return "" if value is jsonpath.MISSING else value

    def params(self, name: str | None = None) -> Any:
        """All parameters (``path``, ``querystring``, ``header``), or one by name searched in that order."""
        if name is None:
            return self._params
        for kind in ("path", "querystring", "header"):
            source = self._params[kind]
            if kind == "header":
                for key, value in source.items():
                    if key.lower() == name.lower():
                        return value
            elif name in source:
                return source[name]
        return ""
