"""EventBridge event patterns: ``compile_pattern`` checks a pattern the way AWS does and gives a
``Pattern`` whose ``matches(event)`` says whether an event (a parsed JSON object) matches it."""

from fogbank.services.events.patterns.compile import InvalidPattern, Pattern, compile_pattern

__all__ = ["InvalidPattern", "Pattern", "compile_pattern"]
