"""What every command shares: options, the configuration, the store, and rendering."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scoreline.config import Config, load_config
from scoreline.report import parse_moment
from scoreline.store import Database, DatabaseError

__all__ = [
    "STATE",
    "ConfigOpt",
    "JsonOpt",
    "console",
    "database_errors",
    "err_console",
    "get_config",
    "open_db",
    "parse_when",
    "print_error",
    "print_json",
    "render_table",
    "utc_now",
]

# Off a terminal (CI logs, pipes) Rich would wrap tables at 80 columns; give them room.
console = Console(width=None if sys.stdout.isatty() else 150)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 150)

ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="Configuration file (default: $SCORELINE_CONFIG, ./scoreline.toml)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


class State:
    """Options given before the command name."""

    config_path: Path | None = None


STATE = State()


def get_config(path: Path | None = None) -> Config:
    """The configuration from the command's ``--config``, the global one, or the defaults."""
    return load_config(path or STATE.config_path)


def open_db(config: Config) -> Database:
    """The store named by the configuration."""
    return Database(config.database_url)


def utc_now() -> datetime:
    """The clock; only commands, the web app and the queue read it."""
    return datetime.now(UTC)


def parse_when(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """``report.parse_moment`` for a CLI option: ``None`` passes through, bad text is a
    ``BadParameter`` (so ``--until 2025-01-31`` includes that day, as on the web)."""
    if value is None:
        return None
    try:
        return parse_moment(value, end_of_day=end_of_day)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


DATABASE_HINT = " (check database_url; a new database needs `scoreline init`)"
"""Said after a database error whose message does not already point the way."""


def print_error(exc: Exception) -> None:
    """A domain error as one red line on stderr: ``ErrorClass: message``, no traceback."""
    message = str(exc)
    if isinstance(exc, DatabaseError) and "scoreline init" not in message:
        message += DATABASE_HINT
    err_console.print(
        f"[red]{type(exc).__name__}[/red]: {escape(message)}", highlight=False, soft_wrap=True
    )


@contextmanager
def database_errors() -> Iterator[None]:
    """A database failure inside the block becomes one red line and exit code 1."""
    try:
        yield
    except DatabaseError as exc:
        print_error(exc)
        raise typer.Exit(1) from None


def print_json(data: Any) -> None:
    """JSON on stdout, for ``--json``."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def render_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """A Rich table on stdout."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*["" if cell is None else str(cell) for cell in row])
    console.print(table)
