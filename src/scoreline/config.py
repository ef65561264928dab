"""Configuration: one TOML file validated with pydantic, over a built-in catalog.

Where the configuration comes from, first match wins: the ``path`` argument (``--config``),
the ``SCORELINE_CONFIG`` environment variable, ``scoreline.toml`` in the working directory,
else the built-in catalog alone.

A file's ``[providers.NAME]`` tables are merged key by key over the catalog's providers, so a
file can point ``together`` at another ``base_url`` without repeating anything else. A file's
``[[models]]`` replace the catalog's models unless ``default_catalog = true``, in which case
they are added to it (an entry with a catalog id replaces that entry). A file with no models
keeps the catalog.

Secrets never live in the file: a provider names the environment variable holding its key
(``api_key_env``). A model whose provider has no key set is inactive.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import Field, TypeAdapter, ValidationError, field_validator

from scoreline.config_checks import check_catalog
from scoreline.config_sections import (
    ERROR_CLASSES,
    AlertsConfig,
    BudgetConfig,
    CooldownConfig,
    ErrorClass,
    HealthConfig,
    PromptConfig,
    RetentionConfig,
    ScheduleConfig,
    ScoringConfig,
    Strict,
)
from scoreline.errors import ScorelineError

__all__ = [
    "ERROR_CLASSES",
    "PROMPT_VARIANTS",
    "REPLY_HANDLERS",
    "AlertsConfig",
    "BudgetConfig",
    "Config",
    "ConfigError",
    "ConfigFileError",
    "CooldownConfig",
    "ErrorClass",
    "HealthConfig",
    "ModelConfig",
    "ProviderConfig",
    "ScheduleConfig",
    "ScoringConfig",
    "load_config",
]

PROMPT_VARIANTS = ("english-enforced", "json-strict", "thinking-stripped")
REPLY_HANDLERS = ("strip-thinking-tags", "extract-json")
ENDPOINT_KINDS = frozenset({"openai"})
"""Provider kinds whose models are called at ``base_url``; the others run in-process."""
QUEUE_SCHEMES = ("sqlite", "redis", "rediss", "memory")
"""``queue_url`` schemes the queue backend builds (``scoreline.queue.backend``)."""
CONFIG_ENV = "SCORELINE_CONFIG"
DEFAULT_FILE = "scoreline.toml"


class ConfigError(ScorelineError):
    """The configuration cannot be used; the message names the file, the entry and the problem."""

    exit_code = 2


class ProviderConfig(Strict):
    """One OpenAI-compatible endpoint (or the built-in ``reference`` forecasters)."""

    name: str = ""
    base_url: str = ""
    api_key_env: str | None = None
    """Name of the environment variable holding the key; ``None`` for keyless local servers."""
    timeout_s: float = Field(20.0, gt=0, allow_inf_nan=False)
    """Seconds a call may take; finite, or a hung provider would hold a job forever."""
    max_concurrency: int = Field(8, ge=1, le=1024)
    kind: Literal["openai", "reference"] = "openai"
    """What serves the models; only ``scoreline.predict.forecasters`` acts on it."""
    output: Literal["json_schema", "json_object", "text"] | None = None
    fallback_on: tuple[ErrorClass, ...] | None = None
    """Error classes of a primary's call that go to the fallback; ``None``: all of them."""
    hedge_after_ms: int | None = Field(None, ge=1)
    """Call the fallback too when the primary has not answered by then; ``None``: never."""
    hedge: Literal["p95"] | None = None
    """``"p95"``: hedge after the primary's recent 95th-percentile latency instead."""

    @property
    def needs_endpoint(self) -> bool:
        """Whether its models are called over HTTP, so a ``base_url`` is required."""
        return self.kind in ENDPOINT_KINDS

    def api_key(self, env: Mapping[str, str] | None = None) -> str | None:
        """The key from the environment, or ``None`` when it is not set."""
        if self.api_key_env is None:
            return None
        return (env if env is not None else os.environ).get(self.api_key_env) or None

    def has_credentials(self, env: Mapping[str, str] | None = None) -> bool:
        """Whether calls can be made: keyless providers always can."""
        return self.api_key_env is None or self.api_key(env) is not None


