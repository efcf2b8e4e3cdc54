"""EventBridge: event buses, rules with event patterns and schedules, targets and delivery."""
