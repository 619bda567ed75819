"""kolpilot in Slack: mentions, DMs, the assistant panel, ``/kol``, and approval buttons.

Entry points: :func:`integrations.slack.app.build_app` (the bolt App and its services),
:mod:`integrations.slack.server` (HTTP via uvicorn, or Socket Mode). Setup: docs/slack.md
and ``integrations/slack/manifest.yaml``.
"""

from pathlib import Path

MANIFEST_PATH = Path(__file__).with_name("manifest.yaml")

__all__ = ["MANIFEST_PATH"]
