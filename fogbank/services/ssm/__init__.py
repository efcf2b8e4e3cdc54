"""SSM Parameter Store: hierarchical parameters, versions, labels, tiers, policies and
SecureString values encrypted for real through KMS."""
