"""Deliverables and content approval. Approving content is a pending action for approvers;
requesting changes is recorded directly."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field
from sqlmodel import select

from memory.domain.deliverables import resolve_kind
from memory.models import Deliverable
from memory.models.common import Stage
from memory.repo import actions as actions_repo
from tools.approvals import describe
from tools.base import CampaignName, Handle, Id, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common


class DeliverableResult(ToolResult):
    kind: str = "deliverable"
    deliverable_id: int
    handle: str
    campaign: str
    type: str
    count: int
    due_date: date | None = None
    status: str
    content_url: str | None = None
    feedback: str | None = None
    pending_actions: list[dict] = Field(default_factory=list)


def _result(d: Deliverable, handle: str, campaign: str, summary: str, pending: list[dict] | None = None) -> DeliverableResult:
    return DeliverableResult(summary=summary, deliverable_id=d.id, handle=handle, campaign=campaign, type=d.type, count=d.count,
                             due_date=d.due_date, status=d.status, content_url=d.content_url, feedback=d.feedback,
                             pending_actions=pending or [], pending_action_ids=[p["id"] for p in pending or []])


class AddDeliverableInput(ToolInput):
    """Add a deliverable (what the creator owes, by when) to a collaboration."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    type: str = Field(description="What: reel, story, post, video, short, article, podcast, livestream, ...", min_length=2, max_length=40)
    count: int = Field(1, ge=1, le=100, description="How many")
    due_date: date | None = Field(None, description="Due date, YYYY-MM-DD")


@tool(ToolTier.draft, progress="Adding the deliverable…")
def add_deliverable(ctx: ToolContext, args: AddDeliverableInput) -> DeliverableResult:
    """Record a deliverable with its type, count and due date."""
    with common.changes(ctx, "add_deliverable") as cs:
        collab, camp, _ = common.collaboration(cs.session, ctx, args.handle, args.campaign)
        d = Deliverable(workspace_id=ctx.workspace_id, collaboration_id=collab.id, type=resolve_kind(args.type), count=args.count,
                        due_date=args.due_date)
        cs.add(d)
        cid = collab.id
    common.reindex(ctx, collaboration_ids=[cid])
    h = common.display_handle(args.handle)
    due = f" due {args.due_date.isoformat()}" if args.due_date else ""
    return _result(d, h, camp.name, f"Added {args.count}× {d.type}{due} for {h} in {camp.name}.")


def _find_deliverable(s, collab_id: int, deliverable_id: int | None, type_: str | None, statuses: list[str]) -> Deliverable:  # noqa: ANN001
    q = select(Deliverable).where(Deliverable.collaboration_id == collab_id)
    if deliverable_id is not None:
        d = s.exec(q.where(Deliverable.id == deliverable_id)).first()
        if d is None:
            raise ToolError(f"deliverable #{deliverable_id} is not part of this collaboration")
        return d
    if type_:
        q = q.where(Deliverable.type.in_({type_.lower(), resolve_kind(type_)}))  # type: ignore[attr-defined]
    candidates = [d for d in s.exec(q.order_by(Deliverable.due_date, Deliverable.id)) if d.status in statuses]
    if not candidates:
        raise ToolError("no matching deliverable" + (f" of type {type_}" if type_ else "") + f" in status {'/'.join(statuses)}; add one with add_deliverable")
    if len(candidates) > 1 and not type_:
        kinds = ", ".join(f"#{d.id} {d.type}" for d in candidates[:6])
        raise ToolError(f"which deliverable? {kinds}")
    return candidates[0]


class SubmitContentInput(ToolInput):
    """Record that a creator submitted content for review."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    content_url: str = Field(description="Link to the draft or posted content", min_length=4)
    deliverable_id: Id | None = Field(None, description="Which deliverable (id); or give type")
    type: str | None = Field(None, description="Deliverable type, e.g. 'reel', when there is no id")


@tool(ToolTier.draft, progress="Recording the submission…")
def submit_content(ctx: ToolContext, args: SubmitContentInput) -> DeliverableResult:
    """Attach submitted content to a deliverable (status submitted) and move the collaboration to content_submitted."""
    with common.changes(ctx, "submit_content") as cs:
        collab, camp, _ = common.collaboration(cs.session, ctx, args.handle, args.campaign)
        d = _find_deliverable(cs.session, collab.id, args.deliverable_id, args.type, ["planned", "changes_requested", "submitted"])
        cs.update(d, status="submitted", content_url=args.content_url)
        if common.stage_rank(collab.stage) < common.stage_rank(Stage.content_submitted):
            common.move(cs, collab, Stage.content_submitted, note=f"{d.type} submitted", soft=True)
        cid = collab.id
    common.reindex(ctx, collaboration_ids=[cid])
    h = common.display_handle(args.handle)
    return _result(d, h, camp.name, f"{h} submitted {d.type} #{d.id} for review in {camp.name}.")


class ReviewContentInput(ToolInput):
    """Approve submitted content (an approver must confirm) or request changes with a comment."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    decision: Literal["approve", "request_changes"] = Field(description="approve (creates a pending action for an approver) or request_changes")
    comment: str | None = Field(None, description="Feedback for the creator (required for request_changes)")
    deliverable_id: Id | None = Field(None, description="Which deliverable (id); or give type")
    type: str | None = Field(None, description="Deliverable type when there is no id")


@tool(ToolTier.commit, progress="Preparing the content review…")
def review_content(ctx: ToolContext, args: ReviewContentInput) -> DeliverableResult:
    """Content approval. "approve" never approves by itself: it creates a pending action that an
    approver confirms (Slack button or `kolpilot actions approve`). "request_changes" records the
    comment and sets the deliverable back to changes_requested."""
    if args.decision == "request_changes" and not (args.comment or "").strip():
        raise ToolError("what should change? request_changes needs a comment")
    h = common.display_handle(args.handle)
    with common.changes(ctx, f"review_content ({args.decision})") as cs:
        collab, camp, _ = common.collaboration(cs.session, ctx, args.handle, args.campaign)
        d = _find_deliverable(cs.session, collab.id, args.deliverable_id, args.type, ["submitted"])
        if args.decision == "request_changes":
            cs.update(d, status="changes_requested", feedback=args.comment)
            return _result(d, h, camp.name, f"Asked {h} for changes on {d.type} #{d.id}: {args.comment}")
        action = actions_repo.create(
            cs.session, workspace_id=ctx.workspace_id, kind="approve_content",
            summary=f"Approve {d.type} #{d.id} by {h} for {camp.name} ({d.content_url})",
            payload={"deliverable_id": d.id, "collaboration_id": collab.id, "comment": args.comment},
            requested_by=ctx.user_id, conversation_id=ctx.conversation_id,
        )
        cs.track_created(action)
        pending = [describe(action)]
    return _result(d, h, camp.name, f"Content approval for {h}'s {d.type} is waiting for an approver (action {action.id[:8]}).", pending)
