"""The model writer: drafts, edits and follow-ups written by the configured chat model.

Third-party text (posts, bio, name, earlier messages) goes into the prompt only through
``prompts.wrap_untrusted``. The answer must be one JSON object; it is validated (every
cited post id is one of the posts given, and the body really cites one of them). An
invalid answer is sent back once with the reason; if the second answer is still invalid,
or the model is unreachable, the offline writer takes over and the result says so. The
model is never given tools: whatever it answers, nothing but a draft can come of it.

The chat model is built with ``integrations.llm.build_chat_model`` (imported lazily, so the
tools package does not import the OpenAI client) or injected (tests, benchmarks).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from prompts import load_prompt, wrap_untrusted
from tools.outreach.common import DraftRequest
from tools.outreach.offline_writer import EditInstruction, OfflineWriter
from tools.outreach.text import DraftOut, parse_json_object, references_post

if TYPE_CHECKING:
    from agent.settings import Settings

log = logging.getLogger(__name__)

Message = tuple[str, str]  # (role, content) — langchain accepts these tuples directly
MAX_BODY = 6000
# After this many "model unavailable" failures in a row, a bulk run stops calling the model.
UNAVAILABLE_TRIP = 3


class ModelAnswerError(ValueError):
    """The model's answer is not a usable draft (the reason is sent back to the model once)."""


