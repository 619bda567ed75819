"""Acting on one inbound e-mail, exactly once (docs/inbox.md).

``process_mail`` claims the message (``processed_event``, insert-or-fail, key
``imap:{workspace}:{mailbox}:{uidvalidity}:{uid}``) and applies its effects in the *same*
transaction: either both are committed or neither, so a crash mid-pass loses nothing (the
message is claimed again next pass) and of two workers on PostgreSQL the second blocks on
the first's claim, then sees the duplicate and does nothing.

What a message does:
- a reply tied to our outreach (In-Reply-To/References → OutreachMessage.message_id, else
  the sender's address → the creator, and the campaign of the latest outreach to them):
  ``tools.outreach.replies.apply_reply`` (stored as an inbound message, follow-ups stopped,
  stage moved; unsubscribe → do-not-contact), and an amount in it becomes a *proposed*
  counter — a ``log_email_counter`` pending action an approver accepts; nothing in a reply
  changes money on its own;
- an auto-reply / out-of-office: that creator's scheduled messages wait until the return date
  it gives (else ``OOO_DEFAULT_DAYS``); it is not a reply, so the sequence goes on afterwards;
- a delivery-status report: a hard bounce (Action failed, Status 5.x.x) lists the address as
  do-not-contact ("hard bounce: …") and stops the sequence; a soft one is only reported;
- a forward (Fwd:/TR:/WG: …) or anything not tied to our outreach: left alone (unmatched).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from memory.db import session_scope
from memory.domain.deliverables import parse_exclusivity, parse_usage_rights
from memory.domain.mail import ParsedMail, display_text, gist, return_date
from memory.models import (
    Campaign,
    Collaboration,
    Creator,
    DoNotContact,
    OutreachMessage,
    PendingAction,
    ProcessedEvent,
)
from memory.models.common import ActionStatus, MessageStatus, utcnow
from memory.repo import actions as actions_repo
from memory.repo import crm
from memory.repo import outreach as repo
from memory.repo.changes import ChangeSet
from tools.base import ToolContext
from tools.crm import common as crm_common
from tools.outreach.common import handle_of
from tools.outreach.dnc import cancel_unsent
from tools.outreach.replies import apply_reply, classify, find_amount, find_deliverables

COUNTER_KIND = "log_email_counter"
OOO_DEFAULT_DAYS = 7
ACTOR = "inbox"


@dataclass
class InboxOutcome:
    """What one message did (the worker prints ``line``; Slack gets ``gist`` and the buttons)."""

    key: str
    status: str  # duplicate | unmatched | reply | auto_reply | bounce | soft_bounce
    line: str
    handle: str | None = None
    campaign: str | None = None
    reply_kind: str | None = None
    stage: str | None = None
    gist: str | None = None
    counter: str | None = None
    action_id: str | None = None
    collaboration_id: int | None = None


def mail_key(workspace_id: str, mailbox: str, uidvalidity: int, uid: int) -> str:
    return f"imap:{workspace_id}:{mailbox}:{uidvalidity}:{uid}"[:200]


def processed_keys(ctx: ToolContext, keys: list[str]) -> set[str]:
    """Which of ``keys`` were already processed (checked in chunks)."""
    done: set[str] = set()
    with session_scope(ctx.sessions) as s:
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            done |= set(s.exec(select(ProcessedEvent.id).where(ProcessedEvent.id.in_(chunk))).all())  # type: ignore[attr-defined]
    return done


def process_mail(ctx: ToolContext, *, key: str, mail: ParsedMail, now: datetime) -> InboxOutcome:
    """Claim ``key`` and apply the message's effects in one transaction (see the module docstring)."""
    with session_scope(ctx.sessions) as s:
        s.add(ProcessedEvent(id=key, source="imap", workspace_id=ctx.workspace_id, received_at=now))
        try:
            s.flush()
        except IntegrityError:
            s.rollback()
            return InboxOutcome(key=key, status="duplicate", line="")
        who = mail.from_address or "unknown sender"
        if mail.message_id and mail.bounce is None and s.exec(select(OutreachMessage.id).where(
                OutreachMessage.workspace_id == ctx.workspace_id, OutreachMessage.direction == "in",
                OutreachMessage.message_id == mail.message_id)).first() is not None:
            return InboxOutcome(key=key, status="duplicate", line="")  # the same mail seen in another folder
        cs = ChangeSet(s, ctx.workspace_id, ACTOR, "inbox", None)
        if mail.bounce is not None:
            return _bounce(cs, ctx, key, mail)
        if mail.forward:
            return InboxOutcome(key=key, status="unmatched", line=f"[inbox] left alone: a forward from {who}")
        out = _match(s, ctx.workspace_id, mail)
        if out is None:
            return InboxOutcome(key=key, status="unmatched", line=f"[inbox] left alone: mail from {who} is not a reply to our outreach")
        if mail.auto_reply:
            return _auto_reply(cs, ctx, key, mail, out, now)
        return _reply(cs, ctx, key, mail, out, now)


