"""Notes, undo, and the list of pending actions."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from memory.db import session_scope
from memory.models import Note
from memory.repo import actions as actions_repo
from memory.repo.changes import undo_last
from tools.approvals import correction_hint, describe
from tools.base import CampaignName, Handle, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common


class LogNoteInput(ToolInput):
    """Write a free-text note about a creator (and their collaboration in a campaign)."""

    handle: Handle = Field(description="Creator handle")
    text: str = Field(description="The note", min_length=1, max_length=5000)
    campaign: CampaignName | None = Field(None, description="Campaign the note is about; omit for a general note on the creator")


class NoteResult(ToolResult):
    kind: str = "note"
    note_id: int
    handle: str
    campaign: str | None = None


@tool(ToolTier.draft, progress="Saving the note…")
def log_note(ctx: ToolContext, args: LogNoteInput) -> NoteResult:
    """Save a note on a creator or a collaboration (kept in their history and the retrieval store)."""
    with common.changes(ctx, "log_note") as cs:
        person = common.creator(cs.session, ctx, args.handle)
        collab_id, camp_name = None, None
        if args.campaign:
            collab, camp, _ = common.collaboration(cs.session, ctx, args.handle, args.campaign)
            collab_id, camp_name = collab.id, camp.name
        note = Note(workspace_id=ctx.workspace_id, creator_id=person.id, collaboration_id=collab_id, text=args.text, actor=ctx.user_id)
        cs.add(note)
    if collab_id:
        common.reindex(ctx, collaboration_ids=[collab_id])
    h = common.display_handle(args.handle)
    return NoteResult(summary=f"Note saved on {h}" + (f" ({camp_name})." if camp_name else "."), note_id=note.id, handle=h, campaign=camp_name)


class UndoInput(ToolInput):
    """Undo your last change in this conversation."""


class UndoResult(ToolResult):
    kind: str = "undo"
    undone: str | None = None


@tool(ToolTier.draft, progress="Undoing…")
def undo_last_change(ctx: ToolContext, args: UndoInput) -> UndoResult:
    """Revert the last write you made in this conversation (all of its changes), unless later
    records depend on it. Anything an approver executed (approvals, payments, sends, content
    approvals) is final and cannot be undone, nor can the drafts those actions used."""
    with session_scope(ctx.sessions) as s:
        res = undo_last(s, workspace_id=ctx.workspace_id, actor=ctx.user_id, conversation_id=ctx.conversation_id,
                        hint=correction_hint)
        if not res.ok:
            raise ToolError(res.message)
    return UndoResult(summary=res.message, undone=res.label)


class ListPendingActionsInput(ToolInput):
    """List actions waiting for a human approver."""

    status: str = Field("pending", description="pending (default), executed, rejected, failed, or all")


class PendingActionsResult(ToolResult):
    kind: str = "pending_actions"
    actions: list[dict[str, Any]]


@tool(ToolTier.read, progress="Listing pending actions…")
def list_pending_actions(ctx: ToolContext, args: ListPendingActionsInput) -> PendingActionsResult:
    """Show pending actions (payouts, content approvals, sends) with what they will do."""
    if args.status not in ("pending", "executed", "rejected", "failed", "approved", "all"):
        raise ToolError("status must be pending, approved, executed, rejected, failed or all")
    with session_scope(ctx.sessions) as s:
        rows = actions_repo.list_actions(s, workspace_id=ctx.workspace_id, status=None if args.status == "all" else args.status)
        items = [describe(a) for a in rows]
    return PendingActionsResult(summary=f"{len(items)} {args.status} action(s).", actions=items)
