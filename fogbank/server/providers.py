"""Finds each service's provider and the operations it implements, by naming convention.

A service's provider is ``fogbank.services.<package>.provider.Provider``; its public methods
named as an operation in snake_case (botocore's ``xform_name``) are the implemented operations.
No registry: the same function serves dispatch, the coverage report and the naming test.
"""

from __future__ import annotations

import importlib
import keyword
from typing import TYPE_CHECKING, Any

from botocore import xform_name

if TYPE_CHECKING:
    from botocore.model import ServiceModel


def package_name(service: str) -> str:
    """The Python package of a service: ``cognito-idp`` -> ``cognito_idp``, ``lambda`` -> ``lambda_``."""
    name = service.replace("-", "_")
    return name + "_" if keyword.iskeyword(name) else name


def load_provider(service: str) -> Any | None:
    """A new provider instance for ``service``, or None when fogbank has none yet."""
    try:
        module = importlib.import_module(f"fogbank.services.{package_name(service)}.provider")
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name.startswith(f"fogbank.services.{package_name(service)}")):
            return None
        raise
    return module.Provider()


def method_name(operation: str) -> str:
    """The provider method of an operation: ``GetCallerIdentity`` -> ``get_caller_identity``."""
    return xform_name(operation)


def implemented(provider: Any | None, model: ServiceModel) -> list[str]:
    """The model's operations that ``provider`` implements."""
    if provider is None:
        return []
    return [op for op in model.operation_names if callable(getattr(provider, method_name(op), None))]


def unknown_methods(provider: Any, model: ServiceModel) -> list[str]:
    """Public provider methods that name no operation of the model (a naming mistake)."""
    hooks = {"start", "stop", "reset"}
    ops = {method_name(op) for op in model.operation_names}
    return sorted(
        name for name in dir(provider)
        if not name.startswith("_") and callable(getattr(provider, name)) and name not in ops and name not in hooks
    )
