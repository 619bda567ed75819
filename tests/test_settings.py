"""Settings: env prefix, .env support, secrets, one-line validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.settings import Settings, SettingsError, load_settings


def test_defaults_use_embedded_stores_under_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert s.data_dir == Path("kolpilot-data")
    assert s.resolved_database_url == f"sqlite:///{(tmp_path / 'kolpilot-data' / 'kolpilot.db').resolve()}"
    assert s.resolved_chroma_path == (tmp_path / "kolpilot-data" / "chroma").resolve()
    assert s.embeddings == "local"
    assert s.llm_timeout_s == 60
    assert not s.llm_configured


def test_env_prefix_and_lists(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOLPILOT_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("KOLPILOT_APPROVERS", "U1, U2,local")
    monkeypatch.setenv("KOLPILOT_LLM_API_KEY", "sk-test")
    s = load_settings()
    assert s.data_dir == tmp_path / "d"
    assert s.approvers == ["U1", "U2", "local"]
    assert s.llm_api_key is not None and s.llm_api_key.get_secret_value() == "sk-test"
    assert "sk-test" not in repr(s)
    assert s.llm_configured


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("KOLPILOT_LLM_MODEL=qwen2.5\nKOLPILOT_SEND_DAILY_CAP=50\n")
    s = load_settings()
    assert s.llm_model == "qwen2.5"
    assert s.send_daily_cap == 50


def test_secrets_have_no_default_values() -> None:
    for name, field in Settings.model_fields.items():
        if "SecretStr" in str(field.annotation):
            assert field.default is None, name


def test_explicit_override_beats_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KOLPILOT_DATA_DIR", str(tmp_path / "env"))
    assert load_settings(data_dir=tmp_path / "cli").data_dir == tmp_path / "cli"


@pytest.mark.parametrize(
    ("env", "value", "expected"),
    [
        ("KOLPILOT_DATABASE_URL", "not a url", "Invalid setting KOLPILOT_DATABASE_URL: not a database URL"),
        ("KOLPILOT_DATABASE_URL", "mysql://root@localhost/db", "unsupported database 'mysql'"),
        ("KOLPILOT_CHROMA_URL", "localhost:8000", "must start with http:// or https://"),
        ("KOLPILOT_LLM_TIMEOUT_S", "-1", "KOLPILOT_LLM_TIMEOUT_S"),
        ("KOLPILOT_SEND_WINDOW", "9-5", "expected HH:MM-HH:MM"),
        ("KOLPILOT_EMBEDDINGS", "bert", "KOLPILOT_EMBEDDINGS"),
    ],
)
def test_invalid_values_give_one_line_errors(monkeypatch: pytest.MonkeyPatch, env: str, value: str, expected: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    msg = str(info.value)
    assert expected in msg
    assert "\n" not in msg


def test_tier_cutoffs_must_increase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOLPILOT_TIER_MICRO_MIN", "500")
    with pytest.raises(SettingsError, match="tier cut-offs must increase"):
        load_settings()


def test_postgres_url_gets_psycopg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOLPILOT_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    assert load_settings().database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
