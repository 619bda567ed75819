"""Outreach intents: drafting (one or in bulk), editing, reviewing, asking to send, replies,
stopping and do-not-contact. Sending itself always waits for an approver."""

from __future__ import annotations

import re
from typing import Any

from agent.planner.intents import IntentContext, IntentReply, intent
from agent.planner.reply import compose_generic
from agent.planner.workflow import campaign_for, campaign_or_ask, run, target_handles

OUTREACH = "Outreach"


def _m_draft(c: IntentContext) -> float:
    if c.matches(r"\b(?:draft|write|prepare|compose)\b.*\b(?:outreach|email|e-mail|message|dm|pitch|intro)\b") or \
            c.matches(r"\b(?:draft|write)\b.*\b(?:for|to)\b\s+(?:@|her|him|them|those|these|the (?:first|second|third|last)|all)"):
        return 0.9
    return 0.0


@intent("draft_outreach", matcher=_m_draft,
        examples=["draft outreach to @skin.by.sam for Glow Q3", "draft emails for those creators", "write a DM to her"],
        description="Draft personalised outreach from a creator's recent posts", capability=OUTREACH,
        tools=["draft_outreach", "draft_outreach_bulk"])
def draft(ctx: IntentContext) -> IntentReply:
    channel = "dm" if ctx.matches(r"\bdms?\b|direct message") else "email"
    hs = target_handles(ctx)
    bulk = len(hs) > 1 or ctx.matches(r"\b(?:all|them|those|these|everyone|bulk|each)\b") and not ctx.handles
    if bulk:
        args: dict[str, Any] = {"channel": channel}
        if len(hs) > 1:
            args["handles"] = ["@" + h for h in dict.fromkeys(hs)]  # one creator can have several accounts
        elif ctx.matches(r"\b(?:everyone|all) in the campaign\b|\bcampaign members\b|\bprospects\b"):
            args["campaign_members"] = True
        else:
            args["use_last_results"] = True
        ask = campaign_or_ask(ctx, "draft_outreach_bulk", args, "draft the emails")
        if ask:
            return ask
        outcome = ctx.call("draft_outreach_bulk", args)
        return IntentReply(compose_generic(outcome, "draft the emails") + (
            "\nReview them with “show the drafts”, edit one (“make @x's shorter”), then “send them” (an approver confirms)."
            if outcome.ok else ""), intent="draft_outreach", remember=False)
    if not hs:
        if ctx.refs.question:
            return IntentReply(ctx.refs.question, remember=False)
        return IntentReply("Who should I write to? Name them with @handle, or say “draft emails for those creators” after a search.", remember=False)
    args = {"handle": "@" + hs[0], "channel": channel,
            "tone": "formal" if ctx.matches(r"\bformal\b") else "casual" if ctx.matches(r"\bcasual\b") else None,
            "redraft": bool(ctx.matches(r"\b(?:redraft|rewrite|new draft|again)\b"))}
    ask = campaign_or_ask(ctx, "draft_outreach", args, "draft the message")
    if ask:
        return ask
    outcome = ctx.call("draft_outreach", args)
    if not outcome.ok or outcome.result is None:
        return IntentReply(compose_generic(outcome, "draft the message"), remember=False)
    ctx.memory.extra["last_draft_handle"] = hs[0]
    return IntentReply(_show_draft(outcome.result), intent="draft_outreach", remember=False)


def _show_draft(r: Any) -> str:
    d = r.model_dump()
    m = d.get("message") or {}
    lines = [r.summary]
    if m.get("subject"):
        lines.append(f"Subject: {m['subject']}")
    if m.get("body"):
        lines.append("")
        lines.append(m["body"])
    for p in m.get("posts") or []:
        lines.append(f"(cites their {p['posted_at']} post {p['url']})")
    for note in d.get("notes") or []:
        lines.append(f"Note: {note}")
    lines.append("\nEdit it (“make it shorter”, “mention the 20% code”) or ask to send it (“send it” — an approver confirms).")
    return "\n".join(lines)


_EDIT = r"\b(?:make (?:it|the (?:email|draft|message))|shorter|longer|more (?:formal|casual|friendly|personal)|less formal|mention|add (?:the|a) (?:code|link|discount)|change the subject|subject (?:to|should be)|rephrase|tone it down)\b"


@intent("edit_draft", matcher=lambda c: 0.9 if c.matches(_EDIT) and (c.memory.extra.get("last_draft_handle") or c.handles or c.matches(r"\bdraft\b")) and not c.matches(r"\bcampaign\b.*\bbudget\b") else 0.0,
        examples=["make it shorter", "mention the 20% code", "change the subject to Glow with us this winter"],
        description="Edit a draft", capability=OUTREACH, tools=["edit_draft"])
def edit(ctx: IntentContext) -> IntentReply:
    hs = target_handles(ctx, allow_focus=False)
    handle = hs[0] if hs else ctx.memory.extra.get("last_draft_handle")
    if not handle:
        return IntentReply("Which creator's draft? e.g. “make @skin.by.sam's draft shorter”.", remember=False)
    args: dict[str, Any] = {"handle": "@" + handle, "instruction": ctx.text, "campaign": campaign_for(ctx)}
    m = re.search(r"\bsubject (?:to|should be|:)\s*[\"“']?(.+?)[\"”']?$", ctx.text, re.I)
    if m:
        args["new_subject"] = m.group(1).strip()
    outcome = ctx.call("edit_draft", args)
    if not outcome.ok or outcome.result is None:
        return IntentReply(compose_generic(outcome, "edit the draft"), remember=False)
    ctx.memory.extra["last_draft_handle"] = handle
    return IntentReply(_show_draft(outcome.result), intent="edit_draft", remember=False)


