"""kolpilot's one typed configuration object.

Built once (``load_settings``) at the edge (CLI, Slack app, tests) and passed down;
nothing reads the environment at import time. Every field has an env var
``KOLPILOT_<FIELD>`` and may come from a ``.env`` file. Secrets are ``SecretStr`` with
no default value: they are unset unless you provide them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

CommaList = Annotated[list[str], NoDecode]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
HTTP_SCHEMES = ("http", "https")
SMTP_SCHEMES = ("smtp", "smtps")
# The bot scopes of integrations/slack/manifest.yaml (what "Add to Slack" asks for by default).
SLACK_BOT_SCOPES = ("app_mentions:read", "assistant:write", "channels:history", "chat:write", "commands",
                    "files:read", "files:write", "groups:history", "im:history")
IMAP_SCHEMES = ("imap", "imaps")


class SettingsError(ValueError):
    """A configuration problem, with a one-line message fit for the user."""


class _FieldProblem(ValueError):
    """A model-level check that blames one field (so the message names its variable)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _check_url(value: str, schemes: tuple[str, ...], *, secret: bool = False) -> None:
    """Raise ValueError unless ``value`` parses as a URL with one of ``schemes`` and a host."""
    from urllib.parse import urlsplit

    shown = "the URL" if secret else repr(value)
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"{shown} is not a valid URL ({exc})") from None
    allowed = " or ".join(f"{s}://" for s in schemes)
    if parts.scheme.lower() not in schemes:
        got = (f"{parts.scheme}://" if parts.scheme else "no scheme") if secret else repr(value)
        raise ValueError(f"must start with {allowed}, got {got}")
    if not parts.hostname:
        raise ValueError(f"{shown} has no host (expected e.g. {schemes[0]}://host:port)")


