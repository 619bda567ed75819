"""Block Kit rendering of a Turn: the reply, structured tool results, pending actions.

Everything shown comes from structured results (``ToolResult.model_dump()``), rendered
defensively: unknown or missing fields are skipped, and every string that a model or a
creator could have written goes through :mod:`integrations.slack.mrkdwn` (escaped,
defanged). Creator bios and captions are shown as block quotes, labelled as the
creator's own unverified words.

Slack's limits are enforced here, not hoped for: ≤3,000 characters per section text,
≤50 blocks and ≤40,000 characters per message. Blocks come in *groups* that must stay
together (a creator and its buttons); groups are packed greedily into as many messages
as needed. The caller decides when "as many" is too many and uploads a file instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from integrations.slack.mrkdwn import link, plain, quote_block, safe, user_mention
from memory.domain.money import MoneyError, format_money
from memory.domain.numbers import format_compact

SECTION_TEXT_LIMIT = 3000
MAX_BLOCKS = 50
MESSAGE_CHAR_LIMIT = 40_000
# Packing budget per message, measured on the JSON of the blocks (always larger than the
# visible text, so staying under it keeps us under Slack's 40k with room to spare).
MESSAGE_BUDGET = 38_000
FALLBACK_TEXT_LIMIT = 300
BUTTON_VALUE_LIMIT = 2000

# action_ids the listeners route on.
APPROVE = "kol_approve"
REJECT = "kol_reject"
DRAFT_OUTREACH = "kol_draft_outreach"
SIMILAR = "kol_similar_creators"
PROFILE = "kol_profile"
OPEN_REPLY = "kol_open_reply"

Block = dict[str, Any]
Group = list[Block]

_PLATFORMS = {
    "instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube", "x": "X", "twitter": "X",
    "facebook": "Facebook", "linkedin": "LinkedIn", "podcast": "Podcast", "blog": "Blog",
}


@dataclass
class SlackMessage:
    """One chat.postMessage / chat.update worth of content."""

    text: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class RenderedTurn:
    """A turn split into the answer (may go to a file when huge) and the pending actions
    (always real messages: their buttons must be clickable)."""

    body: list[Group]
    actions: list[Group]
    fallback: str

    def messages(self) -> list[SlackMessage]:
        return pack(self.body + self.actions, self.fallback)

    def body_messages(self) -> list[SlackMessage]:
        return pack(self.body, self.fallback)

    def action_messages(self) -> list[SlackMessage]:
        return pack(self.actions, "Pending actions need an approver") if self.actions else []


# --- small formatting helpers -----------------------------------------------------------------


def fmt_count(n: object) -> str:
    """A count, compact (memory.domain.numbers.format_compact): 45200 → 45.2K, "?" when unknown."""
    return format_compact(n, missing="?")


def fmt_er(rate: object, basis: object) -> str:
    """Engagement rate with its basis, e.g. ``ER 3.4% (by followers)``."""
    try:
        v = float(rate)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "ER n/a"
    pct = v * 100 if v <= 1 else v  # fractions per the import format; tolerate percents
    label = f"ER {pct:.1f}%"
    if basis:
        b = str(basis).replace("_", " ").strip()
        label += f" ({safe(b if b.startswith('by ') else 'by ' + b)})"
    return label


def item_er(item: Mapping[str, Any]) -> str:
    """A result row's or account's ER with its basis: the tool's display form ("ER 3.7% · last
    6 posts", "ER 3.4% · reported") when it has one, else ``fmt_er``."""
    text = item.get("engagement")
    if isinstance(text, str) and text and item.get("engagement_rate") is not None:
        return "ER " + safe(text, limit=80)
    return fmt_er(item.get("engagement_rate"), item.get("engagement_basis"))


def item_trend(item: Mapping[str, Any]) -> str:
    """Growth and activity of a row or account ("+6.4K, +20% in 30 days · 2.1 posts/week · …"), or ""."""
    return " · ".join(safe(item[k], limit=120) for k in ("growth", "activity") if isinstance(item.get(k), str) and item[k])


