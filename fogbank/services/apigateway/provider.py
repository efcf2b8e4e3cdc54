"""API Gateway (REST APIs): the control plane. The data plane that serves deployed stages is in
``dataplane/`` and reads the same store; its short-lived state (token buckets, the authorizer
result cache) lives on this provider so that a reset clears it.

Operations are grouped by domain: ``restapis`` (APIs, resources, methods, integrations and their
responses), ``stages`` (deployments, stages), ``components`` (authorizers, validators, models,
gateway responses), ``keys`` (API keys, usage plans, usage), ``domains`` (domain names, base path
mappings, tags, account) and ``imports`` (OpenAPI import and export).

LIMITATIONS: documentation parts and versions, VPC links, client certificates, SDK generation,
TestInvokeMethod/TestInvokeAuthorizer and domain name access associations are not implemented;
custom domain names are stored but not served; stage caching is accepted but nothing is cached;
canary settings are stored but all traffic goes to the stage's deployment; execution and access
logs and metrics are not yet sent to CloudWatch; AWS_IAM methods need a signature always but
policies (identity and the API's resource policy) are evaluated only under --enforce-iam;
AWS integrations reach Lambda only, and credentials of
``arn:aws:iam::*:user/*`` (the caller's own) are not passed through;
COGNITO_USER_POOLS authorizers answer 500 until fogbank has Cognito; HTTP APIs (apigatewayv2)
are a separate service. The server hands over header names in lower case and repeated headers
joined, so proxy events carry conventionally capitalised names and one value per header.
Mapping templates need the ``airspeed`` package; YAML definitions need PyYAML.
"""

from __future__ import annotations

from fogbank.context import Ctx
from fogbank.services.apigateway.components import ComponentOperations
from fogbank.services.apigateway.dataplane.state import RuntimeState
from fogbank.services.apigateway.domains import DomainOperations
from fogbank.services.apigateway.imports import ImportOperations
from fogbank.services.apigateway.keys import KeyOperations
from fogbank.services.apigateway.restapis import RestApiOperations
from fogbank.services.apigateway.stages import StageOperations


class Provider(RestApiOperations, StageOperations, ComponentOperations, KeyOperations, DomainOperations,
               ImportOperations):
    """The API Gateway (REST API) operations."""

    def __init__(self) -> None:
        self.runtime = RuntimeState()

    def reset(self, ctx: Ctx) -> None:
        """Forget throttle buckets and cached authorizer results."""
        self.runtime = RuntimeState()

    def _flush_authorizers(self, api_id: str, stage: str) -> None:
        self.runtime.flush_authorizers(api_id, stage)
