"""The demo's catalog: a dozen models on two sandbox providers, and the faults they suffer.

Names and most prices come from the built-in catalog; the sandbox stands in for Synthetic
and Together AI. Four primaries misbehave: one answers 503, one hangs past its timeout, one
replies prose without a score (each has a fallback that saves it), and one with no fallback
fails outright. The hanging model's fallback is priced so that its fallbacks cost more than
twice the original, which the fallback table flags.
"""

from __future__ import annotations

from pathlib import Path

from scoreline.sandbox import Fault, FaultMode

__all__ = ["DEMO_FAULTS", "write_demo_config"]

# (id, provider, prompt price, completion price, fallback)
MODELS: tuple[tuple[str, str, float, float, str | None], ...] = (
    ("kimi-k2.5-syn", "synthetic-sandbox", 0.60, 2.50, "kimi-k2-instruct"),
    ("deepseek-r1-0528-syn", "synthetic-sandbox", 0.80, 2.00, "deepseek-r1"),
    ("qwen3-235b-thinking-syn", "synthetic-sandbox", 0.65, 3.00, "qwen3-235b-instruct"),
    ("glm-4.6-syn", "synthetic-sandbox", 0.40, 0.80, None),
    ("minimax-m2-syn", "synthetic-sandbox", 0.30, 1.20, None),
    ("gpt-oss-120b-syn", "synthetic-sandbox", 0.15, 0.60, None),
    ("kimi-k2-instruct", "together-sandbox", 1.00, 3.00, None),
    ("deepseek-r1", "together-sandbox", 3.00, 7.00, None),
    ("qwen3-235b-instruct", "together-sandbox", 0.65, 3.00, None),
    ("llama-3.3-70b-turbo", "together-sandbox", 0.88, 0.88, None),
    ("deepseek-v3.1", "together-sandbox", 0.60, 1.25, None),
    ("llama-4-maverick", "together-sandbox", 0.27, 0.85, None),
)

DEMO_FAULTS: dict[str, Fault] = {
    "kimi-k2.5-syn": Fault(FaultMode.STATUS, status=503),
    "deepseek-r1-0528-syn": Fault(FaultMode.HANG),
    "qwen3-235b-thinking-syn": Fault(FaultMode.PROSE),
    "glm-4.6-syn": Fault(FaultMode.STATUS, status=500),
}
"""Faults by provider model name (the demo uses the model id as the provider's name)."""


def write_demo_config(directory: Path, base_url: str) -> Path:
    """Write ``scoreline.toml`` for the demo into ``directory`` and return its path."""
    tables = []
    for model_id, provider, prompt, completion, fallback in MODELS:
        lines = [
            "[[models]]",
            f'id = "{model_id}"',
            f'provider = "{provider}"',
            f"price_prompt_per_1m = {prompt}",
            f"price_completion_per_1m = {completion}",
        ]
        if fallback:
            lines.append(f'fallback = "{fallback}"')
        if model_id == "deepseek-r1-0528-syn":
            lines.append("timeout_s = 0.3")
        tables.append("\n".join(lines))
    path = directory / "scoreline.toml"
    path.write_text(
        f"""# Written by `scoreline demo`: a sandbox catalog on a local SQLite database.
database_url = "sqlite:///{directory / "scoreline.db"}"
queue_url = "sqlite:///{directory / "queue.db"}"

# The demo replays a weekend in minutes, so a cooldown lasts the whole matchday.
[cooldown]
threshold = 3
seconds = 259200

# Both providers are the in-process sandbox, which needs no key.
[providers.synthetic-sandbox]
base_url = "{base_url}"
timeout_s = 10
max_concurrency = 16

[providers.together-sandbox]
base_url = "{base_url}"
timeout_s = 10
max_concurrency = 16

"""
        + "\n\n".join(tables)
        + "\n"
    )
    return path
