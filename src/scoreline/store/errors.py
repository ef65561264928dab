"""Errors raised by the store.

Hierarchy::

    StoreError                      base of every error the store raises on purpose
    ├── DatabaseError               the database failed (unreachable, locked, a constraint)
    ├── MatchImportError            a matches CSV failed validation; nothing was imported
    ├── UnknownMatchError (KeyError) a match id that is not in the database
    └── UnknownModelError (KeyError) a model id that is not in the database

Every ``SQLAlchemyError`` raised inside ``Database.session()`` becomes a ``DatabaseError``
(the original is its ``__cause__``), so code above the store never imports SQLAlchemy to catch
it, and the CLI shows it as one line. The queue still retries jobs that fail with it.
"""

from __future__ import annotations

from scoreline.errors import ScorelineError

__all__ = [
    "DatabaseError",
    "MatchImportError",
    "StoreError",
    "UnknownMatchError",
    "UnknownModelError",
]


class StoreError(ScorelineError):
    """Base class of the store's own errors."""


class DatabaseError(StoreError):
    """The database failed: unreachable, locked, or a statement refused.

    The message is one line naming the driver's error class and its first line, never a
    password; the SQLAlchemy error is kept as ``__cause__`` for logs and debugging.
    """

    exit_code = 2
    hint = "check database_url; a new database needs `scoreline init`"


class MatchImportError(StoreError):
    """A matches CSV has problems; raised before anything is written.

    Attributes:
        problems: Every problem found, each as ``FILE:LINE: field: problem`` with the
            1-based file line (the header is line 1), in file order.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = "\n".join(self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s), nothing imported:\n{shown}{tail}")

    def __reduce__(self) -> tuple[type[MatchImportError], tuple[list[str]]]:
        return (type(self), (self.problems,))


class _UnknownIdError(StoreError, KeyError):
    """An id that has no row; a ``KeyError`` so ``except KeyError`` callers keep working."""

    kind = "id"

    def __init__(self, id_: str) -> None:
        self.id = id_
        super().__init__(id_)

    def __str__(self) -> str:
        # KeyError.__str__ would print the repr of the argument; say what is missing instead.
        return f"unknown {self.kind} {self.id!r}"

    def __reduce__(self) -> tuple[type[_UnknownIdError], tuple[str]]:
        return (type(self), (self.id,))


class UnknownModelError(_UnknownIdError):
    """A model id that is not in the ``models`` table (sync the catalog first).

    Attributes:
        id: The model id asked for.
    """

    kind = "model"


class UnknownMatchError(_UnknownIdError):
    """A match id that is not in the ``matches`` table.

    Attributes:
        id: The match id asked for.
    """

    kind = "match"
