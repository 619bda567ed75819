"""The weekly digest as Block Kit (built by ``agent.jobs.digest``), and posting it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from integrations.slack import blocks as bk
from integrations.slack.mrkdwn import plain, safe

if TYPE_CHECKING:
    from agent.jobs.digest import Digest
    from agent.settings import Settings


def _pacing_line(p: dict[str, Any]) -> str:
    if not p.get("budget"):
        return f"Budget: {p.get('status') or 'no budget set'}"
    line = f"Budget: {p.get('spent')} of {p.get('budget')} spent ({p.get('spent_pct')}%)"
    if p.get("time_elapsed_pct") is not None:
        line += f", {p['time_elapsed_pct']}% of the time elapsed"
    return line + (f" — *{safe(p['status'])}*" if p.get("status") else "")


def digest_blocks(d: Digest) -> list[bk.Block]:
    """Header, one section per active campaign (pacing, top performers, overdue
    deliverables), then the actions waiting for an approver; ≤ 50 blocks."""
    out: list[bk.Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": plain(f"kolpilot weekly digest · {d.period}", limit=150)}},
    ]
    if not d.campaigns:
        out.append(bk.section("No active campaigns this week."))
    for c in d.campaigns:
        lines = [f"*{safe(c.name, limit=200)}*", _pacing_line(c.pacing)]
        if c.top:
            lines.append("Top performers: " + "; ".join(safe(t, limit=200) for t in c.top))
        else:
            lines.append("Top performers: none with enough volume yet")
        if c.overdue:
            lines.append(f":warning: {len(c.overdue)} overdue: " + "; ".join(safe(o, limit=150) for o in c.overdue[:8])
                         + (" …" if len(c.overdue) > 8 else ""))
        else:
            lines.append("Nothing overdue")
        if c.problems:
            lines.append("_" + safe("; ".join(c.problems), limit=300) + "_")
        out.append(bk.section("\n".join(lines)[: bk.SECTION_TEXT_LIMIT]))
        out.append({"type": "divider"})
    if d.more_campaigns:
        out.append(bk.context_block(f"… and {d.more_campaigns} more active campaign(s): ask me about them."))
    if d.pending_total:
        body = "\n".join(f"• {safe(p, limit=250)}" for p in d.pending)
        more = f"\n… and {d.pending_total - len(d.pending)} more" if d.pending_total > len(d.pending) else ""
        out.append(bk.section(f"*Waiting for an approver ({d.pending_total})*\n{body}{more}"[: bk.SECTION_TEXT_LIMIT]))
    else:
        out.append(bk.section("*Waiting for an approver:* nothing."))
    example = safe(d.campaigns[0].name, limit=80) if d.campaigns else "a campaign"
    out.append(bk.context_block(f"Ask me “show pending actions” or “how is {example} doing?” for details."))
    return out[: bk.MAX_BLOCKS]


def digest_text(d: Digest) -> str:
    """The notification/fallback text."""
    return safe(f"kolpilot weekly digest {d.period}: {len(d.campaigns)} active campaign(s), "
                f"{sum(len(c.overdue) for c in d.campaigns)} overdue deliverable(s), {d.pending_total} pending approval(s)")


def post_digest(settings: Settings, *, channel: str, digest: Digest) -> str | None:
    """Post the digest to ``channel`` with the bot token; returns the message ts."""
    from integrations.slack.app import build_web_client

    resp = build_web_client(settings).chat_postMessage(channel=channel, text=digest_text(digest),
                                                       blocks=digest_blocks(digest), unfurl_links=False,
                                                       unfurl_media=False)
    return resp.get("ts")
