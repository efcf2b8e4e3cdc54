"""SSM Parameter Store: String, StringList and SecureString parameters (encrypted for real through
KMS), versions, labels and selectors, history, tiers, policies with expiry on fogbank's clock,
hierarchies with GetParametersByPath, DescribeParameters filters, tags, and the public
``/aws/service/...`` AMI parameters. Record rules are in ``parameters``, multi-parameter reads in
``queries``, name rules in ``names``.

LIMITATIONS: only Parameter Store (documents, Run Command, sessions, automation and the rest of
Systems Manager answer NotImplemented); ExpirationNotification and NoChangeNotification policies
are stored but send no EventBridge events; AllowedPattern is evaluated with Python's regular
expressions (close to, not exactly, Java's); shared parameters (RAM) and the account's default
tier and throughput settings are not modelled; aws:ec2:image values are checked for form but not
against EC2's images; only a fixed set of public ``/aws/service/`` parameters is published.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.ssm import parameters, queries
from fogbank.services.ssm.errors import ParameterNotFound, ParameterVersionNotFound

Request = dict[str, Any]
Response = dict[str, Any]


class Provider:
    """The Parameter Store operations."""

    def put_parameter(self, ctx: Ctx, request: Request) -> Response:
        """PutParameter."""
        return parameters.put(ctx, request)

    def get_parameter(self, ctx: Ctx, request: Request) -> Response:
        """GetParameter (``name``, ``name:version``, ``name:label`` or an ARN)."""
        return {"Parameter": parameters.get(ctx, request["Name"], bool(request.get("WithDecryption")))}

    def get_parameters(self, ctx: Ctx, request: Request) -> Response:
        """GetParameters: the ones found, and the names that were not."""
        found, invalid = [], []
        for name in dict.fromkeys(request["Names"]):
            try:
                found.append(parameters.get(ctx, name, bool(request.get("WithDecryption"))))
            except (ParameterNotFound, ParameterVersionNotFound):
                invalid.append(name)
        return {"Parameters": found, "InvalidParameters": invalid}

    def get_parameters_by_path(self, ctx: Ctx, request: Request) -> Response:
        """GetParametersByPath."""
        return queries.by_path(ctx, request)

    def get_parameter_history(self, ctx: Ctx, request: Request) -> Response:
        """GetParameterHistory."""
        return parameters.history(ctx, request)

    def describe_parameters(self, ctx: Ctx, request: Request) -> Response:
        """DescribeParameters."""
        return queries.describe(ctx, request)

    def delete_parameter(self, ctx: Ctx, request: Request) -> Response:
        """DeleteParameter."""
        if not parameters.delete(ctx, request["Name"]):
            raise ParameterNotFound("")
        return {}

    def delete_parameters(self, ctx: Ctx, request: Request) -> Response:
        """DeleteParameters: the names deleted, and those that did not exist."""
        deleted, invalid = [], []
        for name in dict.fromkeys(request["Names"]):
            (deleted if parameters.delete(ctx, name) else invalid).append(name)
        return {"DeletedParameters": deleted, "InvalidParameters": invalid}

    def label_parameter_version(self, ctx: Ctx, request: Request) -> Response:
        """LabelParameterVersion."""
        return parameters.label(ctx, request)

    def unlabel_parameter_version(self, ctx: Ctx, request: Request) -> Response:
        """UnlabelParameterVersion."""
        return parameters.unlabel(ctx, request)

    def add_tags_to_resource(self, ctx: Ctx, request: Request) -> Response:
        """AddTagsToResource (resource type Parameter)."""
        parameters.change_tags(ctx, request, request["Tags"], [])
        return {}

    def remove_tags_from_resource(self, ctx: Ctx, request: Request) -> Response:
        """RemoveTagsFromResource (resource type Parameter)."""
        parameters.change_tags(ctx, request, [], request["TagKeys"])
        return {}

    def list_tags_for_resource(self, ctx: Ctx, request: Request) -> Response:
        """ListTagsForResource (resource type Parameter)."""
        return {"TagList": parameters.tags(ctx, request)}
