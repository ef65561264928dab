"""scoreline: many large language models as football forecasters.

The public Python API::

    from scoreline import load_config, Registry

    config = load_config("scoreline.toml")
    async with Registry(config) as registry:
        result = await registry.call_with_fallback(model_id, system_prompt, user_prompt)

Every forecaster, LLM or reference model, is a ``Forecaster``: a ``ForecastContext`` in,
a ``Forecast`` out, a ``ForecastError`` with the attempts made when it gives none.
"""

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
