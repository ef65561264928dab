"""The ``scoreline`` command line: parse options, call one service, render what it returns.

Every command that reports data prints a Rich table, or JSON with ``--json``. Domain errors
are printed as ``ErrorClass: message`` in red with exit code 1; bad input (an option value, a
file that cannot be read, a matches CSV with problems, an invalid configuration, a database
that cannot be used) with exit code 2, as Typer does for its own usage errors. Nothing
prints a traceback or a secret.
"""

from __future__ import annotations

import sys

import typer

from scoreline.commands import demo, ops, pipeline, results
from scoreline.commands.common import STATE, ConfigOpt, print_error
from scoreline.commands.models import models_app
from scoreline.config import ConfigError
from scoreline.predict import PredictRefusedError
from scoreline.store import DatabaseError, StoreError

app = typer.Typer(
    help="Run many large language models as football forecasters.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(models_app, name="models")
pipeline.register(app)
results.register(app)
ops.register(app, models_app)
demo.register(app)


@app.callback()
def _root(config: ConfigOpt = None) -> None:
    """scoreline: every model's predicted score before kick-off, scored and ranked."""
    STATE.config_path = config


DOMAIN_ERRORS = (ConfigError, PredictRefusedError, StoreError)
"""Errors that are the user's to fix, or the database's (``DatabaseError`` is a
``StoreError``): one red line, no traceback."""


BAD_INPUT_ERRORS = (ConfigError, DatabaseError)
"""Domain errors that are bad input (exit code 2): a configuration that cannot be read or
used, or a database it names that cannot be reached, written or read."""


def main() -> None:
    """Entry point: run the app; domain errors become one red line and exit code 1 (2 for
    bad input)."""
    try:
        app()
    except DOMAIN_ERRORS as exc:
        print_error(exc)
        sys.exit(2 if isinstance(exc, BAD_INPUT_ERRORS) else 1)


if __name__ == "__main__":
    main()
