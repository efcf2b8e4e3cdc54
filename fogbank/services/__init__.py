"""Service implementations, one package per AWS service."""