# --- matching ---------------------------------------------------------------------------------

def _match(s: Session, ws: str, mail: ParsedMail) -> OutreachMessage | None:
    """Our outbound message this mail answers: by thread headers, else by the sender's address."""
    if mail.thread_ids:
        hit = s.exec(select(OutreachMessage).where(
            OutreachMessage.workspace_id == ws, OutreachMessage.direction == "out",
            OutreachMessage.message_id.in_(mail.thread_ids[:50]),  # type: ignore[union-attr]
        ).order_by(OutreachMessage.id.desc())).first()  # type: ignore[union-attr]
        if hit is not None:
            return hit
    return _latest_to(s, ws, mail.from_address)


def _latest_to(s: Session, ws: str, address: str) -> OutreachMessage | None:
    """The latest outreach sent to the creator with this address (case-insensitive)."""
    if not address:
        return None
    creator_ids = set(s.exec(select(Creator.id).where(Creator.workspace_id == ws, func.lower(Creator.email) == address)).all())
    q = select(OutreachMessage).where(
        OutreachMessage.workspace_id == ws, OutreachMessage.direction == "out",
        OutreachMessage.status == MessageStatus.sent.value)
    if creator_ids:
        q = q.where((OutreachMessage.creator_id.in_(sorted(creator_ids))) | (func.lower(OutreachMessage.to_address) == address))  # type: ignore[union-attr]
    else:
        q = q.where(func.lower(OutreachMessage.to_address) == address)
    return s.exec(q.order_by(OutreachMessage.sent_at.desc(), OutreachMessage.id.desc())).first()  # type: ignore[union-attr]


def _context(s: Session, ws: str, out: OutreachMessage) -> tuple[Collaboration | None, Campaign | None, Creator | None]:
    person = s.get(Creator, out.creator_id)
    camp = s.get(Campaign, out.campaign_id) if out.campaign_id else None
    collab = s.get(Collaboration, out.collaboration_id) if out.collaboration_id else None
    if collab is None and camp is not None and person is not None:
        collab = crm.get_collaboration(s, workspace_id=ws, campaign_id=camp.id, creator_id=person.id)
    return collab, camp, person


# --- effects ----------------------------------------------------------------------------------

def _reply(cs: ChangeSet, ctx: ToolContext, key: str, mail: ParsedMail, out: OutreachMessage, now: datetime) -> InboxOutcome:
    s = cs.session
    collab, camp, person = _context(s, ctx.workspace_id, out)
    if collab is None or camp is None or person is None:
        return InboxOutcome(key=key, status="unmatched", line=f"[inbox] left alone: mail from {mail.from_address} "
                                                              "answers outreach whose collaboration no longer exists")
    handle = handle_of(s, person.id)
    new_text = display_text(mail.text)  # classify what they wrote, not our quoted pitch (or its unsubscribe footer)
    kind = classify(new_text)
    amount = find_amount(new_text) if kind in ("counter", "interested", "question") else None
    if amount is not None:
        kind = "counter"
    elif kind == "counter":
        kind = "question" if "?" in new_text else "interested"
    cancelled, dnc = apply_reply(cs, collab=collab, campaign=camp, creator=person, kind=kind,  # type: ignore[arg-type]
                                 text=mail.text or "(empty message)", subject=mail.subject or None,
                                 message_id=mail.message_id, received_at=now)
    s.refresh(collab)
    action_id, counter = None, None
    if amount is not None:
        counter = amount.format()
        action_id = _propose_counter(cs, ctx, collab=collab, camp=camp, handle=handle, text=new_text,
                                     cents=amount.minor_units, currency=amount.currency)
    bits = [f"[inbox] {handle} replied in {camp.name} ({kind})", f"stage {collab.stage}"]
    if cancelled:
        bits.append(f"{cancelled} follow-up(s) stopped")
    if counter:
        bits.append(f"counter of {counter} proposed (action {action_id[:8]})")  # type: ignore[index]
    if dnc:
        bits.append("added to do-not-contact")
    return InboxOutcome(key=key, status="reply", line="; ".join(bits), handle=handle, campaign=camp.name, reply_kind=kind,
                        stage=collab.stage, gist=gist(mail.text), counter=counter, action_id=action_id,
                        collaboration_id=collab.id)


