"""Reviewing drafts and asking an approver to send them.

``approve_outreach`` is the only outreach tool of the commit tier, and it does not send:
it drafts the missing follow-ups, then creates ONE pending action of kind
``send_outreach`` listing the chosen messages with a fingerprint of their text. Nothing is
scheduled until an approver confirms it (``tools.approvals.decide``), and a draft edited
after the request is skipped at execution.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import Field

from memory.db import session_scope
from memory.models import Collaboration, Creator, OutreachMessage
from memory.models.common import MessageStatus
from memory.repo import actions as actions_repo
from memory.repo import crm
from memory.repo import outreach as repo
from tools.approvals import describe
from tools.base import CampaignName, Id, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common as crm_common
from tools.outreach import common
from tools.outreach.common import MessageView
from tools.outreach.sequences import ensure_followups, followup_days

StatusFilter = Literal["all", "draft", "scheduled", "sent", "failed", "cancelled", "received"]


class ReviewDraftsInput(ToolInput):
    """List a campaign's outreach messages (drafts by default, or any status) for review."""

    campaign: CampaignName | None = Field(None, description="Campaign name; default: the campaign last discussed")
    status: StatusFilter = Field("all", description="Only messages with this status; 'all' for every status")
    handles: list[str] = Field(default_factory=list, description="Only these creators")
    limit: int = Field(50, ge=1, le=500, description="Rows to show")
    full_text: bool = Field(False, description="Show whole bodies instead of the first 400 characters")


class ReviewDraftsResult(ToolResult):
    kind: str = "outreach_review"
    campaign: str
    counts: dict[str, int] = Field(description="Messages by status")
    messages: list[MessageView]
    failed: list[dict[str, str]] = Field(default_factory=list, description="Messages that could not be sent, with the reason")
    followup_days: list[int] = Field(default_factory=list)


@tool(ToolTier.read, progress="Collecting drafts…")
def review_drafts(ctx: ToolContext, args: ReviewDraftsInput) -> ReviewDraftsResult:
    """Show a campaign's outreach: drafts to review (subject, body, the post each one cites),
    scheduled and sent messages, follow-ups, replies, and failures with their reason."""
    camp_name = common.campaign_name(ctx, args.campaign)
    with session_scope(ctx.sessions) as s:
        camp = crm_common.campaign(s, ctx, camp_name)
        creator_ids = None
        if args.handles:
            creator_ids = []
            for h in args.handles:
                try:
                    creator_ids.append(crm.creator_by_handle(s, workspace_id=ctx.workspace_id, handle=h)[0].id)
                except LookupError as exc:
                    raise ToolError(str(exc)) from None
        everything = repo.messages_for_campaign(s, workspace_id=ctx.workspace_id, campaign_id=camp.id,
                                                creator_ids=creator_ids, direction=None)
        counts = dict(Counter(m.status for m in everything))
        chosen = [m for m in everything if args.status == "all" or m.status == args.status]
        handles: dict[int, str] = {}
        rows: list[MessageView] = []
        for m in chosen[: args.limit]:
            if m.creator_id not in handles:
                collab = s.get(Collaboration, m.collaboration_id) if m.collaboration_id else None
                handles[m.creator_id] = common.handle_of(s, m.creator_id, collab.account_id if collab else None)
            rows.append(common.view(m, handle=handles[m.creator_id], campaign=camp.name,
                                    posts=common.posts_by_ids(s, common.post_ids_of(m)),
                                    body_chars=None if args.full_text else 400))
        failed = [{"message_id": str(m.id), "handle": handles.get(m.creator_id) or common.handle_of(s, m.creator_id),
                   "reason": m.last_error or "unknown"} for m in everything if m.status == MessageStatus.failed.value]
        days = followup_days(camp)
    ctx.memory.last_campaign = camp.name
    ctx.memory.last_handles = list(dict.fromkeys(r.handle for r in rows))
    parts = [f"{camp.name}: " + (", ".join(f"{n} {st}" for st, n in sorted(counts.items())) or "no outreach yet")]
    if len(chosen) > len(rows):
        parts.append(f"showing {len(rows)} of {len(chosen)}")
    if failed:
        parts.append(f"{len(failed)} failed to send: " + "; ".join(f"{f['handle']} ({f['reason'][:80]})" for f in failed[:3]))
    if counts.get(MessageStatus.draft.value):
        parts.append("an unsubscribe line is added to each email when it is sent")
    return ReviewDraftsResult(summary="; ".join(parts) + ".", campaign=camp.name, counts=counts, messages=rows,
                              failed=failed, followup_days=days)


class ApproveOutreachInput(ToolInput):
    """Ask an approver to send drafted outreach emails (and their follow-up sequence). Creates one
    pending action; nothing is sent until an approver confirms it."""

    campaign: CampaignName | None = Field(None, description="Campaign name; default: the campaign last discussed")
    handles: list[str] = Field(default_factory=list, description="Send the drafts of these creators")
    all: bool = Field(False, description="Send every email draft of the campaign")
    message_ids: list[Id] = Field(default_factory=list, max_length=500, description="Send these draft ids")
    include_followups: bool = Field(True, description="Also send the follow-ups (campaign followup_days) unless the creator replies")


class ApproveOutreachResult(ToolResult):
    kind: str = "outreach_approval"
    campaign: str
    first_messages: int
    followups: int
    handles: list[str]
    skipped: list[dict[str, str]] = Field(default_factory=list, description="handle and why it is not included")
    pending_actions: list[dict] = Field(default_factory=list)


