"""A bare uvicorn ASGI app answering every request with a small fixed XML body.

It is the ceiling the raw HTTP benchmark compares fogbank with: the same server stack with no
work behind it. Run: `python bench/bare_app.py --port 8000`.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

BODY = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn>"
    b"<UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult>"
    b"<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
    b"</ResponseMetadata></GetCallerIdentityResponse>"
)
HEADERS = [(b"content-type", b"text/xml"), (b"content-length", str(len(BODY)).encode())]


async def app(
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    """Read the whole request body, then answer 200 with BODY (lifespan events are accepted)."""
    if scope["type"] == "lifespan":
        for _ in range(2):  # a lifespan is exactly one startup and one shutdown message
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    message = await receive()
    # Bounded by the request body: each message carries a chunk of it until more_body is false.
    while message.get("more_body", False):
        message = await receive()
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main() -> None:
    """Serve the app on 127.0.0.1 with uvicorn's defaults, access log off."""
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
