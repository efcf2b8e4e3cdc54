"""Protocol test suites: botocore as the oracle for fogbank's wire formats."""
