"""botocore's protocol compliance suites, run in reverse against fogbank's protocol modules.

The suites (``tests/unit/protocols/{input,output}/*.json``) ship only in botocore's source
distribution, so they are fetched for the INSTALLED botocore version with pip and cached under
the repository's ``.cache/`` directory. Each input case gives a request as botocore serialises
it: fogbank's module must parse it back to the case's params. Each output case gives a result
(or a modelled error): fogbank must serialise it to something botocore parses back to the same.
Cases use made-up services, so the case's own model is used and routing is not involved.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import botocore
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.parsers import create_parser
from botocore.utils import parse_timestamp

from . import oracle
from .compare import diff
from .known import known_reason

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache"
UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
SUITE_FILES = re.compile(r"^botocore-[^/]+/tests/unit/protocols/(input|output|protocol-tests-ignore)[^/]*(/[^/]+\.json|\.json)$")


class SuitesUnavailable(Exception):
    """The compliance suites could not be fetched (no registry access)."""


@dataclass(frozen=True)
class ComplianceCase:
    """One compliance case: which file, which direction, the suite and the case itself."""

    file: str  # e.g. "rest-json" or "json_1_0-query-compatible"
    direction: str  # "input" or "output"
    suite: dict
    case: dict

    @property
    def key(self) -> str:
        return f"{self.file}/{self.direction}/{self.case.get('id') or self.case['description']}"

    @property
    def protocol(self) -> str:
        return self.suite["metadata"]["protocol"]


def suites_dir(version: str | None = None) -> Path:
    """The directory holding botocore's ``protocols`` tests for ``version`` (fetched once)."""
    version = version or botocore.__version__
    target = CACHE / f"botocore-{version}-protocol-tests"
    if (target / "input").is_dir():
        return target
    sdist_dir = CACHE / "botocore-sdist"
    sdist = sdist_dir / f"botocore-{version}.tar.gz"
    if not sdist.exists():
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               f"botocore=={version}", "-d", str(sdist_dir), "--quiet"]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as e:
            raise SuitesUnavailable(f"cannot download botocore {version}'s sdist with pip: {e}") from e
    if not sdist.exists():
        raise SuitesUnavailable(f"pip did not leave {sdist}")
    # Test workers may extract at the same time: each into its own directory, the first rename wins.
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=CACHE))
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            m = SUITE_FILES.match(member.name)
            if m and member.isfile():
                rel = member.name.split("/tests/unit/protocols/", 1)[1]
                out = staging / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
    try:
        staging.rename(target)  # atomic: a half-extracted directory is never mistaken for a cache
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (target / "input").is_dir():
            raise
    return target


@cache
def _ignore_list() -> dict:
    path = suites_dir() / "protocol-tests-ignore-list.json"
    return json.loads(path.read_text()) if path.exists() else {}


def botocore_ignores(c: ComplianceCase) -> bool:
    """Whether botocore's own suite skips this case (then it cannot be an oracle for it)."""
    ignore = _ignore_list()
    general = ignore.get("general", {}).get(c.direction, {})
    if c.suite["description"] in general.get("suites", []) or c.case.get("id") in general.get("cases", []):
        return True
    proto = ignore.get("protocols", {}).get(c.file, {}).get(c.direction, {})
    return c.suite["description"] in proto.get("suites", []) or c.case.get("id") in proto.get("cases", [])


@cache
def load_cases() -> tuple[ComplianceCase, ...]:
    """Every case of the main (non-legacy) input and output suites."""
    out = []
    root = suites_dir()
    for direction in ("input", "output"):
        for path in sorted((root / direction).glob("*.json")):
            for suite in json.loads(path.read_text()):
                for case in suite["cases"]:
                    out.append(ComplianceCase(path.stem, direction, suite, case))
    return tuple(out)


def case_model(c: ComplianceCase) -> tuple[ServiceModel, OperationModel]:
    """The case's own service model and operation."""
    description = {k: copy.deepcopy(v) for k, v in c.suite.items() if k != "cases"}
    given = copy.deepcopy(c.case["given"])
    name = given.get("name", "OperationName")
    if c.direction == "output" and c.protocol == "query" and "error" not in c.case and "output" in given:
        # botocore's runner adds the result wrapper the cases leave out.
        given["output"]["resultWrapper"] = f"{name}Result"
    description["operations"] = {name: given}
    description.setdefault("metadata", {}).setdefault("serviceId", "Compliance")
    model = ServiceModel(description, service_name="compliance")
    return model, model.operation_model(name)


