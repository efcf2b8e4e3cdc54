"""IAM policy language: parsing and validating documents, matching, conditions and evaluation.

``parse`` turns a JSON document into a ``Policy`` (raising ``MalformedPolicy`` with AWS's
message); ``evaluate`` decides a ``Request`` against identity policies, resource policies,
permissions boundaries and session policies the way AWS's evaluation logic does.
"""

from fogbank.auth.policy.document import MalformedPolicy, Policy, Statement, parse
from fogbank.auth.policy.evaluate import Decision, PolicySet, Request, evaluate

__all__ = ["Decision", "MalformedPolicy", "Policy", "PolicySet", "Request", "Statement", "evaluate", "parse"]
