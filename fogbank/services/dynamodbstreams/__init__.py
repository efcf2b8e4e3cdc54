"""DynamoDB Streams: the read side of table streams (records are written by DynamoDB)."""
