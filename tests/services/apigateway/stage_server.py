"""A fogbank server whose app also serves API Gateway stages, for the data-plane tests while the
server's own pipeline does not call ``fogbank.services.apigateway.dataplane.handle`` yet.

Run as ``python -m tests.services.apigateway.stage_server PORT``.
"""

from __future__ import annotations

import sys
from typing import Any

from fogbank.config import Config
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.server.app import App
from fogbank.services.apigateway import dataplane
from fogbank.store import open_store


class StageServingApp(App):
    """fogbank's app with the API Gateway data plane in front of routing."""

    async def handle(self, req: HttpRequest, route: Any = None) -> HttpResponse:
        """Deployed stages first, then everything else as usual."""
        served = await dataplane.handle(self, req)
        if served is not None:
            return served
        return await super().handle(req, route)


def main(port: int) -> None:
    """Serve on ``port`` in memory until killed."""
    import uvicorn

    config = Config.from_env(port=port, in_memory=True, log_level="warning")
    store, blobs = open_store(config)
    app = StageServingApp(config, store, blobs)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on")


if __name__ == "__main__":
    main(int(sys.argv[1]))
