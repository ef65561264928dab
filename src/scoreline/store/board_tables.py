"""Tables of the leaderboard's per-model summaries (migration 0011) and the triggers that
keep their change log.

They share ``Base.metadata`` with ``tables``, so a database built from the table
definitions (``store.schema``) has them, triggers included. Packing and refreshing the
summaries is ``board_summaries``' job (it needs numpy; this module must not, as every
use of the tables loads it).

Triggers on ``predictions`` log the (model, match) of every insert, update or delete that
involves a scored prediction in ``board_changes``: freshness does not rely on every writer
remembering the summaries. On PostgreSQL they only insert, so they take no lock another
transaction could wait for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Integer, LargeBinary, event
from sqlalchemy.orm import Mapped, mapped_column

from scoreline.store.tables import Base

__all__ = ["BoardChange", "BoardSummary", "drop_triggers", "install_triggers"]


class BoardChange(Base):
    """A (model, match) whose scored predictions changed since the model's summary was
    written; ``match_id`` NULL: rebuild the whole summary."""

    __tablename__ = "board_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model_id: Mapped[str] = mapped_column(index=True)
    match_id: Mapped[str | None]


class BoardSummary(Base):
    """Every scored prediction of one model, by match id (arrays in little-endian bytes)."""

    __tablename__ = "board_summaries"

    model_id: Mapped[str] = mapped_column(primary_key=True)
    entries: Mapped[int]
    """Scored predictions packed (``-1``: a placeholder a refresh is filling)."""
    match_ids: Mapped[str]
    """Their match ids, sorted, comma separated."""
    points: Mapped[bytes] = mapped_column(LargeBinary)
    """int32 per entry."""
    flags: Mapped[bytes] = mapped_column(LargeBinary)
    """uint8 per entry: the bits ``board_summaries`` defines."""
    probabilities: Mapped[bytes] = mapped_column(LargeBinary)
    """float64 home, draw, away per entry (NaN where NULL)."""


_LOG = "INSERT INTO board_changes (model_id, match_id)"
_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS tr_predictions_board_insert AFTER INSERT ON predictions
    WHEN NEW.status = 'scored'
    BEGIN {_LOG} VALUES (NEW.model_id, NEW.match_id); END""",
    f"""CREATE TRIGGER IF NOT EXISTS tr_predictions_board_update AFTER UPDATE ON predictions
    WHEN OLD.status = 'scored' OR NEW.status = 'scored'
    BEGIN
        {_LOG} VALUES (NEW.model_id, NEW.match_id);
        {_LOG} SELECT OLD.model_id, OLD.match_id
            WHERE OLD.model_id IS NOT NEW.model_id OR OLD.match_id IS NOT NEW.match_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS tr_predictions_board_delete AFTER DELETE ON predictions
    WHEN OLD.status = 'scored'
    BEGIN {_LOG} VALUES (OLD.model_id, OLD.match_id); END""",
)
# Statement triggers with transition tables: one INSERT per statement, not per row.
_POSTGRESQL_FUNCTION = f"""CREATE OR REPLACE FUNCTION board_log_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_LOG} SELECT DISTINCT model_id, match_id FROM new_rows WHERE status = 'scored';
    ELSIF TG_OP = 'UPDATE' THEN
        {_LOG} SELECT model_id, match_id FROM new_rows WHERE status = 'scored'
            UNION SELECT model_id, match_id FROM old_rows WHERE status = 'scored';
    ELSE
        {_LOG} SELECT DISTINCT model_id, match_id FROM old_rows WHERE status = 'scored';
    END IF;
    RETURN NULL;
END $$"""
_POSTGRESQL_EVENTS = {
    "insert": "INSERT ON predictions REFERENCING NEW TABLE AS new_rows",
    "update": "UPDATE ON predictions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "DELETE ON predictions REFERENCING OLD TABLE AS old_rows",
}


def install_triggers(connection: Connection) -> None:
    """Create the triggers that log changes of scored predictions (idempotent)."""
    if connection.dialect.name == "sqlite":
        for statement in _SQLITE_TRIGGERS:
            connection.exec_driver_sql(statement)
        return
    connection.exec_driver_sql(_POSTGRESQL_FUNCTION)
    for name, on in _POSTGRESQL_EVENTS.items():
        trigger = f"tr_predictions_board_{name}"
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON predictions")
        connection.exec_driver_sql(
            f"CREATE TRIGGER {trigger} AFTER {on} FOR EACH STATEMENT "
            "EXECUTE FUNCTION board_log_changes()"
        )


def drop_triggers(connection: Connection) -> None:
    """Drop what ``install_triggers`` created."""
    for name in _POSTGRESQL_EVENTS:
        on = " ON predictions" if connection.dialect.name == "postgresql" else ""
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS tr_predictions_board_{name}{on}")
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS board_log_changes()")


@event.listens_for(Base.metadata, "after_create")
def _triggers_with_the_tables(_metadata: Any, connection: Connection, **_kw: Any) -> None:
    """A database built by ``create_all`` gets the triggers too (Alembic's gets them from
    its migration)."""
    install_triggers(connection)
