"""Protocol round-trip report: per service and protocol, how many operations pass each direction.

Run ``python -m tests.protocol.report`` from the repository root. Options:
``--examples N`` adds N hypothesis examples per operation and direction (slow),
``--service NAME`` (repeatable) limits the run, ``--out FILE`` also writes the failure list there,
``--compliance`` appends botocore's compliance suites. Known failures (``known_failures.json``)
are listed apart with their reasons, and known failures that now pass are flagged for removal.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tests.protocol"

from . import oracle, shapes  # noqa: E402
from .known import known_reason  # noqa: E402

KINDS = ("input", "output", "error")


@dataclass
class Tally:
    """Results of one (service, protocol) pair."""

    passed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))


@dataclass
class Results:
    """Everything one run found."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    failures: list[tuple[str, str, list[str]]] = field(default_factory=list)
    known: list[tuple[str, str, str]] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)
    unavailable: set[str] = field(default_factory=set)


def _hypothesis_problems(strategy: object, check: Callable, examples: int) -> list[str]:
    from hypothesis import HealthCheck, given, settings

    found: list[str] = []

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(value=strategy)
    def run(value: object) -> None:
        problems = check(value)
        if problems:
            found[:] = problems
            raise AssertionError(problems)

    try:
        run()
    except AssertionError:
        pass
    return found


def run_case(case: oracle.Case, kind: str, examples: int) -> list[str]:
    """The problems of one direction of one case (deterministic example, then hypothesis ones)."""
    op = oracle.model_for(case.service, case.protocol).operation_model(case.operation)
    try:
        if kind == "input":
            problems = oracle.check_input(case, shapes.example_input(op, case.seed))
            problems = problems or oracle.check_input(case, shapes.example_input(op, case.seed, full=False))
            if not problems and examples:
                problems = _hypothesis_problems(
                    shapes.inputs(op), lambda v: oracle.check_input(case, v), examples
                )
            return problems
        if kind == "output":
            problems = oracle.check_output(case, shapes.example_output(op, case.seed))
            problems = problems or oracle.check_output(case, shapes.example_output(op, case.seed, full=False))
            if not problems and examples:
                problems = _hypothesis_problems(
                    shapes.outputs(op), lambda v: oracle.check_output(case, v), examples
                )
            return problems
        problems = oracle.check_errors(
            case, lambda s: shapes.example_error(s, case.seed, sorted(oracle.message_members(s)))
        )
        if not problems and examples:
            from hypothesis import strategies as st

            def drawn(data: st.DataObject) -> list[str]:
                return oracle.check_errors(
                    case, lambda s: data.draw(shapes.error_fields(s, sorted(oracle.message_members(s))))
                )

            problems = _hypothesis_problems(st.data(), drawn, examples)
        return problems
    except oracle.Unavailable:
        raise
    except Exception as e:  # noqa: BLE001 - a crash in the harness path is a finding too
        return [f"crashed: {e!r:.300}"]


def collect(services: set[str] | None, examples: int) -> Results:
    """Run every case (of ``services`` when given)."""
    results = Results()
    for case in oracle.cases():
        if services and case.service not in services:
            continue
        tally = results.tallies[(case.service, case.protocol)]
        for kind in KINDS:
            if kind == "error" and not oracle.base_model(case.service).operation_model(case.operation).error_shapes:
                continue
            try:
                problems = run_case(case, kind, examples)
            except oracle.Unavailable as e:
                tally.skipped[kind] += 1
                results.unavailable.add(str(e).split(" (")[0])
                continue
            tally.total[kind] += 1
            reason = known_reason(kind, case.key)
            if not problems:
                tally.passed[kind] += 1
                if reason:
                    results.stale.append((kind, case.key))
            elif reason:
                results.known.append((kind, case.key, reason))
            else:
                results.failures.append((kind, case.key, problems))
    return results


def render(results: Results) -> str:
    """The report as text."""
    lines = [f"{'service':<20} {'protocol':<20} {'input':>9} {'output':>9} {'errors':>9}"]
    sums = {k: [0, 0] for k in KINDS}
    for (service, protocol), t in sorted(results.tallies.items()):
        cells = []
        for k in KINDS:
            cells.append(f"{t.passed[k]}/{t.total[k]}" + ("*" if t.skipped[k] else ""))
            sums[k][0] += t.passed[k]
            sums[k][1] += t.total[k]
        lines.append(f"{service:<20} {protocol:<20} {cells[0]:>9} {cells[1]:>9} {cells[2]:>9}")
    total = " ".join(f"{k} {p}/{n}" for k, (p, n) in sums.items())
    lines += ["", f"TOTAL (operations passing): {total}"]
    if results.unavailable:
        lines.append("* some cases skipped; not available yet: " + ", ".join(sorted(results.unavailable)))
    lines += ["", f"FAILURES ({len(results.failures)}):"]
    lines += failure_lines(results)
    lines += ["", f"KNOWN FAILURES ({len(results.known)}, see known_failures.json):"]
    lines += [f"  {kind}:{key} -- {reason}" for kind, key, reason in results.known]
    if results.stale:
        lines += ["", "KNOWN FAILURES THAT PASS NOW (remove unless listed ahead of a pending fix):"]
        lines += [f"  {kind}:{key}" for kind, key in results.stale]
    return "\n".join(lines)


def failure_lines(results: Results) -> list[str]:
    """One block per failing case: the case and its first differences."""
    out = []
    for kind, key, problems in results.failures:
        out.append(f"  {kind}:{key}")
        out += [f"      {p}" for p in problems[:6]]
        if len(problems) > 6:
            out.append(f"      ... and {len(problems) - 6} more")
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the report; the exit status is 1 when an unknown failure was found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=0)
    parser.add_argument("--service", action="append")
    parser.add_argument("--out")
    parser.add_argument("--compliance", action="store_true")
    args = parser.parse_args(argv)
    results = collect(set(args.service) if args.service else None, args.examples)
    text = render(results)
    failed = bool(results.failures)
    if args.compliance:
        from .compliance import render_compliance

        ctext, cfailed = render_compliance()
        text += "\n\n" + ctext
        failed = failed or cfailed
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
