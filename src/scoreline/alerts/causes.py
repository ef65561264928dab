"""The causes an operator is told about, each derived from the store at one moment.

A cause is either a condition that lasts (a cooldown, a source down, the budget reached, the
queue backlog: repeated once per ``repeat_after_s`` while it holds) or an occurrence told
once (a model disabled or recovered: one per event; a match under the coverage line: one per
match). Nothing here writes: which worker speaks is decided by the claim in ``check``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from scoreline.config import Config
from scoreline.store import (
    Database,
    list_model_events,
    list_models,
    list_skips,
    match_coverage,
    source_health,
)

__all__ = ["LOOKBACK", "Alert", "derive_alerts"]

LOOKBACK = timedelta(days=1)
"""How far back events and kick-offs are read: older occurrences are history, not news."""
SETTLE = timedelta(minutes=1)
"""A kick-off is judged this long after it: a job's last transaction may still commit."""
_EVENT_TEXT = {
    "disabled": "model {model} disabled",
    "recovered": "model {model} recovered",
}


def _count(n: int, noun: str) -> str:
    plural = "es" if noun.endswith("ch") else "s"
    return f"{n} {noun}" if n == 1 else f"{n} {noun}{plural}"


@dataclass(frozen=True, slots=True)
class Alert:
    """One thing to tell the operator."""

    cause: str
    """Stable key: ``kind`` or ``kind:subject`` (plus ``#event`` for an occurrence)."""
    kind: str
    """``model_disabled``, ``model_recovered``, ``cooldown``, ``coverage``, ``budget``,
    ``source_down`` or ``backlog``."""
    message: str
    once: bool = False
    """An occurrence: told once, never repeated."""


def _events(db: Database, now: datetime) -> list[Alert]:
    found = []
    for e in list_model_events(db, since=now - LOOKBACK):
        if e.event not in _EVENT_TEXT:
            continue
        text = _EVENT_TEXT[e.event].format(model=e.model_id)
        reason = f": {e.reason}" if e.reason else ""
        at = f" at {e.at:%Y-%m-%d %H:%M} UTC"
        kind = f"model_{e.event}"
        found.append(Alert(f"{kind}:{e.model_id}#{e.id}", kind, text + at + reason, once=True))
    return found


def _cooldowns(db: Database, config: Config, now: datetime) -> list[Alert]:
    return [
        Alert(
            f"cooldown:{m.id}",
            "cooldown",
            f"primary {m.id} is cooling down until {m.cooldown_until:%H:%M} UTC: "
            "its calls go straight to the fallback",
        )
        for m in list_models(db, now=now, cooldown=config.cooldown)
        if m.cooldown_until is not None
    ]


def _coverage(db: Database, config: Config, now: datetime) -> list[Alert]:
    line = config.alerts.min_coverage
    active = [m.id for m in config.models if m.active]
    found = []
    until = now - SETTLE
    for match in match_coverage(db, since=now - LOOKBACK, until=until, model_ids=active):
        ratio = match.ratio
        if ratio is None or ratio >= line:
            continue
        causes = ", ".join(f"{cause} {n}" for cause, n in sorted(match.misses.items()))
        message = (
            f"{match.home_team} v {match.away_team} ({match.match_id}) kicked off with "
            f"{match.covered}/{match.expected} predictions ({ratio:.1%}, line {line:.1%}); "
            f"missed: {causes}"
        )
        found.append(Alert(f"coverage:{match.match_id}", "coverage", message, once=True))
    return found


def _budget(db: Database, now: datetime) -> list[Alert]:
    """Budget skips since midnight UTC: the budget is closed (it reopens by itself)."""
    midnight = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    skips = list_skips(db, reason="budget", since=midnight)
    if not skips:
        return []
    models, matches = {s.model_id for s in skips}, {s.match_id for s in skips}
    message = (
        f"budget reached: {_count(len(models), 'paid model')} skipped for "
        f"{_count(len(matches), 'match')} today (last at {skips[-1].at:%H:%M} UTC); "
        "reference forecasters still run"
    )
    return [Alert("budget", "budget", message)]


def _sources(db: Database, config: Config, now: datetime) -> list[Alert]:
    """Sources whose last error is newer than their last success, for long enough."""
    limit = timedelta(seconds=config.alerts.source_down_after_s)
    found = []
    for name, s in sorted(source_health(db).items()):
        if s.last_error_at is None:
            continue
        if s.last_success_at is not None and s.last_success_at >= s.last_error_at:
            continue
        since = "never answered" if s.last_success_at is None else None
        if s.last_success_at is not None:
            if now - s.last_success_at < limit:
                continue
            since = f"failing since {s.last_success_at:%Y-%m-%d %H:%M} UTC"
        message = f"data source {name} {since}: {s.last_error or 'error'}"
        found.append(Alert(f"source_down:{name}", "source_down", message))
    return found


def _backlog(config: Config, backlog_age_s: float | None) -> list[Alert]:
    if backlog_age_s is None or backlog_age_s <= config.alerts.backlog_after_s:
        return []
    message = f"queue backlog: the oldest pending job has waited {backlog_age_s / 60:.0f} min"
    return [Alert("backlog", "backlog", message)]


def derive_alerts(
    db: Database, config: Config, now: datetime, *, backlog_age_s: float | None = None
) -> list[Alert]:
    """Every alert the store (and the queue's oldest pending job) justifies at ``now``."""
    return [
        *_events(db, now),
        *_cooldowns(db, config, now),
        *_coverage(db, config, now),
        *_budget(db, now),
        *_sources(db, config, now),
        *_backlog(config, backlog_age_s),
    ]
