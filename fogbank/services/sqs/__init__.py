"""SQS: standard and FIFO queues, delay queues, long polling and dead-letter redrive."""