@intent("review_drafts", matcher=lambda c: 0.88 if c.matches(r"\b(?:show|list|review|see)\b.*\b(?:drafts?|outreach|emails|messages|sends?|sequence)\b") else 0.0,
        examples=["show the drafts", "review outreach for Glow Q3"], description="Review drafts, scheduled and sent messages",
        capability=OUTREACH, tools=["review_drafts"])
def review(ctx: IntentContext) -> IntentReply:
    args: dict[str, Any] = {"status": "draft" if ctx.matches(r"\bdrafts?\b") else "all", "full_text": bool(ctx.matches(r"\bfull\b"))}
    ask = campaign_or_ask(ctx, "review_drafts", args, "review the outreach")
    if ask:
        return ask
    outcome = ctx.call("review_drafts", args)
    if not outcome.ok or outcome.result is None:
        return IntentReply(compose_generic(outcome, "review the outreach"), remember=False)
    d = outcome.result.model_dump()
    lines = [outcome.result.summary]
    for m in (d.get("messages") or [])[:25]:
        step = f" follow-up {m['step']}" if m.get("step") else ""
        when = f" {m['scheduled_at'][:16]}" if m.get("scheduled_at") and m.get("status") == "scheduled" else ""
        lines.append(f"  #{m.get('message_id')} {m.get('handle', '')}{step} [{m.get('status')}{when}] {m.get('subject') or ''}")
    for f in (d.get("failed") or [])[:10]:
        lines.append(f"  ✗ {f}")
    return IntentReply("\n".join(lines), intent="review_drafts", remember=False)


@intent("approve_outreach", matcher=lambda c: 0.92 if c.matches(r"^(?:ok,?\s+|great,?\s+)?(?:send|schedule)\b") and not c.matches(r"https?://") else 0.0,
        examples=["send them", "send @skin.by.sam's email", "send all drafts for Glow Q3"],
        description="Ask an approver to send drafted emails (with follow-ups)", capability=OUTREACH, tools=["approve_outreach"])
def approve(ctx: IntentContext) -> IntentReply:
    args: dict[str, Any] = {"include_followups": not ctx.matches(r"\bwithout follow-?ups?\b|\bno follow-?ups?\b")}
    hs = target_handles(ctx, allow_focus=False)
    if hs and not ctx.matches(r"\b(?:all|them|those|these|every)\b"):
        args["handles"] = ["@" + h for h in hs]
    elif ctx.matches(r"\b(?:it|the draft|the email)\b") and ctx.memory.extra.get("last_draft_handle"):
        args["handles"] = ["@" + ctx.memory.extra["last_draft_handle"]]
    else:
        args["all"] = True
    ask = campaign_or_ask(ctx, "approve_outreach", args, "prepare the send")
    if ask:
        return ask
    return run(ctx, "approve_outreach", args, "prepare the send", intent="approve_outreach")


@intent("log_reply", matcher=lambda c: 0.93 if c.matches(r"\b(?:replied|responded|answered|wrote back|got back to us|unsubscribed)\b") and (c.handles or c.refs.found) else 0.0,
        examples=["@skin.by.sam replied, they want $2,500 for a reel"], description="Log a creator's reply (stops the follow-ups)",
        capability=OUTREACH, tools=["log_reply"])
def reply(ctx: IntentContext) -> IntentReply:
    hs = target_handles(ctx)
    if len(hs) != 1:
        return IntentReply("Who replied? Name one creator with @handle.", remember=False)
    m = re.search(r"\b(?:replied|responded|answered|wrote back|got back to us)\b[,:]?\s*(.*)$", ctx.text, re.I)
    text = (m.group(1).strip() if m else "") or ctx.text
    return run(ctx, "log_reply", {"handle": "@" + hs[0], "text": text, "campaign": campaign_for(ctx, allow_memory=False)},
               "log the reply", intent="log_reply")


@intent("stop_outreach", matcher=lambda c: 0.9 if c.matches(r"\b(?:stop|cancel|pause)\b.*\b(?:outreach|emails?|follow-?ups?|sequence|messages?)\b") and (c.handles or c.refs.found) else 0.0,
        examples=["stop the follow-ups to @skin.by.sam"], description="Stop scheduled messages to a creator", capability=OUTREACH,
        tools=["stop_outreach"])
def stop(ctx: IntentContext) -> IntentReply:
    hs = target_handles(ctx)
    if len(hs) != 1:
        return IntentReply("Whose messages should I stop? Name one creator with @handle.", remember=False)
    return run(ctx, "stop_outreach", {"handle": "@" + hs[0]}, "stop the messages", intent="stop_outreach")


@intent("do_not_contact", matcher=lambda c: 0.95 if c.matches(r"\b(?:do not|don'?t|never) (?:contact|email|message|reach out to)\b|\bdo-not-contact\b|\bblock(?:list)?\b") else 0.0,
        examples=["don't contact @lucia.cocina again"], description="Add a creator to the do-not-contact list", capability=OUTREACH,
        tools=["do_not_contact"])
def dnc(ctx: IntentContext) -> IntentReply:
    hs = target_handles(ctx)
    email = re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", ctx.text)
    if not hs and not email:
        return IntentReply("Who should never be contacted? Give a @handle or an email address.", remember=False)
    args = {"handle": "@" + hs[0]} if hs else {"email": email.group(0)}  # type: ignore[union-attr]
    return run(ctx, "do_not_contact", args, "update the do-not-contact list", intent="do_not_contact")
