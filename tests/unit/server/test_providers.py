"""Every provider follows the naming convention, and every error it declares is the model's."""

from __future__ import annotations

import importlib
import inspect

import pytest

from fogbank.errors import ServiceError
from fogbank.server.providers import load_provider, package_name, unknown_methods
from fogbank.spec.loader import SERVICES, service_model

PROVIDED = [s for s in SERVICES if load_provider(s) is not None]


def test_some_services_are_provided() -> None:
    assert "sts" in PROVIDED


@pytest.mark.parametrize("service", PROVIDED)
def test_public_methods_name_real_operations(service: str) -> None:
    assert unknown_methods(load_provider(service), service_model(service)) == []


@pytest.mark.parametrize("service", PROVIDED)
def test_declared_errors_are_modelled_shapes(service: str) -> None:
    try:
        module = importlib.import_module(f"fogbank.services.{package_name(service)}.errors")
    except ModuleNotFoundError:
        pytest.skip(f"{service} declares no errors module")
    model = service_model(service)
    modelled = {shape.name for shape in model.error_shapes}
    declared = [
        cls for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, ServiceError) and cls.__module__ == module.__name__ and not cls.__name__.startswith("_")
    ]
    assert declared, f"{module.__name__} declares no ServiceError classes"
    strays = [cls.__name__ for cls in declared if cls.__name__ not in modelled and not getattr(cls, "unmodelled", False)]
    assert strays == [], f"not error shapes of the {service} model: {strays}"
