"""Every bad setting stops kolpilot with one line, "Invalid setting KOLPILOT_X: reason", from
load_settings and from the real console entry point (exit code 2, no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import agent.settings as settings_module
from agent.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]

LEVELS = "DEBUG, INFO, WARNING, ERROR, CRITICAL"
BAD = [
    ("KOLPILOT_FX_RATES", "{bad",
     'Invalid setting KOLPILOT_FX_RATES: not valid JSON (Expecting property name enclosed in double quotes: '
     'line 1 column 2 (char 1)); expected e.g. {"EUR": 1.08, "GBP": 1.27}'),
    ("KOLPILOT_FX_RATES", '["EUR"]',
     'Invalid setting KOLPILOT_FX_RATES: expected a JSON object of currency code to rate, e.g. {"EUR": 1.08}, got list'),
    ("KOLPILOT_FX_RATES", '{"EUR": 0}', "Invalid setting KOLPILOT_FX_RATES: rate for 'EUR' must be a positive number, got 0"),
    ("KOLPILOT_FX_RATES", '{"EUR": -1.08}',
     "Invalid setting KOLPILOT_FX_RATES: rate for 'EUR' must be a positive number, got -1.08"),
    ("KOLPILOT_FX_RATES", '{"EUR": "lots"}', "Invalid setting KOLPILOT_FX_RATES: rate for 'EUR' must be a number, got 'lots'"),
    ("KOLPILOT_FX_RATES", '{"ZZZ": 1.1}',
     "Invalid setting KOLPILOT_FX_RATES: unknown currency code 'ZZZ' (use ISO 4217 codes such as USD, EUR, GBP)"),
    ("KOLPILOT_DEFAULT_CURRENCY", "ABC",
     "Invalid setting KOLPILOT_DEFAULT_CURRENCY: unknown currency code 'ABC' (use ISO 4217 codes such as USD, EUR, GBP)"),
    ("KOLPILOT_LOG_LEVEL", "LOUD", f"Invalid setting KOLPILOT_LOG_LEVEL: unknown log level 'LOUD'; use one of {LEVELS}"),
    ("KOLPILOT_SEND_DAILY_CAP", "-1", "Invalid setting KOLPILOT_SEND_DAILY_CAP: Input should be greater than or equal to 0"),
    ("KOLPILOT_SEND_NEW_CONTACTS_DAILY_CAP", "-5",
     "Invalid setting KOLPILOT_SEND_NEW_CONTACTS_DAILY_CAP: Input should be greater than or equal to 0"),
    ("KOLPILOT_PAYOUT_CAP", "-5", "Invalid setting KOLPILOT_PAYOUT_CAP: Input should be greater than 0"),
    ("KOLPILOT_OUTREACH_MAX_AGE_HOURS", "0", "Invalid setting KOLPILOT_OUTREACH_MAX_AGE_HOURS: Input should be greater than 0"),
    ("KOLPILOT_CHROMA_URL", "chroma:8000", "Invalid setting KOLPILOT_CHROMA_URL: must start with http:// or https://, got 'chroma:8000'"),
    ("KOLPILOT_CHROMA_URL", "http://[::1", "Invalid setting KOLPILOT_CHROMA_URL: 'http://[::1' is not a valid URL (Invalid IPv6 URL)"),
    ("KOLPILOT_LLM_BASE_URL", "ftp://models.example", "Invalid setting KOLPILOT_LLM_BASE_URL: must start with http:// or https://, got 'ftp://models.example'"),
    ("KOLPILOT_LLM_BASE_URL", "http://", "Invalid setting KOLPILOT_LLM_BASE_URL: 'http://' has no host (expected e.g. http://host:port)"),
    ("KOLPILOT_UNSUBSCRIBE_URL", "example.com/unsub",
     "Invalid setting KOLPILOT_UNSUBSCRIBE_URL: must start with http:// or https://, got 'example.com/unsub'"),
    # The SMTP URL carries a password: the message never repeats it.
    ("KOLPILOT_SMTP_URL", "https://user:hunter2@mail.example", "Invalid setting KOLPILOT_SMTP_URL: must start with smtp:// or smtps://, got https://"),
    ("KOLPILOT_SMTP_URL", "smtp://user:hunter2@", "Invalid setting KOLPILOT_SMTP_URL: the URL has no host (expected e.g. smtp://host:port)"),
    ("KOLPILOT_SMTP_URL", "smtp://user:hunter2@mail.example:99999",
     "Invalid setting KOLPILOT_SMTP_URL: the URL is not a valid URL (Port out of range 0-65535)"),
    ("KOLPILOT_DATABASE_URL", "mysql://root@localhost/db",
     "Invalid setting KOLPILOT_DATABASE_URL: unsupported database 'mysql': use sqlite or postgresql"),
    ("KOLPILOT_TIER_MEGA_MIN", "100000",
     "Invalid setting KOLPILOT_TIER_MEGA_MIN: tier cut-offs must increase: nano < micro < macro < mega < celebrity "
     "(got mega 100,000 after macro 100,000)"),
]
IDS = [f"{env}={value}" for env, value, _ in BAD]


@pytest.fixture(autouse=True)
def _no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOLPILOT_DATA_DIR", str(tmp_path / "data"))


@pytest.mark.parametrize(("env", "value", "expected"), BAD, ids=IDS)
def test_load_settings_names_the_variable_and_the_reason_in_one_line(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value) == expected
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(("env", "value", "expected"), BAD, ids=IDS)
def test_the_cli_prints_only_that_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: str, value: str, expected: str
) -> None:
    from agent.cli.main import main

    monkeypatch.setenv(env, value)
    monkeypatch.setattr(sys, "argv", ["kolpilot", "slack", "serve"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    out = capsys.readouterr()
    assert out.err == expected + "\n"
    assert out.out == ""


def test_slack_serve_with_a_bad_log_level_is_one_line_in_a_real_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOLPILOT_", "SLACK_", "OPENAI_"))}
    env.update(KOLPILOT_LOG_LEVEL="LOUD", KOLPILOT_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "agent.cli.main", "slack", "serve"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == f"Invalid setting KOLPILOT_LOG_LEVEL: unknown log level 'LOUD'; use one of {LEVELS}\n"
    assert proc.stdout == ""


def test_valid_values_are_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOLPILOT_LOG_LEVEL", "debug")
    monkeypatch.setenv("KOLPILOT_FX_RATES", '{"eur": 1.08, "GBP": "1.27"}')
    monkeypatch.setenv("KOLPILOT_DEFAULT_CURRENCY", "chf")
    monkeypatch.setenv("KOLPILOT_SMTP_URL", "smtps://user:pw@mail.example:465")
    monkeypatch.setenv("KOLPILOT_CHROMA_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("KOLPILOT_SEND_DAILY_CAP", "0")
    monkeypatch.setenv("KOLPILOT_OUTREACH_MAX_AGE_HOURS", "0.5")
    s = load_settings()
    assert s.log_level == "DEBUG"
    assert s.fx_rates == {"EUR": Decimal("1.08"), "GBP": Decimal("1.27")}
    assert s.default_currency == "CHF"
    assert s.chroma_url == "http://127.0.0.1:8000"
    assert s.send_daily_cap == 0 and s.outreach_max_age_hours == 0.5


def test_empty_fx_rates_means_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOLPILOT_FX_RATES", "")
    assert load_settings().fx_rates == {}


def test_a_value_pydantic_settings_cannot_decode_is_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # Defensive path: a complex field without our own parser makes pydantic-settings raise its
    # own SettingsError while reading the environment, before any validator runs.
    class WithMap(Settings):
        extra_map: dict[str, int] = {}

    monkeypatch.setattr(settings_module, "Settings", WithMap)
    monkeypatch.setenv("KOLPILOT_EXTRA_MAP", "{nope")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value) == (
        "Invalid setting KOLPILOT_EXTRA_MAP: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    )
