"""DynamoDB: tables, items, indexes, transactions, capacity and streams on fogbank's store."""
