"""Rich rendering of a turn in the terminal: the reply, and each result by its kind.

Every value that may come from a third party (handles, names, bios, captions, brand
names, reasons quoting posts) is put in a ``rich.text.Text`` — never parsed as markup —
after ``agent.planner.reply.clean`` has removed escape sequences and control characters,
so "[bold]" or "\\x1b[2J" in a bio is shown literally (or dropped), never executed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agent.planner.reply import clean, pct, platform_label, split_listing
from agent.turn import Turn
from memory.domain.numbers import format_compact
from tools.base import ToolResult


def T(value: Any, style: str = "", limit: int | None = None) -> Text:  # noqa: N802 - short on purpose
    """Cleaned, markup-free text."""
    return Text(clean(value, limit), style=style)


def quoted(value: Any, limit: int = 300) -> Text:
    """Third-party text shown as a quotation."""
    return Text(f"“{clean(value, limit)}”", style="italic")


def _country(code: Any) -> str:
    return str(code or "")


# --- per kind -------------------------------------------------------------------------------------


_STANDARD_REASONS = ("niche:", "based in", "posts in", "email on file", "KOL", "influencer", "ER ")


def _extra_reasons(item: dict[str, Any]) -> list[str]:
    """Reasons beyond what the columns already show (topic match, brand mentions, similarity)."""
    plat = str(item.get("platform") or "")
    return [r for r in item.get("reasons") or [] if not r.startswith(_STANDARD_REASONS) and not r.startswith(plat + " ")]


def _er_cell(item: dict[str, Any], common_basis: str | None) -> str:
    """The rate with its basis ("3.7% · last 6 posts"); under a shared "ER by followers"
    header a rate of unrecorded source is the bare percent."""
    rate = item.get("engagement_rate")
    if rate is None:
        return "unknown"
    text = str(item.get("engagement") or "")
    if common_basis and text.endswith(f" by {common_basis}"):
        return text.removesuffix(f" by {common_basis}")
    return text or f"{rate * 100:.1f}% by {item.get('engagement_basis') or 'followers'}"


def render_creator_list(d: dict[str, Any], width: int = 160, *, title: bool = True) -> RenderableType:
    """creator_list: one row per account, with tier, ER and its basis, and why it matched.
    Narrow terminals get fewer columns (the reasons then follow the table)."""
    items = d.get("items") or []
    offset = int(d.get("offset") or 0)
    # a shared basis goes in the header, for rates whose source is not recorded ("4.1% by followers")
    bases = {it.get("engagement_basis") or "followers" for it in items if it.get("engagement_rate") is not None}
    legacy = all(str(it.get("engagement") or "").endswith(" by " + str(it.get("engagement_basis") or "followers"))
                 for it in items if it.get("engagement_rate") is not None)
    common = bases.pop() if len(bases) == 1 and legacy else None
    show_niches = width >= 100
    show_growth = width >= 110 and any(it.get("growth") for it in items)
    show_activity = width >= 120 and any(it.get("activity") for it in items)
    show_why = width >= 130 and any(_extra_reasons(it) for it in items)
    # no outer cell padding: an 80-column terminal fits the basis ("4.1% · reported") unwrapped
    table = Table(title=T(d.get("summary"), limit=160) if title else None, title_justify="left", expand=False, pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("Handle", style="bold cyan", no_wrap=True)
    table.add_column("Platform")
    table.add_column("Tier")
    table.add_column("Followers", justify="right")
    table.add_column(f"ER by {common}" if common else "ER (basis)", justify="right", no_wrap=True)
    table.add_column("Country")
    if show_growth:
        table.add_column("Growth")
    if show_activity:
        table.add_column("Activity")
    if show_niches:
        table.add_column("Niches")
    if show_why:
        table.add_column("Why", style="dim")
    below: list[RenderableType] = []
    for i, it in enumerate(items):
        handle = T("@" + str(it.get("handle")), "bold cyan")
        if it.get("kind") == "kol":
            handle.append(" KOL", style="magenta")
        if it.get("has_email"):
            handle.append(" ✉", style="green")
        if it.get("do_not_contact"):
            handle.append(" DNC", style="red")
        place = ", ".join(str(p) for p in (it.get("city"), it.get("country")) if p)
        row: list[RenderableType] = [
            str(offset + i + 1), handle, T(platform_label(it.get("platform"))), T(it.get("tier")),
            T(format_compact(it.get("followers"))), T(_er_cell(it, common)), T(place),
        ]
        if show_growth:
            row.append(T(it.get("growth") or "unknown"))
        if show_activity:
            row.append(T(it.get("activity") or "no posts on record"))
        if show_niches:
            row.append(T(", ".join((it.get("niches") or [])[:4]), limit=40))
        extra = _extra_reasons(it)
        if show_why:
            row.append(T("; ".join(extra[:3]), limit=120))
        elif extra:
            below.append(T(f"  {offset + i + 1}. @{it.get('handle')}: " + "; ".join(extra[:3]), "dim", limit=width - 2))
        table.add_row(*row)
    parts: list[RenderableType] = [table, *below]
    notes = d.get("notes") or []
    if notes:
        parts.append(T("Note: " + "; ".join(notes), "dim"))
    return Group(*parts)


def render_creator_profile(d: dict[str, Any]) -> RenderableType:
    """creator_profile: who, accounts, audience, bio (quoted), recent posts, brands, collaborations."""
    c = d.get("creator") or {}
    head = T(f"@{c.get('handle')}", "bold cyan")
    head.append("  ")
    head.append(clean(c.get("display_name"), 60), style="bold")
    head.append(f"  {'KOL' if c.get('kind') == 'kol' else 'influencer'}", style="magenta" if c.get("kind") == "kol" else "")
    lines: list[RenderableType] = [head]
    meta = []
    if c.get("credentials"):
        meta.append(clean(c["credentials"], 100))
    place = ", ".join(str(p) for p in (c.get("city"), c.get("country")) if p)
    if place:
        meta.append(place)
    if c.get("language"):
        meta.append(f"language {c['language']}")
    if c.get("niches"):
        meta.append("niches: " + ", ".join(c["niches"]))
    meta.append("email on file" if c.get("has_email") else "no email")
    if c.get("do_not_contact"):
        meta.append("DO NOT CONTACT")
    lines.append(T(" · ".join(meta)))
    aud = []
    if c.get("audience_top_country"):
        aud.append(f"top country {c['audience_top_country']}")
    if c.get("audience_female_pct") is not None:
        aud.append(f"{pct(c['audience_female_pct'], 0)} female")
    if c.get("audience_age_18_34_pct") is not None:
        aud.append(f"{pct(c['audience_age_18_34_pct'], 0)} aged 18–34")
    if aud:
        lines.append(T("Audience: " + ", ".join(aud)))
    accounts = d.get("accounts") or []
    if accounts:
        t = Table(show_header=True, expand=False, box=None, padding=(0, 2))
        for col, kw in (("Platform", {}), ("Handle", {"no_wrap": True}), ("Followers", {"justify": "right"}), ("Tier", {}),
                        ("ER (basis)", {}), ("Growth", {}), ("Activity", {})):
            t.add_column(col, **kw)
        for a in accounts:
            t.add_row(T(platform_label(a.get("platform"))), T("@" + str(a.get("handle"))), T(format_compact(a.get("followers"))),
                      T(a.get("tier")), T(a.get("engagement")), T(a.get("growth") or "unknown"),
                      T(a.get("activity") or "no posts on record"))
        lines.append(t)
    if d.get("bio"):
        bio = Text("Bio (creator's own words, shown as data): ", style="dim")
        bio.append_text(quoted(d["bio"]))
        lines.append(bio)
    posts = d.get("recent_posts") or []
    if posts:
        lines.append(Text("Recent posts", style="bold"))
        for p in posts:
            line = Text("  ")
            line.append_text(T(f"{str(p.get('posted_at') or '')[:10]} {platform_label(p.get('platform'))}"
                               + (" (sponsored)" if p.get("sponsored") else ""), "dim"))
            line.append(": ")
            line.append_text(quoted(p.get("caption") or "", 140))
            if p.get("brands"):
                line.append(" brands: " + ", ".join(clean(b, 30) for b in p["brands"]), style="dim")
            lines.append(line)
    brands = d.get("brand_mentions") or []
    if brands:
        lines.append(T("Mentions: " + ", ".join(f"{clean(b['brand'], 30)} ×{b['mentions']}" for b in brands[:8])))
    collabs = d.get("collaborations") or []
    if collabs:
        t = Table(title="Collaborations with us", title_justify="left", expand=False)
        for col in ("Campaign", "Brand", "Stage", "Agreed fee", "Open"):
            t.add_column(col)
        for k in collabs:
            t.add_row(T(k.get("campaign")), T(k.get("brand") or ""), T(k.get("stage")), T(k.get("agreed_fee")),
                      T("yes" if k.get("open") else "no"))
        lines.append(t)
    return Panel(Group(*lines), title=T(f"Creator profile · @{c.get('handle')}"), title_align="left", expand=False)


def render_classification(d: dict[str, Any]) -> RenderableType:
    """classification: inferred kind with confidence, tiers, and the evidence."""
    kind = "KOL" if d.get("inferred_kind") == "kol" else "influencer"
    head = T(f"@{d.get('handle')}", "bold cyan")
    head.append(f" → {kind} ({pct(d.get('confidence'), 0)} confidence)", style="bold")
    if d.get("agrees") is False:
        head.append(f"  stored as {d.get('stored_kind')} — evidence disagrees", style="yellow")
    lines: list[RenderableType] = [head]
    tiers = d.get("tiers") or []
    if tiers:
        lines.append(T("Tiers: " + ", ".join(f"{platform_label(t['platform'])} {t['tier']} ({format_compact(t['followers'])})" for t in tiers)))
    for r in d.get("reasons") or []:
        lines.append(T(f"  • {r}", limit=200))
    return Panel(Group(*lines), expand=False)


def render_creator_mix(d: dict[str, Any], width: int = 160) -> RenderableType:
    """creator_mix: the budget split by segment, example creators numbered as "#1", "#2" (what
    "tell me about #1" refers to), and the reasons."""
    numbers: dict[str, int] = {}
    for sg in d.get("segments") or []:
        for e in sg.get("examples") or []:
            numbers.setdefault(str(e.get("handle")), len(numbers) + 1)
    show_why = width >= 140
    t = Table(title=T(d.get("summary"), limit=200), title_justify="left", expand=False, show_lines=True)
    for col, kw in (("Segment", {"style": "bold"}), ("Share", {"justify": "right"}), ("Budget", {"justify": "right"}),
                    ("Creators", {"justify": "right"}), ("Fee each", {}), ("Examples", {})):
        t.add_column(col, **kw)
    if show_why:
        t.add_column("Why", style="dim")
    for sg in d.get("segments") or []:
        ex = Text("\n").join(
            T(f"#{numbers[str(e['handle'])]} @{e['handle']} ({format_compact(e.get('followers'))})") for e in sg.get("examples") or []
        ) or Text("—")
        expected = str(sg.get("expected_creators") or "")
        row = [T(sg.get("segment")), T(f"{sg.get('share_pct')}%"), T(sg.get("budget")),
               T("0 (below one fee)" if expected.startswith("0 (") else expected), T(sg.get("fee_range")), ex]
        if show_why:
            row.append(T(sg.get("why"), limit=120))
        t.add_row(*row)
    parts: list[RenderableType] = [t]
    for r in d.get("reasons") or []:
        parts.append(T("• " + str(r)))
    for n in d.get("notes") or []:
        parts.append(T("Note: " + str(n), "dim"))
    parts.append(T("Fees are planning assumptions, not quotes.", "dim"))
    return Group(*parts)


def render_collaboration_records(d: dict[str, Any]) -> RenderableType:
    """collaboration_records: what we paid, for what, and how it performed."""
    t = Table(title=T(d.get("summary"), limit=300), title_justify="left", expand=False)
    for col, kw in (("Creator", {"style": "bold cyan"}), ("Campaign", {}), ("Year", {}), ("Stage", {}),
                    ("Fee", {"justify": "right"}), ("Deliverables", {}), ("Impr.", {"justify": "right"}),
                    ("Clicks", {"justify": "right"}), ("Conv.", {"justify": "right"}), ("Revenue", {"justify": "right"}),
                    ("ROAS", {"justify": "right"})):
        t.add_column(col, **kw)
    for r in d.get("records") or []:
        who = T(clean(r.get("creator"), 30) + (f" @{r['handle']}" if r.get("handle") else ""))
        if r.get("kind") == "kol":
            who.append(" KOL", style="magenta")
        camp = clean(r.get("campaign"), 30) + (f" ({clean(r['brand'], 20)})" if r.get("brand") else "")
        res = r.get("has_results")
        t.add_row(
            who, T(camp), T(r.get("year")), T(str(r.get("stage") or "").replace("_", " ")), T(r.get("agreed_fee")),
            T("; ".join(r.get("deliverables") or []), limit=60),
            T(format_compact(r.get("impressions")) if res else "—"), T(format_compact(r.get("clicks")) if res else "—"),
            T(r.get("conversions") if res else "—"), T(r.get("revenue") if res else "—"),
            T(f"{r['roas']:.2f}" if r.get("roas") is not None else "—"),
        )
    parts: list[RenderableType] = [t]
    for n in d.get("notes") or []:
        parts.append(T("Note: " + str(n), "dim"))
    return Group(*parts)


def render_generic(d: dict[str, Any]) -> RenderableType:
    """Any other result kind: its summary."""
    return Panel(T(d.get("summary")), title=T(d.get("kind")), title_align="left", expand=False)


RENDERERS: dict[str, Callable[[dict[str, Any]], RenderableType]] = {
    "creator_list": render_creator_list,
    "creator_profile": render_creator_profile,
    "classification": render_classification,
    "creator_mix": render_creator_mix,
    "collaboration_records": render_collaboration_records,
}


def render_result(result: ToolResult, *, width: int = 160, title: bool = True) -> RenderableType:
    """The rich rendering of one tool result (by its ``kind``)."""
    data = result.model_dump(mode="json")
    if result.kind == "creator_list":
        return render_creator_list(data, width, title=title)
    if result.kind == "creator_mix":
        return render_creator_mix(data, width)
    return RENDERERS.get(result.kind, render_generic)(data)


def render_turn(console: Console, turn: Turn) -> None:
    """Print a turn: tables for the results; the reply around them. For the offline planner
    the numbered listing in the reply is replaced by the table (same numbers), and a single
    profile, classification, mix or record set is shown as its table with the reply's
    pointers; several of them (a comparison) are shown as the reply's summary."""
    # an empty list has nothing to tabulate: the reply's "No creators match …" says it all
    results = [r for r in turn.results if not _empty_list(r)]
    offline = turn.brain == "offline"
    if offline and any(r.kind == "creator_list" for r in results):
        before, after = split_listing(turn.reply)
        if before.strip():
            console.print(Text(before))
        for r in results:
            # the reply's first line already says what the table is
            console.print(render_result(r, width=console.width, title=False))
        if after.strip():
            console.print(Text(after, style="dim"))
    elif offline and len(results) == 1 and results[0].kind in RENDERERS:
        _print_lines(console, turn.reply, ("Nothing matches", "I couldn't"))
        console.print(render_result(results[0], width=console.width))
        _print_lines(console, turn.reply, ("Next:",), style="dim")
    elif offline and results:
        console.print(Text(turn.reply))
    else:
        console.print(Text(turn.reply))
        for r in results:
            console.print(render_result(r, width=console.width))
    _print_pending(console, turn)


def _empty_list(result: ToolResult) -> bool:
    return result.kind == "creator_list" and not getattr(result, "items", None)


def _print_lines(console: Console, reply: str, prefixes: tuple[str, ...], style: str = "") -> None:
    for line in reply.splitlines():
        if line.startswith(prefixes):
            console.print(Text(line, style=style))


def pending_action_text(a: dict[str, Any]) -> str:
    """A pending action's summary plus the details an approver needs (the agreed fee's history
    on payout and fee-raise cards, from ``payload["fee_history"]``)."""
    payload = a.get("payload") if isinstance(a.get("payload"), dict) else {}
    history = payload.get("fee_history") if isinstance(payload.get("fee_history"), list) else []
    return "\n".join([str(a.get("summary") or ""), *(str(line) for line in history)])


def _print_pending(console: Console, turn: Turn) -> None:
    for a in turn.pending_actions:
        console.print(Panel(T(pending_action_text(a)), title=T(f"Awaiting approval: {a.get('kind')} {str(a.get('id'))[:8]}"),
                            border_style="yellow", expand=False))
