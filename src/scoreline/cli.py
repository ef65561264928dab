"""The ``scoreline`` command line: parse options, call one service, render what it returns.

Every command that reports data prints a Rich table, or JSON with ``--json``. An error that is
the user's to fix (``ScorelineError``) is printed as ``ErrorClass: message`` in red, with exit
code 2 for bad input (an option value, a file that cannot be read, a matches CSV with problems,
an invalid configuration, a database that cannot be used) as Typer does for its own usage
errors, and 1 otherwise. Nothing prints a traceback or a secret.

Each command's module is imported only when that command runs (``COMMANDS`` below), so
``scoreline --help`` loads neither the store, the scoring, the web stack nor the ``openai`` SDK.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command

from scoreline.commands.common import STATE, ConfigOpt, print_error
from scoreline.errors import ScorelineError
from scoreline.heap import long_lived


@dataclass(frozen=True)
class LazyCommand:
    """A command known by name and one line of help until it runs."""

    target: str
    """``module:attribute``: a command function, or a ``typer.Typer`` for a group."""
    summary: str
    """The first line of the command's docstring (a test keeps the two equal)."""

    def load(self, name: str) -> Any:
        """The click command (or group) of the target, imported now."""
        module, attribute = self.target.split(":")
        with long_lived():
            obj = getattr(import_module(module), attribute)
        if not isinstance(obj, typer.Typer):
            app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
            app.command(name)(obj)
            obj = app
        command = get_command(obj)
        command.name = name
        return command


COMMANDS: dict[str, LazyCommand] = {
    "models": LazyCommand(
        "scoreline.commands.models:models_app", "List, validate, check and re-enable models."
    ),
    "init": LazyCommand(
        "scoreline.commands.pipeline:init",
        "Create the database, or upgrade it to the latest schema.",
    ),
    "import-matches": LazyCommand(
        "scoreline.commands.pipeline:import_matches_command",
        "Add or update matches (fixtures and results); all or nothing.",
    ),
    "predict": LazyCommand(
        "scoreline.commands.pipeline:predict",
        "Run predict jobs now, in this process, with a progress bar.",
    ),
    "worker": LazyCommand(
        "scoreline.commands.pipeline:worker",
        "Run the queue consumer with the periodic reconcile sweep (Ctrl-C stops).",
    ),
    "sandbox": LazyCommand(
        "scoreline.commands.pipeline:sandbox",
        "Run a local OpenAI-compatible server with fault injection, for rehearsing outages.",
    ),
    "score": LazyCommand(
        "scoreline.commands.results:score_command",
        "Score finished matches (and void cancelled or postponed ones).",
    ),
    "leaderboard": LazyCommand(
        "scoreline.commands.results:leaderboard_command",
        "Rank the models on their scored predictions.",
    ),
    "backtest": LazyCommand(
        "scoreline.commands.results:backtest_command",
        "Replay a past season: predict each match before kick-off, reveal, score, rank.",
    ),
    "attempts": LazyCommand(
        "scoreline.commands.evidence:attempts_command",
        "List provider calls with what each model answered, newest first.",
    ),
    "parse-stats": LazyCommand(
        "scoreline.commands.evidence:parse_stats_command",
        "Per model: replies parsed, unparseable by reason, empty, and the unusable share.",
    ),
    "fallback-stats": LazyCommand(
        "scoreline.commands.ops:fallback_stats_command",
        "Per-model fallback rate, and what the fallbacks cost against the original model.",
    ),
    "serve": LazyCommand(
        "scoreline.commands.ops:serve",
        "Serve the admin API, /metrics and the dashboard with uvicorn.",
    ),
    "sources-standin": LazyCommand(
        "scoreline.commands.sources:sources_standin",
        "Serve stand-ins of football-data.org, API-Football and football-data.co.uk, offline.",
    ),
    "sync": LazyCommand(
        "scoreline.commands.sources:sync_command",
        "Fetch fixtures, results and statuses from every configured source now.",
    ),
    "matches": LazyCommand(
        "scoreline.commands.sources:matches_command",
        "List the matches the store knows, with their sources and prediction counts.",
    ),
    "sources": LazyCommand(
        "scoreline.commands.sources:sources_command",
        "Show each configured source: last success, last error, requests today, quota left.",
    ),
    "teams": LazyCommand(
        "scoreline.commands.sources:teams_app", "Team names: the operator's aliases."
    ),
    "compare": LazyCommand(
        "scoreline.commands.evaluation:compare_command",
        "Compare two models on their common matches: points and RPS, paired intervals, tests.",
    ),
    "calibration": LazyCommand(
        "scoreline.commands.evaluation:calibration_command",
        "Show a model's calibration: reliability bins per outcome, ECE, Brier decomposition.",
    ),
    "export": LazyCommand(
        "scoreline.commands.evaluation:export_command",
        "Write the ledger: matches, predictions, results and a manifest with a hash chain.",
    ),
    "verify": LazyCommand(
        "scoreline.commands.evaluation:verify_command",
        "Recompute every figure of a ledger from its files; exit 1 when anything differs.",
    ),
    "costs": LazyCommand(
        "scoreline.commands.costs:costs_command",
        "Spend per model, provider or day: cost, calls, tokens, fallback share, unpriced calls.",
    ),
    "coverage": LazyCommand(
        "scoreline.commands.coverage:coverage_command",
        "Matches that kicked off with fewer predictions stored in time than the line asks.",
    ),
    "alerts": LazyCommand(
        "scoreline.commands.alerts:alerts_app",
        "Recent alerts, and a test message through the channels.",
    ),
    "demo": LazyCommand(
        "scoreline.commands.demo:demo",
        "The whole pipeline offline on a real matchday, with injected provider faults.",
    ),
}
"""Every top-level command, in the order ``--help`` lists them."""


class LazyGroup(TyperGroup):
    """A group that imports a command's module when the command is resolved to run.

    ``--help`` lists the commands from ``COMMANDS`` alone; only the command that runs (or
    whose own ``--help`` is asked for) is imported.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        loaded = super().get_command(ctx, cmd_name)
        if loaded is not None or cmd_name not in COMMANDS:
            return loaded
        summary = COMMANDS[cmd_name].summary
        return TyperCommand(cmd_name, help=summary, short_help=summary)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name in COMMANDS and name not in self.commands:
            self.add_command(COMMANDS[name].load(name), name)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=LazyGroup,
    help="Run many large language models as football forecasters.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(config: ConfigOpt = None) -> None:
    """scoreline: every model's predicted score before kick-off, scored and ranked."""
    STATE.config_path = config


def main() -> None:
    """Entry point: run the app; a ``ScorelineError`` becomes one red line and its exit code."""
    try:
        app()
    except ScorelineError as exc:
        print_error(exc)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
