"""Bulk INSERT of many rows, each value converted once by its type, in few driver calls.

Core ``insert(table)`` with a list of dicts converts every value of every row through its
type's bind processor and builds the driver's parameters row by row: for ten thousand
matches that was most of the import (three timestamps per row, each converted to UTC and,
on SQLite, formatted as text). Here the same processors run column by column, and a
timestamp column converts each distinct value once: an import's ``created_at`` and
``updated_at`` are one value, and kick-offs repeat. The driver receives the values Core
would have sent:

- SQLite: the statement Core compiles, through ``executemany`` with plain tuples.
- PostgreSQL (psycopg): one ``INSERT ... SELECT * FROM unnest(...)`` per page of rows, each
  column one array sent in binary; psycopg's ``executemany`` spends about 60 µs of Python
  per row (ten thousand matches: 0.6 s against 0.2 s).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, Column, Connection, DateTime, Table, insert
from sqlalchemy.exc import DBAPIError

__all__ = ["insert_rows"]

_PAGE = 10_000
"""Rows per PostgreSQL statement: bounds the size of one message, not a parameter limit."""

_Processor = Callable[[Any], Any]


def insert_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """INSERT ``rows`` (value tuples in ``columns`` order) in the connection's transaction.

    Columns left out get NULL or their server default; a column with a Python-side default
    must be given, since nothing here computes it.

    Returns:
        How many rows were inserted.

    Raises:
        ValueError: ``columns`` leaves out a column with a Python-side default.
        sqlalchemy.exc.StatementError: A value was refused by its type (a naive timestamp),
            as Core's own ``insert`` raises it.
    """
    if not rows:
        return 0
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    missing = [c.name for c in compiled.insert_prefetch if c.name not in columns]
    if missing:
        raise ValueError(f"columns with a Python-side default must be given: {missing}")
    try:
        values = _bound_columns(connection, table, columns, rows)
    except Exception as exc:
        error = dialect.loaded_dbapi.Error
        raise DBAPIError.instance(compiled.string, None, exc, error, dialect=dialect) from exc
    if dialect.driver == "psycopg" and not any(_is_array(table.c[n]) for n in columns):
        _insert_unnest(connection, table, columns, values)
    elif dialect.positional:
        order = [columns.index(name) for name in compiled.positiontup or ()]
        params = list(zip(*(values[i] for i in order), strict=True))
        connection.exec_driver_sql(compiled.string, params)
    else:
        named = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
        connection.exec_driver_sql(compiled.string, named)
    return len(rows)


def _insert_unnest(
    connection: Connection, table: Table, columns: Sequence[str], values: list[list[Any]]
) -> None:
    """One ``INSERT ... SELECT * FROM unnest(%b::type[], ...)`` per page of rows."""
    dialect = connection.dialect
    quote = dialect.identifier_preparer
    names = ", ".join(quote.quote(name) for name in columns)
    arrays = ", ".join(f"%b::{table.c[name].type.compile(dialect=dialect)}[]" for name in columns)
    target = quote.format_table(table).replace("%", "%%")
    sql = f"INSERT INTO {target} ({names.replace('%', '%%')}) SELECT * FROM unnest({arrays})"
    for start in range(0, len(values[0]), _PAGE):
        connection.exec_driver_sql(sql, tuple(v[start : start + _PAGE] for v in values))


def _bound_columns(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[list[Any]]:
    """The rows turned into columns of the values the driver receives."""
    bound: list[list[Any]] = []
    for name, column in zip(columns, zip(*rows, strict=True), strict=True):
        process = _processor(table.c[name], connection)
        bound.append(list(column) if process is None else list(map(process, column)))
    return bound


def _processor(column: Column[Any], connection: Connection) -> _Processor | None:
    """The column's bind processor; for a timestamp, one that converts each value once.

    Taken from the dialect's implementation of the type, as Core does: the generic type's
    processor would leave SQLite's timestamps to the driver, which formats them otherwise.
    """
    dialect = connection.dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None or not isinstance(_impl(column), DateTime):
        return process
    return _memoized(process)


def _impl(column: Column[Any]) -> Any:
    """The column's type, or the type under a ``TypeDecorator``."""
    return getattr(column.type, "impl", column.type)


def _is_array(column: Column[Any]) -> bool:
    """An ARRAY column: ``unnest`` would flatten its values."""
    return isinstance(_impl(column), ARRAY)


def _memoized(process: _Processor) -> _Processor:
    """``process`` remembered per value and UTC offset.

    Aware datetimes at the same instant compare equal whatever their zone; with the offset
    in the key, equal keys have the same wall time too, so they bind alike on every engine.
    """
    done: dict[tuple[Any, Any], Any] = {}

    def bind(value: Any) -> Any:
        if value is None:
            return process(value)
        key = (value, value.utcoffset() if isinstance(value, datetime) else None)
        try:
            return done[key]
        except KeyError:
            done[key] = result = process(value)
            return result

    return bind
