"""Metric math: tokenizer, parser and evaluator of CloudWatch's metric math expressions."""

from fogbank.services.cloudwatch.math.errors import MathError
from fogbank.services.cloudwatch.math.parser import parse

__all__ = ["MathError", "parse"]
