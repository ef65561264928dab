"""Fault descriptions for the sandbox: what can go wrong with a model, and how often.

A fault is attached to a model name. Each chat completion request for that model
draws from a seeded random generator and, with probability `p`, gets the faulty
behaviour instead of a normal answer, so a rehearsal of an outage is reproducible.
Faults come from three places that share one validation path: CLI specs
(`parse_fault_spec`), a TOML file (`load_faults`) and the control route's JSON body
(`Fault.from_mapping`).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

__all__ = ["Fault", "FaultMode", "load_faults", "parse_fault_spec"]

_FIELDS = frozenset({"mode", "status", "p", "latency_s"})


class FaultMode(StrEnum):
    """How a faulty request is answered.

    Most are failures a client must survive (they trigger a fallback); `echo_auth` and
    `echo_key` are failures that also put the caller's key where an error quotes it; `think`,
    `reasoning_only`, `no_usage` and `slow` are valid answers in unusual shapes (or at an
    unusual pace) that reply handlers, token accounting and hedging must cope with;
    `no_json_schema` and `no_response_format` are servers that support fewer output modes.

    A model's own misbehaviour (`prose`, `think`, `out_of_range`) meets the request's
    `response_format` as on a server that constrains decoding: under `json_schema` the answer
    follows the schema; under `json_object` prose comes wrapped in a JSON object (a think
    block before the JSON still passes, as reasoning servers let it); without one it is as
    the fault says.
    """

    STATUS = "status"
    """Answer with an HTTP error status and an OpenAI-style JSON error body."""
    HANG = "hang"
    """Never answer; keep the connection open until the client or the server gives up."""
    RESET = "reset"
    """Abort the TCP connection with a RST instead of answering."""
    NON_JSON = "non_json"
    """Answer 200 with an HTML page instead of JSON."""
    NO_CHOICES = "no_choices"
    """Answer 200 with a chat completion whose `choices` list is empty."""
    EMPTY_CONTENT = "empty_content"
    """Answer 200 with an empty message content."""
    PROSE = "prose"
    """Answer 200 with a prose opinion that holds no score."""
    THINK = "think"
    """Answer 200 with a valid answer preceded by a `<think>...</think>` block."""
    OUT_OF_RANGE = "out_of_range"
    """Answer 200 with well-formed JSON whose scores lie outside 0-20."""
    REASONING_ONLY = "reasoning_only"
    """Answer 200 with `content: null` and the answer in `reasoning_content`."""
    NO_USAGE = "no_usage"
    """Answer normally but leave out the `usage` object."""
    BAD_JSON = "bad_json"
    """Answer 200 as `application/json` with a truncated body (the SDK fails to decode it)."""
    ECHO_AUTH = "echo_auth"
    """Answer 200 with a proxy's HTML error page that echoes the `Authorization` header."""
    ECHO_KEY = "echo_key"
    """Answer 200 with a reply naming the request's API key as its match id (rejected)."""
    NO_JSON_SCHEMA = "no_json_schema"
    """Refuse a `json_schema` response_format with a 400 naming it, honour `json_object`
    (as llama.cpp's server does); a request without response_format is answered."""
    NO_RESPONSE_FORMAT = "no_response_format"
    """Refuse any response_format with a 400 naming it; plain requests are answered."""
    OTHER_MODEL = "other_model"
    """Answer normally, but name another model in the body (a provider serving a substitute)."""
    SLOW = "slow"
    """Answer normally after the fault's `latency_s` (required): a primary in a slow spell."""


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault attached to one model name.

    Raises:
        ValueError: when a field is out of range (checked on construction, so every
            source of faults is validated the same way).
    """

    mode: FaultMode
    """What happens to a request the fault applies to."""
    status: int | None = None
    """HTTP status for `FaultMode.STATUS` (default 500); must be None for other modes."""
    p: float = 1.0
    """Probability, in [0, 1], that the fault applies to one request."""
    latency_s: float | None = None
    """Extra latency for every request to this model, whether the fault applies or not."""

    def __post_init__(self) -> None:
        """Coerce the mode from its string value and check every field's range."""
        object.__setattr__(self, "mode", _mode(self.mode))
        if self.status is not None:
            if self.mode is not FaultMode.STATUS:
                raise ValueError(
                    f"a status code only goes with mode 'status', not {self.mode.value!r}"
                )
            if isinstance(self.status, bool) or not isinstance(self.status, int):
                raise ValueError(f"status must be an integer, got {self.status!r}")
            if not 400 <= self.status <= 599:
                raise ValueError(f"status must be an HTTP error code 400-599, got {self.status}")
        if not _is_number(self.p) or not 0.0 <= self.p <= 1.0:
            raise ValueError(f"p must be a probability in [0, 1], got {self.p!r}")
        if self.latency_s is not None and (not _is_number(self.latency_s) or self.latency_s < 0):
            raise ValueError(f"latency_s must be a number >= 0, got {self.latency_s!r}")
        if self.mode is FaultMode.SLOW and not self.latency_s:
            raise ValueError("mode 'slow' needs latency_s > 0 (how much slower it answers)")
        object.__setattr__(self, "p", float(self.p))
        if self.latency_s is not None:
            object.__setattr__(self, "latency_s", float(self.latency_s))

    @property
    def status_code(self) -> int:
        """The HTTP status a `status` fault answers with (500 when none was given)."""
        return self.status if self.status is not None else 500

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Fault:
        """Build a fault from `{mode, status?, p?, latency_s?}` (TOML table or JSON body).

        Raises:
            ValueError: on a missing mode, an unknown key or an out-of-range value.
        """
        unknown = sorted(set(data) - _FIELDS)
        if unknown:
            raise ValueError(
                f"unknown key(s) {', '.join(unknown)} (allowed: mode, status, p, latency_s)"
            )
        if "mode" not in data:
            raise ValueError("'mode' is required")
        return cls(
            mode=data["mode"],
            status=data.get("status"),
            p=data.get("p", 1.0),
            latency_s=data.get("latency_s"),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form used by the control routes."""
        return {
            "mode": self.mode.value,
            "status": self.status,
            "p": self.p,
            "latency_s": self.latency_s,
        }


def _mode(value: object) -> FaultMode:
    if isinstance(value, str):
        try:
            return FaultMode(value)
        except ValueError:
            pass
    valid = ", ".join(m.value for m in FaultMode)
    raise ValueError(f"unknown fault mode {value!r} (valid: {valid})")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def parse_fault_spec(text: str) -> tuple[str, Fault]:
    """Parse a CLI fault spec such as `mymodel=status:503`, `m=hang` or `m=prose@0.3`.

    The form is `MODEL=MODE[:STATUS][@P]`. The model name may itself contain `:`
    or `/` (`hf:org/name=hang`), so the spec is split on its last `=`.

    Returns:
        The model name and its fault.

    Raises:
        ValueError: naming the spec when it does not have that form.
    """
    model, sep, rest = text.rpartition("=")
    model = model.strip()
    if not sep or not model or not rest.strip():
        raise ValueError(f"bad fault spec {text!r}: expected MODEL=MODE[:STATUS][@P]")
    mode_part, at, p_text = rest.strip().partition("@")
    mode, colon, status_text = mode_part.partition(":")
    try:
        status = int(status_text) if colon else None
        p = float(p_text) if at else 1.0
        return model, Fault(mode=_mode(mode.strip()), status=status, p=p)
    except ValueError as exc:
        raise ValueError(f"bad fault spec {text!r}: {exc}") from None


def load_faults(path: str | Path) -> dict[str, Fault]:
    """Load `[faults."model-name"]` tables (mode, status, p, latency_s) from a TOML file.

    Raises:
        ValueError: naming the file (and the key) when the TOML is invalid or a fault is bad.
        OSError: when the file cannot be read.
    """
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: invalid TOML: {exc}") from None
    extra = sorted(set(document) - {"faults"})
    if extra:
        raise ValueError(
            f'{path}: unknown top-level key(s) {", ".join(extra)} (expected [faults."MODEL"])'
        )
    tables = document.get("faults", {})
    if not isinstance(tables, dict):
        raise ValueError(f"{path}: 'faults' must be a table of [faults.\"MODEL\"] tables")
    faults: dict[str, Fault] = {}
    for model, table in tables.items():
        where = f"{path}: faults.{model!r}"
        if not isinstance(table, dict):
            raise ValueError(f"{where}: expected a table with mode, status, p, latency_s")
        try:
            faults[model] = Fault.from_mapping(table)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    return faults