def _propose_counter(cs: ChangeSet, ctx: ToolContext, *, collab: Collaboration, camp: Campaign, handle: str, text: str,
                     cents: int, currency: str) -> str:
    """A pending ``log_email_counter`` (the newest counter replaces an older one still waiting)."""
    s = cs.session
    for old in s.exec(select(PendingAction).where(
            PendingAction.workspace_id == ctx.workspace_id, PendingAction.kind == COUNTER_KIND,
            PendingAction.status == ActionStatus.pending.value)).all():
        if (old.payload or {}).get("collaboration_id") == collab.id:
            cs.update(old, status=ActionStatus.rejected.value, result="superseded by a newer counter from the creator",
                      decided_by=ACTOR, decided_at=utcnow())
    deliverables = find_deliverables(text)
    usage, exclusivity = parse_usage_rights(text), parse_exclusivity(text)
    amount = crm_common.money(cents, currency)
    terms = "; ".join(t for t in (deliverables, f"{usage}-day usage rights" if usage else None,
                                  f"{exclusivity}-day exclusivity" if exclusivity else None) if t)
    payload = {"collaboration_id": collab.id, "handle": handle, "campaign": camp.name, "amount_cents": cents,
               "currency": currency, "deliverables": deliverables, "usage_rights_days": usage,
               "exclusivity_days": exclusivity, "from_cents": collab.agreed_fee_cents, "from_currency": collab.currency,
               "source": "email"}
    action = actions_repo.create(
        s, workspace_id=ctx.workspace_id, kind=COUNTER_KIND, requested_by=ACTOR, payload=payload,
        summary=f"Accept {handle}'s counter from their e-mail in {camp.name}: {amount}" + (f" for {terms}" if terms else ""))
    cs.track_created(action)
    return action.id


def _auto_reply(cs: ChangeSet, ctx: ToolContext, key: str, mail: ParsedMail, out: OutreachMessage, now: datetime) -> InboxOutcome:
    s = cs.session
    handle = handle_of(s, out.creator_id)
    back = return_date(mail.text, today=now.date())
    until = datetime.combine(back, time(0), UTC) if back else now + timedelta(days=OOO_DEFAULT_DAYS)
    paused = 0
    for m in s.exec(select(OutreachMessage).where(
            OutreachMessage.workspace_id == ctx.workspace_id, OutreachMessage.creator_id == out.creator_id,
            OutreachMessage.direction == "out", OutreachMessage.status == MessageStatus.scheduled.value)).all():
        current = m.scheduled_at.replace(tzinfo=UTC) if m.scheduled_at and m.scheduled_at.tzinfo is None else m.scheduled_at
        if current is None or current < until:
            cs.update(m, scheduled_at=until, updated_at=utcnow())
            paused += 1
    when = back.isoformat() if back else f"{until.date().isoformat()} (no return date given: {OOO_DEFAULT_DAYS} days)"
    camp = s.get(Campaign, out.campaign_id) if out.campaign_id else None
    return InboxOutcome(key=key, status="auto_reply", handle=handle, campaign=camp.name if camp else None,
                        line=f"[inbox] {handle} is away (auto-reply): {paused} scheduled message(s) paused until {when}",
                        gist=f"away until {when}")


def _bounce(cs: ChangeSet, ctx: ToolContext, key: str, mail: ParsedMail) -> InboxOutcome:
    s, b, ws = cs.session, mail.bounce, ctx.workspace_id
    assert b is not None
    out = None
    if b.original_message_id:
        out = s.exec(select(OutreachMessage).where(OutreachMessage.workspace_id == ws, OutreachMessage.direction == "out",
                                                   OutreachMessage.message_id == b.original_message_id)).first()
    addresses = list(b.recipients)
    if out is not None and out.to_address and out.to_address.lower() not in addresses:
        addresses.insert(0, out.to_address.lower())
    targets = [(a, _latest_to(s, ws, a)) for a in addresses]
    targets = [(a, o) for a, o in targets if o is not None] or ([(addresses[0], out)] if out is not None and addresses else [])
    if not targets:
        return InboxOutcome(key=key, status="unmatched", line="[inbox] left alone: a delivery report about an address we did not write to")
    why = " ".join(x for x in (b.status, b.diagnostic) if x) or "delivery failed"
    labels = []
    for address, o in targets:
        handle = handle_of(s, o.creator_id)
        labels.append(f"{handle} <{address}>")
        if not b.hard:
            continue
        if repo.find_dnc(s, workspace_id=ws, email=address) is None:
            cs.add(DoNotContact(workspace_id=ws, email=address, reason=f"hard bounce: {why}"[:200]))
        cancel_unsent(cs, workspace_id=ws, creator_id=o.creator_id, campaign_id=None, reason=f"hard bounce: {why}"[:500])
        bounced = out if out is not None and (out.to_address or "").lower() == address else o
        cs.update(bounced, last_error=f"bounced: {why}"[:500], updated_at=utcnow())
    first = targets[0][1]
    camp = s.get(Campaign, first.campaign_id) if first.campaign_id else None
    if b.hard:
        return InboxOutcome(key=key, status="bounce", handle=handle_of(s, first.creator_id), campaign=camp.name if camp else None,
                            line=f"[inbox] hard bounce for {', '.join(labels)}: {why}; address marked do-not-contact, sequence stopped",
                            gist=f"hard bounce: {why}")
    return InboxOutcome(key=key, status="soft_bounce", handle=handle_of(s, first.creator_id), campaign=camp.name if camp else None,
                        line=f"[inbox] delivery delayed for {', '.join(labels)}: {why} (soft bounce, nothing changed)",
                        gist=f"soft bounce: {why}")