def native(value: Any, shape: Shape | None) -> Any:
    """A case's JSON value as a boto3 user holds it (datetimes, bytes, special floats)."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and not shape.metadata.get("document") and isinstance(value, dict):
        # A None member is one the client leaves out.
        return {k: native(v, shape.members.get(k)) for k, v in value.items() if v is not None}
    if kind == "list" and isinstance(value, list):
        return [native(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: native(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        if isinstance(value, int | float):
            return EPOCH + dt.timedelta(microseconds=round(value * 1_000_000))
        return parse_timestamp(value).astimezone(UTC)
    if kind == "blob" and isinstance(value, str):
        return value.encode("utf-8")
    if kind in ("float", "double") and isinstance(value, str):
        return float(value)
    return value


def _path_params(uri_template: str, path: str) -> dict[str, str]:
    """The URI labels of ``path`` under ``uri_template`` (percent-decoded)."""
    template = uri_template.split("?", 1)[0]
    pattern = ""
    for piece in re.split(r"(\{[^}]+\})", template):
        if piece.startswith("{"):
            name = piece[1:-1]
            greedy = name.endswith("+")
            pattern += f"(?P<{_group(name.rstrip('+'))}>{'.+' if greedy else '[^/]+'})"
        else:
            pattern += re.escape(piece)
    m = re.fullmatch(pattern, path)
    if not m:
        return {}
    return {_ungroup(k): unquote(v) for k, v in m.groupdict().items()}


def _group(name: str) -> str:
    return "g_" + "".join(c if c.isalnum() else f"_{ord(c)}_" for c in name)


def _ungroup(group: str) -> str:
    return re.sub(r"_(\d+)_", lambda m: chr(int(m.group(1))), group[2:])


def check_input_case(c: ComplianceCase) -> list[str]:
    """fogbank parses the case's serialised request back to the case's params."""
    base = oracle._import("fogbank.protocol.base")
    module = oracle.protocol_module(c.protocol)
    model, op = case_model(c)
    ser = c.case["serialized"]
    url = urlsplit(ser.get("uri", "/"))
    headers = {k.lower(): str(v) for k, v in (ser.get("headers") or {}).items()}
    headers.setdefault("host", ser.get("host") or "example.com")
    body = ser.get("body") or ""
    raw = _body_bytes(c, body)
    if raw and "content-length" not in headers:
        headers["content-length"] = str(len(raw))
    req = base.HttpRequest(method=ser.get("method", "POST"), path=url.path or "/", query_string=url.query,
                           headers=headers, body=raw)
    params = _path_params(op.http.get("requestUri", "/"), url.path or "/")
    try:
        parsed = module.parse_request(op, req, params)
    except Exception as e:  # noqa: BLE001 - any exception is the finding
        return [f"parse_request raised {e!r:.300}"]
    if op.input_shape is None:
        return [f"parsed {parsed!r:.80} without an input shape"] if parsed else []
    expected = native(c.case.get("params", {}), op.input_shape)
    return diff(expected, parsed, op.input_shape, c.protocol)


def _body_bytes(c: ComplianceCase, body: str) -> bytes:
    if c.protocol == "smithy-rpc-v2-cbor" and body:
        import base64

        return base64.b64decode(body)
    return body.encode("utf-8")


def check_output_case(c: ComplianceCase) -> list[str]:
    """fogbank serialises the case's result (or error) and botocore parses the same back."""
    module = oracle.protocol_module(c.protocol)
    model, op = case_model(c)
    if "error" in c.case:
        return _check_error_case(c, module, model, op)
    if op.has_event_stream_output:
        return ["event-stream output is outside fogbank's protocol modules"]
    expected = native(c.case.get("result", {}), op.output_shape)
    try:
        resp = module.serialize_response(op, copy.deepcopy(expected), oracle.REQUEST_ID)
    except Exception as e:  # noqa: BLE001
        return [f"serialize_response raised {e!r:.300}"]
    try:
        parsed = create_parser(c.protocol).parse(oracle._response_dict(op, resp), op.output_shape)
    except Exception as e:  # noqa: BLE001
        return [f"botocore cannot parse the response: {e!r:.200} body={resp.body[:200]!r}"]
    got = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    if op.output_shape is None:
        return [f"botocore parsed {got!r:.80} for no output shape"] if got else []
    return diff(expected, got, op.output_shape, c.protocol)


