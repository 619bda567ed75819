"""Drafting one outreach message, and editing a draft in conversation.

Drafts are rows of ``outreach_message`` with status ``draft``. Drafting never sends and
never creates a pending action: sending is ``approve_outreach`` + a human approver.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlmodel import Session, SQLModel

from memory.db import session_scope
from memory.models import Account, AuditLog, Campaign, Collaboration, Creator, OutreachMessage
from memory.models.common import MessageStatus, utcnow
from memory.repo import crm
from memory.repo import outreach as repo
from memory.repo.changes import ChangeSet
from tools.base import CampaignName, Handle, Id, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common as crm_common
from tools.outreach import common
from tools.outreach.common import DraftRequest, MessageView
from tools.outreach.llm_writer import ModelWriter, writer_for
from tools.outreach.offline_writer import EditInstruction, parse_instruction
from tools.outreach.text import DraftOut, references_post

Channel = Literal["email", "dm"]


class DraftResult(ToolResult):
    kind: str = "outreach_draft"
    message: MessageView
    writer: str = Field(description="model or offline")
    notes: list[str] = Field(default_factory=list, description="Warnings: do-not-contact, model fallback, ...")
    added_to_campaign: bool = False


def creator_and_account(s: Session, ctx: ToolContext, handle: str) -> tuple[Creator, Account]:
    try:
        return crm.creator_by_handle(s, workspace_id=ctx.workspace_id, handle=handle)
    except LookupError as exc:
        raise ToolError(str(exc)) from None


def store_draft(cs: ChangeSet, ctx: ToolContext, req: DraftRequest, out: DraftOut, *, step: int = 0,
                replace: OutreachMessage | None = None) -> tuple[OutreachMessage, bool]:
    """Write a draft (creating the collaboration as a prospect if needed). Returns (message, added_to_campaign)."""
    s = cs.session
    added = False
    collab = s.get(Collaboration, req.collaboration_id) if req.collaboration_id else None
    if collab is None:
        collab = crm.get_collaboration(s, workspace_id=ctx.workspace_id, campaign_id=req.campaign_id, creator_id=req.creator_id)
    if collab is None:
        camp = s.get(Campaign, req.campaign_id)
        collab = Collaboration(workspace_id=ctx.workspace_id, campaign_id=req.campaign_id, creator_id=req.creator_id,
                               account_id=req.account_id, currency=camp.currency if camp else "USD")
        cs.add(collab)
        added = True
    values = {"subject": out.subject, "body": out.body, "source_post_ids": ",".join(map(str, out.post_ids))[:200],
              "channel": req.channel, "to_address": req.email if req.channel == "email" else None}
    if replace is not None:
        cs.update(replace, **values, updated_at=utcnow())
        return replace, added
    m = OutreachMessage(workspace_id=ctx.workspace_id, campaign_id=req.campaign_id, creator_id=req.creator_id,
                        collaboration_id=collab.id, direction="out", step=step, status=MessageStatus.draft.value,
                        created_by=ctx.user_id, **values)
    cs.add(m)
    return m, added


def _columns(obj: SQLModel) -> dict:
    from datetime import date, datetime

    from sqlalchemy import inspect as sa_inspect

    out = {}
    for c in sa_inspect(type(obj)).column_attrs:
        v = getattr(obj, c.key)
        out[c.key] = v.isoformat() if isinstance(v, date | datetime) else v
    return out


def add_all_audited(cs: ChangeSet, objs: list[SQLModel]) -> None:
    """``ChangeSet.add`` for many rows with one flush for the rows and one for their audit
    entries (same operation id, so undo reverts them together) — bulk drafting stores
    hundreds of drafts, and a flush per row would make the database the bottleneck."""
    if not objs:
        return
    cs.session.add_all(objs)
    cs.session.flush()
    entries = [AuditLog(workspace_id=cs.workspace_id, actor=cs.actor, conversation_id=cs.conversation_id, action="create",
                        entity=type(o).__tablename__, entity_id=str(o.id), before=None, after=_columns(o),
                        op_id=cs.op_id, op_label=cs.label) for o in objs]
    cs.session.add_all(entries)
    cs.session.flush()
    cs.entries.extend(entries)


def store_drafts(cs: ChangeSet, ctx: ToolContext, items: list[tuple[DraftRequest, DraftOut]]) -> list[tuple[OutreachMessage, bool]]:
    """``store_draft`` for a batch of first messages (new drafts only), with batched writes."""
    from sqlmodel import select

    s = cs.session
    collabs: dict[int, Collaboration] = {}
    new_collabs = []
    currency = {}
    existing: dict[tuple[int, int], Collaboration] = {}
    for camp_id in {req.campaign_id for req, _ in items}:
        ids = [req.creator_id for req, _ in items if req.campaign_id == camp_id]
        for c in s.exec(select(Collaboration).where(Collaboration.workspace_id == ctx.workspace_id,
                                                    Collaboration.campaign_id == camp_id,
                                                    Collaboration.creator_id.in_(ids))):  # type: ignore[attr-defined]
            existing[(camp_id, c.creator_id)] = c
    for req, _ in items:
        collab = existing.get((req.campaign_id, req.creator_id))
        if collab is None:
            if req.campaign_id not in currency:
                camp = s.get(Campaign, req.campaign_id)
                currency[req.campaign_id] = camp.currency if camp else "USD"
            collab = Collaboration(workspace_id=ctx.workspace_id, campaign_id=req.campaign_id, creator_id=req.creator_id,
                                   account_id=req.account_id, currency=currency[req.campaign_id])
            new_collabs.append(collab)
        collabs[req.creator_id] = collab
    add_all_audited(cs, new_collabs)
    created = {id(c) for c in new_collabs}
    msgs = [OutreachMessage(workspace_id=ctx.workspace_id, campaign_id=req.campaign_id, creator_id=req.creator_id,
                            collaboration_id=collabs[req.creator_id].id, direction="out", step=0,
                            status=MessageStatus.draft.value, created_by=ctx.user_id, subject=out.subject, body=out.body,
                            source_post_ids=",".join(map(str, out.post_ids))[:200], channel=req.channel,
                            to_address=req.email if req.channel == "email" else None) for req, out in items]
    add_all_audited(cs, msgs)
    return [(m, id(collabs[req.creator_id]) in created) for m, (req, _) in zip(msgs, items, strict=True)]


def dnc_note(req: DraftRequest) -> list[str]:
    if req.dnc_reason:
        return [f"warning: @{req.handle} must not be contacted ({req.dnc_reason}); this draft will be skipped at approval"]
    return []


def email_note(req: DraftRequest) -> list[str]:
    if req.channel == "email" and not req.email:
        return [f"@{req.handle} has no email address on record: this draft can't be sent by email"]
    return []


class DraftOutreachInput(ToolInput):
    """Draft a personalised first outreach message to one creator for a campaign, citing one of
    their real recent posts. Creates a draft only; nothing is sent."""

    handle: Handle = Field(description="Creator handle, e.g. '@skin.by.sam'")
    campaign: CampaignName | None = Field(None, description="Campaign name; default: the campaign last discussed")
    channel: Channel = Field("email", description="email (subject + body) or dm (short direct-message text)")
    language: str | None = Field(None, description="ISO 639-1 language override; default: the campaign's language")
    tone: str | None = Field(None, description="Tone override, e.g. 'formal' or 'casual'; default: the campaign's tone")
    post_url: str | None = Field(None, description="Cite this post of the creator (its URL); default: the most relevant recent post")
    redraft: bool = Field(False, description="Replace the creator's existing draft in this campaign instead of keeping it")


@tool(ToolTier.draft, progress="Drafting outreach…")
def draft_outreach(ctx: ToolContext, args: DraftOutreachInput) -> DraftResult:
    """Draft the first outreach email (or DM) to a creator for a campaign, in the campaign's language
    and tone, referring to a specific recent post of theirs (never an invented one). Adds the creator
    to the campaign as a prospect if needed. Review with review_drafts, change with edit_draft, send
    with approve_outreach (an approver must confirm)."""
    camp_name = common.campaign_name(ctx, args.campaign)
    with session_scope(ctx.sessions) as s:
        camp = crm_common.campaign(s, ctx, camp_name)
        person, acc = creator_and_account(s, ctx, args.handle)
        existing = repo.first_message(s, workspace_id=ctx.workspace_id, campaign_id=camp.id, creator_id=person.id)
        if existing is not None and existing.status != MessageStatus.draft.value:
            raise ToolError(f"@{acc.handle} already has a {existing.status} first message in {camp.name} "
                            f"(#{existing.id}); follow-ups are handled by the sequence")
        req = common.build_request(s, ctx, creator=person, account=acc, campaign=camp, channel=args.channel,
                                   language=args.language, tone=args.tone)
        if existing is not None and not args.redraft:
            ctx.memory.last_campaign, ctx.memory.last_handles = camp.name, ["@" + acc.handle]
            return DraftResult(
                summary=f"@{acc.handle} already has a draft in {camp.name} (#{existing.id}); edit it with edit_draft "
                        "or pass redraft=true for a new one.",
                message=common.view(existing, handle="@" + acc.handle, campaign=camp.name, posts=req.posts),
                writer="existing", notes=dnc_note(req))
    if args.post_url:
        chosen = [p for p in req.posts if p.url.rstrip("/") == args.post_url.strip().rstrip("/")]
        if not chosen:
            raise ToolError(f"{args.post_url} is not one of @{req.handle}'s recent posts on record")
        req.posts = chosen
    out = writer_for(ctx.settings).draft(req)
    with crm_common.changes(ctx, "draft_outreach") as cs:
        replace = None
        if existing is not None:
            replace = repo.get_message(cs.session, workspace_id=ctx.workspace_id, message_id=existing.id)
            if replace is None or replace.status != MessageStatus.draft.value:
                raise ToolError("the draft changed meanwhile (approved or deleted); nothing was written")
        m, added = store_draft(cs, ctx, req, out, replace=replace)
        result_view = common.view(m, handle="@" + req.handle, campaign=req.campaign_name, posts=req.posts)
        collab_id = m.collaboration_id
    if added:
        crm_common.reindex(ctx, collaboration_ids=[collab_id])
    ctx.memory.last_campaign, ctx.memory.last_handles = req.campaign_name, ["@" + req.handle]
    ctx.memory.last_collaboration_id = collab_id
    notes = dnc_note(req) + email_note(req) + out.notes
    cited = result_view.posts[0] if result_view.posts else None
    summary = (f"Drafted a {'DM' if req.channel == 'dm' else 'email'} to @{req.handle} for {req.campaign_name}"
               + (f", citing their {cited.posted_at} post" if cited else "") + f" (draft #{m.id}, {out.writer} writer)."
               + (" Added them to the campaign as a prospect." if added else "")
               + (" " + " ".join(n[0].upper() + n[1:] + "." for n in notes) if notes else ""))
    return DraftResult(summary=summary, message=result_view, writer=out.writer, notes=notes, added_to_campaign=added)


class EditDraftInput(ToolInput):
    """Change a draft: by instruction ("make it shorter", "more formal", "mention the 20% code",
    "change the subject to …") or by giving the new subject/body text."""

    handle: Handle | None = Field(None, description="Creator handle whose draft to edit (or give message_id)")
    message_id: Id | None = Field(None, description="Draft id (from draft_outreach / review_drafts)")
    campaign: CampaignName | None = Field(None, description="Campaign name, if the creator has drafts in several campaigns")
    instruction: str | None = Field(None, description="What to change, in the marketer's words")
    new_subject: str | None = Field(None, description="Replace the subject with exactly this text")
    new_body: str | None = Field(None, description="Replace the body with exactly this text")


def _find_draft(s: Session, ctx: ToolContext, args: EditDraftInput) -> OutreachMessage:
    if args.message_id is not None:
        m = repo.get_message(s, workspace_id=ctx.workspace_id, message_id=args.message_id)
        if m is None or m.direction != "out":
            raise ToolError(f"no outreach draft #{args.message_id} in this workspace")
        return m
    if not args.handle:
        raise ToolError("which draft? give the creator's handle or the draft's message_id")
    person, acc = creator_and_account(s, ctx, args.handle)
    camp_name = args.campaign
    candidates: list[OutreachMessage] = []
    if camp_name:
        camp = crm_common.campaign(s, ctx, camp_name)
        candidates = repo.messages_for_campaign(s, workspace_id=ctx.workspace_id, campaign_id=camp.id,
                                                statuses=[MessageStatus.draft.value], creator_ids=[person.id])
    else:
        for _collab, camp in crm.collaborations_of(s, workspace_id=ctx.workspace_id, creator_id=person.id):
            candidates += repo.messages_for_campaign(s, workspace_id=ctx.workspace_id, campaign_id=camp.id,
                                                     statuses=[MessageStatus.draft.value], creator_ids=[person.id])
    if not candidates:
        raise ToolError(f"@{acc.handle} has no draft" + (f" in {camp_name}" if camp_name else "") + " to edit")
    firsts = [m for m in candidates if m.step == 0] or candidates
    if len({m.campaign_id for m in firsts}) > 1:
        names = sorted({s.get(Campaign, m.campaign_id).name for m in firsts})  # type: ignore[union-attr]
        raise ToolError(f"Which campaign? @{acc.handle} has drafts in {', '.join(names)}")
    return firsts[0]


@tool(ToolTier.draft, progress="Editing the draft…")
def edit_draft(ctx: ToolContext, args: EditDraftInput) -> DraftResult:
    """Edit an outreach draft: shorter, more formal or casual, mention a discount code (the creator's
    own code if there is one, else the percentage given), a new subject, or replacement text. Only
    drafts can be edited (not messages already approved for sending)."""
    if not (args.instruction or args.new_subject or args.new_body):
        raise ToolError("what should change? give an instruction, a new subject or a new body")
    with session_scope(ctx.sessions) as s:
        m = _find_draft(s, ctx, args)
        if m.status != MessageStatus.draft.value:
            raise ToolError(f"message #{m.id} is {m.status}, not a draft; only drafts can be edited")
        camp = s.get(Campaign, m.campaign_id)
        person = s.get(Creator, m.creator_id)
        collab = s.get(Collaboration, m.collaboration_id) if m.collaboration_id else None
        acc = s.get(Account, collab.account_id) if collab and collab.account_id else None
        req = common.build_request(s, ctx, creator=person, account=acc, campaign=camp, channel=m.channel)  # type: ignore[arg-type]
        ids = common.post_ids_of(m)
        missing = [i for i in ids if req.post(i) is None]
        req.posts += common.posts_by_ids(s, missing)
        first = repo.first_message(s, workspace_id=ctx.workspace_id, campaign_id=m.campaign_id, creator_id=m.creator_id)
        first_subject = first.subject if first else None
        subject, body, step, msg_id = m.subject, m.body, m.step, m.id
    notes: list[str] = []
    if args.new_subject or args.new_body:
        if args.new_subject and m.channel == "dm":
            raise ToolError("a DM has no subject")
        out = DraftOut((args.new_subject or subject or "")[:300] or None if m.channel == "email" else None,
                       (args.new_body or body).strip(), ids, "user")
    else:
        instruction = args.instruction or ""
        try:
            parsed: EditInstruction | None = parse_instruction(instruction)
        except ToolError:
            parsed = None
        writer = writer_for(ctx.settings)
        if isinstance(writer, ModelWriter) and (parsed is None or parsed.action not in ("subject", "replace")):
            out = writer.edit(req, subject=subject, body=body, post_ids=ids, instruction=instruction, parsed=parsed,
                              require_citation=step == 0)
        else:
            if parsed is None:
                parse_instruction(instruction)  # raises the explanatory ToolError
            assert parsed is not None
            offline = writer.fallback if isinstance(writer, ModelWriter) else writer
            if step > 0 and parsed.action in ("formal", "casual"):
                req.tone = parsed.action
                out = offline.followup(req, step=step, first_subject=first_subject, post_ids=ids)
            else:
                out = offline.edit(req, subject=subject, body=body, post_ids=ids, instruction=parsed)
        notes += out.notes
    if step == 0:
        still = [i for i in (out.post_ids or ids) if req.post(i) and references_post(out.body, req.post(i), req.lang)]  # type: ignore[arg-type]
        if not still:
            notes.append(f"the new text no longer refers to any of @{req.handle}'s posts")
        out.post_ids = still
    with crm_common.changes(ctx, "edit_draft") as cs:
        row = repo.get_message(cs.session, workspace_id=ctx.workspace_id, message_id=msg_id)
        if row is None or row.status != MessageStatus.draft.value:
            raise ToolError("the draft was approved or removed meanwhile; nothing was changed")
        cs.update(row, subject=out.subject if row.channel == "email" else None, body=out.body,
                  source_post_ids=",".join(map(str, out.post_ids))[:200], updated_at=utcnow())
        result_view = common.view(row, handle="@" + req.handle, campaign=req.campaign_name, posts=req.posts)
    ctx.memory.last_campaign, ctx.memory.last_handles = req.campaign_name, ["@" + req.handle]
    what = args.instruction or ("new subject" if args.new_subject and not args.new_body else "new text")
    summary = f"Edited draft #{msg_id} to @{req.handle} ({what})." + (
        " " + " ".join(n[0].upper() + n[1:] + "." for n in notes) if notes else "")
    return DraftResult(summary=summary, message=result_view, writer=out.writer, notes=notes)
