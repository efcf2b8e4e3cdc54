"""Kinesis Data Streams."""
