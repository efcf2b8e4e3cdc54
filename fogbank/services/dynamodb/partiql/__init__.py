"""DynamoDB's PartiQL subset: statements parsed by a real grammar, then run as native operations.

- ``parse_statement(text)`` -> a statement tree (``ast``), cached by text; syntax errors are
  ValidationException "Statement wasn't well formed, can't be processed: ...".
- ``translate.plan(statement, table, parameters)`` turns a tree plus the ``?`` parameters into
  the native request it stands for (Query, Scan, Get, Put, Update, Delete, ConditionCheck),
  written in DynamoDB's own expression language, so conditions, indexes, streams and capacity
  take the one item path every other operation takes.
- ``execute``: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction on a provider.
"""

from fogbank.services.dynamodb.partiql.parser import parse_statement

__all__ = ["parse_statement"]
