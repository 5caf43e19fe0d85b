"""The chat model the LLM planner talks to, built from settings.

The provider packages are optional (the embedded planner needs none; the lock holds
langchain-openai for the tests only): each is imported when ``AIOS_PLANNER=llm`` or ``auto``
asks for it, and a missing one is reported with the package to install.
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
    options.update(_bounds[settings.llm_provider](settings))
    if settings.llm_base_url:
        options["base_url"] = settings.llm_base_url
    if settings.llm_provider == "openai" and settings.llm_api_key:
        options["api_key"] = settings.llm_api_key.get_secret_value()
    elif settings.llm_provider == "openai" and settings.llm_base_url:
        # A local server (llama.cpp's, vLLM's) takes no key, but OpenAI's client insists on one.
        options["api_key"] = "unused"
    model: BaseChatModel = getattr(module, class_name)(**options)
    return model


def _openai_bounds(settings: Settings) -> dict[str, Any]:
    bounds: dict[str, Any] = {
        "timeout": settings.llm_timeout_s,
        "max_retries": settings.llm_retries,
        "max_tokens": settings.llm_max_tokens,  # sent as OpenAI's max_completion_tokens
    }
    if settings.llm_base_url:
        # Other OpenAI-compatible servers (llama.cpp's among them) read only the older name,
        # and silently let an answer run on without it.
        bounds["extra_body"] = {"max_tokens": settings.llm_max_tokens}
    return bounds


def _ollama_bounds(settings: Settings) -> dict[str, Any]:
    # Ollama's client has no retries of its own; its timeout is httpx's, passed through.
    return {
        "num_predict": settings.llm_max_tokens,
        "client_kwargs": {"timeout": settings.llm_timeout_s},
    }


_bounds = {"openai": _openai_bounds, "ollama": _ollama_bounds}
"""How long a call may take, how often it is retried, and how much the model may write: a
hanging endpoint or a model that loops must not hold a turn (they held one 136 s and 273 s)."""
