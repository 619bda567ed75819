"""Audited writes and undo.

Every write a tool makes goes through a ``ChangeSet``: it performs the change and appends an
audit entry (who, when, what, before/after) sharing one ``op_id`` per tool call. ``undo_last``
reverts the most recent operation of a user in a conversation, entry by entry in reverse,
unless something depends on it (a row created by the operation is now referenced by a
later row, or a value it set has been changed since).

Writes made by an approved pending action are final. ``tools.approvals`` runs every executor
inside ``executing_action(action_id)``: each ChangeSet opened there takes the action's id as its
``op_id`` — so "this operation is final" is "its op_id is a pending action's id", by
construction, with no extra column. ``undo_last`` refuses (and reverts nothing) when the last
operation is final, when it was an approver's decision, or when a row the operation wrote was
since changed by a final operation or is used by an approved action.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, select

from memory.models import AuditLog, PendingAction
from memory.models.common import ActionStatus
from memory.repo import actions as actions_repo
from memory.repo import audit

_EXECUTING: ContextVar[str | None] = ContextVar("kolpilot_executing_action", default=None)


@contextmanager
def executing_action(action_id: str) -> Iterator[None]:
    """Every ChangeSet opened inside belongs to the approved pending action ``action_id`` (final)."""
    token = _EXECUTING.set(action_id)
    try:
        yield
    finally:
        _EXECUTING.reset(token)


def _new_op_id() -> str:
    return _EXECUTING.get() or str(uuid.uuid4())


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _columns(obj: SQLModel) -> dict[str, Any]:
    return {c.key: _json_value(getattr(obj, c.key)) for c in sa_inspect(type(obj)).column_attrs}


@dataclass
class ChangeSet:
    """The writes of one tool call, audited together."""

    session: Session
    workspace_id: str
    actor: str
    label: str
    conversation_id: str | None = None
    op_id: str = field(default_factory=_new_op_id)
    entries: list[AuditLog] = field(default_factory=list)

    def _record(self, action: str, obj: SQLModel, before: dict | None, after: dict | None) -> None:
        entry = audit.record(
            self.session, workspace_id=self.workspace_id, actor=self.actor, action=action,
            entity=type(obj).__tablename__, entity_id=getattr(obj, "id", None), before=before, after=after,
            conversation_id=self.conversation_id,
        )
        entry.op_id, entry.op_label = self.op_id, self.label
        self.entries.append(entry)

    def add(self, obj: SQLModel) -> SQLModel:
        """Insert a row and audit its creation."""
        self.session.add(obj)
        self.session.flush()
        self._record("create", obj, None, _columns(obj))
        return obj

    def record_update(self, obj: SQLModel, before: dict[str, Any], after: dict[str, Any]) -> None:
        """Audit an update another function already wrote (e.g. a guarded UPDATE ... WHERE version)."""
        self._record("update", obj, before, after)

    def track_created(self, obj: SQLModel) -> SQLModel:
        """Audit a row that another repository function already inserted (e.g. a pending action)."""
        self._record("create", obj, None, _columns(obj))
        return obj

    def update(self, obj: SQLModel, **values: Any) -> bool:
        """Change some columns of a row; audits only what actually changed. Returns True if anything did."""
        before, after = {}, {}
        for key, value in values.items():
            old = getattr(obj, key)
            if old != value:
                before[key], after[key] = _json_value(old), _json_value(value)
                setattr(obj, key, value)
        if not after:
            return False
        self.session.add(obj)
        self.session.flush()
        self._record("update", obj, before, after)
        return True

    def delete(self, obj: SQLModel) -> None:
        before = _columns(obj)
        self._record("delete", obj, before, None)
        self.session.delete(obj)
        self.session.flush()


def _model_for(table: str) -> type[SQLModel]:
    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        cls = mapper.class_
        if getattr(cls, "__tablename__", None) == table:
            return cls
    raise LookupError(f"no model for table {table}")


def _coerce(cls: type[SQLModel], key: str, value: Any) -> Any:
    """JSON-restored values back to Python types for date/datetime columns."""
    if value is None:
        return None
    col = sa_inspect(cls).columns[key]
    py = getattr(col.type, "python_type", None) if not hasattr(col.type, "impl") else getattr(col.type.impl, "python_type", None)
    try:
        if py is datetime and isinstance(value, str):
            return datetime.fromisoformat(value)
        if py is date and isinstance(value, str):
            return date.fromisoformat(value)
    except NotImplementedError:
        pass
    return value


def _dependents(session: Session, table: str, row_id: Any, own: set[tuple[str, str]]) -> list[str]:
    """Rows (outside this operation) whose foreign keys point at table.row_id."""
    found = []
    for t in SQLModel.metadata.sorted_tables:
        for fk in t.foreign_keys:
            if fk.column.table.name == table and fk.column.name == "id":
                ids = session.execute(sa_select(t.c.id).where(fk.parent == row_id)).scalars().all() if "id" in t.c else []
                for i in ids:
                    if (t.name, str(i)) not in own:
                        found.append(f"{t.name} #{i}")
    return found


@dataclass
class UndoResult:
    ok: bool
    message: str
    label: str | None = None


Hint = Callable[[PendingAction], str]
# Audit entries of an approver's decision on a pending action ("rejectd": older rows' spelling).
_DECISIONS = {"approved", "rejected", "rejectd", "executed", "execution_failed"}
_RAN = [ActionStatus.approved.value, ActionStatus.executed.value]  # an approver ran it


def _default_hint(action: PendingAction) -> str:
    return "ask for a new action that an approver confirms"


def undo_last(session: Session, *, workspace_id: str, actor: str, conversation_id: str | None,
              hint: Hint | None = None) -> UndoResult:
    """Revert the last not-undone operation of ``actor`` in ``conversation_id``.

    Refuses, changing nothing, when that operation is final (see the module docstring);
    ``hint(action)`` says how to correct a final action instead ("ask for ...").
    """
    hint = hint or _default_hint
    last = audit.last_undoable(session, workspace_id=workspace_id, actor=actor, conversation_id=conversation_id)
    while last is not None and last.op_id is None:
        if last.entity == "pending_action" and last.action in _DECISIONS and last.entity_id:
            decided = actions_repo.get(session, workspace_id=workspace_id, action_id=last.entity_id)
            if decided is not None:
                return _final(decided, hint)
        # Other entries without an operation (refused clicks) changed nothing; look further back.
        last.undone = True
        session.add(last)
        last = audit.last_undoable(session, workspace_id=workspace_id, actor=actor, conversation_id=conversation_id)
    if last is None:
        return UndoResult(False, "Nothing to undo: you have made no changes in this conversation.")
    executed = actions_repo.get(session, workspace_id=workspace_id, action_id=last.op_id)
    if executed is not None:  # the op_id of an approved action's writes is the action's id
        return _final(executed, hint)
    entries = list(session.exec(select(AuditLog).where(AuditLog.op_id == last.op_id).order_by(AuditLog.id.desc())))  # type: ignore[arg-type]
    own = {(e.entity, e.entity_id or "") for e in entries}
    # Check everything first: an undo is all or nothing.
    blocked = _used_by_final(session, workspace_id=workspace_id, entries=entries)
    if blocked is not None:
        why, action = blocked
        return UndoResult(False, f"Can't undo {last.op_label}: {why}, which an approver executed and is final. "
                                 f"To correct it, {hint(action)}.", last.op_label)
    for e in entries:
        cls = _model_for(e.entity)
        if e.action == "create":
            row = session.get(cls, _coerce_id(e.entity_id))
            if row is not None and _changed_since(row, e.after or {}, own_updates=_own_updates(entries, e)):
                return UndoResult(False, f"Can't undo {e.op_label}: the {e.entity} it created was changed since.", e.op_label)
            deps = _dependents(session, e.entity, _coerce_id(e.entity_id), own) if e.entity_id else []
            if deps:
                return UndoResult(False, f"Can't undo {e.op_label}: later records depend on it ({', '.join(deps[:3])}).", e.op_label)
        elif e.action == "update":
            row = session.get(cls, _coerce_id(e.entity_id))
            if row is None:
                return UndoResult(False, f"Can't undo {e.op_label}: the {e.entity} was deleted since.", e.op_label)
            final = _own_updates(entries, e)  # what this operation left on the row
            current = {k: _json_value(getattr(row, k)) for k in final}
            if current != final:
                return UndoResult(False, f"Can't undo {e.op_label}: the {e.entity} was changed again since.", e.op_label)
    for e in entries:
        cls = _model_for(e.entity)
        if e.action == "create":
            row = session.get(cls, _coerce_id(e.entity_id))
            if row is not None:
                session.delete(row)
                session.flush()
        elif e.action == "update":
            row = session.get(cls, _coerce_id(e.entity_id))
            for k, v in (e.before or {}).items():
                setattr(row, k, _coerce(cls, k, v))
            session.add(row)
            session.flush()
        elif e.action == "delete":
            values = {k: _coerce(cls, k, v) for k, v in (e.before or {}).items()}
            session.add(cls(**values))
            session.flush()
        e.undone = True
        session.add(e)
    marker = audit.record(session, workspace_id=workspace_id, actor=actor, action="undo", entity="operation",
                          entity_id=None, after={"op_id": last.op_id, "label": last.op_label}, conversation_id=conversation_id)
    marker.undone = True  # the undo itself is not undoable
    session.add(marker)
    session.flush()
    return UndoResult(True, f"Undone: {last.op_label} ({len(entries)} change{'s' if len(entries) != 1 else ''} reverted).", last.op_label)


def _final(action: PendingAction, hint: Hint) -> UndoResult:
    if action.status == ActionStatus.rejected.value:
        return UndoResult(False, f"Can't undo the rejection of {action.kind}: an approver's decision is final. "
                                 "To try again, ask for the action again.", action.kind)
    if action.status == ActionStatus.failed.value:
        return UndoResult(False, f"Can't undo {action.kind}: it failed when an approver ran it, so it changed nothing "
                                 "to revert.", action.kind)
    return UndoResult(False, f"Can't undo {action.kind}: it was executed by an approver and is final. "
                             f"To correct it, {hint(action)}.", action.kind)


def _used_by_final(session: Session, *, workspace_id: str, entries: list[AuditLog]) -> tuple[str, PendingAction] | None:
    """Why a row this operation wrote is now part of an approved action, and that action: the action created
    by the operation was approved, a final operation changed the row later, or an action approved
    since names a row the operation created or changed."""
    rows = {(e.entity, e.entity_id) for e in entries if e.entity_id}
    for entity, entity_id in sorted(rows, key=lambda r: (r[0] != "pending_action", r)):  # its own actions first
        if entity == "pending_action":
            action = actions_repo.get(session, workspace_id=workspace_id, action_id=entity_id)
            if action is not None and action.status in _RAN:
                return f"its action {action.kind} was approved", action
            continue
        later = session.exec(select(AuditLog.op_id).where(
            AuditLog.workspace_id == workspace_id, AuditLog.entity == entity, AuditLog.entity_id == entity_id,
            AuditLog.id > min(e.id for e in entries), AuditLog.op_id.is_not(None), AuditLog.undone == False,  # type: ignore[union-attr]  # noqa: E712
        ).distinct())
        for op_id in later:
            action = actions_repo.get(session, workspace_id=workspace_id, action_id=op_id)
            if action is not None:
                return f"{entity} #{entity_id} was since changed by {action.kind}", action
    # Rows the operation created *or changed* that an action approved since names: e.g. the agreed fee
    # (collaboration) an approved payout was checked against.
    written = {(e.entity, e.entity_id) for e in entries if e.action in ("create", "update") and e.entity_id}
    if written:
        for action in actions_repo.list_actions(session, workspace_id=workspace_id, status=_RAN, limit=10_000,
                                                since=min(e.at for e in entries)):
            hit = written & _payload_rows(action.payload or {})
            if hit:
                entity, entity_id = sorted(hit)[0]
                return f"{entity} #{entity_id} is used by {action.kind}", action
    return None


# Payload keys of pending actions that name rows, besides "<table>_id".
_PAYLOAD_LISTS = {"messages": "outreach_message"}


def _payload_rows(payload: dict[str, Any]) -> set[tuple[str, str]]:
    out = set()
    for key, value in payload.items():
        if key.endswith("_id") and isinstance(value, int | str) and not isinstance(value, bool):
            out.add((key[:-3], str(value)))
        elif key in _PAYLOAD_LISTS and isinstance(value, list):
            out |= {(_PAYLOAD_LISTS[key], str(v["id"])) for v in value if isinstance(v, dict) and "id" in v}
    return out


_VOLATILE = {"updated_at", "version"}


def _own_updates(entries: list[AuditLog], target: AuditLog) -> dict[str, Any]:
    """The values this operation's updates left on the target row (later updates win)."""
    out: dict[str, Any] = {}
    for e in sorted(entries, key=lambda x: x.id or 0):
        if e.action == "update" and e.entity == target.entity and e.entity_id == target.entity_id:
            out.update(e.after or {})
    return out


def _changed_since(row: SQLModel, after: dict[str, Any], *, own_updates: dict[str, Any]) -> bool:
    expected = {**after, **own_updates}
    current = _columns(row)
    return any(current.get(k) != v for k, v in expected.items() if k not in _VOLATILE and k in current)


def _coerce_id(entity_id: str | None) -> Any:
    if entity_id is None:
        return None
    return int(entity_id) if entity_id.isdigit() else entity_id