class ModelConfig(Strict):
    """One model of the catalog, with its price, tuning and fallback."""

    id: str = Field(min_length=1)
    provider: str
    model: str = ""
    """The provider's name for the model (defaults to ``id``)."""
    display_name: str = ""
    tier: str = "standard"
    price_prompt_per_1m: float = Field(0.0, ge=0)
    price_completion_per_1m: float = Field(0.0, ge=0)
    fallback: str | None = None
    prompt_variant: Literal["english-enforced", "json-strict", "thinking-stripped"] | None = None
    reply_handler: Literal["strip-thinking-tags", "extract-json"] | None = None
    timeout_s: float | None = Field(None, gt=0, allow_inf_nan=False)
    temperature: float = Field(0.2, ge=0, le=2)
    max_tokens: int = Field(512, ge=1)
    output: Literal["json_schema", "json_object", "text"] | None = None
    json_mode: bool | None = None
    """Old spelling of ``output`` (true: json_object, false: text); ``output`` wins over it."""
    active: bool = True
    fallback_on: tuple[ErrorClass, ...] | None = None
    """As the provider's, for this model (wins over the provider's)."""
    hedge_after_ms: int | None = Field(None, ge=1)
    """As the provider's, for this model (wins over the provider's)."""
    hedge: Literal["p95"] | None = None
    """As the provider's, for this model (wins over the provider's)."""
    requires: str | None = None
    """A Python module the model needs (an optional extra); without it the model is inactive."""

    def label(self) -> str:
        """The name shown to people."""
        return self.display_name or self.id

    def provider_model(self) -> str:
        """The model name sent to the provider."""
        return self.model or self.id


class Config(Strict):
    """The whole validated configuration."""

    database_url: str = "sqlite:///scoreline.db"
    queue_url: str = "sqlite:///scoreline-queue.db"
    queue_name: str = Field("scoreline", pattern=r"^[A-Za-z0-9_.-]+$")
    """Prefix of the queue's keys, so several deployments can share one Redis."""
    default_catalog: bool | None = None
    reference_models: bool = True
    """Add the built-in reference forecasters (market odds, Dixon-Coles, naive baselines)."""
    providers: dict[str, ProviderConfig] = Field(default_factory=dict)
    models: list[ModelConfig] = Field(default_factory=list)
    cooldown: CooldownConfig = CooldownConfig()
    health: HealthConfig = HealthConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    retention: RetentionConfig = RetentionConfig()
    sources: dict[str, Any] = Field(default_factory=dict)
    """``[sources.NAME]``: ``scoreline.sources.SourceConfig`` each, loaded only if present."""
    prompt: PromptConfig = PromptConfig()
    budget: BudgetConfig = BudgetConfig()
    alerts: AlertsConfig = AlertsConfig()
    scoring: ScoringConfig = ScoringConfig()
    source: str = "<built-in catalog>"
    """Where the configuration was read from (for messages)."""

    @field_validator("queue_url")
    @classmethod
    def _known_queue_scheme(cls, value: str) -> str:
        """Refuse at load time what the worker could only refuse when it starts."""
        scheme = urlparse(value).scheme
        if scheme not in QUEUE_SCHEMES:
            raise ValueError(
                f"unsupported scheme {scheme!r}; use sqlite:///PATH, redis://HOST:PORT/DB, "
                "rediss://HOST:PORT/DB or memory://"
            )
        if (scheme == "sqlite" and not value.startswith("sqlite:///")) or value == "sqlite:///":
            raise ValueError("expected sqlite:///PATH")
        return value

    @field_validator("sources")
    @classmethod
    def _source_tables(cls, value: dict[str, Any]) -> dict[str, Any]:
        if not value:  # no table, no import of the sources (and httpx) for every command
            return value
        from scoreline.sources.config import SourceConfig

        return TypeAdapter(dict[str, SourceConfig]).validate_python(value)

    @field_validator("providers", mode="before")
    @classmethod
    def _name_providers(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ({**v, "name": k} if isinstance(v, dict) else v) for k, v in value.items()}
        return value

    def model(self, model_id: str) -> ModelConfig:
        """The model with this id; ``KeyError`` naming it when there is none."""
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(f"unknown model {model_id!r}")

    def has_model(self, model_id: str) -> bool:
        """Whether the catalog holds this id."""
        return any(m.id == model_id for m in self.models)

    def provider_of(self, model_id: str) -> ProviderConfig:
        """The provider serving this model."""
        return self.providers[self.model(model_id).provider]

    def is_active(self, model_id: str, env: Mapping[str, str] | None = None) -> bool:
        """Active flag set and the provider's key present."""
        return self.inactive_reason(model_id, env) is None

    def inactive_reason(self, model_id: str, env: Mapping[str, str] | None = None) -> str | None:
        """Why a model is inactive, or ``None`` when it is active."""
        model = self.model(model_id)
        provider = self.providers[model.provider]
        if not model.active:
            return "inactive in configuration"
        if not provider.has_credentials(env):
            return f"no API key: {provider.api_key_env} is not set"
        if model.requires and importlib.util.find_spec(model.requires) is None:
            return f"needs {model.requires}: pip install 'scoreline[reference]'"
        return None

    def active_models(self, env: Mapping[str, str] | None = None) -> list[ModelConfig]:
        """Models that can be called now."""
        return [m for m in self.models if self.is_active(m.id, env)]


