"""Who is calling: access keys to accounts and principals; signatures and policies (when enforced)."""
