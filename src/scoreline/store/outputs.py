"""What calls teach beyond health: the prompts sent and each model's output mode.

A prompt text is stored once per SHA-256 (``prompts``), however many attempts sent it. A
model's learned output mode (``models.output_probed``) is written by ``models probe`` and
lowered when a server refuses a mode; the registry reads it back for the next calls, where
a mode set in the configuration still wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scoreline.store.db import Database, rowcount
from scoreline.store.errors import UnknownModelError
from scoreline.store.tables import Model, StoredPrompt

if TYPE_CHECKING:
    from scoreline.store.attempts import NewAttempt

__all__ = ["LearnedOutput", "learned_outputs", "record_output", "stored_prompt"]

_NOTE_CHARS = 500


@dataclass(frozen=True)
class LearnedOutput:
    """The output mode learned for one model."""

    model_id: str
    """The model."""
    output: str | None
    """``json_schema``, ``json_object`` or ``text``; ``None`` when nothing was learned."""
    at: datetime | None
    """When it was learned."""
    note: str | None
    """Why: the probe's findings or the refusal."""


def add_prompts(session: Session, rows: Sequence[NewAttempt]) -> int:
    """Store each distinct prompt text of ``rows`` once (an existing hash is left alone)."""
    prompts = {
        row.prompt_sha256: {
            "sha256": row.prompt_sha256,
            "version": row.prompt_version or "",
            "text": row.prompt_text,
            "created_at": row.created_at,
        }
        for row in rows
        if row.prompt_sha256 and row.prompt_text is not None
    }
    if not prompts:
        return 0
    dialect = session.get_bind().dialect.name
    module: Any = {"postgresql": postgresql, "sqlite": sqlite}.get(dialect)
    if module is None:
        raise NotImplementedError(f"prompts are not supported on {dialect}")
    statement = module.insert(StoredPrompt).values(list(prompts.values()))
    session.execute(statement.on_conflict_do_nothing(index_elements=["sha256"]))
    return len(prompts)


def lower_refused_outputs(session: Session, rows: Sequence[NewAttempt]) -> int:
    """Lower the learned mode of every called model whose server refused the mode sent."""
    lowered = 0
    for row in rows:
        if row.output_lowered is None:
            continue
        body = (row.reply_text or "").replace("\n", " ")[:200]
        note = f"{row.output_mode} refused (HTTP {row.http_status}): {body}"
        lowered += _write(session, row.called_model_id, row.output_lowered, note, row.created_at)
    return lowered


def _write(session: Session, model_id: str, output: str, note: str, at: datetime) -> int:
    values = {"output_probed": output, "output_probed_at": at, "output_note": note[:_NOTE_CHARS]}
    return rowcount(session.execute(update(Model).where(Model.id == model_id).values(values)))


def record_output(db: Database, model_id: str, output: str, *, note: str, at: datetime) -> None:
    """Record the output mode found for a model (``models probe``).

    Raises:
        UnknownModelError: The store has no such model (``scoreline init`` syncs them).
    """
    with db.session() as session:
        if not _write(session, model_id, output, note, at):
            raise UnknownModelError(model_id)


def learned_outputs(db: Database) -> dict[str, LearnedOutput]:
    """Every model's learned output mode, by id (models with none learned included)."""
    with db.session() as session:
        rows = session.execute(
            select(Model.id, Model.output_probed, Model.output_probed_at, Model.output_note)
        ).all()
    return {row[0]: LearnedOutput(*row) for row in rows}


def stored_prompt(db: Database, sha256: str) -> str | None:
    """The prompt text stored under this hash, or ``None``."""
    with db.session() as session:
        return session.scalar(select(StoredPrompt.text).where(StoredPrompt.sha256 == sha256))
