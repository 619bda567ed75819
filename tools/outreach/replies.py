"""Replies from creators: logged as inbound messages; they stop the follow-up sequence and move
the collaboration through the CRM (negotiating, or declined; an unsubscribe also lists the
creator as do-not-contact). An amount in the reply is logged as the creator's counter-offer
with the CRM's own ``log_negotiation``."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import Field

from memory.domain.deliverables import describe_deliverables, parse_deliverables
from memory.domain.money import Money, MoneyError, MoneyInput, find_all_money
from memory.models import Campaign, Collaboration, Creator, OutreachMessage
from memory.models.common import MessageStatus, Stage
from memory.repo.changes import ChangeSet
from tools.base import CampaignName, Handle, ToolContext, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common as crm_common
from tools.crm.negotiation import LogNegotiationInput, log_negotiation
from tools.outreach.dnc import add_to_dnc, cancel_unsent

ReplyKind = Literal["interested", "question", "counter", "declined", "unsubscribe"]

_UNSUBSCRIBE = re.compile(
    r"\b(unsubscribe|opt[- ]?out|remove me|stop (e-?mailing|contacting|writing|messaging)|do not (contact|e-?mail)|"
    r"don'?t (contact|e-?mail|write)|désabonn|desabonn|désinscri|ne (plus )?(me )?(contactez|contacter|écrivez|écrire) plus|"
    r"abmelden|austragen|keine (weiteren )?(e-?mails|nachrichten)|dar(me)? de baja|no me (escriban|contacten))",
    re.IGNORECASE)
_DECLINE = re.compile(
    r"(not interested|no,? thanks\b(?!\s+(?:needed|necessary|required))|no thank you|not a (good )?fit|we'?ll pass|i'?ll pass|have to pass|must decline|"
    r"pas intéress|non merci|kein interesse|nein,? danke|no me interesa|no,? gracias)", re.IGNORECASE)
def classify(text: str) -> ReplyKind:
    """unsubscribe > declined > counter (an amount) > question > interested."""
    if _UNSUBSCRIBE.search(text):
        return "unsubscribe"
    if _DECLINE.search(text):
        return "declined"
    if find_amount(text):
        return "counter"
    if "?" in text:
        return "question"
    return "interested"


_ASKING = re.compile(r"\b(for|rate|fee|charge|price|quote|would be|do it|asking|want|cost|offer|budget)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(last|previous|paid me|used to|before|other brands?|another brand)\b", re.IGNORECASE)


def find_amount(text: str) -> Money | None:
    """The amount the creator asks for ("$2,500", "1.5k EUR"), else None. With several amounts, the
    one introduced as their price ("I'd do it for …") beats one about the past ("last brand paid me
    …"); otherwise the first."""
    try:
        found = find_all_money(text)
    except MoneyError:
        return None
    if len(found) <= 1:
        return found[0][0] if found else None

    def score(item: tuple[Money, int]) -> int:
        before = text[max(0, item[1] - 20):item[1]]
        return (1 if _ASKING.search(before) else 0) - (2 if _PAST.search(before) else 0)

    return max(found, key=score)[0]  # ties: the first one


def find_deliverables(text: str) -> str | None:
    """'1 reel + 3 stories' from the reply, if it names deliverables (memory.domain.deliverables)."""
    return describe_deliverables(parse_deliverables(text)) or None


def apply_reply(cs: ChangeSet, *, collab: Collaboration, campaign: Campaign, creator: Creator, kind: ReplyKind, text: str,
                channel: str = "email", subject: str | None = None, message_id: str | None = None,
                received_at: datetime | None = None) -> tuple[int, bool]:
    """The effects of a reply, in ``cs``'s transaction: the inbound message stored (untrusted data,
    full text), the follow-ups stopped, the stage moved (negotiating; declined on a clear no or an
    unsubscribe, which also lists the creator as do-not-contact). Returns (cancelled, do-not-contact)."""
    ws = cs.workspace_id
    msg = OutreachMessage(workspace_id=ws, campaign_id=campaign.id, creator_id=creator.id, collaboration_id=collab.id,
                          direction="in", channel=channel, step=0, subject=subject, body=text, message_id=message_id,
                          status=MessageStatus.received.value, created_by=cs.actor)
    if received_at is not None:
        msg.created_at = received_at
    cs.add(msg)
    cancelled = cancel_unsent(cs, workspace_id=ws, creator_id=creator.id, campaign_id=campaign.id, reason="the creator replied")
    cancelled += cancel_unsent(cs, workspace_id=ws, creator_id=creator.id, campaign_id=campaign.id,
                               reason="the creator replied", min_step=1, include_drafts=True)
    dnc = False
    # Once a deal is agreed, words in an e-mail (whose From: anyone can fake) never undo it: the reply
    # is stored and reported, the marketer decides.
    settled = crm_common.stage_rank(collab.stage) >= crm_common.stage_rank(Stage.agreed) and collab.stage not in (
        Stage.on_hold.value, Stage.declined.value)
    if kind == "unsubscribe":
        cancelled += add_to_dnc(cs, workspace_id=ws, creator=creator, email=creator.email, reason="unsubscribed by reply")
        dnc = True
        if collab.stage != Stage.declined.value and not settled:
            crm_common.move(cs, collab, Stage.declined, note="unsubscribed", soft=True)
    elif kind == "declined":
        if collab.stage != Stage.declined.value and not settled:
            crm_common.move(cs, collab, Stage.declined, note="declined by reply", soft=True)
    elif crm_common.stage_rank(collab.stage) < crm_common.stage_rank(Stage.negotiating) or collab.stage in (
            Stage.on_hold.value, Stage.declined.value):
        crm_common.move(cs, collab, Stage.negotiating, note="creator replied", soft=True)
    return cancelled, dnc


class LogReplyInput(ToolInput):
    """Record a creator's reply to outreach; stops the follow-ups and updates the pipeline."""

    handle: Handle = Field(description="Creator handle, e.g. '@skin.by.sam'")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    text: str = Field(description="What the creator replied (quote or summary)", min_length=1, max_length=20_000)
    kind: ReplyKind | None = Field(None, description="interested, question, counter (names a price), declined, unsubscribe; default: detected from the text")
    channel: Literal["email", "dm"] = Field("email", description="Where the reply came in")


class LogReplyResult(ToolResult):
    kind: str = "outreach_reply"
    handle: str
    campaign: str
    reply_kind: str
    stage: str
    cancelled_followups: int
    counter_amount: str | None = None
    do_not_contact: bool = False
    negotiation: str | None = None


@tool(ToolTier.draft, progress="Logging the reply…")
def log_reply(ctx: ToolContext, args: LogReplyInput) -> LogReplyResult:
    """Log a creator's reply ("@skin.by.sam replied, they want $2,500 for a reel"): stored as an
    inbound message, scheduled follow-ups cancelled, collaboration moved to negotiating (a price in
    the reply is logged as their counter-offer), or to declined; "unsubscribe" also adds them to
    the do-not-contact list."""
    kind = args.kind or classify(args.text)
    amount = find_amount(args.text) if kind in ("counter", "interested", "question") else None
    if amount and kind != "counter":
        kind = "counter"
    with crm_common.changes(ctx, f"log_reply ({kind})") as cs:
        s = cs.session
        collab, camp, person = crm_common.collaboration(s, ctx, args.handle, args.campaign)
        cancelled, dnc = apply_reply(cs, collab=collab, campaign=camp, creator=person, kind=kind, text=args.text,
                                     channel=args.channel)
        handle = "@" + args.handle.lstrip("@").lower()
        camp_name, collab_id, stage = camp.name, collab.id, collab.stage
    negotiation = None
    if amount:
        neg = log_negotiation(ctx, LogNegotiationInput(
            handle=handle, campaign=camp_name, kind="counter", party="creator", amount=MoneyInput.of(amount),
            deliverables=find_deliverables(args.text), note="from the creator's reply"))
        negotiation, stage = neg.summary, neg.stage
    else:
        crm_common.reindex(ctx, collaboration_ids=[collab_id])
    ctx.memory.last_campaign, ctx.memory.last_collaboration_id, ctx.memory.last_handles = camp_name, collab_id, [handle]
    bits = [f"Logged {handle}'s reply in {camp_name} ({kind})"]
    if cancelled:
        bits.append(f"{cancelled} pending follow-up(s) cancelled")
    if amount:
        bits.append(f"counter-offer of {amount.format()} logged")
    if dnc:
        bits.append("added to do-not-contact")
    bits.append(f"stage: {stage}")
    return LogReplyResult(summary="; ".join(bits) + ".", handle=handle, campaign=camp_name, reply_kind=kind, stage=stage,
                          cancelled_followups=cancelled, counter_amount=amount.format() if amount else None, do_not_contact=dnc, negotiation=negotiation)


class StopOutreachInput(ToolInput):
    """Stop sending to a creator: cancel their scheduled messages and follow-ups."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Only in this campaign; default: every campaign")
    reason: str = Field("stopped by the team", description="Why, recorded on the cancelled messages")


class StopOutreachResult(ToolResult):
    kind: str = "outreach_stopped"
    handle: str
    cancelled: int


@tool(ToolTier.draft, progress="Stopping the sequence…")
def stop_outreach(ctx: ToolContext, args: StopOutreachInput) -> StopOutreachResult:
    """Cancel a creator's scheduled outreach and follow-ups (in one campaign or all). Sent messages stay as they are."""
    with crm_common.changes(ctx, "stop_outreach") as cs:
        person = crm_common.creator(cs.session, ctx, args.handle)
        camp = crm_common.campaign(cs.session, ctx, args.campaign) if args.campaign else None
        n = cancel_unsent(cs, workspace_id=ctx.workspace_id, creator_id=person.id, campaign_id=camp.id if camp else None,
                          reason=args.reason)
        n += cancel_unsent(cs, workspace_id=ctx.workspace_id, creator_id=person.id, campaign_id=camp.id if camp else None,
                           reason=args.reason, min_step=1, include_drafts=True)
    handle = "@" + args.handle.lstrip("@").lower()
    return StopOutreachResult(summary=f"Stopped outreach to {handle}: {n} message(s) cancelled.", handle=handle, cancelled=n)