def _currency(code: str) -> str:
    """The upper-cased ISO 4217 code, or ValueError for an unknown one."""
    from memory.domain.money import is_currency  # the domain core's one list of currencies

    norm = code.strip().upper()
    if not is_currency(norm):
        raise ValueError(f"unknown currency code {code!r} (use ISO 4217 codes such as USD, EUR, GBP)")
    return norm


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
    slack_client_id: str | None = Field(None, description="App client id; with the client secret: Add to Slack (OAuth), one workspace per team")
    slack_client_secret: SecretStr | None = Field(None, description="App client secret (OAuth mode, with the client id)")
    slack_scopes: CommaList = Field(
        default_factory=lambda: list(SLACK_BOT_SCOPES), description="Comma-separated bot scopes requested by Add to Slack"
    )
    slack_redirect_uri: str | None = Field(None, description="OAuth redirect URL (https://host/slack/oauth_redirect); default: the app's configured one")
    slack_api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL")
    slack_allowed_channels: CommaList = Field(default_factory=list, description="Comma-separated channel ids; empty = all")
    slack_allowed_users: CommaList = Field(default_factory=list, description="Comma-separated user ids; empty = all")
    slack_reminder_channel: str | None = Field(None, description="Channel id for deadline reminders")
    slack_import_max_mb: float = Field(20.0, gt=0, le=1000, description="Largest CSV/XLSX file imported from Slack, in MB")
    digest_channel: str | None = Field(None, description="Slack channel id for the weekly digest; unset = no digest")
    digest_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = Field("mon", description="Weekday of the digest")
    digest_time: str = Field("09:00", description="Time of the digest (HH:MM, workspace time zone)")
    approvers: CommaList = Field(default_factory=lambda: ["local"], description="User ids allowed to approve pending actions")

    # --- email --------------------------------------------------------------------------------
    smtp_url: SecretStr | None = Field(None, description="smtp://user:pass@host:587 (STARTTLS) or smtps://... (SSL)")
    sender_email: str | None = Field(None, description="From address")
    sender_name: str = Field("kolpilot", description="From display name")
    reply_to: str | None = Field(None, description="Reply-To address")
    unsubscribe_url: str | None = Field(None, description="Base URL for List-Unsubscribe links")
    imap_url: SecretStr | None = Field(None, description="imaps://user:pass@host:993 or imap://... (STARTTLS); ?auth=xoauth2 sends the password as an OAuth2 token (docs/inbox.md)")
    imap_folder: str = Field("INBOX", min_length=1, max_length=200, description="Mailbox the worker reads creators' replies from")

    outreach_concurrency: int = Field(8, ge=1, le=64, description="Concurrent model calls when drafting in bulk")
    outreach_max_age_hours: float = Field(72.0, gt=0, description="Give up on an outreach email not delivered this many hours after its first attempt")

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
    default_currency: str = Field("USD", min_length=3, max_length=3, description="ISO 4217 currency code of reports and caps")
    fx_rates: Annotated[dict[str, Decimal], NoDecode] = Field(
        default_factory=dict, description='JSON, units of default currency per unit (positive; ISO 4217 codes), e.g. {"EUR": 1.08}'
    )
    emv_method: Literal["cpm_benchmark", "none"] = Field("cpm_benchmark", description="EMV method")
    emv_cpm: Decimal = Field(Decimal("5.00"), ge=0, description="CPM used by the cpm_benchmark EMV method")
    attribution_window_days: int = Field(30, gt=0, description="Last-click window for tracking links")
    er_posts: int = Field(12, ge=1, le=100, description="Engagement rate from posts: the last N posts (memory.domain.analytics)")
    er_window_days: int = Field(90, ge=1, le=3650, description="Engagement rate from posts: only posts of the last N days")
    log_level: str = Field("WARNING", description="Python logging level: DEBUG, INFO, WARNING, ERROR or CRITICAL")

    @field_validator("slack_allowed_channels", "slack_allowed_users", "approvers", "slack_scopes", mode="before")
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

    @field_validator("chroma_url", "llm_base_url", "slack_api_url", "youtube_api_url", "youtube_feed_url", "unsubscribe_url",
                     "slack_redirect_uri")
    @classmethod
    def _check_http_url(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None if v == "" else v
        _check_url(v, HTTP_SCHEMES)
        return v

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value():
            _check_url(v.get_secret_value(), SMTP_SCHEMES, secret=True)
        return v

    @field_validator("imap_url")
    @classmethod
    def _check_imap_url(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value():
            _check_url(v.get_secret_value(), IMAP_SCHEMES, secret=True)
        return v

    @field_validator("log_level", mode="before")
    @classmethod
    def _check_log_level(cls, v: Any) -> Any:
        if isinstance(v, str):
            level = v.strip().upper()
            if level not in LOG_LEVELS:
                raise ValueError(f"unknown log level {v!r}; use one of {', '.join(LOG_LEVELS)}")
            return level
        return v

    @field_validator("default_currency", mode="before")
    @classmethod
    def _check_default_currency(cls, v: Any) -> Any:
        if isinstance(v, str):
            return _currency(v)
        return v

    @field_validator("fx_rates", mode="before")
    @classmethod
    def _parse_fx_rates(cls, v: Any) -> Any:
        if isinstance(v, str):
            if not v.strip():
                return {}
            try:
                v = json.loads(v)
            except ValueError as exc:
                raise ValueError(f'not valid JSON ({exc}); expected e.g. {{"EUR": 1.08, "GBP": 1.27}}') from None
        if not isinstance(v, dict):
            raise ValueError(f'expected a JSON object of currency code to rate, e.g. {{"EUR": 1.08}}, got {type(v).__name__}')
        rates: dict[str, Any] = {}
        for code, rate in v.items():
            if isinstance(rate, bool) or not isinstance(rate, (int, float, str, Decimal)):
                raise ValueError(f"rate for {code!r} must be a number, got {rate!r}")
            try:
                value = Decimal(str(rate))
            except ArithmeticError:
                raise ValueError(f"rate for {code!r} must be a number, got {rate!r}") from None
            if not value.is_finite() or value <= 0:
                raise ValueError(f"rate for {code!r} must be a positive number, got {rate}")
            rates[_currency(str(code))] = value
        return rates

    @field_validator("digest_time")
    @classmethod
    def _check_digest_time(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v):
            raise ValueError(f"expected HH:MM (24-hour), e.g. 09:00, got {v!r}")
        return v

    @field_validator("send_window")
    @classmethod
    def _check_window(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", v):
            raise ValueError(f"expected HH:MM-HH:MM, got {v!r}")
        return v

    @model_validator(mode="after")
    def _check_slack_oauth(self) -> Settings:
        # OAuth mode needs both halves of the app credentials; one alone is a typo, not a mode.
        if bool(self.slack_client_id) != bool(self.slack_client_secret and self.slack_client_secret.get_secret_value()):
            missing = "slack_client_secret" if self.slack_client_id else "slack_client_id"
            raise _FieldProblem(missing, "Add to Slack (OAuth) needs both KOLPILOT_SLACK_CLIENT_ID and KOLPILOT_SLACK_CLIENT_SECRET")
        return self

    @model_validator(mode="after")
    def _check_tiers(self) -> Settings:
        # Blames the first cut-off out of order, so the message names a real variable.
        names = ["nano", "micro", "macro", "mega", "celebrity"]
        cuts = [getattr(self, f"tier_{n}_min") for n in names]
        for i in range(1, len(cuts)):
            if cuts[i] <= cuts[i - 1]:
                raise _FieldProblem(
                    f"tier_{names[i]}_min",
                    f"tier cut-offs must increase: nano < micro < macro < mega < celebrity "
                    f"(got {names[i]} {cuts[i]:,} after {names[i - 1]} {cuts[i - 1]:,})",
                )
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
    def slack_oauth(self) -> bool:
        """True in multi-workspace (Add to Slack) mode: the app's client id and secret are set."""
        return bool(self.slack_client_id and self.slack_client_secret and self.slack_client_secret.get_secret_value())

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
        raise SettingsError(_one_line(exc)) from None
    except SourceError as exc:
        # pydantic-settings could not decode a value (a complex type from the env or .env).
        raise SettingsError(source_error_message(exc)) from None


def source_error_message(exc: SourceError) -> str:
    """pydantic-settings' own decoding error as the one-line "Invalid setting ..." message."""
    import re

    m = re.search(r'field "([^"]+)"', str(exc))
    env = f"KOLPILOT_{m.group(1).upper()}" if m else "settings"
    cause = str(exc.__cause__).splitlines()[0] if exc.__cause__ and str(exc.__cause__) else "could not be parsed"
    return f"Invalid setting {env}: {cause}"


def _one_line(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    loc = [str(p) for p in first["loc"]]
    problem = (first.get("ctx") or {}).get("error")
    if isinstance(problem, _FieldProblem):
        loc = [problem.field]
    env = f"KOLPILOT_{loc[0].upper()}" if loc else "settings"
    where = f" ({'.'.join(loc[1:])})" if len(loc) > 1 else ""
    msg = str(first["msg"]).removeprefix("Value error, ").splitlines()[0]
    return f"Invalid setting {env}{where}: {msg}"
