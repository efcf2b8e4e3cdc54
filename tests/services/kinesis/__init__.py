"""Kinesis Data Streams tests."""
