"""What every command shares: options, the configuration, the store, and rendering."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from scoreline.moments import check_window, parse_moment

if TYPE_CHECKING:
    from scoreline.config import Config
    from scoreline.store import Database

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
    "parse_window",
    "print_error",
    "print_json",
    "refuse",
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
    from scoreline.config import load_config

    return load_config(path or STATE.config_path)


def open_db(config: Config) -> Database:
    """The store named by the configuration."""
    from scoreline.store import Database

    return Database(config.database_url)


def utc_now() -> datetime:
    """The clock; only commands, the web app and the queue read it."""
    return datetime.now(UTC)


def refuse(message: str) -> NoReturn:
    """Bad input: one red line on stderr and exit code 2, like Typer's own usage errors.

    Typer would draw a box that wraps long messages over several lines; a script reading
    stderr gets one line instead.
    """
    err_console.print(f"[red]Error[/red]: {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def parse_when(value: str | None, option: str, *, end_of_day: bool = False) -> datetime | None:
    """``report.parse_moment`` for a CLI option: ``None`` passes through, bad text is refused
    naming the option (so ``--until 2025-01-31`` includes that day, as on the web)."""
    if value is None:
        return None
    try:
        return parse_moment(value, end_of_day=end_of_day)
    except ValueError as exc:
        refuse(f"{option}: {exc}")


def parse_window(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """``--since``/``--until`` read as aware UTC (``--until`` a date includes that day);
    a window that ends before it starts is refused as the API refuses it."""
    since_at = parse_when(since, "--since")
    until_at = parse_when(until, "--until", end_of_day=True)
    try:
        check_window(since_at, until_at)
    except ValueError as exc:
        refuse(f"--since/--until: {exc}")
    return since_at, until_at


def print_error(exc: Exception) -> None:
    """A domain error as one red line on stderr: ``ErrorClass: message``, no traceback."""
    message = str(exc)
    hint = getattr(exc, "hint", "")
    if hint and "scoreline init" not in message:
        message += f" ({hint})"
    err_console.print(
        f"[red]{type(exc).__name__}[/red]: {escape(message)}", highlight=False, soft_wrap=True
    )


@contextmanager
def database_errors() -> Iterator[None]:
    """A database failure inside the block becomes one red line and exit code 2 (the
    configured database cannot be used: the user's to fix)."""
    from scoreline.store import DatabaseError

    try:
        yield
    except DatabaseError as exc:
        print_error(exc)
        raise typer.Exit(2) from None


def print_json(data: Any) -> None:
    """JSON on stdout, for ``--json``."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _cell(cell: Any) -> str | Text:
    """A table cell: ``Text`` keeps its style, anything else is shown literally (a match id
    like ``R[/]1`` must not be read as Rich markup)."""
    if isinstance(cell, Text):
        return cell
    return "" if cell is None else escape(str(cell))


def render_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """A Rich table on stdout; style a cell by passing a ``rich.text.Text``."""
    table = Table(title=escape(title), title_justify="left")
    for column in columns:
        table.add_column(escape(column))
    for row in rows:
        table.add_row(*[_cell(cell) for cell in row])
    console.print(table)