def _check_error_case(c: ComplianceCase, module: Any, model: ServiceModel, op: OperationModel) -> list[str]:
    errors = oracle._import("fogbank.errors")
    code = c.case.get("errorCode", "")
    message = c.case.get("errorMessage", "")
    shape = next((s for s in op.error_shapes if oracle.error_code(s) == code or s.name == code), None)
    wanted = native(c.case.get("error") or {}, shape)
    messages = oracle.message_members(shape) if shape is not None else set()
    message = message or next((wanted[k] for k in messages if isinstance(wanted.get(k), str)), "")
    fields = {k: v for k, v in wanted.items() if k not in messages}
    status = c.case["response"].get("status_code", 400)
    # Providers raise the model's code for the shape (its name unless the model renames it).
    err = errors.ServiceError(message, code=code, status=status, fields=fields)
    try:
        resp = module.serialize_error(model, err, oracle.REQUEST_ID, op)
    except Exception as e:  # noqa: BLE001
        return [f"serialize_error raised {e!r:.300}"]
    parser = create_parser(c.protocol)
    response = oracle._response_dict(op, resp)
    try:
        parsed = parser.parse(response, op.output_shape)
        error_shape = model.shape_for_error_code(parsed.get("Error", {}).get("Code") or "")
        if error_shape is not None:
            parsed.update(parser.parse(oracle._response_dict(op, resp), error_shape))
    except Exception as e:  # noqa: BLE001
        return [f"botocore cannot parse the error: {e!r:.200} body={resp.body[:200]!r}"]
    problems = []
    got = parsed.get("Error", {})
    if got.get("Code") != code:
        problems.append(f"Error.Code {got.get('Code')!r}, expected {code!r}")
    if message and got.get("Message") != message:
        problems.append(f"Error.Message {got.get('Message')!r}, expected {message!r}")
    if shape is not None:
        got_fields = {k: v for k, v in parsed.items() if k not in ("Error", "ResponseMetadata")}
        problems += diff(wanted, got_fields, shape, c.protocol)
    return problems


def run(c: ComplianceCase) -> list[str]:
    """The problems of one case (empty list: it passes)."""
    return check_input_case(c) if c.direction == "input" else check_output_case(c)


def render_compliance() -> tuple[str, bool]:
    """The compliance report as text, and whether an unknown failure was found."""
    try:
        cases = load_cases()
    except SuitesUnavailable as e:
        return f"COMPLIANCE: skipped ({e})", False
    tally: dict[tuple[str, str], list[int]] = {}
    failures, known, ignored = [], [], 0
    for c in cases:
        if botocore_ignores(c):
            ignored += 1
            continue
        t = tally.setdefault((c.protocol, c.direction), [0, 0])
        try:
            problems = run(c)
        except oracle.Unavailable as e:
            problems = [str(e)]
        t[1] += 1
        reason = known_reason("compliance", c.key)
        if not problems:
            t[0] += 1
        elif reason:
            known.append(f"  {c.key} -- {reason}")
        else:
            failures.append(f"  {c.key}\n" + "\n".join(f"      {p}" for p in problems[:5]))
    lines = [f"botocore {botocore.__version__} compliance suites, reversed ({ignored} cases botocore itself ignores left out)",
             f"{'protocol':<20} {'input':>9} {'output':>9}"]
    for protocol in sorted({p for p, _ in tally}):
        cells = [f"{tally.get((protocol, d), [0, 0])[0]}/{tally.get((protocol, d), [0, 0])[1]}" for d in ("input", "output")]
        lines.append(f"{protocol:<20} {cells[0]:>9} {cells[1]:>9}")
    passed = sum(v[0] for v in tally.values())
    lines.append(f"TOTAL: {passed}/{sum(v[1] for v in tally.values())}")
    lines += ["", f"COMPLIANCE FAILURES ({len(failures)}):", *failures]
    lines += ["", f"COMPLIANCE KNOWN FAILURES ({len(known)}):", *known]
    return "\n".join(lines), bool(failures)
