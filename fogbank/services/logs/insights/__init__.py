"""The CloudWatch Logs Insights query language: ``parser`` turns a query into commands,
``evaluate`` runs them over log events."""
