"""The error a metric math expression raises when it does not parse or cannot be evaluated."""

from __future__ import annotations


class MathError(Exception):
    """A malformed or unevaluable expression; ``message`` is what CloudWatch reports."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
