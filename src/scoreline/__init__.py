"""scoreline: many large language models as football forecasters.

The public Python API::

    from scoreline import load_config, Registry

    config = load_config("scoreline.toml")
    async with Registry(config) as registry:
        result = await registry.call_with_fallback(model_id, system_prompt, user_prompt)

Every forecaster, LLM or reference model, is a ``Forecaster``: a ``ForecastContext`` in,
a ``Forecast`` out, a ``ForecastError`` with the attempts made when it gives none.

The names are loaded on first use (PEP 562): ``import scoreline`` alone, as every command of
the command line does, costs nothing, and ``from scoreline import Registry`` loads the
``openai`` SDK only then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoreline.lazy_names import lazy_names

if TYPE_CHECKING:
    from scoreline.config import Config, ConfigError, load_config
    from scoreline.forecast import Forecast, ForecastContext, Forecaster, ForecastError
    from scoreline.llm import Attempt, CallResult, ProviderError, Registry

__all__ = [
    "Attempt",
    "CallResult",
    "Config",
    "ConfigError",
    "Forecast",
    "ForecastContext",
    "ForecastError",
    "Forecaster",
    "ProviderError",
    "Registry",
    "__version__",
    "load_config",
]

__version__ = "0.1.0"

_HOMES = {
    "Config": "scoreline.config",
    "ConfigError": "scoreline.config",
    "load_config": "scoreline.config",
    "Forecast": "scoreline.forecast",
    "ForecastContext": "scoreline.forecast",
    "ForecastError": "scoreline.forecast",
    "Forecaster": "scoreline.forecast",
    "Attempt": "scoreline.llm",
    "CallResult": "scoreline.llm",
    "ProviderError": "scoreline.llm",
    "Registry": "scoreline.llm",
}
"""Each public name and the module that defines it."""


__getattr__, __dir__ = lazy_names("scoreline", _HOMES, __all__, globals())