def item_credibility(item: Mapping[str, Any], *, full: bool = True) -> str:
    """A row's or account's audience credibility ("credibility 82/100 (heuristic): ER normal
    for micro Instagram; steady engagement"; ``full=False``: without the reasons), or ""."""
    text, score = item.get("credibility_text"), item.get("credibility")
    if not isinstance(text, str) or not text or not isinstance(score, int):
        return ""
    return safe(text if full else text.split(":", 1)[0], limit=300)


def platform_name(p: object) -> str:
    s = str(p or "").strip()
    return _PLATFORMS.get(s.lower(), safe(s.title())) if s else ""


def section(text: str, *, block_id: str | None = None) -> Block:
    """A mrkdwn section; ``text`` must already be safe and ≤ 3,000 characters."""
    assert len(text) <= SECTION_TEXT_LIMIT, "section text over Slack's limit"
    b: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}
    if block_id:
        b["block_id"] = block_id[:255]
    return b


def context_block(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_TEXT_LIMIT] or " "}]}


def button(text: str, action_id: str, value: str, *, style: str | None = None, confirm: Block | None = None) -> Block:
    b: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": plain(text, limit=75), "emoji": True},
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_LIMIT],
    }
    if style:
        b["style"] = style
    if confirm:
        b["confirm"] = confirm
    return b


