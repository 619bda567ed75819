"""kolpilot's one typed configuration object.

Built once (``load_settings``) at the edge (CLI, Slack app, tests) and passed down;
nothing reads the environment at import time. Every field has an env var
``KOLPILOT_<FIELD>`` and may come from a ``.env`` file. Secrets are ``SecretStr`` with
no default value: they are unset unless you provide them.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[list[str], NoDecode]


class SettingsError(ValueError):
    """A configuration problem, with a one-line message fit for the user."""


class Settings(BaseSettings):
    """All of kolpilot's settings. See the README's configuration table."""

    model_config = SettingsConfigDict(
        env_prefix="KOLPILOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- stores -------------------------------------------------------------------------------
    data_dir: Path = Field(Path("./kolpilot-data"), description="Where the embedded stores live (SQLite file, Chroma)")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: sqlite file kolpilot.db in the data dir")
    chroma_path: Path | None = Field(None, description="Embedded Chroma directory; default: <data_dir>/chroma")
    chroma_url: str | None = Field(None, description="Chroma server URL (http://host:port); uses HttpClient when set")
    embeddings: Literal["local", "openai"] = Field("local", description="Embedder: local MiniLM or the provider's endpoint")
    embeddings_model: str = Field("text-embedding-3-small", description="Model name for the openai embedder")
    workspace: str = Field("local", description="Workspace for terminal use")

    # --- model --------------------------------------------------------------------------------
    llm_base_url: str | None = Field(None, description="OpenAI-compatible base URL (vLLM, Ollama, Azure, ...)")
    llm_api_key: SecretStr | None = Field(None, description="API key; no model is used without one (offline mode)")
    llm_model: str = Field("gpt-4o-mini", description="Chat model name")
    llm_timeout_s: float = Field(60.0, gt=0, description="Per-request timeout in seconds")
    llm_max_retries: int = Field(3, ge=0, le=10, description="Retries on 429/5xx/connection errors")
    llm_max_turn_tokens: int = Field(200_000, gt=0, description="Token budget for one agent turn (the first call alone is ~15K tokens with every tool)")
    llm_recursion_limit: int = Field(24, gt=2, description="Max agent steps in one turn")

    # --- slack --------------------------------------------------------------------------------
    slack_bot_token: SecretStr | None = Field(None, description="xoxb- bot token")
    slack_signing_secret: SecretStr | None = Field(None, description="Request signing secret")
    slack_app_token: SecretStr | None = Field(None, description="xapp- token for Socket Mode")
    slack_api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL")
    slack_allowed_channels: CommaList = Field(default_factory=list, description="Comma-separated channel ids; empty = all")
    slack_allowed_users: CommaList = Field(default_factory=list, description="Comma-separated user ids; empty = all")
    slack_reminder_channel: str | None = Field(None, description="Channel id for deadline reminders")
    approvers: CommaList = Field(default_factory=lambda: ["local"], description="User ids allowed to approve pending actions")

    # --- email --------------------------------------------------------------------------------
    smtp_url: SecretStr | None = Field(None, description="smtp://user:pass@host:587 (STARTTLS) or smtps://... (SSL)")
    sender_email: str | None = Field(None, description="From address")
    sender_name: str = Field("kolpilot", description="From display name")
    reply_to: str | None = Field(None, description="Reply-To address")
    unsubscribe_url: str | None = Field(None, description="Base URL for List-Unsubscribe links")

    outreach_concurrency: int = Field(8, ge=1, le=64, description="Concurrent model calls when drafting in bulk")

    # --- post sources -------------------------------------------------------------------------
    youtube_api_key: SecretStr | None = Field(None, description="YouTube Data API v3 key (kolpilot sync posts --source youtube)")
    youtube_api_url: str = Field("https://www.googleapis.com/youtube/v3", description="YouTube Data API base URL")
    youtube_feed_url: str = Field("https://www.youtube.com/feeds/videos.xml", description="YouTube channel feed base URL")

    # --- domain -------------------------------------------------------------------------------
    tier_nano_min: int = Field(1_000, ge=0)
    tier_micro_min: int = Field(10_000, ge=0)
    tier_macro_min: int = Field(100_000, ge=0)
    tier_mega_min: int = Field(500_000, ge=0)
    tier_celebrity_min: int = Field(1_000_000, ge=0)
    send_daily_cap: int = Field(200, ge=0, description="Messages per day, follow-ups included")
    send_new_contacts_daily_cap: int = Field(30, ge=0, description="First messages per day")
    send_window: str = Field("09:00-18:00", description="Sending window in the workspace time zone")
    payout_cap: Decimal = Field(Decimal("10000"), gt=0, description="Largest single payout that can be approved")
    default_currency: str = Field("USD", min_length=3, max_length=3)
    fx_rates: dict[str, Decimal] = Field(
        default_factory=dict, description='JSON, units of default currency per unit, e.g. {"EUR": 1.08}'
    )
    emv_method: Literal["cpm_benchmark", "none"] = Field("cpm_benchmark", description="EMV method")
    emv_cpm: Decimal = Field(Decimal("5.00"), ge=0, description="CPM used by the cpm_benchmark EMV method")
    attribution_window_days: int = Field(30, gt=0, description="Last-click window for tracking links")
    log_level: str = Field("WARNING", description="Python logging level")

    @field_validator("slack_allowed_channels", "slack_allowed_users", "approvers", mode="before")
    @classmethod
    def _split_commas(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [p.strip() for p in v.split(",") if p.strip()]
        return v

    @field_validator("database_url")
    @classmethod
    def _check_db_url(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(v)
        except ArgumentError:
            raise ValueError(f"not a database URL: {v!r} (expected e.g. sqlite:///kolpilot.db or postgresql+psycopg://user@host/db)") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql")
        if url.get_backend_name() == "postgresql" and url.drivername != "postgresql+psycopg":
            v = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return v

    @field_validator("chroma_url", "llm_base_url", "slack_api_url", "youtube_api_url", "youtube_feed_url")
    @classmethod
    def _check_http_url(cls, v: str | None) -> str | None:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError(f"must start with http:// or https://, got {v!r}")
        return v

    @field_validator("send_window")
    @classmethod
    def _check_window(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", v):
            raise ValueError(f"expected HH:MM-HH:MM, got {v!r}")
        return v

    @model_validator(mode="after")
    def _check_tiers(self) -> Settings:
        cuts = [self.tier_nano_min, self.tier_micro_min, self.tier_macro_min, self.tier_mega_min, self.tier_celebrity_min]
        if cuts != sorted(set(cuts)):
            raise ValueError("tier cut-offs must increase: nano < micro < macro < mega < celebrity")
        return self

    # --- derived ------------------------------------------------------------------------------
    @property
    def resolved_database_url(self) -> str:
        """The database URL in force (the SQLite file in the data dir unless configured)."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'kolpilot.db').resolve()}"

    @property
    def resolved_chroma_path(self) -> Path:
        return (self.chroma_path or self.data_dir / "chroma").resolve()

    @property
    def llm_configured(self) -> bool:
        """True when a model can be used (an API key, or a base URL of a local server)."""
        return self.llm_api_key is not None or self.llm_base_url is not None

    @property
    def tier_cutoffs(self) -> dict[str, int]:
        return {
            "nano": self.tier_nano_min,
            "micro": self.tier_micro_min,
            "macro": self.tier_macro_min,
            "mega": self.tier_mega_min,
            "celebrity": self.tier_celebrity_min,
        }


def load_settings(**overrides: Any) -> Settings:
    """Build Settings from env/.env plus explicit overrides; raise SettingsError (one line) if invalid."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        env = f"KOLPILOT_{field.upper()}" if first["loc"] else "settings"
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"Invalid setting {env}: {msg}") from None
