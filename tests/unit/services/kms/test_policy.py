"""The policy printer writes AWS's layout, and reads back as the same JSON."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.kms import policy

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=10,
)


@given(json_values)
def test_pretty_is_json(value) -> None:
    assert json.loads(policy.pretty(value)) == value


def test_default_policy_layout() -> None:
    assert policy.default_policy("123456789012") == (
        '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
        '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n'
        '      "AWS" : "arn:aws:iam::123456789012:root"\n    },\n    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}'
    )