class ModelWriter:
    """Drafts with a chat model; falls back to ``fallback`` (the offline writer) with a note."""

    name = "model"

    def __init__(self, settings: Settings, *, chat: Any = None, fallback: OfflineWriter | None = None) -> None:
        self.settings = settings
        self._chat = chat
        self._lock = threading.Lock()
        self.fallback = fallback or OfflineWriter()
        self._unavailable_streak = 0
        self.calls = 0

    # --- the model ----------------------------------------------------------------------------
    @property
    def chat(self) -> Any:
        if self._chat is None:
            with self._lock:
                if self._chat is None:
                    from integrations.llm import build_chat_model

                    self._chat = build_chat_model(self.settings)
        return self._chat

    @property
    def tripped(self) -> bool:
        return self._unavailable_streak >= UNAVAILABLE_TRIP

    def _complete(self, messages: Sequence[Message]) -> str:
        self.calls += 1
        reply = self.chat.invoke(list(messages))
        content = getattr(reply, "content", reply)
        if isinstance(content, list):
            content = "".join(str(b.get("text", "")) if isinstance(b, dict) else str(b) for b in content)
        return str(content or "")

    def _describe_error(self, exc: BaseException) -> tuple[str, bool]:
        try:
            from integrations.llm import describe_model_error

            described = describe_model_error(exc, self.settings)
        except Exception:  # noqa: BLE001
            described = None
        if described is None:
            return f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}", False
        return described

    def _run(self, messages: list[Message], parse: Callable[[str], DraftOut]) -> tuple[DraftOut | None, str]:
        """Ask, validate, ask again once with the reason; (draft, "") or (None, why it failed)."""
        if self.tripped:
            return None, "the model was unavailable for the previous drafts"
        for attempt in (1, 2):
            try:
                answer = self._complete(messages)
                self._unavailable_streak = 0
            except Exception as exc:  # noqa: BLE001 - any client failure becomes a fallback, never a crash
                reason, unavailable = self._describe_error(exc)
                if unavailable:
                    self._unavailable_streak += 1
                log.warning("outreach model call failed: %s", reason)
                return None, f"model unavailable ({reason})"
            try:
                return parse(answer), ""
            except ModelAnswerError as exc:
                if attempt == 2:
                    return None, f"the model's answer was rejected twice ({exc})"
                messages = [*messages, ("assistant", answer[:4000] or "(empty answer)"),
                            ("human", f"That answer was rejected: {exc}. Answer again with one JSON object only, "
                                      "citing only the listed posts by id.")]
        return None, "unreachable"

    # --- prompts ------------------------------------------------------------------------------
    @staticmethod
    def _system(name: str) -> str:
        return load_prompt(name) + "\n\n" + load_prompt("untrusted_data")

    @staticmethod
    def _posts_block(req: DraftRequest) -> str:
        lines = []
        for p in req.posts:
            stats = ", ".join(f"{k} {v}" for k, v in (("likes", p.likes), ("comments", p.comments), ("views", p.views)) if v)
            lines.append(f"[post {p.id}] {p.posted_at.date().isoformat()} · {p.platform} · {p.url}"
                         + (f" · {stats}" if stats else "") + f"\ncaption: {p.caption or '(no caption)'}")
        return wrap_untrusted(f"recent posts of @{req.handle}", "\n\n".join(lines) or "(no posts)")

    @staticmethod
    def _campaign_lines(req: DraftRequest) -> list[str]:
        return [
            f"Campaign: {req.campaign_name} — brand {req.brand}, goal {req.goal}",
            f"Brief: {req.brief or '(none given)'}",
            f"Language: {req.language}  Tone: {req.tone}  Channel: {'email' if req.channel == 'email' else 'direct message'}",
            f"Sender (signs the message): {req.sender_name}",
        ]

    def _creator_block(self, req: DraftRequest) -> str:
        profile = f"name: {req.name or '(unknown)'}\nhandle: @{req.handle} on {req.platform}\nbio: {req.bio or '(none)'}"
        return wrap_untrusted(f"profile of @{req.handle}", profile)

    # --- validation ---------------------------------------------------------------------------
    def _parse_draft(self, req: DraftRequest, answer: str, *, require_ids: bool = True,
                     keep_ids: list[int] | None = None, require_citation: bool = True) -> DraftOut:
        data = parse_json_object(answer)
        if data is None:
            raise ModelAnswerError("it is not a JSON object")
        body = data.get("body")
        if not isinstance(body, str) or not body.strip():
            raise ModelAnswerError('"body" is missing or empty')
        body = body.strip().replace("\r\n", "\n")
        if len(body) > MAX_BODY:
            raise ModelAnswerError(f'"body" is longer than {MAX_BODY} characters')
        subject = data.get("subject")
        if req.channel == "email":
            if not isinstance(subject, str) or not subject.strip():
                raise ModelAnswerError('an email needs a non-empty "subject"')
            subject = " ".join(subject.split())[:300]
        else:
            subject = None
        if not require_citation:  # a follow-up refers back to the first email, not necessarily to a post
            return DraftOut(subject, body, list(keep_ids or []), self.name)
        raw_ids = data.get("post_ids_used", keep_ids if not require_ids else None)
        if not isinstance(raw_ids, list) or not raw_ids:
            raise ModelAnswerError('"post_ids_used" must list the ids of the posts the message cites')
        ids: list[int] = []
        known = {p.id for p in req.posts}
        for x in raw_ids:
            try:
                i = int(x)
            except (TypeError, ValueError):
                raise ModelAnswerError(f"post id {x!r} is not a number") from None
            if i not in known:
                raise ModelAnswerError(f"post {i} is not one of the listed posts ({', '.join(map(str, sorted(known)))})")
            ids.append(i)
        cited = [i for i in dict.fromkeys(ids) if references_post(body, req.post(i), req.lang)]  # type: ignore[arg-type]
        if not cited:
            raise ModelAnswerError("the body does not refer concretely to the cited post "
                                   "(mention what it is about in its own words, or its date)")
        return DraftOut(subject, body, cited, self.name)

    # --- public -------------------------------------------------------------------------------
    def draft(self, req: DraftRequest) -> DraftOut:
        """A first message by the model, or the offline draft with a note saying why."""
        if not req.posts:
            return self.fallback.draft(req)  # raises the clear "no posts" error
        user = "\n".join([
            *self._campaign_lines(req),
            "", "The creator:", self._creator_block(req),
            "", "Their recent posts (cite at least one by id):", self._posts_block(req),
            "", 'Write the first message. Answer with JSON only: {"subject": ..., "body": ..., "post_ids_used": [...]}',
        ])
        out, why = self._run([("system", self._system("outreach")), ("human", user)], lambda a: self._parse_draft(req, a))
        if out is not None:
            return out
        fb = self.fallback.draft(req)
        fb.notes.append(f"{why}; used the offline template instead")
        return fb

    def edit(self, req: DraftRequest, *, subject: str | None, body: str, post_ids: list[int], instruction: str,
             parsed: EditInstruction | None, require_citation: bool = True) -> DraftOut:
        """Apply the marketer's instruction with the model; offline edit (when understood) as the fallback."""
        extra = []
        if req.discount_code:
            extra.append(f"The creator's discount code in this campaign: {req.discount_code}"
                         + (f" ({req.discount_pct:g}% off)" if req.discount_pct else ""))
        current = json.dumps({"subject": subject, "body": body, "post_ids_used": post_ids}, ensure_ascii=False)
        user = "\n".join([
            *self._campaign_lines(req), *extra,
            "", "Their recent posts:", self._posts_block(req),
            "", "Current draft (JSON):", current,
            "", f"Instruction from the marketer: {instruction}",
            'Answer with the whole edited draft as JSON only: {"subject": ..., "body": ..., "post_ids_used": [...]}',
        ])
        out, why = self._run([("system", self._system("outreach")), ("human", user)],
                             lambda a: self._parse_draft(req, a, require_ids=False, keep_ids=post_ids,
                                                         require_citation=require_citation))
        if out is not None:
            return out
        if parsed is None:
            from tools.base import ToolError

            raise ToolError(f"could not apply the edit: {why}; the draft is unchanged")
        fb = self.fallback.edit(req, subject=subject, body=body, post_ids=post_ids, instruction=parsed)
        fb.notes.append(f"{why}; applied the edit with the offline writer instead")
        return fb

    def followup(self, req: DraftRequest, *, step: int, last_step: int, first_subject: str | None, post_ids: list[int],
                 history: list[tuple[str, str]]) -> DraftOut:
        """Follow-up ``step`` written with the earlier messages (``(who, text)``, oldest first) in view."""
        cited = [p for p in req.posts if p.id in post_ids]
        thread = "\n\n---\n\n".join(f"{who}:\n{text}" for who, text in history)
        user = "\n".join([
            *self._campaign_lines(req),
            f"Follow-up number {step} of {last_step}" + (" (the last one)" if step == last_step else ""),
            "", "Earlier messages, oldest first:", wrap_untrusted(f"thread with @{req.handle}", thread or "(none)"),
            "", "The post the first message cited:",
            wrap_untrusted(f"post of @{req.handle}", "\n".join(f"[post {p.id}] {p.posted_at.date()} {p.caption}" for p in cited) or "(none)"),
            "", 'Answer with JSON only: {"body": ...}',
        ])

        def parse(answer: str) -> DraftOut:
            data = parse_json_object(answer)
            if data is None or not isinstance(data.get("body"), str) or not data["body"].strip():
                raise ModelAnswerError('expected {"body": "..."} with a non-empty body')
            body = data["body"].strip()
            if len(body) > MAX_BODY:
                raise ModelAnswerError("the body is too long")
            subject = None if req.channel == "dm" else (("Re: " + first_subject) if first_subject else None)
            return DraftOut(subject, body, post_ids, self.name)

        out, why = self._run([("system", self._system("followup")), ("human", user)], parse)
        if out is not None:
            return out
        fb = self.fallback.followup(req, step=step, first_subject=first_subject, post_ids=post_ids)
        fb.notes.append(f"{why}; used the offline follow-up template instead")
        return fb


def writer_for(settings: Settings, *, chat: Any = None, offline: OfflineWriter | None = None) -> ModelWriter | OfflineWriter:
    """The model writer when a model is configured, else the offline writer."""
    offline = offline or OfflineWriter()
    if chat is not None or settings.llm_configured:
        return ModelWriter(settings, chat=chat, fallback=offline)
    return offline
