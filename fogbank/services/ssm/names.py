"""Parameter names, paths, selectors and labels: the rules Parameter Store enforces on them and
the ARNs it builds from them."""

from __future__ import annotations

import re

from fogbank.errors import InvalidInput
from fogbank.services.ssm.errors import HierarchyLevelLimitExceededException

MAX_LEVELS = 15
MAX_NAME = 1011

_NAME = re.compile(r"^[a-zA-Z0-9_.\-/]+$")
_LABEL = re.compile(r"^[a-zA-Z0-9_.\-]+$")
_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]*:\d{0,12}:parameter(/.*)$")

NAME_RULES = (
    'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can '
    "consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers "
    "and the following 3 symbols .-_"
)
HIERARCHY_LIMIT = (
    "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints "
    "for parameter names in the AWS Systems Manager User Guide."
)


def arn(region: str, account: str, name: str) -> str:
    """The ARN of a parameter (a hierarchical name keeps its slashes, a plain one gets one)."""
    return f"arn:aws:ssm:{region}:{account}:parameter/{name.lstrip('/')}"


def from_arn(name: str) -> list[str]:
    """The names a parameter reference may mean: itself, or the one or two names an ARN can name."""
    match = _ARN.match(name)
    if not match:
        return [name]
    rest = match.group(1)[1:]
    return ["/" + rest] if "/" in rest else [rest, "/" + rest]


def is_public(name: str) -> bool:
    """Whether a name is one of the public parameters AWS publishes under ``/aws/service/``."""
    return name.startswith("/aws/service/")


def check_name(name: str) -> None:
    """Raise AWS's error unless ``name`` may name a new parameter."""
    if len(name) > MAX_NAME:
        raise InvalidInput(
            f"Parameter name: {name[:20]}... exceeds the maximum length of {MAX_NAME} characters."
        )
    if not _NAME.match(name) or "//" in name or (len(name) > 1 and name.endswith("/")):
        raise InvalidInput(NAME_RULES)
    if "/" in name and not name.startswith("/"):
        raise InvalidInput("Parameter name must be a fully qualified name.")
    first = name.lstrip("/").lower()
    if first.startswith(("aws", "ssm")):
        raise InvalidInput(NAME_RULES)
    if name.count("/") > MAX_LEVELS:
        raise HierarchyLevelLimitExceededException(HIERARCHY_LIMIT)


def check_path(path: str) -> str:
    """A GetParametersByPath path, checked; returned ending in ``/``."""
    if not path.startswith("/") or "//" in path or not _NAME.match(path):
        raise InvalidInput(
            f"The parameter doesn't meet the parameter name requirements. The parameter name must begin with a "
            f"forward slash \"/\". It can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). "
            f"It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). "
            f"Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "
            f"\"/\". Valid example: /get/parameters2-/by1./path0_. (Path: {path})"
        )
    if path.rstrip("/").count("/") > MAX_LEVELS:
        raise HierarchyLevelLimitExceededException(HIERARCHY_LIMIT)
    return path if path.endswith("/") else path + "/"


def split_selector(reference: str) -> tuple[str, str | None]:
    """``(name, selector)`` of ``name``, ``name:label`` or ``name:version`` (ARNs allowed)."""
    head, colon, tail = reference.rpartition(":")
    if not colon or _ARN.match(reference) and not _ARN.match(head):
        return reference, None
    return head, tail


def label_problem(label: str) -> bool:
    """Whether a label breaks the label rules (and so is answered as an InvalidLabel)."""
    lowered = label.lower()
    return (
        len(label) > 100
        or not _LABEL.match(label)
        or label[0].isdigit()
        or lowered.startswith(("aws", "ssm"))
    )
