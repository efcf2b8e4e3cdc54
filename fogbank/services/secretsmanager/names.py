"""Secret names and ARNs: the name rules, the ARN with its 6-character random suffix, and how a
SecretId (name, full ARN or partial ARN) resolves to a stored secret."""

from __future__ import annotations

import re
import secrets as _random
import string

from fogbank.services.secretsmanager.errors import InvalidParameterException

MAX_NAME = 512
_NAME = re.compile(r"^[A-Za-z0-9/_+=.@\-]+$")
_SUFFIX_CHARS = string.ascii_letters + string.digits
_ARN = re.compile(r"^arn:aws[\w-]*:secretsmanager:(?P<region>[^:]*):(?P<account>\d{12}):secret:(?P<rest>.+)$")


def check_name(name: str) -> None:
    """Refuse names Secrets Manager does not accept."""
    if not name or len(name) > MAX_NAME or not _NAME.match(name):
        raise InvalidParameterException(
            "Invalid name. Must be a valid name containing alphanumeric characters, "
            "or any of the following: -/_+=.@!"
        )


def new_arn(region: str, account: str, name: str) -> str:
    """A fresh ARN for ``name``: AWS appends a hyphen and six random characters."""
    suffix = "".join(_random.choice(_SUFFIX_CHARS) for _ in range(6))
    return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-{suffix}"


def candidates(secret_id: str) -> list[tuple[str, str | None]]:
    """The (name, full ARN or None) pairs a SecretId may mean, the most specific first.

    A full ARN ends in ``-XXXXXX``; a partial ARN stops at the name. Both are tried because a
    name may itself end in a hyphen and six characters.
    """
    m = _ARN.match(secret_id)
    if m is None:
        return [(secret_id, None)]
    rest = m.group("rest")
    out: list[tuple[str, str | None]] = []
    if len(rest) > 7 and rest[-7] == "-":
        out.append((rest[:-7], secret_id))
    out.append((rest, None))
    return out


def arn_matches(secret_id: str, arn: str) -> bool:
    """Whether a SecretId given as an ARN names this secret (region and account included)."""
    m = _ARN.match(secret_id)
    a = _ARN.match(arn)
    return bool(m and a and m.group("region") == a.group("region") and m.group("account") == a.group("account"))
