"""Benchmark harness: drives boto3 and raw HTTP workloads against fogbank and its peers."""
