"""Velocity mapping templates as API Gateway evaluates them, on the airspeed engine.

``render(template, variables)`` merges a template with API Gateway's variables: ``$input``
(``inputs.Input``), ``$util`` (``util.Util``), ``$context``, ``$stageVariables`` and, for
response templates, the same ``$input`` over the integration's response.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fogbank.services.apigateway.vtl.inputs import Input
from fogbank.services.apigateway.vtl.util import Util


class TemplateError(Exception):
    """A template that cannot be parsed or evaluated."""


@lru_cache(maxsize=256)
def _compiled(template: str) -> Any:
    import airspeed

    try:
        return airspeed.Template(template)
    except Exception as exc:
        raise TemplateError(str(exc)) from None


def render(template: str, *, body: str = "", params: dict[str, dict[str, str]] | None = None,
           context: dict[str, Any] | None = None, stage_variables: dict[str, str] | None = None) -> str:
    """The template's output for a request or response ``body``, its ``params`` and the context."""
    variables = {
        "input": Input(body, params or {}),
        "util": Util(),
        "context": context or {},
        "stageVariables": stage_variables or {},
    }
    try:
        return _compiled(template).merge(variables)
    except TemplateError:
        raise
    except Exception as exc:
        raise TemplateError(str(exc)) from None


__all__ = ["Input", "TemplateError", "Util", "render"]
