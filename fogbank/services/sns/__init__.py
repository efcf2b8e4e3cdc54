"""Amazon SNS: topics, subscriptions, filter policies and fan-out to SQS, Lambda and HTTP."""
