"""The one base of every error that is the user's (or their database's) to fix.

It lives in a module of its own, importing nothing, so the command line can catch every such
error without importing the packages that raise it (the store brings SQLAlchemy, the predict
pipeline the ``openai`` SDK): a command loads only what it uses.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["ScorelineError"]


class ScorelineError(Exception):
    """Shown by the command line as one red line, ``ErrorClass: message``, never a traceback.

    ``exit_code`` is 2 for bad input (an invalid configuration, a database that cannot be
    used), as Typer exits on its own usage errors, and 1 for a refusal or a failure.
    """

    exit_code: ClassVar[int] = 1
    hint: ClassVar[str] = ""
    """Said after the message, in brackets, when the message does not already point the way."""
