"""ImportRestApi, PutRestApi and GetExport: OpenAPI 2 and 3 with the x-amazon-apigateway-* extensions."""

from __future__ import annotations


class ImportOperations:
    """OpenAPI import and export."""
