"""``scoreline alerts``: what was told lately, and a test message through the channels."""

from __future__ import annotations

from typing import Any

import typer

from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    database_errors,
    get_config,
    open_db,
    print_json,
    refuse,
    render_table,
)

alerts_app = typer.Typer(help="Recent alerts, and a test message through the channels.")


def _row(r: dict[str, Any]) -> list[Any]:
    when = r["last_sent_at"][:16].replace("T", " ")
    return [when, r["cause"], r["sent"], r["suppressed"], r["last_message"][:100]]


@alerts_app.callback(invoke_without_command=True)
def alerts_list(ctx: typer.Context, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """The causes that alerted lately: when last, how often sent and suppressed."""
    if ctx.invoked_subcommand is not None:
        return
    from scoreline.alerts import config_secrets
    from scoreline.redaction import redact
    from scoreline.store import recent_alerts

    cfg = get_config(config)
    db = open_db(cfg)
    try:
        with database_errors():
            records = recent_alerts(db, limit=50)
    finally:
        db.dispose()
    secrets = config_secrets(cfg)
    rows = [
        {
            "cause": r.cause,
            "last_sent_at": r.last_sent_at.isoformat(),
            "sent": r.sent,
            "suppressed": r.suppressed,
            "last_message": redact(r.last_message or "", secrets),
        }
        for r in records
    ]
    if as_json:
        print_json(rows)
        return
    render_table(
        f"{len(rows)} alert causes",
        ["last sent (UTC)", "cause", "sent", "suppressed", "message"],
        [_row(r) for r in rows],
    )


@alerts_app.command("test")
def alerts_test(config: ConfigOpt = None) -> None:
    """Send a test message to the log and the webhook, now (not deduplicated)."""
    from scoreline.alerts import Alert, config_secrets, deliver, webhook_url

    cfg = get_config(config)
    if webhook_url(cfg.alerts) is None and not cfg.alerts.log:
        refuse("no alert channel: set [alerts] webhook_url_env or webhook_url, or log = true")
    test = Alert("test", "test", "test message: alerts reach this channel")
    delivered = deliver([test], cfg.alerts, config_secrets(cfg))
    if delivered is False:
        refuse("the webhook did not take the message (see the log line above)")
    where = "the webhook" if delivered else "the log"
    console.print(f"Test alert sent to {where}.")
