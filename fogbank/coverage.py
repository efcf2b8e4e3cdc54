"""Which operations fogbank implements, per service, computed from the providers themselves."""

from __future__ import annotations

from typing import Any

from fogbank.server.providers import implemented, load_provider
from fogbank.spec.loader import SERVICES, service_model


def coverage(services: tuple[str, ...] = SERVICES) -> dict[str, Any]:
    """Per service: modelled and implemented operation counts and the implemented names."""
    report: dict[str, Any] = {}
    for name in services:
        model = service_model(name)
        done = implemented(load_provider(name), model)
        report[name] = {
            "modelled": len(model.operation_names),
            "implemented": len(done),
            "operations": done,
        }
    return report


def format_table(report: dict[str, Any]) -> str:
    """The coverage report as a plain-text table."""
    lines = [f"{'service':<22}{'implemented':>12}{'modelled':>10}"]
    total_done = total = 0
    for name, row in report.items():
        lines.append(f"{name:<22}{row['implemented']:>12}{row['modelled']:>10}")
        total_done += row["implemented"]
        total += row["modelled"]
    lines.append(f"{'total':<22}{total_done:>12}{total:>10}")
    return "\n".join(lines)
