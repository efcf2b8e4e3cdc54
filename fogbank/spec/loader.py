"""Loads botocore's service models, once per process, only when a service is first used.

Loading every model costs about half a second, so nothing here runs at start-up: the routing
catalog (``catalog.py``) keeps the few facts routing needs in a cache file instead.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.loaders import Loader
    from botocore.model import OperationModel, ServiceModel

# The services fogbank serves, by botocore's name for them.
SERVICES: tuple[str, ...] = (
    "s3", "sqs", "dynamodb", "dynamodbstreams", "lambda", "apigateway", "apigatewayv2",
    "cloudformation", "cloudwatch", "logs", "kms", "sts", "iam", "ssm", "kinesis", "firehose",
    "kinesisanalytics", "kinesisanalyticsv2", "xray", "cognito-idp", "cognito-identity",
    "cognito-sync", "codecommit", "codebuild", "codedeploy", "ecs", "ec2", "elasticbeanstalk",
    "elasticache", "events", "sns", "secretsmanager",
)


@lru_cache(maxsize=1)
def _loader() -> Loader:
    # botocore is imported on first use: start-up never needs it (see catalog.py)
    from botocore.loaders import Loader

    return Loader()


@cache
def service_model(name: str) -> ServiceModel:
    """botocore's model of service ``name`` (e.g. ``"sqs"``), loaded once."""
    from botocore.model import ServiceModel

    data = _loader().load_service_model(name, "service-2")
    return ServiceModel(data, service_name=name)


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    """The model of one operation, e.g. ``operation_model("sts", "GetCallerIdentity")``."""
    return service_model(service).operation_model(operation)


@cache
def paginators(service: str) -> dict:
    """The service's ``paginators-1.json`` (``{}`` when it has none)."""
    try:
        return _loader().load_service_model(service, "paginators-1").get("pagination", {})
    except Exception:
        return {}


def botocore_version() -> str:
    """The installed botocore's version; models and catalog caches are keyed by it."""
    import botocore

    return botocore.__version__
