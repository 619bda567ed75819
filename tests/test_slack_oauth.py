"""In Slack, the data is there.

- Single-token mode binds the bot token's team to the configured workspace, so creators
  imported from the terminal answer in Slack; the start-up line says what is served.
- OAuth mode ("Add to Slack"): a browser goes through /slack/install and
  /slack/oauth_redirect on our server, the installation lands in our database (slack_sdk's
  SQLAlchemy stores, SQLite and PostgreSQL), and each team is answered with its own bot
  token, in its own workspace, seeing nothing of another team's data. Rotating tokens are
  refreshed through oauth.v2.access.
- ``kolpilot workspaces`` lists workspaces with their counts and Slack teams.

Signed requests to the real server, Slack's side played by tests/fakes/mock_slack.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from memory.db import session_factory, session_scope
from tests.fakes.mock_slack import TEAM_ID, MockSlack
from tests.slack_helpers import BOT_TOKEN, CHANNEL, SlackHarness, mention, new_ts

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]


def _seed(engine, workspace_id: str, handle: str) -> None:  # noqa: ANN001
    from memory.models import AccountCreate, CreatorCreate
    from memory.repo.creators import upsert_creator_account
    from memory.repo.workspaces import ensure_workspace

    with session_scope(session_factory(engine)) as s:
        ensure_workspace(s, workspace_id=workspace_id)
        upsert_creator_account(
            s, workspace_id=workspace_id,
            creator=CreatorCreate(name=handle, niches="beauty;skincare", country="FR", bio="Skincare from Paris"),
            account=AccountCreate(platform="instagram", handle=handle, followers=25_000, engagement_rate=0.04,
                                  profile_url=f"https://instagram.com/{handle}"),
        )


def _planner(engine, tmp_path: Path):  # noqa: ANN001, ANN202
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime
    from agent.settings import Settings

    return OfflinePlanner(Runtime(Settings(_env_file=None, data_dir=tmp_path / "planner"), engine=engine))


def _answer(h: SlackHarness, ts: str, channel: str = CHANNEL) -> list:
    """The calls that put the answer to the message ``ts`` into its thread."""
    placeholder = h.mock.wait_calls("chat.postMessage", timeout=30, where=lambda c: c.params.get("thread_ts") == ts
                                    and c.params.get("channel") == channel)[0]
    h.mock.wait_calls("chat.update", timeout=30, where=lambda c: c.params.get("ts") == placeholder.params["ts_assigned"])
    h.wait_idle(30)
    return h.mock.in_thread(channel, ts)


def _text(calls: list) -> str:
    return "\n".join(c.all_text() for c in calls)


# --- slack_sdk's tables are ours ---------------------------------------------------------------


def test_default_scopes_are_the_manifests() -> None:
    import yaml

    from agent.settings import SLACK_BOT_SCOPES, Settings

    manifest = yaml.safe_load((ROOT / "integrations/slack/manifest.yaml").read_text())
    assert set(Settings(_env_file=None).slack_scopes) == set(SLACK_BOT_SCOPES) == set(manifest["oauth_config"]["scopes"]["bot"])
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"message.channels", "message.groups", "app_uninstalled", "tokens_revoked"} <= set(events)


def test_oauth_needs_both_client_id_and_secret() -> None:
    from agent.settings import SettingsError, load_settings

    with pytest.raises(SettingsError) as exc:
        load_settings(slack_client_id="1111.2222")
    assert str(exc.value).startswith("Invalid setting KOLPILOT_SLACK_CLIENT_SECRET:") and "\n" not in str(exc.value)
    assert load_settings(slack_client_id="1111.2222", slack_client_secret="s").slack_oauth


# --- single-token mode -------------------------------------------------------------------------


def test_single_token_deployment_answers_from_the_configured_workspace(engine, tmp_path: Path) -> None:  # noqa: ANN001
    from agent.cli.slack_cmds import describe_service

    workspace = f"bound-{new_ts().replace('.', '')}"
    _seed(engine, workspace, "glow.bound")
    overrides = {"workspace": workspace}
    with SlackHarness(engine, tmp_path, agent=_planner(engine, tmp_path), settings_overrides=overrides) as h:
        line = describe_service(h.slack)
        assert line.startswith(f"Serving workspace '{workspace}' for Slack team Test Team ({TEAM_ID}): 1 creator, 0 campaigns")
        assert "\n" not in line

        ts = new_ts()
        h.send_event(mention("find beauty creators on instagram in France", ts=ts))
        assert "glow.bound" in _text(_answer(h, ts))

        # Another team's request (a Slack Connect guest, say) stays out of the bound workspace.
        other = new_ts()
        h.send_event(mention("find beauty creators on instagram in France", ts=other), team="T0GUESTTEAM")
        shown = _text(_answer(h, other))
        assert "glow.bound" not in shown and "No creators match" in shown


def test_kolpilot_workspaces_lists_counts_and_installed_teams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from slack_sdk.oauth.installation_store import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from typer.testing import CliRunner

    from agent.cli.main import app
    from memory.db import ensure_schema, make_engine

    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "creators.csv"
    csv.write_text("platform,handle,followers,niches\ninstagram,mia.glow,12000,beauty\ntiktok,sam.skin,50000,skincare\n")
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(app, ["--data-dir", str(data), "import", "creators", str(csv)]).exit_code == 0
    assert runner.invoke(app, ["--data-dir", str(data), "--workspace", "T0ACME", "import", "creators", str(csv)]).exit_code == 0
    engine = make_engine(f"sqlite:///{data / 'kolpilot.db'}")
    ensure_schema(engine)
    SQLAlchemyInstallationStore(client_id="1111.2222", engine=engine).save(Installation(
        app_id="A0KOLPILOT", team_id="T0ACME", team_name="Acme Beauty", bot_token="xoxb-acme", bot_id="B1",
        bot_user_id="U1", user_id="U0INSTALLER"))
    engine.dispose()

    result = runner.invoke(app, ["--data-dir", str(data), "workspaces", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert (rows["local"]["creators"], rows["local"]["campaigns"], rows["local"]["current"]) == (2, 0, True)
    assert (rows["T0ACME"]["creators"], rows["T0ACME"]["slack_team"]) == (2, "Acme Beauty")
    table = runner.invoke(app, ["--data-dir", str(data), "workspaces"]).output
    assert "Acme Beauty" in table and "T0ACME" in table


# --- OAuth mode --------------------------------------------------------------------------------


@pytest.fixture
def oauth(engine, tmp_path: Path):  # noqa: ANN001
    mock = MockSlack(token=BOT_TOKEN).start()
    overrides = {"slack_client_id": mock.client_id, "slack_client_secret": mock.client_secret, "slack_bot_token": None}
    try:
        with SlackHarness(engine, tmp_path, agent=_planner(engine, tmp_path), settings_overrides=overrides, mock=mock) as h:
            yield h
    finally:
        mock.stop()


def _install(h: SlackHarness, team_id: str, **kw: object) -> str:
    """Add to Slack through our server, as a browser does; returns the bot token Slack issued."""
    code = f"code-{team_id}-{new_ts()}"
    h.mock.oauth_code(code, team_id=team_id, **kw)
    start = httpx.get(f"{h.server.url}/slack/install", follow_redirects=False, timeout=10)
    assert start.status_code == 302
    authorize = urlsplit(start.headers["location"])
    query = parse_qs(authorize.query)
    assert (authorize.netloc, authorize.path) == ("slack.com", "/oauth/v2/authorize")
    assert query["client_id"] == [h.mock.client_id] and "channels:history" in query["scope"][0].split(",")
    state = query["state"][0]
    assert f"slack-app-oauth-state={state}" in start.headers["set-cookie"]
    # Slack sends the browser back with the code; the browser brings the state cookie.
    done = httpx.get(f"{h.server.url}/slack/oauth_redirect", params={"code": code, "state": state},
                     headers={"Cookie": f"slack-app-oauth-state={state}"}, timeout=10)
    assert done.status_code == 200, done.text
    issued = [c for c in h.mock.calls_to("oauth.v2.access") if c.params.get("code") == code]
    assert len(issued) == 1
    return _stored_token(h, team_id)


def _stored_token(h: SlackHarness, team_id: str) -> str:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

    store = SQLAlchemyInstallationStore(client_id=h.mock.client_id, engine=h.engine)
    bot = store.find_bot(enterprise_id=None, team_id=team_id)
    assert bot is not None and bot.bot_token
    return bot.bot_token


def _ask(h: SlackHarness, team_id: str, bot_user: str, text: str) -> tuple[list, str]:
    ts = new_ts()
    event = mention(text, ts=ts)
    event["text"] = f"<@{bot_user}> {text}"  # each team has its own bot user
    h.send_event(event, team=team_id)
    return _answer(h, ts), ts


def test_add_to_slack_answers_each_team_with_its_token_in_its_own_workspace(oauth: SlackHarness) -> None:
    from agent.cli.slack_cmds import describe_service

    suffix = new_ts().replace(".", "")[-8:]
    team_a, team_b = f"T0A{suffix}", f"T0B{suffix}"
    token_a = _install(oauth, team_a, team_name="Acme Beauty", bot_user_id="U0ABOT")
    _seed(oauth.engine, team_a, "acme.glow")  # e.g. `kolpilot --workspace T0A… import creators`
    calls, ts = _ask(oauth, team_a, "U0ABOT", "find beauty creators on instagram in France")
    assert "acme.glow" in _text(calls)
    assert {c.headers["authorization"] for c in calls} == {f"Bearer {token_a}"}

    token_b = _install(oauth, team_b, team_name="Beta Skin", bot_user_id="U0BBOT")
    assert token_b != token_a
    calls, _ = _ask(oauth, team_b, "U0BBOT", "find beauty creators on instagram in France")
    shown = _text(calls)
    assert "acme.glow" not in shown and "No creators match" in shown
    assert {c.headers["authorization"] for c in calls} == {f"Bearer {token_b}"}

    line = describe_service(oauth.slack)
    assert f"Acme Beauty ({team_a}): 1 creator, 0 campaigns" in line and f"Beta Skin ({team_b}): 0 creators" in line


def test_an_unknown_or_replayed_state_installs_nothing(oauth: SlackHarness) -> None:
    team = f"T0C{new_ts().replace('.', '')[-8:]}"
    code = f"code-{team}"
    oauth.mock.oauth_code(code, team_id=team)
    forged = httpx.get(f"{oauth.server.url}/slack/oauth_redirect", params={"code": code, "state": "forged"},
                       headers={"Cookie": "slack-app-oauth-state=forged"}, timeout=10)
    assert forged.status_code >= 400
    start = httpx.get(f"{oauth.server.url}/slack/install", follow_redirects=False, timeout=10)
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    no_cookie = httpx.get(f"{oauth.server.url}/slack/oauth_redirect", params={"code": code, "state": state}, timeout=10)
    assert no_cookie.status_code >= 400
    assert not oauth.mock.calls_to("oauth.v2.access")

    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

    assert SQLAlchemyInstallationStore(client_id=oauth.mock.client_id, engine=oauth.engine).find_bot(
        enterprise_id=None, team_id=team) is None


def test_rotating_tokens_are_refreshed_before_they_expire(oauth: SlackHarness) -> None:
    team = f"T0R{new_ts().replace('.', '')[-8:]}"
    # Expires in 10 minutes: inside bolt's 120-minute window, so the next request rotates it.
    first = _install(oauth, team, team_name="Rotating", bot_user_id="U0RBOT", rotating=True, expires_in=600)
    assert first.startswith("xoxe.xoxb-")
    calls, _ = _ask(oauth, team, "U0RBOT", "find beauty creators")
    refreshed = oauth.mock.calls_to("oauth.v2.access", where=lambda c: c.params.get("grant_type") == "refresh_token")
    assert len(refreshed) == 1
    second = _stored_token(oauth, team)
    assert second != first  # the store holds the new token; Slack no longer accepts the old one
    assert {c.headers["authorization"] for c in calls} == {f"Bearer {second}"}


def test_oauth_mode_needs_no_bot_token_but_a_signing_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.settings import load_settings
    from integrations.slack.app import check_credentials
    from memory.errors import UserError

    monkeypatch.chdir(tmp_path)
    settings = load_settings(slack_client_id="1111.2222", slack_client_secret="s", data_dir=tmp_path)
    with pytest.raises(UserError) as exc:
        check_credentials(settings, "http")
    assert "KOLPILOT_SLACK_SIGNING_SECRET" in str(exc.value) and "BOT_TOKEN" not in str(exc.value)
    check_credentials(load_settings(slack_client_id="1111.2222", slack_client_secret="s", slack_signing_secret="x",
                                    data_dir=tmp_path), "http")
