"""The HTTP server: the ASGI app, request routing and admin endpoints."""
