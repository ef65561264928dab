"""Alerts: what an operator running scoreline unattended is told, and how.

``check_alerts(db, config, now)`` derives every cause from the store (model events,
cooldowns, coverage at kick-off, budget skips, data sources, the queue backlog), claims
each in ``alerts_sent`` so one worker speaks once per period, and delivers to the log
(``scoreline.alerts``) and a Slack/Discord-compatible webhook.
"""

from scoreline.alerts.causes import LOOKBACK, Alert, derive_alerts
from scoreline.alerts.check import check_alerts, config_secrets
from scoreline.alerts.deliver import deliver, webhook_body, webhook_url

__all__ = [
    "LOOKBACK",
    "Alert",
    "check_alerts",
    "config_secrets",
    "deliver",
    "derive_alerts",
    "webhook_body",
    "webhook_url",
]
