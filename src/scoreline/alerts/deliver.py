"""Delivering alerts: the log channel (logger ``scoreline.alerts``) and a webhook.

The webhook body carries the text under ``text`` (Slack) and ``content`` (Discord), so one
URL of either kind works. The URL is a secret (it is the credential): it never reaches a
log line, ours or httpx's. A failed delivery is one WARNING line and never an exception:
the worker that called must keep sweeping.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence

import httpx

from scoreline.alerts.causes import Alert
from scoreline.config import AlertsConfig
from scoreline.redaction import redact

__all__ = ["MAX_TEXT", "deliver", "webhook_body", "webhook_url"]

log = logging.getLogger("scoreline.alerts")

MAX_TEXT = 1900
"""Discord refuses ``content`` over 2000 characters; Slack takes more."""
_HIDDEN: set[str] = set()
"""Webhook URLs in use, masked in httpx's request log."""


class _HideWebhook(logging.Filter):
    """Masks the webhook URLs in httpx's ``HTTP Request: POST <url>`` lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's arguments; never drop it."""
        if _HIDDEN and isinstance(record.args, tuple):
            record.args = tuple(
                redact(str(a), _HIDDEN) if any(u in str(a) for u in _HIDDEN) else a
                for a in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_HideWebhook())


def webhook_url(config: AlertsConfig) -> str | None:
    """The URL from ``webhook_url_env`` (it wins) or ``webhook_url``; ``None``: no webhook."""
    if config.webhook_url_env:
        from_env = os.environ.get(config.webhook_url_env)
        if from_env:
            return from_env
    return config.webhook_url or None


def webhook_body(alerts: Sequence[Alert]) -> dict[str, str]:
    """One message for the alerts of one check, cut to what Discord accepts."""
    lines = [f"⚠ scoreline: {a.message}" for a in alerts]
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 20].rsplit("\n", 1)[0] + f"\n… ({len(lines)} alerts)"
    return {"text": text, "content": text}


def _post(url: str, body: dict[str, str], timeout_s: float) -> bool:
    _HIDDEN.add(url)
    try:
        response = httpx.post(url, json=body, timeout=timeout_s)
    except httpx.HTTPError as exc:
        log.warning("alert webhook failed: %s (message not delivered)", type(exc).__name__)
        return False
    if response.status_code >= 400:
        log.warning("alert webhook answered HTTP %d (message not delivered)", response.status_code)
        return False
    return True


def deliver(
    alerts: Sequence[Alert], config: AlertsConfig, secrets: Iterable[str] = ()
) -> bool | None:
    """Log each alert (when ``config.log``) and post them all in one webhook message.

    Args:
        alerts: The alerts this check won.
        config: ``[alerts]``.
        secrets: Values no message may carry (provider keys); the URL is added to them.

    Returns:
        Whether the webhook took the message; ``None`` when there was nothing to post or no
        webhook is configured.
    """
    if not alerts:
        return None
    url = webhook_url(config)
    hidden = [*secrets, *([url] if url else [])]
    safe = [Alert(a.cause, a.kind, redact(a.message, hidden), a.once) for a in alerts]
    if config.log:
        for alert in safe:
            log.warning("alert %s: %s", alert.kind, alert.message)
    if url is None:
        return None
    try:
        return _post(url, webhook_body(safe), config.timeout_s)
    except Exception as exc:  # an alert must never break the sweep that sent it
        log.warning("alert webhook failed: %s", type(exc).__name__)
        return False