class ConfigFileError(ConfigError):
    """The file cannot be read (missing, a folder, not UTF-8): bad input, CLI exit code 2."""


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except UnicodeDecodeError as exc:
        byte = f"byte {exc.object[exc.start]:#04x} at offset {exc.start}"
        raise ConfigFileError(f"{path}: not UTF-8 text ({byte})") from None
    except OSError as exc:  # missing, a folder, no permission
        problem = "file not found" if isinstance(exc, FileNotFoundError) else exc.strerror
        raise ConfigFileError(f"{path}: {(problem or str(exc)).lower()}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def _builtin(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("scoreline.data").joinpath(name).read_text("utf-8"))


def _with_reference(data: dict[str, Any]) -> dict[str, Any]:
    """Add the reference provider and forecasters unless turned off or already present."""
    if data.get("reference_models", True) is not True:
        return data
    reference = _builtin("reference.toml")
    providers = {**reference["providers"], **data.get("providers", {})}
    ids = {m.get("id") for m in data.get("models", []) if isinstance(m, dict)}
    models = list(data.get("models", [])) + [m for m in reference["models"] if m["id"] not in ids]
    return {**data, "providers": providers, "models": models}


def _merge(catalog: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    merged = {k: v for k, v in user.items() if k not in ("providers", "models")}
    providers: dict[str, Any] = {k: dict(v) for k, v in catalog.get("providers", {}).items()}
    for name, table in user.get("providers", {}).items():
        providers[name] = {**providers.get(name, {}), **(table if isinstance(table, dict) else {})}
    merged["providers"] = providers
    user_models = user.get("models", [])
    keep_catalog = user.get("default_catalog", not user_models)  # TOML has no null
    if keep_catalog:
        ids = {m.get("id") for m in user_models if isinstance(m, dict)}
        base = [m for m in catalog.get("models", []) if m.get("id") not in ids]
        merged["models"] = base + list(user_models)
    else:
        merged["models"] = list(user_models)
    return merged


def _describe_location(loc: tuple[Any, ...], data: Mapping[str, Any]) -> str:
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                model_id = node[item].get("id")
                label = f"[{item}] (id {model_id!r})" if model_id else label
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
        node = node[item] if isinstance(node, (dict, list)) and _has(node, item) else None
    return "".join(parts)


def _has(node: Any, item: Any) -> bool:
    if isinstance(node, dict):
        return item in node
    return isinstance(item, int) and 0 <= item < len(node)


def _validate(data: dict[str, Any], source: str) -> Config:
    for section in ("providers", "sources"):
        tables = data.get(section)
        for name, table in tables.items() if isinstance(tables, dict) else ():
            if isinstance(table, dict) and "api_key" in table:
                raise ConfigError(
                    f"{source}: {section}.{name}.api_key: keys may not be written in the file; "
                    "put the key in an environment variable and name it with api_key_env"
                )
    try:
        config = Config(**data, source=source)
    except ValidationError as exc:
        lines = [
            f"{source}: {_describe_location(tuple(err['loc']), data)}: {err['msg']}"
            for err in exc.errors()
        ]
        raise ConfigError("\n".join(lines)) from None
    problems = list(check_catalog(config))
    if problems:
        raise ConfigError("\n".join(f"{source}: {p}" for p in problems))
    return config


def resolve_path(path: str | Path | None) -> Path | None:
    """The file to read, following the documented order; ``None`` means the catalog alone."""
    if path is not None:
        return Path(path)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    local = Path.cwd() / DEFAULT_FILE
    return local if local.is_file() else None


def load_config(path: str | Path | None = None) -> Config:
    """Load and validate the configuration.

    Args:
        path: A TOML file. Without it: ``SCORELINE_CONFIG``, then ``./scoreline.toml``,
            then the built-in catalog.

    Returns:
        The validated configuration.

    Raises:
        ConfigError: The file is missing or invalid, or the fallback map is broken; the message
            names the file, the entry and the problem.
    """
    file = resolve_path(path)
    catalog = _builtin("catalog.toml")
    if file is None:
        return _validate(_with_reference(catalog), "<built-in catalog>")
    return _validate(_with_reference(_merge(catalog, _read_toml(file))), str(file))
