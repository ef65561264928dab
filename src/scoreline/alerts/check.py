"""``check_alerts``: derive, claim and deliver, once per worker sweep.

Every worker runs the check; the claim in ``alerts_sent`` lets exactly one of them send a
cause, and keeps a lasting cause to one message per ``[alerts] repeat_after_s`` (the rest
are counted as suppressed). The check never raises: a store that is down is one log line,
and the sweep goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from scoreline.alerts.causes import Alert, derive_alerts
from scoreline.alerts.deliver import deliver
from scoreline.config import Config
from scoreline.redaction import redact
from scoreline.store import Database, claim_alert, known_causes

__all__ = ["check_alerts", "config_secrets"]

log = logging.getLogger("scoreline.alerts")


def config_secrets(config: Config) -> tuple[str, ...]:
    """The provider keys set in the environment: no alert may carry one."""
    keys = (provider.api_key() for provider in config.providers.values())
    return tuple(key for key in keys if key)


def _claim(db: Database, config: Config, now: datetime, alerts: Sequence[Alert]) -> list[Alert]:
    """The alerts this caller won; an occurrence told before is skipped without a write."""
    done = known_causes(db, (a.cause for a in alerts if a.once))
    repeat = config.alerts.repeat_after_s
    return [
        alert
        for alert in alerts
        if not (alert.once and alert.cause in done)
        and claim_alert(
            db, alert.cause, now=now, repeat_after_s=repeat, message=alert.message, once=alert.once
        )
    ]


def check_alerts(
    db: Database, config: Config, now: datetime, *, backlog_age_s: float | None = None
) -> list[Alert]:
    """Tell the operator what changed: run by every worker on every sweep.

    Args:
        db: The store.
        config: The configuration (``[alerts]``, the catalog, the cooldown rule).
        now: Current time, aware UTC.
        backlog_age_s: Age of the oldest pending job, when the caller knows it.

    Returns:
        The alerts this call sent (claimed and handed to the channels).
    """
    secrets = config_secrets(config)
    try:
        found = derive_alerts(db, config, now, backlog_age_s=backlog_age_s)
        safe = [Alert(a.cause, a.kind, redact(a.message, secrets), a.once) for a in found]
        won = _claim(db, config, now, safe)
    except Exception as exc:  # the store may be down: the next sweep checks again
        log.warning("alert check failed (%s); checking again at the next sweep", type(exc).__name__)
        return []
    deliver(won, config.alerts, secrets)
    return won