@tool(ToolTier.commit, progress="Preparing the send for approval…")
def approve_outreach(ctx: ToolContext, args: ApproveOutreachInput) -> ApproveOutreachResult:
    """Request sending of outreach drafts (chosen by handles, message ids, or all of a campaign's
    email drafts), with their follow-ups. Drafts missing follow-ups get them drafted first. Creators
    on the do-not-contact list and drafts without an email address are skipped. Creates ONE pending
    action for an approver; it does not send anything."""
    if not (args.handles or args.all or args.message_ids):
        raise ToolError("which drafts? give handles, message_ids, or all=true")
    camp_name = common.campaign_name(ctx, args.campaign)
    skipped: list[dict[str, str]] = []
    firsts: list[int] = []
    explicit_followups: list[int] = []
    with session_scope(ctx.sessions) as s:
        camp = crm_common.campaign(s, ctx, camp_name)
        drafts = repo.messages_for_campaign(s, workspace_id=ctx.workspace_id, campaign_id=camp.id,
                                            statuses=[MessageStatus.draft.value])
        wanted: list[OutreachMessage] = []
        if args.all:
            wanted += [m for m in drafts if m.step == 0]
        for h in args.handles:
            try:
                person, acc = crm.creator_by_handle(s, workspace_id=ctx.workspace_id, handle=h)
            except LookupError as exc:
                skipped.append({"handle": h, "reason": str(exc)})
                continue
            mine = [m for m in drafts if m.creator_id == person.id and m.step == 0]
            if not mine:
                skipped.append({"handle": "@" + acc.handle, "reason": f"no draft in {camp.name} (draft_outreach first)"})
            wanted += mine
        for mid in args.message_ids:
            m = repo.get_message(s, workspace_id=ctx.workspace_id, message_id=mid)
            if m is None or m.campaign_id != camp.id or m.direction != "out":
                skipped.append({"handle": f"#{mid}", "reason": f"no such message in {camp.name}"})
            elif m.status != MessageStatus.draft.value:
                skipped.append({"handle": f"#{mid}", "reason": f"already {m.status}"})
            else:
                wanted.append(m)
        seen: set[int] = set()
        for m in wanted:
            if m.id in seen:
                continue
            seen.add(m.id)
            person = s.get(Creator, m.creator_id)
            label = common.handle_of(s, m.creator_id)
            reason = repo.dnc_reason(s, workspace_id=ctx.workspace_id, creator=person, email=m.to_address)  # type: ignore[arg-type]
            if reason:
                skipped.append({"handle": label, "reason": f"do not contact: {reason}"})
            elif m.channel != "email":
                skipped.append({"handle": label, "reason": "DMs are not sent automatically; copy the text from review_drafts"})
            elif not (person.email or m.to_address):  # type: ignore[union-attr]
                skipped.append({"handle": label, "reason": "no email address on record"})
            elif m.step == 0:
                firsts.append(m.id)
            else:
                explicit_followups.append(m.id)
    if not firsts and not explicit_followups:
        why = "; ".join(f"{x['handle']}: {x['reason']}" for x in skipped[:5])
        raise ToolError("nothing to send" + (f" — {why}" if why else f": {camp.name} has no email drafts"))
    notes: list[str] = []
    if args.include_followups and firsts:
        ctx.progress("Drafting follow-ups…")
        _, notes = ensure_followups(ctx, firsts, concurrency=ctx.settings.outreach_concurrency)
    with crm_common.changes(ctx, "approve_outreach") as cs:
        s = cs.session
        rows = [repo.get_message(s, workspace_id=ctx.workspace_id, message_id=i) for i in firsts + explicit_followups]
        followups: list[OutreachMessage] = []
        if args.include_followups and firsts:
            creators = {r.creator_id for r in rows if r is not None and r.step == 0}
            followups = [m for m in repo.messages_for_campaign(s, workspace_id=ctx.workspace_id, campaign_id=camp.id,
                                                               statuses=[MessageStatus.draft.value], creator_ids=creators)
                         if m.step > 0 and m.id not in explicit_followups]
        chosen = [r for r in rows if r is not None] + followups
        for r in chosen:
            if not r.to_address and r.channel == "email":
                person = s.get(Creator, r.creator_id)
                cs.update(r, to_address=person.email if person else None)
        handles = list(dict.fromkeys(common.handle_of(s, r.creator_id) for r in chosen if r.step == 0))
        n_first = sum(1 for r in chosen if r.step == 0)
        n_follow = len(chosen) - n_first
        days = followup_days(camp)
        who = ", ".join(handles[:8]) + (f" and {len(handles) - 8} more" if len(handles) > 8 else "")
        summary = (f"Send {n_first} outreach email(s) for {camp.name}" + (f" to {who}" if who else "")
                   + (f", plus {n_follow} follow-up(s) after {', '.join(map(str, days))} days unless they reply" if n_follow else "")
                   + (f"; {len(skipped)} skipped" if skipped else "") + ".")
        action = actions_repo.create(
            s, workspace_id=ctx.workspace_id, kind="send_outreach", summary=summary[:1000],
            payload={"campaign_id": camp.id, "campaign": camp.name,
                     "messages": [{"id": r.id, "hash": common.content_hash(r), "step": r.step} for r in chosen]},
            requested_by=ctx.user_id, conversation_id=ctx.conversation_id,
        )
        cs.track_created(action)
        pending = [describe(action)]
        action_id = action.id
    ctx.memory.last_campaign = camp.name
    text = (f"{summary[:-1]} — waiting for an approver (action {action_id[:8]}). Nothing is sent before that."
            + (" Skipped: " + "; ".join(f"{x['handle']} ({x['reason']})" for x in skipped[:5]) + "." if skipped else "")
            + (" " + " ".join(notes[:3]) if notes else ""))
    return ApproveOutreachResult(summary=text, campaign=camp.name, first_messages=n_first, followups=n_follow,
                                 handles=handles, skipped=skipped, pending_actions=pending, pending_action_ids=[action_id])
