"""API Gateway's errors, one class per error shape of its model (codes as the shapes are named)."""

from __future__ import annotations

from fogbank.errors import ServiceError


class _ApiGatewayError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class BadRequestException(_ApiGatewayError):
    """Invalid input: a bad value, a bad patch path, an unknown reference."""

    status = 400


class ConflictException(_ApiGatewayError):
    """The resource exists already (or is still in use)."""

    status = 409


class LimitExceededException(_ApiGatewayError):
    """A quota of the account was reached."""

    status = 429


class NotFoundException(_ApiGatewayError):
    """The named resource does not exist."""

    status = 404


class TooManyRequestsException(_ApiGatewayError):
    """The control plane's own rate limit."""

    status = 429


class UnauthorizedException(_ApiGatewayError):
    """The caller is not authorised."""

    status = 401
