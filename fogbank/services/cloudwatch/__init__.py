"""CloudWatch: metrics, statistics, metric math, alarms on fogbank's clock, and dashboards."""
