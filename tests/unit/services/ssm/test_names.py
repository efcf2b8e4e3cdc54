"""Parameter name, path, selector and label rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.errors import ServiceError
from fogbank.services.ssm import names

segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_.-", min_size=1, max_size=8).filter(
    lambda s: not s.lower().startswith(("aws", "ssm"))
)


@given(st.lists(segment, min_size=1, max_size=15))
def test_paths_up_to_fifteen_levels_are_valid(parts: list[str]) -> None:
    name = "/" + "/".join(parts)
    names.check_name(name)
    assert names.from_arn(names.arn("us-east-1", "123456789012", name))[-1] == name


@given(st.lists(segment, min_size=16, max_size=20))
def test_deeper_paths_are_refused(parts: list[str]) -> None:
    with pytest.raises(ServiceError) as exc:
        names.check_name("/" + "/".join(parts))
    assert exc.value.code == "HierarchyLevelLimitExceededException"


@pytest.mark.parametrize("name", ["", "a b", "/a//b", "a/b", "/a/", "AWS", "/Ssm/x", "x$"])
def test_invalid_names(name: str) -> None:
    with pytest.raises(ServiceError):
        names.check_name(name)


def test_selectors() -> None:
    assert names.split_selector("/a/b") == ("/a/b", None)
    assert names.split_selector("/a/b:3") == ("/a/b", "3")
    assert names.split_selector("/a/b:live") == ("/a/b", "live")
    arn = "arn:aws:ssm:us-east-1:123456789012:parameter/a/b"
    assert names.split_selector(arn) == (arn, None)
    assert names.split_selector(arn + ":live") == (arn, "live")
    assert names.from_arn("arn:aws:ssm:us-east-1:123456789012:parameter/plain") == ["plain", "/plain"]


@pytest.mark.parametrize(("label", "bad"), [("live", False), ("v1.2-x_y", False), ("1st", True), ("awslabel", True), ("a/b", True), ("x" * 101, True)])
def test_labels(label: str, bad: bool) -> None:
    assert names.label_problem(label) is bad
