"""``$util``: the helper functions API Gateway's mapping templates may call."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote_plus, unquote_plus

_ESCAPES = {'"': '\\"', "'": "\\'", "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n",
            "\r": "\\r", "\t": "\\t"}


class Util:
    """What a template reaches as ``$util``."""

    def escapeJavaScript(self, text: Any) -> str:  # noqa: N802 - the name templates use
        """Escape as a JavaScript string body: quotes, backslash, slash, control and non-ASCII characters."""
        out = []
        for ch in str(text):
            if ch in _ESCAPES:
                out.append(_ESCAPES[ch])
            elif ord(ch) < 0x20 or ord(ch) > 0x7E:
                out.append(f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else ch)
            else:
                out.append(ch)
        return "".join(out)

    def parseJson(self, text: Any) -> Any:  # noqa: N802
        """A JSON string as an object."""
        return json.loads(str(text))

    def urlEncode(self, text: Any) -> str:  # noqa: N802
        """application/x-www-form-urlencoded encoding."""
        return quote_plus(str(text), safe="*")

    def urlDecode(self, text: Any) -> str:  # noqa: N802
        """Undo ``urlEncode``."""
        return unquote_plus(str(text))

    def base64Encode(self, text: Any) -> str:  # noqa: N802
        """Base64 of the text's UTF-8 bytes."""
        return base64.b64encode(str(text).encode()).decode()

    def base64Decode(self, text: Any) -> str:  # noqa: N802
        """Text from base64."""
        return base64.b64decode(str(text)).decode("utf-8", "replace")