def _cut_point(text: str, limit: int) -> int:
    """Where to cut escaped text at most ``limit`` long: a paragraph, line or word
    boundary if there is one in the second half, never inside an ``&…;`` entity."""
    for sep in ("\n\n", "\n", " "):
        i = text.rfind(sep, limit // 2, limit)
        if i > 0:
            return i + len(sep)
    cut = limit
    amp = text.rfind("&", max(0, cut - 6), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    return cut


def split_text(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Split already-safe mrkdwn into chunks of at most ``limit`` characters."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def text_groups(raw: str) -> list[Group]:
    """Untrusted text (a model reply) as one or more section blocks, one group each."""
    return [[section(chunk)] for chunk in split_text(safe(raw))]


# --- results ----------------------------------------------------------------------------------


def _creator_line(item: Mapping[str, Any]) -> str:
    handle = str(item.get("handle") or "").lstrip("@")
    title = f"*{link(item.get('profile_url'), '@' + handle)}*" if handle else "*(unknown handle)*"
    name = item.get("display_name")
    if name and str(name).lstrip("@") != handle:
        title += f" — {safe(name, limit=120)}"
    if str(item.get("kind") or "").lower() == "kol":
        title += "  `KOL`"
    facts = [platform_name(item.get("platform")), safe(item.get("tier") or "")]
    if item.get("followers") is not None:
        facts.append(f"{fmt_count(item.get('followers'))} followers")
    facts.append(item_er(item))
    if item.get("country"):
        facts.append(safe(item.get("country"), limit=40))
    lines = [title, " · ".join(f for f in facts if f)]
    trend = item_trend(item)
    if trend:
        lines.append(trend)
    cred = item_credibility(item)
    if cred:
        lines.append(cred)
    niches = item.get("niches")
    if niches:
        vals = niches if isinstance(niches, list | tuple) else str(niches).split(";")
        lines.append("Niches: " + safe(", ".join(str(n).strip() for n in vals if str(n).strip()), limit=300))
    if item.get("credentials"):
        lines.append("Credentials: " + safe(item.get("credentials"), limit=300))
    reasons = item.get("reasons")
    if reasons:
        vals = reasons if isinstance(reasons, list | tuple) else [reasons]
        lines.append("_Why:_ " + safe("; ".join(str(r) for r in vals[:4]), limit=400))
    return "\n".join(lines)


def _creator_buttons(index: int, item: Mapping[str, Any], *, with_profile: bool = True) -> Block | None:
    handle = str(item.get("handle") or "").lstrip("@")
    if not handle:
        return None
    elements = [
        button("Draft outreach", DRAFT_OUTREACH, handle),
        button("Similar creators", SIMILAR, handle),
    ]
    if with_profile:
        elements.append(button("Profile", PROFILE, handle))
    platform = str(item.get("platform") or "")
    return {"type": "actions", "block_id": f"creator:{index}:{platform}:{handle}"[:255], "elements": elements}


def creator_list_groups(data: Mapping[str, Any], *, with_summary: bool = True) -> list[Group]:
    """A ``creator_list`` result: the summary, then one group per creator (text + buttons)."""
    groups: list[Group] = []
    if with_summary and data.get("summary"):
        groups.extend(text_groups(str(data["summary"])))
    items = data.get("items") or data.get("creators") or []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        g: Group = [section(_creator_line(item)[:SECTION_TEXT_LIMIT])]
        buttons = _creator_buttons(i, item)
        if buttons:
            g.append(buttons)
        groups.append(g)
    return groups


def creator_profile_groups(data: Mapping[str, Any], *, with_summary: bool = True) -> list[Group]:
    """A ``creator_profile`` result: facts, accounts, the bio quoted as untrusted data,
    recent posts (captions quoted too), and the follow-up buttons."""
    prof = data.get("creator") or data.get("profile") or data
    if not isinstance(prof, Mapping):
        prof = data
    accounts = [a for a in (data.get("accounts") or prof.get("accounts") or []) if isinstance(a, Mapping)]
    # The account asked about (else the first) gives followers, tier, ER and the link; the
    # person gives name, kind, credentials, country and niches.
    main = next((a for a in accounts if a.get("handle") == prof.get("handle")
                 and (not prof.get("platform") or a.get("platform") == prof.get("platform"))), accounts[0] if accounts else {})
    head = dict(main)
    head.update({k: v for k, v in prof.items() if v is not None and k not in ("accounts", "reasons")})
    groups: list[Group] = []
    if with_summary and data.get("summary"):
        groups.extend(text_groups(str(data["summary"])))
    groups.append([section(_creator_line(head)[:SECTION_TEXT_LIMIT])])
    if len(accounts) > 1:
        lines = [
            f"• {platform_name(a.get('platform'))} {link(a.get('profile_url'), '@' + str(a.get('handle') or '').lstrip('@'))}"
            f" · {fmt_count(a.get('followers'))} followers · {item_er(a)}" + (f" · {item_trend(a)}" if item_trend(a) else "")
            + (f" · {item_credibility(a, full=False)}" if item_credibility(a) else "")
            for a in accounts[:10]
        ]
        groups.append([section(("*Accounts*\n" + "\n".join(lines))[:SECTION_TEXT_LIMIT])])
    collabs = [c for c in data.get("collaborations") or [] if isinstance(c, Mapping)]
    if collabs:
        lines = [f"• {safe(c.get('campaign'), limit=80)} — {safe(c.get('stage'))} · fee {safe(c.get('agreed_fee') or 'n/a')}"
                 for c in collabs[:5]]
        groups.append([section(("*With us*\n" + "\n".join(lines))[:SECTION_TEXT_LIMIT])])
    bio = data.get("bio") or prof.get("bio")
    if bio:
        groups.append([section("*Bio* _(the creator's own words, unverified)_\n" + quote_block(bio, limit=1500))])
    posts = [p for p in (data.get("recent_posts") or data.get("posts") or prof.get("recent_posts") or []) if isinstance(p, Mapping)]
    for p in posts[:3]:
        when = safe(str(p.get("posted_at") or "")[:10])
        where = link(p.get("url"), "post") if p.get("url") else ""
        caption = quote_block(p.get("caption") or "", limit=500)
        groups.append([section(f"_Recent {where} {when}_\n{caption}"[:SECTION_TEXT_LIMIT])])
    buttons = _creator_buttons(0, head, with_profile=False)
    if buttons:
        groups.append([buttons])
    return groups


def summary_groups(data: Mapping[str, Any], *, with_summary: bool = True) -> list[Group]:
    """Any other result: its short summary."""
    return text_groups(str(data.get("summary") or "")) if with_summary else []


def error_group(message: str) -> Group:
    return [section(":warning: " + safe(message, limit=SECTION_TEXT_LIMIT - 200))]


def _fields_section(pairs: list[tuple[str, str]]) -> Block:
    # Slack allows at most 10 fields per section, 2,000 characters each.
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{safe(k, limit=200)}*\n{safe(v, limit=1800)}"} for k, v in pairs[:10]]}


def campaign_summary_groups(data: Mapping[str, Any], *, with_summary: bool = True) -> list[Group]:
    """A campaign summary as Block Kit fields (every ratio with its basis), then the top groups."""
    t = data.get("totals") or {}
    m = t.get("metrics") or {}

    def d(name: str) -> str:
        return str((m.get(name) or {}).get("display", "n/a"))

    head: Group = [section(f"*{safe(data.get('campaign'))}* ({safe(data.get('brand'))}) — {safe(data.get('narrative') or data.get('summary'))}")] \
        if with_summary else []
    head.append(_fields_section([
        ("Impressions", fmt_count(t.get("impressions"))), ("Reach", fmt_count(t.get("reach"))),
        ("Clicks · CTR", f"{fmt_count(t.get('clicks'))} · {d('ctr')}"),
        ("Conversions · rate", f"{fmt_count(t.get('conversions'))} · {d('conversion_rate')}"),
        ("Revenue", str(t.get("revenue", "n/a"))), ("Cost (fees + product + shipping)", str(t.get("cost", "n/a"))),
        ("ROAS · ROI", f"{d('roas')} · {d('roi')}"), ("CPA · CPC", f"{d('cpa')} · {d('cpc')}"),
        ("CPM · CPE", f"{d('cpm')} · {d('cpe')}"), ("ER by reach · by followers", f"{d('er_by_reach')} · {d('er_by_followers')}"),
    ]))
    notes = [f"EMV {d('emv')} ({data.get('emv_method')})", str(data.get("attribution") or "")] + list(data.get("notes") or [])
    head.append(context_block(safe(" · ".join(n for n in notes if n), limit=2900)))
    groups: list[Group] = [head]
    rows = list(data.get("groups") or [])[:20]
    if rows:
        lines = [f"• *{safe(r.get('key'))}*: {fmt_count(r.get('impressions'))} impr · {fmt_count(r.get('conversions'))} conv · "
                 f"rev {safe(r.get('revenue'))} · ROAS {safe(((r.get('metrics') or {}).get('roas') or {}).get('display'))} · "
                 f"CPA {safe(((r.get('metrics') or {}).get('cpa') or {}).get('display'))}" for r in rows]
        groups.extend(text_groups(f"By {data.get('group_by')}:\n" + "\n".join(lines)))
    return groups


def metrics_rows_groups(data: Mapping[str, Any], *, with_summary: bool = True) -> list[Group]:
    """Rankings and comparisons: one field pair per row."""
    metric = data.get("metric") or "roas"
    out: Group = [section(safe(data.get("summary")))] if with_summary else []
    pairs = []
    for r in list(data.get("rows") or [])[:10]:
        mm = r.get("metrics") or {}
        main = (mm.get(metric) or {}).get("display") if isinstance(mm.get(metric), Mapping) else None
        pairs.append((str(r.get("key")), f"{str(metric).upper()} {main or 'n/a'} · rev {r.get('revenue')} · cost {r.get('cost')}"))
    if pairs:
        out.append(_fields_section(pairs))
    return [out] if out else []


_RENDERERS = {"creator_list": creator_list_groups, "creator_profile": creator_profile_groups,
              "campaign_summary": campaign_summary_groups, "metrics_ranking": metrics_rows_groups,
              "metrics_comparison": metrics_rows_groups}


def result_groups(result: Any, *, with_summary: bool = True) -> list[Group]:
    """Groups for one ToolResult (or an already dumped dict). ``with_summary=False`` when
    the reply already says what the result's one-line summary would."""
    data = result if isinstance(result, Mapping) else result.model_dump(mode="json")
    return _RENDERERS.get(str(data.get("kind")), summary_groups)(data, with_summary=with_summary)


# --- pending actions --------------------------------------------------------------------------

_WHO_KEYS = ("to", "recipient", "to_email", "email", "payee", "creator", "creator_handle", "handle")
_AMOUNT_KEYS = ("amount", "fee", "total")


def _amount(payload: Mapping[str, Any]) -> str | None:
    currency = payload.get("currency") or ""
    for key in _AMOUNT_KEYS:
        if payload.get(key) is not None:
            return safe(f"{payload[key]} {currency}".strip())
        cents = payload.get(f"{key}_cents")
        if cents is not None:
            try:
                return safe(format_money(int(cents), currency or None))  # minor units by currency exponent (¥ has none)
            except (TypeError, ValueError, MoneyError):
                return safe(cents)
    return None


def pending_action_group(action: Mapping[str, Any]) -> Group:
    """What will happen, to whom, how much — and Approve / Reject buttons carrying the id."""
    action_id = str(action.get("id") or "")
    payload = action.get("payload") if isinstance(action.get("payload"), Mapping) else {}
    kind = str(action.get("kind") or "action").replace("_", " ")
    lines = [f":hourglass_flowing_sand: *Needs approval* — {safe(kind)}", safe(action.get("summary") or "", limit=900)]
    who = next((payload[k] for k in _WHO_KEYS if payload.get(k)), None)
    if who:
        lines.append(f"*To:* {safe(who, limit=200)}")
    amount = _amount(payload)
    if amount:
        lines.append(f"*Amount:* {amount}")
    if payload.get("subject"):
        lines.append(f"*Subject:* {safe(payload['subject'], limit=200)}")
    history = payload.get("fee_history") if isinstance(payload.get("fee_history"), list) else []
    if history:
        lines.append("*Fee history:*\n" + "\n".join(safe(line, limit=400) for line in history[:6]))
    meta = f"id `{safe(action_id[:8])}`"
    if action.get("requested_by"):
        meta += f" · requested by {user_mention(action.get('requested_by'))}"
    lines.append(meta + " · only approvers can decide")
    confirm = {
        "title": {"type": "plain_text", "text": "Approve this action?"},
        "text": {"type": "plain_text", "text": plain(action.get("summary") or kind, limit=280)},
        "confirm": {"type": "plain_text", "text": "Approve"},
        "deny": {"type": "plain_text", "text": "Cancel"},
    }
    return [
        section("\n".join(lines)[:SECTION_TEXT_LIMIT]),
        {
            "type": "actions",
            "block_id": f"pa:{action_id}"[:255],
            "elements": [
                button("Approve", APPROVE, action_id, style="primary", confirm=confirm),
                button("Reject", REJECT, action_id, style="danger"),
            ],
        },
    ]


def decision_block(action_id: str, *, outcome: str, user_id: str, detail: str) -> Block:
    """What replaces the Approve/Reject buttons once an approver decided."""
    icon = {"executed": ":white_check_mark:", "approved": ":white_check_mark:", "rejected": ":x:"}.get(outcome, ":warning:")
    return {
        "type": "context",
        "block_id": f"pa:{action_id}"[:255],
        "elements": [{"type": "mrkdwn", "text": f"{icon} {safe(outcome)} by {user_mention(user_id)} — {safe(detail, limit=1500)}"}],
    }


def replace_block(blocks: Iterable[Block], block_id: str, new: Block) -> list[Block]:
    """``blocks`` with the block whose id is ``block_id`` replaced by ``new``."""
    return [new if b.get("block_id") == block_id else b for b in blocks]


# --- the whole turn ---------------------------------------------------------------------------


def render_turn(turn: Any) -> RenderedTurn:
    """Render a ``Turn``: reply text, results (creator lists, profiles, summaries), error,
    and pending actions with their buttons."""
    reply = str(getattr(turn, "reply", "") or "")
    results = list(getattr(turn, "results", None) or [])
    if any((r.get("kind") if isinstance(r, Mapping) else getattr(r, "kind", None)) == "creator_list" for r in results):
        # The creator blocks below show the list (with buttons); drop the reply's text copy of it.
        from agent.planner.reply import split_listing

        before, after = split_listing(reply)
        reply = "\n".join(part for part in (before, after) if part.strip())
    body: list[Group] = text_groups(reply) if reply.strip() else []
    for result in getattr(turn, "results", None) or []:
        data = result if isinstance(result, Mapping) else result.model_dump(mode="json")
        # With a reply, the structured blocks add the details and buttons; the results'
        # one-line summaries would repeat what the reply says.
        body.extend(result_groups(data, with_summary=not reply.strip()))
    if getattr(turn, "error", None):
        body.append(error_group(str(turn.error)))
    actions = [pending_action_group(a) for a in getattr(turn, "pending_actions", None) or [] if isinstance(a, Mapping)]
    if not body and not actions:
        body = [[section("Done.")]]
    fallback = safe(reply, limit=FALLBACK_TEXT_LIMIT) or "kolpilot's answer"
    return RenderedTurn(body=body, actions=actions, fallback=fallback)


def _size(block: Block) -> int:
    return len(json.dumps(block, ensure_ascii=False))


def pack(groups: list[Group], fallback: str) -> list[SlackMessage]:
    """Pack groups into messages of ≤ 50 blocks and ≤ the character budget each."""
    messages: list[SlackMessage] = []
    current: list[Block] = []
    size = 0
    for group in groups:
        gsize = sum(_size(b) for b in group)
        if current and (len(current) + len(group) > MAX_BLOCKS or size + gsize > MESSAGE_BUDGET):
            messages.append(SlackMessage(text="", blocks=current))
            current, size = [], 0
        current.extend(group)
        size += gsize
    if current:
        messages.append(SlackMessage(text="", blocks=current))
    for i, m in enumerate(messages):
        m.text = fallback if i == 0 else f"{fallback[:200]} (continued {i + 1}/{len(messages)})"
    return messages


def turn_as_text(turn: Any) -> str:
    """The whole answer as plain text, for a file upload when it is too long for messages."""
    out = [str(getattr(turn, "reply", "") or "")]
    for result in getattr(turn, "results", None) or []:
        data = result if isinstance(result, Mapping) else result.model_dump(mode="json")
        out.append("")
        out.append(str(data.get("summary") or data.get("kind") or ""))
        for item in data.get("items") or []:
            if isinstance(item, Mapping):
                er = item.get("engagement_rate")
                out.append(
                    f"- @{str(item.get('handle') or '').lstrip('@')} ({item.get('platform') or '?'}) "
                    f"{item.get('display_name') or ''} · {fmt_count(item.get('followers'))} followers"
                    + (f" · {item_er(item)}" if isinstance(er, int | float) else "")
                    + "".join(f" · {item[k]}" for k in ("growth", "activity", "credibility_text") if item.get(k))
                    + (f" · {item.get('profile_url')}" if item.get("profile_url") else "")
                )
        if data.get("bio"):
            out.append("Bio (creator's own words, unverified): " + str(data["bio"]))
    if getattr(turn, "error", None):
        out.append(f"\nError: {turn.error}")
    return "\n".join(out).strip() + "\n"


def inbox_notice_blocks(outcome: Any) -> tuple[str, list[Block]]:
    """A reply, auto-reply or bounce read from the inbox (``tools.inbox.process.InboxOutcome``):
    who, which campaign, what happened, the reply's gist (the creator's own words, quoted and
    defanged), and Accept (approves the pending counter) / Open buttons."""
    handle = str(getattr(outcome, "handle", "") or "")
    campaign = getattr(outcome, "campaign", None)
    status = getattr(outcome, "status", "")
    head = {
        "reply": f":incoming_envelope: *{safe(handle)}* replied" + (f" in *{safe(campaign)}*" if campaign else "")
        + f" ({safe(getattr(outcome, 'reply_kind', '') or 'reply')}, stage {safe(getattr(outcome, 'stage', '') or '?')})",
        "auto_reply": f":palm_tree: *{safe(handle)}* is away: follow-ups paused",
        "bounce": f":no_entry: Email to *{safe(handle)}* bounced: address marked do-not-contact, sequence stopped",
        "soft_bounce": f":warning: Email to *{safe(handle)}* delayed (soft bounce): nothing changed",
    }.get(status, f"*{safe(handle)}*: {safe(status)}")
    lines = [head]
    if getattr(outcome, "gist", None):
        lines.append(quote_block(outcome.gist, limit=600) if status == "reply" else safe(outcome.gist, limit=600))
    if getattr(outcome, "counter", None):
        lines.append(f"*Counter-offer:* {safe(outcome.counter)} — proposed, nothing changes until it is accepted")
    blocks: list[Block] = [section("\n".join(lines)[:SECTION_TEXT_LIMIT])]
    buttons = []
    action_id = getattr(outcome, "action_id", None)
    if action_id:
        buttons.append(button("Accept", APPROVE, str(action_id), style="primary"))
    if status == "reply" and handle:
        buttons.append(button("Open", OPEN_REPLY, handle.lstrip("@")))
    if buttons:
        blocks.append({"type": "actions", "block_id": f"inbox:{getattr(outcome, 'key', '')}"[:255], "elements": buttons})
    text = plain(" ".join(head.replace("*", "").split()), limit=FALLBACK_TEXT_LIMIT)
    return text, blocks
