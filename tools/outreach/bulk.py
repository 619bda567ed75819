"""Bulk drafting: one draft per creator for a list (the last search results, handles, or up to
500 creators), with bounded concurrent model calls, progress, and resumability.

Three phases keep the database out of the slow part: load every creator's request in one
read transaction; write the drafts with a thread pool (model calls, at most
``concurrency`` at a time; the offline writer runs inline); store each draft on the
calling thread as soon as it is ready, one short transaction each. A run that is
interrupted keeps what it stored, and a re-run skips creators that already have a first
message in the campaign.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Literal

from pydantic import Field

from memory.db import session_scope
from memory.repo import outreach as repo
from memory.repo.creators import normalize_handle
from tools.base import CampaignName, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common as crm_common
from tools.outreach import common
from tools.outreach.common import DraftRequest
from tools.outreach.drafting import store_drafts
from tools.outreach.llm_writer import ModelWriter, writer_for
from tools.outreach.offline_writer import OfflineWriter
from tools.outreach.text import DraftOut

MAX_BULK = 500
DEFAULT_CONCURRENCY = 8
STORE_EVERY = 16
STORE_AFTER_S = 1.0


class BulkDraftInput(ToolInput):
    """Draft first outreach messages for many creators at once (resumable: creators that already
    have a draft in the campaign are skipped)."""

    campaign: CampaignName | None = Field(None, description="Campaign name; default: the campaign last discussed")
    handles: list[str] = Field(default_factory=list, description="Creator handles to draft for")
    use_last_results: bool = Field(False, description="Draft for the creators of the last search/list shown in this conversation")
    campaign_members: bool = Field(False, description="Draft for every creator already in the campaign (prospects) without a first message")
    limit: int = Field(MAX_BULK, ge=1, le=MAX_BULK, description="At most this many creators (max 500)")
    channel: Literal["email", "dm"] = Field("email", description="email or dm")
    concurrency: int | None = Field(None, ge=1, le=32, description="Model calls in parallel; default the outreach_concurrency setting (8)")


class BulkDraftResult(ToolResult):
    kind: str = "outreach_bulk"
    campaign: str
    drafted: list[str] = Field(default_factory=list)
    skipped_existing: list[str] = Field(default_factory=list, description="Already had a first message in the campaign")
    failed: list[dict[str, str]] = Field(default_factory=list, description="handle and reason")
    not_found: list[str] = Field(default_factory=list)
    do_not_contact: list[str] = Field(default_factory=list, description="Drafted but flagged do-not-contact (skipped at approval)")
    no_email: list[str] = Field(default_factory=list)
    fallbacks: int = Field(0, description="Drafts written by the offline writer because the model failed")
    writer: str
    next_step: str = ""


def _targets(ctx: ToolContext, args: BulkDraftInput) -> list[str]:
    handles = list(args.handles)
    if args.use_last_results:
        handles += ctx.memory.last_handles
    return list(dict.fromkeys(normalize_handle(h) for h in handles if h.strip()))


def _concurrency(ctx: ToolContext, args: BulkDraftInput) -> int:
    value = args.concurrency or ctx.settings.outreach_concurrency or DEFAULT_CONCURRENCY
    return max(1, min(int(value), 32))


Outcome = tuple[DraftRequest, DraftOut | None, str | None]


def compose_all(writer: Any, requests: list[DraftRequest], *, concurrency: int, chunk: int = 25) -> Iterator[list[Outcome]]:
    """Yield batches of (request, draft or None, error) as drafts complete. Model writers run in a
    pool of ``concurrency`` threads with at most that many calls in flight (a finished call is
    replaced before its result is handed back, so storing never stalls the pool); the offline
    writer runs inline, in chunks."""
    if not isinstance(writer, ModelWriter) or concurrency <= 1:
        prepare = getattr(writer, "prepare", None)
        if prepare is not None:
            prepare(requests)
        batch: list[Outcome] = []
        for req in requests:
            try:
                batch.append((req, writer.draft(req), None))
            except ToolError as exc:
                batch.append((req, None, str(exc)))
            if len(batch) >= chunk:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    pending = iter(requests)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="outreach-draft") as pool:
        running: dict[Future, DraftRequest] = {}

        def submit_next() -> bool:
            req = next(pending, None)
            if req is None:
                return False
            running[pool.submit(writer.draft, req)] = req
            return True

        for _ in range(concurrency):
            if not submit_next():
                break
        try:
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                finished = [(fut, running.pop(fut)) for fut in done]
                for _ in finished:
                    submit_next()
                batch = []
                for fut, req in finished:
                    try:
                        batch.append((req, fut.result(), None))
                    except ToolError as exc:
                        batch.append((req, None, str(exc)))
                    except Exception as exc:  # noqa: BLE001 - one creator's failure must not end the batch
                        batch.append((req, None, f"{type(exc).__name__}: {str(exc)[:200]}"))
                yield batch
        finally:
            for fut in running:
                fut.cancel()


def _resolve_handles(s: Any, ctx: ToolContext, handles: list[str], not_found: list[str]) -> list[tuple[Any, Any]]:
    """(creator, account) per handle in one query (the biggest account when a handle exists on
    several platforms, like crm.creator_by_handle); unknown handles go to ``not_found``."""
    from sqlmodel import select

    from memory.models import Account, Creator

    best: dict[str, Any] = {}
    for chunk in (handles[i:i + 500] for i in range(0, len(handles), 500)):
        for acc in s.exec(select(Account).where(Account.workspace_id == ctx.workspace_id, Account.handle.in_(chunk))  # type: ignore[attr-defined]
                          .order_by(Account.followers.desc())):  # type: ignore[attr-defined]
            best.setdefault(acc.handle, acc)
    ids = list({a.creator_id for a in best.values()})
    people = {c.id: c for c in s.exec(select(Creator).where(Creator.id.in_(ids)))} if ids else {}  # type: ignore[union-attr]
    out = []
    for h in handles:
        acc = best.get(h)
        if acc is None:
            not_found.append("@" + h)
        else:
            out.append((people[acc.creator_id], acc))
    return out


@tool(ToolTier.draft, progress="Drafting outreach…")
def draft_outreach_bulk(ctx: ToolContext, args: BulkDraftInput) -> BulkDraftResult:
    """Draft personalised first messages for many creators (the last search results, a list of
    handles, or the campaign's prospects; up to 500), each citing one of the creator's real posts.
    Resumable: creators with a draft already are skipped. Then review_drafts, edit_draft, and
    approve_outreach to ask an approver to send."""
    camp_name = common.campaign_name(ctx, args.campaign)
    targets = _targets(ctx, args)
    skipped, not_found = [], []
    with session_scope(ctx.sessions) as s:
        camp = crm_common.campaign(s, ctx, camp_name)
        have = repo.creators_with_first_message(s, workspace_id=ctx.workspace_id, campaign_id=camp.id)
        people = _resolve_handles(s, ctx, targets, not_found)
        if args.campaign_members:
            from sqlmodel import select

            from memory.models import Account, Collaboration, Creator

            for collab in s.exec(select(Collaboration).where(Collaboration.workspace_id == ctx.workspace_id,
                                                             Collaboration.campaign_id == camp.id)):
                person = s.get(Creator, collab.creator_id)
                acc = s.get(Account, collab.account_id) if collab.account_id else None
                people.append((person, acc))
        if not people and not not_found:
            raise ToolError("which creators? give handles, use the last search results (use_last_results=true) "
                            "or the campaign's prospects (campaign_members=true)")
        seen: set[int] = set()
        chosen: list[tuple[Any, Any]] = []
        for person, acc in people:
            if person.id in seen:
                continue
            seen.add(person.id)
            label = "@" + (acc.handle if acc else str(person.id))
            if person.id in have:
                skipped.append(label)
                continue
            if len(chosen) >= args.limit:
                break
            chosen.append((person, acc))
        requests = common.build_requests(s, ctx, people=chosen, campaign=camp, channel=args.channel)
    writer = writer_for(ctx.settings)
    conc = _concurrency(ctx, args)
    total = len(requests)
    every = max(1, total // 20)
    drafted, failed, dnc, no_email, collab_ids = [], [], [], [], []
    fallbacks = 0
    ctx.progress(f"Drafting outreach 0/{total}…")
    done = 0
    buffer: list[tuple[DraftRequest, DraftOut]] = []
    oldest = 0.0

    def store(ready: list[tuple[DraftRequest, DraftOut]]) -> None:
        nonlocal fallbacks
        if ready:
            # One transaction per batch of finished drafts; re-checked inside the write, since a
            # concurrent run may have drafted some of these creators meanwhile.
            with crm_common.changes(ctx, "draft_outreach_bulk") as cs:
                have = repo.creators_with_first_message(cs.session, workspace_id=ctx.workspace_id, campaign_id=camp.id,
                                                        creator_ids=[r.creator_id for r, _ in ready])
                skipped.extend("@" + r.handle for r, _ in ready if r.creator_id in have)
                ready = [(r, o) for r, o in ready if r.creator_id not in have]
                for (req, out), (m, added) in zip(ready, store_drafts(cs, ctx, ready), strict=True):
                    label = "@" + req.handle
                    if added:
                        collab_ids.append(m.collaboration_id)
                    drafted.append(label)
                    fallbacks += int(out.writer == "offline" and isinstance(writer, ModelWriter))
                    if req.dnc_reason:
                        dnc.append(label)
                    if req.channel == "email" and not req.email:
                        no_email.append(label)

    for batch in compose_all(writer, requests, concurrency=conc):
        for req, out, error in batch:
            if out is None:
                failed.append({"handle": "@" + req.handle, "reason": error or "unknown error"})
            else:
                oldest = oldest if buffer else time.monotonic()
                buffer.append((req, out))
        # Stored in groups (one transaction each): fewer, larger writes keep the calling thread
        # free for the pool; at most STORE_EVERY drafts are unsaved if the run is interrupted.
        if len(buffer) >= STORE_EVERY or (buffer and time.monotonic() - oldest > STORE_AFTER_S):
            store(buffer)
            buffer = []
        before, done = done, done + len(batch)
        if done // every != before // every or done == total:
            ctx.progress(f"Drafting outreach {done}/{total}…")
    store(buffer)
    if collab_ids:
        crm_common.reindex(ctx, collaboration_ids=collab_ids)
    ctx.memory.last_campaign = camp.name
    ctx.memory.last_handles = drafted or ctx.memory.last_handles
    writer_name = "model" if isinstance(writer, ModelWriter) else OfflineWriter.name
    parts = [f"Drafted {len(drafted)} {'DM' if args.channel == 'dm' else 'email'}(s) for {camp.name} ({writer_name} writer)"]
    if skipped:
        parts.append(f"{len(skipped)} skipped (already drafted)")
    if failed:
        parts.append(f"{len(failed)} failed ({'; '.join(f['handle'] + ': ' + f['reason'][:80] for f in failed[:3])})")
    if not_found:
        parts.append(f"not found: {', '.join(not_found[:10])}")
    if dnc:
        parts.append(f"{len(dnc)} on do-not-contact (will be skipped)")
    if no_email:
        parts.append(f"{len(no_email)} without an email address")
    if fallbacks:
        parts.append(f"{fallbacks} written offline because the model failed")
    next_step = (f"Review with review_drafts(campaign={camp.name!r}); edit with edit_draft; then approve_outreach "
                 "to ask an approver to send.") if drafted else ""
    return BulkDraftResult(summary="; ".join(parts) + ". " + next_step, campaign=camp.name, drafted=drafted,
                           skipped_existing=skipped, failed=failed, not_found=not_found, do_not_contact=dnc,
                           no_email=no_email, fallbacks=fallbacks, writer=writer_name, next_step=next_step)
