"""CRM intents: campaigns, prospects, negotiations, stages, deliverables, content review,
shipments, codes, links, payouts, notes, pipeline, history, undo and approvals."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from agent.planner import parse as P
from agent.planner.intents import IntentContext, IntentReply, intent
from agent.planner.reply import compose_generic
from agent.planner.workflow import campaign_for, mentioned_campaign, run, target_handles, which_campaign
from memory.domain.campaigns import STAGE_SYNONYMS
from memory.domain.deliverables import (
    Deliverable,
    describe_deliverables,
    mentioned_kind,
    parse_deliverables,
    parse_exclusivity,
    parse_usage_rights,
)
from memory.domain.money import Money, MoneyError, parse_money

CRM = "CRM"

# stage -> regex of its everyday names, from the domain core (paid and content approved are set by approvals only)
_STAGES = {stage.value: "|".join(re.escape(w) for w in words) for stage, words in STAGE_SYNONYMS.items()
           if stage.value not in ("paid", "content_approved")}
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def parse_date(text: str, today: date) -> date | None:
    """2026-12-01, 'Dec 5', '5 December', 'tomorrow', 'in 3 days', 'next week'."""
    low = text.lower()
    m = re.search(r"\b(20\d{2})-(\d{1,2})-(\d{1,2})\b", low)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b", low) or \
        re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", low)
    if m:
        a, b = m.group(1), m.group(2)
        mon, day = (_MONTHS[a], int(b)) if a in _MONTHS else (_MONTHS[b], int(a))
        d = date(today.year, mon, day)
        return d if d >= today - timedelta(days=60) else date(today.year + 1, mon, day)
    if "tomorrow" in low:
        return today + timedelta(days=1)
    m = re.search(r"\bin (\d+) days?\b", low)
    if m:
        return today + timedelta(days=int(m.group(1)))
    if "next week" in low:
        return today + timedelta(days=7)
    return None


def _money(ctx: IntentContext, *, bare: bool = False) -> Money | None:
    """The amount in the message (memory.domain.money); with ``bare`` also a plain number after
    at/for/of/to ("countered at 2200"). ``MoneyError`` when it is malformed."""
    default = ctx.tool_ctx.settings.default_currency
    money = P.find_amount(ctx.text, default)
    if money is None and bare:
        m = re.search(r"\b(?:at|for|of|to)\s+(\d[\d,.]*\s*[km]?)\b(?!\s*(?:day|reel|stor|post|video|%))", ctx.low)
        money = parse_money(m.group(1).strip(), default) if m else None
    return money


def _bad_amount(exc: MoneyError) -> IntentReply:
    return IntentReply(f"I couldn't read the amount: {exc}", remember=False)


def _one(ctx: IntentContext, what: str) -> str | IntentReply:
    hs = target_handles(ctx)
    if len(hs) == 1:
        return hs[0]
    if ctx.refs.question:
        return IntentReply(ctx.refs.question, remember=False)
    if not hs:
        return IntentReply(f"Which creator should I {what}? Name them with @handle or refer to a result (“the second one”).", remember=False)
    return IntentReply(f"Which one should I {what}: " + ", ".join("@" + h for h in hs) + "?", remember=False)


# --- campaigns ---------------------------------------------------------------------------------------

@intent("create_campaign", matcher=lambda c: 0.9 if c.matches(r"\b(?:create|new|set up|start|make)\b.*\bcampaign\b") else 0.0,
        examples=["create a campaign Glow Q4 for Lumière Skin with a $20,000 budget"], description="Create a campaign",
        capability=CRM, tools=["create_campaign"])
def create_campaign(ctx: IntentContext) -> IntentReply:
    m = re.search(r"\bcampaign\s+(?:called\s+|named\s+)?[\"“']?(.+?)[\"”']?(?:\s+for\s+(.+?))?(?:\s+with\b|\s+from\b|,|$|\.)", ctx.text, re.I)
    if not m:
        return IntentReply("What should the campaign be called, and for which brand? e.g. “create a campaign Glow Q4 for Lumière Skin”.", remember=False)
    name, brand = m.group(1).strip(), (m.group(2) or "").strip()
    if not brand:
        return IntentReply(f"Which brand is {name} for? e.g. “create a campaign {name} for Lumière Skin”.", remember=False)
    try:
        money = _money(ctx)
    except MoneyError as exc:
        return _bad_amount(exc)
    args: dict[str, Any] = {"name": name, "brand": brand, "goal": P.parse_goal(ctx.text)}
    if money:
        args["budget"] = P.money_arg(money)
    dates = re.findall(r"\b20\d{2}-\d{2}-\d{2}\b", ctx.text)
    if dates:
        args["start_date"] = dates[0]
        if len(dates) > 1:
            args["end_date"] = dates[1]
    niches = ctx.parsed.filters.get("niches_any")
    if niches:
        args["target_niches"] = niches
    reply = run(ctx, "create_campaign", args, "create the campaign", intent="create_campaign")
    if money and money.note:
        reply.text += f"\nNote: I {money.note}."
    return reply


@intent("add_to_campaign", matcher=lambda c: 0.85 if c.matches(r"\badd\b.*\b(?:to|into)\b") and not c.matches(r"\bdeliverable|note\b") else 0.0,
        examples=["add them to Glow Q3", "add @skin.by.sam to Fit Fall"], description="Add creators to a campaign",
        capability=CRM, tools=["add_to_campaign"])
def add_to_campaign(ctx: IntentContext) -> IntentReply:
    camp = mentioned_campaign(ctx) or (ctx.memory.last_campaign if ctx.matches(r"\b(?:the|this|that) campaign\b") else None)
    hs = target_handles(ctx, allow_focus=True)
    args: dict[str, Any] = {"campaign": camp, "handles": ["@" + h for h in hs]}
    if not hs:
        if ctx.refs.question:
            return IntentReply(ctx.refs.question, remember=False)
        args = {"campaign": camp, "use_last_results": True}
    if not camp:
        return which_campaign(ctx, intent="resume_with_campaign", slots={"tool": "add_to_campaign", "args": args, "doing": "add them"})
    return run(ctx, "add_to_campaign", args, "add them to the campaign", intent="add_to_campaign")


# --- negotiation ---------------------------------------------------------------------------------------

def _m_negotiation(c: IntentContext) -> float:
    if c.matches(r"\b(?:counter(?:ed|s|-offer)?|offered|offer(?:ing)?|propos(?:ed|e) (?:a fee|paying)|accepted|agreed to|declined|turned (?:us )?down|passed on|wants?|asking for|asks for|quoted)\b") \
            and (c.handles or c.refs.found) and not c.matches(r"\breplied\b"):
        return 0.9
    return 0.0


@intent("log_negotiation", matcher=_m_negotiation,
        examples=["@skin.by.sam countered at $2,200 for 1 reel + 2 stories with 30-day usage rights", "we offered @fitwithmarco $1,500", "@skin.by.sam accepted"],
        description="Log an offer, counter, acceptance or decline", capability=CRM, tools=["log_negotiation"])
def log_negotiation(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "log this for")
    if isinstance(who, IntentReply):
        return who
    low = ctx.low
    if re.search(r"\b(?:declined|turned (?:us )?down|passed on|not interested|said no)\b", low):
        kind = "decline"
    elif re.search(r"\b(?:accepted|agreed to|said yes|signed)\b", low):
        kind = "accept"
    elif re.search(r"\b(?:we|i) (?:offered|offer|proposed|propose)\b|^offer(?:ed)?\b", low):
        kind = "offer"
    else:
        kind = "counter"
    try:
        amount = P.money_arg(_money(ctx, bare=True))
    except MoneyError as exc:
        return _bad_amount(exc)
    args: dict[str, Any] = {"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False), "kind": kind,
                            "amount": amount}
    items = parse_deliverables(ctx.text)
    if items:  # every deliverable named ("1 YouTube video and 2 shorts"), in one house style
        args["deliverables"] = describe_deliverables(items)
    usage, exclusivity = parse_usage_rights(ctx.text), parse_exclusivity(ctx.text)
    if usage is not None:
        args["usage_rights_days"] = usage
    if exclusivity is not None:
        args["exclusivity_days"] = exclusivity
    if kind in ("offer", "counter") and amount is None:
        return IntentReply(f"How much did @{who} {'ask for' if kind == 'counter' else 'get offered'}? e.g. “@{who} countered at $2,200”.", remember=False)
    return run(ctx, "log_negotiation", args, "log the negotiation", intent="log_negotiation")


# --- stages ----------------------------------------------------------------------------------------------

def _stage_in(text: str) -> str | None:
    m = re.search(r"\b(?:to|as|into|on)\s+(?:the\s+)?([a-z_ ]{3,30})$", text) or re.search(r"\b(?:to|as|into|on)\s+(?:the\s+)?([a-z_ ]{3,30}?)(?:\s+(?:in|for)\b|$)", text)
    cand = m.group(1) if m else text
    for stage, pat in _STAGES.items():
        if re.search(rf"\b(?:{pat})\b", cand):
            return stage
    return None


@intent("update_stage",
        matcher=lambda c: 0.88 if c.matches(r"\b(?:move|mark|set|put|change)\b") and _stage_in(c.low) and not c.matches(r"\bpaid\b|\bpayout\b") else 0.0,
        examples=["move @skin.by.sam to negotiating", "put her on hold"], description="Move a collaboration along the pipeline",
        capability=CRM, tools=["update_stage"])
def update_stage(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "move")
    if isinstance(who, IntentReply):
        return who
    stage = _stage_in(ctx.low)
    args = {"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False), "stage": stage}
    return run(ctx, "update_stage", args, "move the stage", intent="update_stage")


# --- deliverables and content ------------------------------------------------------------------------

@intent("add_deliverable",
        matcher=lambda c: 0.87 if (c.matches(r"\b(?:deliverable|owes|due|deadline)\b") and parse_deliverables(c.text) and not c.matches(r"\bsubmitted\b")) else 0.0,
        examples=["@skin.by.sam owes 1 reel due 2026-12-01", "add a deliverable: 2 stories for her due Dec 5"],
        description="Add a deliverable with a due date", capability=CRM, tools=["add_deliverable"])
def add_deliverable(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "add the deliverable for")
    if isinstance(who, IntentReply):
        return who
    items = parse_deliverables(ctx.text) or [Deliverable("post")]
    due = parse_date(ctx.text, ctx.now.date())
    calls = [{"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False), "type": d.kind, "count": d.count,
              "due_date": due.isoformat() if due else None} for d in items]
    texts: list[str] = []
    for i, args in enumerate(calls):
        reply = run(ctx, "add_deliverable", args, "add the deliverable", intent="add_deliverable")
        if reply.pending:  # "which campaign?": the answer adds this one and the rest ("1 reel and 2 stories")
            reply.pending["slots"]["more"] = calls[i + 1 :]
            return reply
        texts.append(reply.text)
    return IntentReply("\n".join(texts), intent="add_deliverable", remember=False)


@intent("submit_content", matcher=lambda c: 0.9 if c.matches(r"\b(?:submitted|sent (?:us|over) (?:the|her|his)|delivered)\b") and c.matches(r"https?://") else 0.0,
        examples=["@skin.by.sam submitted the reel: https://drive.example/reel1"], description="Record submitted content",
        capability=CRM, tools=["submit_content"])
def submit_content(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "record the submission for")
    if isinstance(who, IntentReply):
        return who
    url = re.search(r"https?://\S+", ctx.text).group(0).rstrip(".,)")  # type: ignore[union-attr]
    args = {"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False), "content_url": url,
            "type": mentioned_kind(ctx.text.replace(url, " "))}
    return run(ctx, "submit_content", args, "record the submission", intent="submit_content")


def _m_review(c: IntentContext) -> float:
    if c.matches(r"\b(?:approve|sign off on|ok)\b.*\b(?:reel|story|post|video|content|draft|short|article)\b") and not c.matches(r"\baction\b|\bpayout\b"):
        return 0.9
    if c.matches(r"\b(?:request changes|ask (?:her|him|them|@\S+) to (?:change|fix|edit|redo)|needs? changes)\b"):
        return 0.9
    return 0.0


@intent("review_content", matcher=_m_review,
        examples=["approve @skin.by.sam's reel", "ask @skin.by.sam to change the reel: show the SPF label"],
        description="Approve content (an approver confirms) or request changes", capability=CRM, tools=["review_content"])
def review_content(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "review")
    if isinstance(who, IntentReply):
        return who
    changes = ctx.matches(r"\b(?:change|fix|edit|redo|request changes|needs? changes)\b")
    comment = None
    if changes:
        m = re.search(r"[:—-]\s*(.+)$", ctx.text)
        comment = m.group(1).strip() if m else None
        if not comment:
            return IntentReply("What should change? e.g. “ask @x to change the reel: show the SPF label”.", remember=False)
    args = {"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False),
            "decision": "request_changes" if changes else "approve", "comment": comment,
            "type": mentioned_kind(ctx.text)}
    return run(ctx, "review_content", args, "review the content", intent="review_content")


# --- logistics -------------------------------------------------------------------------------------------

@intent("log_shipment", matcher=lambda c: 0.88 if c.matches(r"\b(?:shipped|sent|mailed|delivered|shipping)\b") and c.matches(r"\b(?:to|for)\b") and (c.handles or c.refs.found) and not c.matches(r"https?://") else 0.0,
        examples=["shipped the Vitamin C serum to @skin.by.sam via DHL, tracking JD014600"], description="Log a product shipment",
        capability=CRM, tools=["log_shipment"])
def log_shipment(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "log the shipment for")
    if isinstance(who, IntentReply):
        return who
    m = re.search(r"\b(?:shipped|sent|mailed)\s+(?:the\s+|a\s+|an\s+|our\s+)?(.+?)\s+(?:to|for)\s+(?:@|her|him|them|the)", ctx.text, re.I)
    product = m.group(1).strip() if m else "product"
    carrier = re.search(r"\b(?:via|with|by)\s+(DHL|UPS|FedEx|USPS|La Poste|Colissimo|DPD|GLS|Royal Mail|Hermes|PostNL)\b", ctx.text, re.I)
    tracking = re.search(r"\btracking(?:\s+(?:number|no\.?|#))?\s*[:#]?\s*([A-Z0-9-]{6,})", ctx.text, re.I)
    status = "delivered" if ctx.matches(r"\bdelivered\b") else "shipped"
    try:
        cost = _money(ctx)
    except MoneyError as exc:
        return _bad_amount(exc)
    args = {"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False), "product": product,
            "carrier": carrier.group(1) if carrier else None, "tracking_number": tracking.group(1) if tracking else None,
            "status": status, "cost": P.money_arg(cost)}
    return run(ctx, "log_shipment", args, "log the shipment", intent="log_shipment")


@intent("create_discount_code", matcher=lambda c: 0.9 if c.matches(r"\b(?:discount|promo|coupon) code\b|\bcode for\b") and c.matches(r"\b(?:create|make|generate|set up|give)\b") else 0.0,
        examples=["create a 15% discount code for @skin.by.sam"], description="Create a unique discount code", capability=CRM,
        tools=["create_discount_code"])
def create_code(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "create the code for")
    if isinstance(who, IntentReply):
        return who
    pct = re.search(r"(\d{1,2}(?:\.\d)?)\s*%", ctx.text)
    named = re.search(r"\bcode\s+([A-Z][A-Z0-9]{2,})\b", ctx.text)
    args = {"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False), "discount_pct": float(pct.group(1)) if pct else None,
            "code": named.group(1) if named else None}
    return run(ctx, "create_discount_code", args, "create the code", intent="create_discount_code")


@intent("create_tracking_link", matcher=lambda c: 0.9 if c.matches(r"\b(?:tracking|affiliate|utm) link\b") else 0.0,
        examples=["create a tracking link for @skin.by.sam to https://lumiere.example/serum"], description="Create a UTM tracking link",
        capability=CRM, tools=["create_tracking_link"])
def create_link(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "create the link for")
    if isinstance(who, IntentReply):
        return who
    url = re.search(r"https?://\S+", ctx.text)
    if not url:
        return IntentReply("Where should the link go? e.g. “tracking link for @x to https://brand.example/product”.", remember=False)
    args = {"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False), "destination_url": url.group(0).rstrip(".,)")}
    return run(ctx, "create_tracking_link", args, "create the link", intent="create_tracking_link")


# --- payouts ---------------------------------------------------------------------------------------------

def _m_payout(c: IntentContext) -> float:
    if not c.matches(r"\b(?:pay|payout|payment)\b") or c.matches(r"\b(?:paid|mark|status|due|waiting)\b"):
        return 0.0
    if c.matches(r"\b(?:what|how much|did we|do we|have we|usually)\b") or not (c.handles or c.refs.found):
        return 0.0  # questions about past pay are for past collaborations; a payout needs a creator
    return 0.9


@intent("propose_payout", matcher=_m_payout,
        examples=["pay @skin.by.sam", "propose a payout of $1,100 to @fitwithmarco"], description="Propose a payout (an approver must approve)",
        capability=CRM, tools=["propose_payout"])
def propose_payout(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "pay")
    if isinstance(who, IntentReply):
        return who
    try:
        money = _money(ctx)
    except MoneyError as exc:
        return _bad_amount(exc)
    args = {"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False), "amount": P.money_arg(money)}
    return run(ctx, "propose_payout", args, "propose the payout", intent="propose_payout")


@intent("mark_payout_paid", matcher=lambda c: 0.9 if c.matches(r"\b(?:mark|set|record)\b.*\bpaid\b|\bwe paid\b|\bhas been paid\b") else 0.0,
        examples=["mark @skin.by.sam's payout as paid, ref PAY-1043"], description="Mark an approved payout as paid (an approver confirms)",
        capability=CRM, tools=["mark_payout_paid"])
def mark_paid(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "mark as paid")
    if isinstance(who, IntentReply):
        return who
    ref = re.search(r"\b(?:ref(?:erence)?|invoice|transaction)\s*[:#]?\s*([A-Z0-9-]{3,})", ctx.text, re.I)
    args = {"handle": "@" + who, "campaign": campaign_for(ctx, allow_memory=False), "reference": ref.group(1) if ref else None}
    return run(ctx, "mark_payout_paid", args, "mark the payout", intent="mark_payout_paid")


@intent("reverse_payout",
        matcher=lambda c: 0.95 if c.matches(r"\b(?:reverse|revers(?:e|ing)|cancel|void|claw ?back)\b.*\bpay(?:out|ment)\b") else 0.0,
        examples=["reverse payout #12", "cancel @skin.by.sam's payout, it was approved by mistake"],
        description="Reverse an approved or paid payout (an approver confirms)", capability=CRM, tools=["reverse_payout"])
def reverse_payout(ctx: IntentContext) -> IntentReply:
    pid = re.search(r"\bpay(?:out|ment)\s*(?:#|no\.?|number)?\s*(\d+)\b|#(\d+)", ctx.text, re.I)
    reason = re.search(r"\b(?:because|since|reason:?|as)\s+(.+)$|,\s*(it was .+)$", ctx.text, re.I)
    args: dict = {"reason": next((g for g in (reason.groups() if reason else ()) if g), "")[:300]}
    if pid:
        args["payout_id"] = int(pid.group(1) or pid.group(2))
    else:
        who = _one(ctx, "reverse the payout of")
        if isinstance(who, IntentReply):
            return who
        args.update(handle="@" + who, campaign=campaign_for(ctx, allow_memory=False))
    return run(ctx, "reverse_payout", args, "reverse the payout", intent="reverse_payout")


# --- notes, pipeline, history, undo, approvals --------------------------------------------------------------

@intent("log_note", matcher=lambda c: 0.9 if c.matches(r"^(?:add a )?note\b|\bnote (?:on|for|about)\b|\bremember that\b") else 0.0,
        examples=["note on @skin.by.sam: prefers to be contacted by email, not DM"], description="Save a note on a creator",
        capability=CRM, tools=["log_note"])
def log_note(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "attach the note to")
    if isinstance(who, IntentReply):
        return who
    m = re.search(r"[:—]\s*(.+)$", ctx.text) or re.search(r"\bthat\s+(.+)$", ctx.text)
    if not m:
        return IntentReply("What should the note say? e.g. “note on @x: prefers email”.", remember=False)
    args = {"handle": "@" + who, "text": m.group(1).strip(), "campaign": mentioned_campaign(ctx)}
    return run(ctx, "log_note", args, "save the note", intent="log_note")


@intent("pipeline_status", matcher=lambda c: 0.85 if c.matches(r"\b(?:pipeline|overdue|deadlines?|what'?s due|due this week|upcoming|late deliverables|payouts? (?:due|waiting))\b") else 0.0,
        examples=["pipeline status for Glow Q3", "what's overdue?"], description="See the pipeline, overdue work and payouts due",
        capability=CRM, tools=["pipeline_status"])
def pipeline(ctx: IntentContext) -> IntentReply:
    args: dict[str, Any] = {"campaign": mentioned_campaign(ctx)}
    for stage in _STAGES:
        if ctx.matches(rf"\b(?:at|in)\s+(?:the\s+)?{stage.replace('_', ' ')}\b"):
            args["stage"] = stage
    outcome = ctx.call("pipeline_status", args)
    if not outcome.ok or outcome.result is None:
        return IntentReply(compose_generic(outcome, "check the pipeline"), remember=False)
    r = outcome.result
    lines = [r.summary]
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in r.by_stage.items() if v)
    if counts:
        lines.append(f"By stage: {counts}.")
    for o in r.overdue[:8]:
        lines.append(f"  ⚠ {o['handle']} {o['count']}× {o['type']} ({o['campaign']}) due {o['due_date']} — {o['days_late']} days late")
    for u in r.upcoming[:8]:
        lines.append(f"  • {u['handle']} {u['count']}× {u['type']} ({u['campaign']}) due {u['due_date']}")
    for p in r.payouts_due[:8]:
        lines.append(f"  $ {p['handle']} {p['amount']} ({p['campaign']}) — {p['status']}")
    return IntentReply("\n".join(lines), intent="pipeline_status", remember=False)


@intent("creator_history", matcher=lambda c: 0.95 if c.matches(r"\b(?:history|timeline|everything (?:we did|that happened)|what happened) (?:with|of|for)\b") else 0.0,
        examples=["history with @skin.by.sam"], description="Every interaction with a creator", capability=CRM, tools=["creator_history"])
def history(ctx: IntentContext) -> IntentReply:
    who = _one(ctx, "show the history of")
    if isinstance(who, IntentReply):
        return who
    outcome = ctx.call("creator_history", {"handle": "@" + who, "campaign": mentioned_campaign(ctx)})
    if not outcome.ok or outcome.result is None:
        return IntentReply(compose_generic(outcome, "read the history"), remember=False)
    r = outcome.result
    lines = [r.summary] + [f"  {e['at'][:10]} · {e.get('campaign', '—')} · {e['type']}: {e['text']}" for e in r.events[-25:]]
    return IntentReply("\n".join(lines), intent="creator_history", remember=False)


@intent("undo", matcher=lambda c: 1.0 if c.matches(r"^(?:please\s+)?undo\b|\brevert (?:that|the last)\b|\btake that back\b") else 0.0,
        examples=["undo that"], description="Undo your last change", capability=CRM, tools=["undo_last_change"])
def undo(ctx: IntentContext) -> IntentReply:
    return run(ctx, "undo_last_change", {}, "undo", intent="undo")


@intent("list_pending_actions", matcher=lambda c: 0.9 if c.matches(r"\b(?:pending actions?|needs? (?:my )?approval|waiting for (?:approval|an approver)|what needs approving)\b") else 0.0,
        examples=["what needs approval?"], description="List actions waiting for an approver", capability=CRM, tools=["list_pending_actions"])
def pending(ctx: IntentContext) -> IntentReply:
    outcome = ctx.call("list_pending_actions", {})
    if not outcome.ok or outcome.result is None:
        return IntentReply(compose_generic(outcome, "list the actions"), remember=False)
    acts = outcome.result.actions
    lines = [outcome.result.summary] + [f"  {a['id'][:8]} · {a['kind']} · {a['summary']}" for a in acts[:20]]
    if acts:
        lines.append("An approver can type “approve <id>” or “reject <id>” (or use the Slack buttons / `kolpilot actions approve <id>`).")
    return IntentReply("\n".join(lines), intent="list_pending_actions", remember=False)


_DECIDE_ID = r"^(approve|reject|decline)\s+(?:action\s+)?([0-9a-f-]{6,36})\b"
_DECIDE_IT = r"^(?:yes,?\s+)?(approve|reject|decline)\s+(?:it|that|this|them|those|the (?:payout|payment|content|action|send|sending|emails?))\.?$"


@intent("decide_action", matcher=lambda c: 1.0 if c.matches(_DECIDE_ID) or (c.matches(_DECIDE_IT) and c.memory.extra.get("last_pending_actions")) else 0.0,
        examples=["approve it", "approve 1a2b3c4d"], description="Approve or reject a pending action (approvers only)", capability=CRM)
def decide_action(ctx: IntentContext) -> IntentReply:
    # The person typing is the human confirming (the approver role is re-checked in decide).
    # Only the user's own message reaches here — never a creator's text or a model's output.
    from tools.approvals import decide

    m = re.match(_DECIDE_ID, ctx.low)
    if m:
        verb, ids = m.group(1), [m.group(2)]
    else:
        verb = re.match(_DECIDE_IT, ctx.low).group(1)  # type: ignore[union-attr]
        ids = list(ctx.memory.extra.get("last_pending_actions") or [])
    lines = [decide(ctx.tool_ctx, i, approve=verb == "approve").message for i in ids]
    if all(not x.startswith("Sorry") for x in lines):
        ctx.memory.extra.pop("last_pending_actions", None)
    return IntentReply("\n".join(lines), intent="decide_action", remember=False)


@intent("resume_with_campaign", matcher=lambda c: 1.0 if c.pending_for("resume_with_campaign") and mentioned_campaign(c) else 0.0,
        examples=["Glow Q3"], description="Answer “which campaign?”", capability=CRM, show_in_help=False)
def resume(ctx: IntentContext) -> IntentReply:
    slots = (ctx.pending or {}).get("slots") or {}
    args = dict(slots.get("args") or {})
    args["campaign"] = mentioned_campaign(ctx)
    reply = run(ctx, slots["tool"], args, slots.get("doing", "do that"), intent="resume_with_campaign")
    for more in slots.get("more") or []:  # the other deliverables of the same message
        reply.text += "\n" + run(ctx, slots["tool"], {**more, "campaign": args["campaign"]}, slots.get("doing", "do that"), intent="resume_with_campaign").text
    return reply
