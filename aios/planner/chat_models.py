"""The chat model the LLM planner talks to, built from settings.

The provider packages are optional (they are not in the lock): they are imported only when
``AIOS_PLANNER=llm`` asks for them, and a missing one is reported with the package to install.
"""

from __future__ import annotations

import importlib
from typing import Any

from langchain_core.language_models import BaseChatModel

from aios.settings import Settings

_PROVIDERS = {
    "openai": ("langchain_openai", "ChatOpenAI", "langchain-openai"),
    "ollama": ("langchain_ollama", "ChatOllama", "langchain-ollama"),
}


class ChatModelUnavailable(RuntimeError):
    pass


def load_chat_model(settings: Settings) -> BaseChatModel:
    module_name, class_name, package = _PROVIDERS[settings.llm_provider]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ChatModelUnavailable(
            f"AIOS_PLANNER=llm with AIOS_LLM_PROVIDER={settings.llm_provider} needs the "
            f"{package} package: .venv/bin/pip install {package}"
        ) from exc
    options: dict[str, Any] = {"model": settings.llm_model, "temperature": 0}
    if settings.llm_base_url:
        options["base_url"] = settings.llm_base_url
    if settings.llm_api_key and settings.llm_provider == "openai":
        options["api_key"] = settings.llm_api_key.get_secret_value()
    model: BaseChatModel = getattr(module, class_name)(**options)
    return model
