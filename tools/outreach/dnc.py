"""The do-not-contact list: honoured when drafting (warning), approving (skipped) and sending
(re-checked, scheduled messages cancelled)."""

from __future__ import annotations

from pydantic import Field
from sqlmodel import select

from memory.models import Creator, DoNotContact, OutreachMessage
from memory.models.common import MessageStatus, utcnow
from memory.repo import crm
from memory.repo import outreach as repo
from memory.repo.changes import ChangeSet
from tools.base import Handle, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common as crm_common

UNSENT = (MessageStatus.scheduled.value, MessageStatus.approved.value)


def cancel_unsent(cs: ChangeSet, *, workspace_id: str, creator_id: int, campaign_id: int | None, reason: str,
                  min_step: int = 0, include_drafts: bool = False) -> int:
    """Cancel a creator's not-yet-sent outbound messages (audited). Returns how many."""
    statuses = UNSENT + ((MessageStatus.draft.value,) if include_drafts else ())
    q = select(OutreachMessage).where(
        OutreachMessage.workspace_id == workspace_id, OutreachMessage.creator_id == creator_id,
        OutreachMessage.direction == "out", OutreachMessage.step >= min_step,
        OutreachMessage.status.in_(statuses))  # type: ignore[attr-defined]
    if campaign_id is not None:
        q = q.where(OutreachMessage.campaign_id == campaign_id)
    n = 0
    for m in cs.session.exec(q):
        cs.update(m, status=MessageStatus.cancelled.value, last_error=reason[:500], updated_at=utcnow())
        n += 1
    return n


def add_to_dnc(cs: ChangeSet, *, workspace_id: str, creator: Creator | None, email: str | None, reason: str) -> int:
    """Flag the creator, list the address, cancel every unsent message to them. Returns cancelled count."""
    if email and repo.find_dnc(cs.session, workspace_id=workspace_id, email=email) is None:
        cs.add(DoNotContact(workspace_id=workspace_id, email=email.strip().lower(), reason=reason[:200]))
    cancelled = 0
    if creator is not None:
        if not creator.do_not_contact:
            cs.update(creator, do_not_contact=True, updated_at=utcnow())
        cancelled = cancel_unsent(cs, workspace_id=workspace_id, creator_id=creator.id, campaign_id=None,
                                  reason=f"do not contact: {reason}", include_drafts=False)
    return cancelled


class DoNotContactInput(ToolInput):
    """Put a creator or an email address on the do-not-contact list."""

    handle: Handle | None = Field(None, description="Creator handle (their email is listed too, if known)")
    email: str | None = Field(None, description="An email address to block (when there is no handle)")
    reason: str = Field("requested", description="Why, e.g. 'asked not to be contacted'")


class DoNotContactResult(ToolResult):
    kind: str = "do_not_contact"
    handle: str | None = None
    email: str | None = None
    cancelled_messages: int = 0


@tool(ToolTier.draft, progress="Updating the do-not-contact list…")
def do_not_contact(ctx: ToolContext, args: DoNotContactInput) -> DoNotContactResult:
    """Add a creator (by handle) or an email address to the do-not-contact list. Their scheduled
    messages are cancelled; drafting warns, approving skips them, and the sender re-checks."""
    if not args.handle and not args.email:
        raise ToolError("who? give a handle or an email address")
    if args.email and "@" not in args.email.strip("@"):
        raise ToolError(f"{args.email!r} is not an email address")
    with crm_common.changes(ctx, "do_not_contact") as cs:
        s = cs.session
        person, label = None, None
        if args.handle:
            try:
                person, acc = crm.creator_by_handle(s, workspace_id=ctx.workspace_id, handle=args.handle)
            except LookupError as exc:
                raise ToolError(str(exc)) from None
            label = "@" + acc.handle
        email = (args.email or (person.email if person else None) or None)
        if person is None and email:
            person = s.exec(select(Creator).where(Creator.workspace_id == ctx.workspace_id,
                                                  Creator.email.ilike(email.strip()))).first()  # type: ignore[union-attr]
        n = add_to_dnc(cs, workspace_id=ctx.workspace_id, creator=person, email=email, reason=args.reason)
    who = label or email
    return DoNotContactResult(
        summary=f"{who} is on the do-not-contact list" + (f"; {n} scheduled message(s) cancelled." if n else "."),
        handle=label, email=email, cancelled_messages=n)
