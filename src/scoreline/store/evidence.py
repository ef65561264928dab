"""Reading the evidence the attempts keep: what each model answered, and how much was unreadable.

``list_attempts`` backs ``scoreline attempts`` and the admin model page; ``parse_stats``
counts, per model that answered, the replies parsed and those rejected by their stable
verdict (``parse-stats``); ``clear_reply_texts`` is the retention sweep: old reply texts are
cleared, the rows and their verdicts stay, so every count survives it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, update

from scoreline.store.db import Database, rowcount
from scoreline.store.tables import PredictionAttempt

__all__ = [
    "AttemptRecord",
    "ParseStats",
    "clear_reply_texts",
    "list_attempts",
    "parse_stats",
]

VERDICT_OK = "ok"
VERDICT_EMPTY = "empty reply"
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class AttemptRecord:
    """One provider call with its evidence."""

    id: int
    """Attempt id (increasing)."""
    created_at: datetime
    """When the call was made."""
    match_id: str | None
    """The match it was for."""
    model_id: str
    """The model asked for (predictions are attributed to it)."""
    called_model_id: str
    """The model actually called."""
    provider: str
    """Its provider."""
    is_fallback: bool
    """Whether this was the fallback call."""
    ok: bool
    """Whether it produced an accepted answer."""
    error_class: str | None
    """The error class when not ok."""
    http_status: int | None
    """The HTTP status, when one came back."""
    latency_ms: float
    """Wall time of the call."""
    parse_verdict: str | None
    """``ok`` or the stable kind of rejection; ``None`` when no reply was parsed."""
    parse_reason: str | None
    """Why the reply was rejected."""
    served_model: str | None
    """The model the provider says answered."""
    request_id: str | None
    """The provider's request id."""
    finish_reason: str | None
    """The choice's finish reason."""
    output_mode: str | None
    """The output mode sent."""
    prompt_version: str | None
    """The prompt's version."""
    prompt_sha256: str | None
    """The prompt's hash (its text is in ``prompts``)."""
    reply_text: str | None
    """The reply as received (keys masked, at most 16 KiB); ``None`` when there was none
    or retention cleared it."""


_COLUMNS = [getattr(PredictionAttempt, name) for name in AttemptRecord.__dataclass_fields__]


@dataclass
class ParseStats:
    """How readable one model's replies were."""

    model_id: str
    """The model that answered (the called model)."""
    attempts: int = 0
    """Every call made to it."""
    replies: int = 0
    """Calls that brought back a reply for the parser (HTTP 200)."""
    parsed: int = 0
    """Replies parsed into a valid score."""
    empty: int = 0
    """Replies with no content."""
    unparseable: dict[str, int] = field(default_factory=dict)
    """Replies rejected, by stable verdict (``no score found``, ``invalid body`` ...)."""

    @property
    def share(self) -> float:
        """The share of replies that could not be used: the number an operator acts on."""
        return (self.replies - self.parsed) / self.replies if self.replies else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain data, the share included."""
        return {
            "model_id": self.model_id,
            "attempts": self.attempts,
            "replies": self.replies,
            "parsed": self.parsed,
            "empty": self.empty,
            "unparseable": dict(sorted(self.unparseable.items())),
            "share": round(self.share, 4),
        }


def _attempts_query(
    model_id: str | None, match_id: str | None, failed: bool, since: datetime | None
) -> Select[Any]:
    query = select(*_COLUMNS)
    if model_id is not None:
        query = query.where(
            or_(
                PredictionAttempt.model_id == model_id,
                PredictionAttempt.called_model_id == model_id,
            )
        )
    if match_id is not None:
        query = query.where(PredictionAttempt.match_id == match_id)
    if failed:
        query = query.where(PredictionAttempt.ok.is_(False))
    if since is not None:
        query = query.where(PredictionAttempt.created_at >= since)
    return query.order_by(PredictionAttempt.created_at.desc(), PredictionAttempt.id.desc())


def list_attempts(
    db: Database,
    *,
    model_id: str | None = None,
    match_id: str | None = None,
    failed: bool = False,
    since: datetime | None = None,
    limit: int = 50,
) -> list[AttemptRecord]:
    """Attempts with their evidence, newest first.

    Args:
        db: The store.
        model_id: Calls made for this model or to it (as a fallback).
        match_id: Calls for this match.
        failed: Only calls that did not produce an accepted answer.
        since: Only calls made at or after this moment (aware UTC).
        limit: At most this many (1 to 10 000).
    """
    query = _attempts_query(model_id, match_id, failed, since)
    with db.session() as session:
        rows = session.execute(query.limit(max(1, min(limit, MAX_LIMIT)))).all()
    return [AttemptRecord(**row._asdict()) for row in rows]


def parse_stats(db: Database, *, since: datetime | None = None) -> list[ParseStats]:
    """Per model that answered: attempts, replies, parsed, empty, unparseable by verdict.

    Args:
        db: The store.
        since: Only calls made at or after this moment (aware UTC).

    Returns:
        One entry per model, by model id.
    """
    query = select(
        PredictionAttempt.called_model_id, PredictionAttempt.parse_verdict, func.count()
    ).group_by(PredictionAttempt.called_model_id, PredictionAttempt.parse_verdict)
    if since is not None:
        query = query.where(PredictionAttempt.created_at >= since)
    with db.session() as session:
        rows = session.execute(query).all()
    stats: dict[str, ParseStats] = {}
    unparseable: dict[str, Counter[str]] = defaultdict(Counter)
    for model_id, verdict, count in rows:
        entry = stats.setdefault(model_id, ParseStats(model_id))
        entry.attempts += count
        if verdict is None:
            continue
        entry.replies += count
        if verdict == VERDICT_OK:
            entry.parsed += count
        elif verdict == VERDICT_EMPTY:
            entry.empty += count
        else:
            unparseable[model_id][verdict] += count
    for model_id, counts in unparseable.items():
        stats[model_id].unparseable = dict(counts)
    return [stats[m] for m in sorted(stats)]


def clear_reply_texts(db: Database, *, before: datetime) -> int:
    """Clear the reply texts of attempts made before ``before``; rows and verdicts stay.

    Returns:
        How many texts were cleared.
    """
    statement = (
        update(PredictionAttempt)
        .where(PredictionAttempt.created_at < before)
        .where(PredictionAttempt.reply_text.is_not(None))
        .values(reply_text=None)
    )
    with db.session() as session:
        return rowcount(session.execute(statement))
