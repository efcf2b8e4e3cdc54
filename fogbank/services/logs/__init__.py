"""CloudWatch Logs: log groups, streams, events, filter patterns, metric and subscription filters, Insights."""
