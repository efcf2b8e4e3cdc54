"""Pure pieces of IAM: ids that carry their account, and marker pagination (property tests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.iam import ids
from fogbank.services.iam.paging import page


@given(st.integers(min_value=0, max_value=999_999_999_999), st.sampled_from([ids.LONG_TERM, ids.TEMPORARY]))
def test_access_key_ids_carry_their_account(number: int, prefix: str) -> None:
    account = f"{number:012d}"
    key = ids.access_key_id(prefix, account)
    assert len(key) == 20 and key.startswith(prefix) and key.isalnum() and key.isupper()
    assert ids.account_of_key(key) == account


def test_unique_ids_have_their_prefix_and_length() -> None:
    for prefix in (ids.USER, ids.ROLE, ids.GROUP, ids.POLICY, ids.PROFILE):
        value = ids.unique_id(prefix)
        assert value.startswith(prefix) and len(value) == 21
    assert len(ids.secret_access_key()) == 40


@given(st.sets(st.text(alphabet="abcdefgh", min_size=1, max_size=4), max_size=30), st.integers(1, 7))
def test_pages_cover_every_item_once_in_order(names: set[str], size: int) -> None:
    seen: list[str] = []
    request: dict = {"MaxItems": size}
    while True:
        out = page(list(names), request, lambda n: n, "Items")
        assert len(out["Items"]) <= size
        seen.extend(out["Items"])
        if not out["IsTruncated"]:
            assert "Marker" not in out
            break
        request = {"MaxItems": size, "Marker": out["Marker"]}
    assert seen == sorted(names)
