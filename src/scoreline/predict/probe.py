"""``scoreline models probe``: find each model's strongest output mode the server honours.

Each model is sent a tiny prompt once per mode, strongest first (``json_schema``,
``json_object``, ``text``), without fallback; the first mode the server honours (accepted,
and a JSON object back for the JSON modes) is the model's best. The finding is recorded
in the store with its date and what each try gave; a mode written in the configuration
still wins over it (the row says which applies).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from scoreline.config import Config, ConfigError
from scoreline.llm import (
    OUTPUT_MODES,
    ProviderError,
    Registry,
    configured_output,
    strip_thinking,
)
from scoreline.predict.parse import ReplyParseError, make_accept
from scoreline.predict.plan import model_rows
from scoreline.store import Database, record_output, sync_models

__all__ = ["PROBE_MATCH_ID", "probe_models", "record_probes"]

PROBE_MATCH_ID = "probe-0001"
_SYSTEM = (
    "Predict the exact full-time score of the match. Reply with JSON only, in exactly this "
    'shape: {"predictions": [{"match_id": "<id as given>", "home_score": <int>, '
    '"away_score": <int>}]}'
)
_USER = f"match_id: {PROBE_MATCH_ID}\nfixture: Arsenal (home) v Chelsea (away)\n"
_REASON_CHARS = 160


async def _try(registry: Registry, model_id: str, mode: str) -> tuple[bool, str]:
    """Whether the server honoured ``mode``, and what the try gave.

    A mode is honoured when the call is accepted and, for the JSON modes, the reply is a
    JSON object: whether the score in it is plausible is the model's quality, not the
    server's capability (a tiny model may answer ``{"home_score": 1, "away_score": 35}``).
    """
    accept = make_accept(PROBE_MATCH_ID)
    try:
        reply = await registry.call(
            model_id, _SYSTEM, _USER, output=mode, schema=accept.json_schema
        )
    except ProviderError as exc:
        return False, f"{exc.error_class}: {exc.message}"[:_REASON_CHARS]
    try:
        accept(reply.text)
    except ReplyParseError as exc:
        honoured = mode == "text" or _is_json_object(reply.text)
        outcome = f"{'honoured' if honoured else 'not JSON'}, no valid score: {exc}"
        return honoured, outcome[:_REASON_CHARS]
    return True, "ok"


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(strip_thinking(text)), dict)
    except ValueError:
        return False


async def _probe_one(registry: Registry, config: Config, model_id: str) -> dict[str, Any]:
    model = config.model(model_id)
    configured = configured_output(model, config.providers[model.provider])
    tried: dict[str, str] = {}
    best = None
    for mode in OUTPUT_MODES:
        honoured, tried[mode] = await _try(registry, model_id, mode)
        if honoured:
            best = mode
            break
    return {
        "model_id": model_id,
        "output_probed": best,
        "configured": configured,
        "uses": configured or best,
        "tried": tried,
    }


def _probe_ids(config: Config, ids: Sequence[str] | None) -> list[str]:
    for model_id in ids or ():
        if not config.has_model(model_id):
            raise ConfigError(f"unknown model {model_id!r}")
        reason = config.inactive_reason(model_id)
        if reason:
            raise ConfigError(f"model {model_id!r} cannot be probed: {reason}")
    if ids:
        return list(ids)
    return [m.id for m in config.active_models() if config.providers[m.provider].needs_endpoint]


async def probe_models(config: Config, model_ids: Sequence[str] | None) -> list[dict[str, Any]]:
    """Probe the given models (default: every active model served over HTTP) concurrently.

    Returns:
        One row per model: ``model_id``, ``output_probed`` (the best mode, ``None`` when
        none gave a score), ``configured`` (the configuration's mode, if any), ``uses``
        (what its calls will send) and ``tried`` (each mode tried: ``ok`` or why not).

    Raises:
        ConfigError: An id is unknown or cannot be called.
    """
    ids = _probe_ids(config, model_ids)
    async with Registry(config) as registry:
        return list(await asyncio.gather(*(_probe_one(registry, config, i) for i in ids)))


def record_probes(
    db: Database, config: Config, rows: Sequence[dict[str, Any]], *, now: datetime
) -> int:
    """Record each probe that found a mode (``models.output_probed``, with the date).

    Returns:
        How many models were recorded.
    """
    sync_models(db, model_rows(config))
    recorded = 0
    for row in rows:
        if row["output_probed"] is None:
            continue
        note = "probe: " + ", ".join(f"{mode} {outcome}" for mode, outcome in row["tried"].items())
        record_output(db, row["model_id"], row["output_probed"], note=note, at=now)
        recorded += 1
    return recorded
