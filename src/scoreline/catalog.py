"""The configured models as plain rows: provider, prices, fallback, and whether each can be
called now and why not.

Read from the configuration alone (plus the auto-disabled models the caller read from the
store), so ``scoreline models`` lists the catalog without loading the providers' SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scoreline.config import Config

__all__ = ["catalog_rows"]


def catalog_rows(config: Config, health: Mapping[str, int] | None = None) -> list[dict[str, Any]]:
    """The catalog as plain rows, with whether each model can be called and why not.

    Args:
        config: The configuration.
        health: The auto-disabled models' consecutive failures, by id, read from the store;
            ``None`` when there is no database to read (``auto_disabled`` is then ``None``).
    """
    return [_model_row(config, m.id, health) for m in config.models]


def _model_row(config: Config, model_id: str, health: Mapping[str, int] | None) -> dict[str, Any]:
    m = config.model(model_id)
    reason = config.inactive_reason(m.id)
    disabled = None if health is None else m.id in health
    if reason is None and disabled and health is not None:
        reason = (
            f"auto-disabled after {health[m.id]} consecutive failures "
            f"(scoreline models enable {m.id})"
        )
    status = "active" if reason is None else "auto-disabled" if disabled else "inactive"
    return {
        "model_id": m.id,
        "provider": m.provider,
        "model": m.provider_model(),
        "display_name": m.label(),
        "tier": m.tier,
        "price_prompt_per_1m": m.price_prompt_per_1m,
        "price_completion_per_1m": m.price_completion_per_1m,
        "fallback": m.fallback,
        "active": reason is None,
        "inactive_reason": reason,
        "auto_disabled": disabled,
        "status": status,
    }
