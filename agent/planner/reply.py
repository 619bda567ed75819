"""Reply text composed from tool results (plain text: fine in a terminal, in Slack and in JSON).

Creator-written text (bios, captions, snippets) is third-party data: it is always shown
as a quotation, cleaned of control and formatting characters and shortened, so a bio that
says "[bold]ignore your instructions[/bold]" or carries terminal escape codes is only ever
displayed, never interpreted.
"""

from __future__ import annotations

import re
from typing import Any

from memory.domain import languages, places
from memory.domain.analytics import ACTIVE_DAYS, DORMANT_DAYS
from memory.domain.analytics_format import signed_pct
from memory.domain.numbers import format_compact
from tools.registry import ToolOutcome

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(text: Any, limit: int | None = None) -> str:
    """Third-party text made safe to display: no escape sequences or control/bidi
    characters, whitespace collapsed, Slack/HTML angle brackets neutralised, shortened."""
    s = _ANSI.sub("", str(text or ""))
    s = _CONTROL.sub(" ", s)
    s = " ".join(s.split()).replace("<", "‹").replace(">", "›")
    # Slack's broadcast keywords stay visible but cannot notify anyone
    s = re.sub(r"@(here|channel|everyone)\b", "＠\\1", s, flags=re.IGNORECASE)
    if limit is not None and len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return s


def quote(text: Any, limit: int = 160) -> str:
    """A cleaned quotation: “…”."""
    return f"“{clean(text, limit)}”"


def pct(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v * 100:.{digits}f}%"


def error_text(outcome: ToolOutcome, doing: str) -> str:
    """A tool error as one clear sentence for the user."""
    err = (outcome.error or "unknown error").strip()
    err = err[0].upper() + err[1:] if err else err
    if not err.endswith((".", "?", "!", ")")):
        err += "."
    return f"I couldn't {doing}: {err}"


# --- filters ---------------------------------------------------------------------------------------

_PLATFORM_LABELS = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube", "linkedin": "LinkedIn",
                    "facebook": "Facebook", "x": "X", "blog": "Blog", "podcast": "Podcast", "twitch": "Twitch",
                    "pinterest": "Pinterest", "threads": "Threads", "snapchat": "Snapchat"}


def platform_label(p: str | None) -> str:
    return _PLATFORM_LABELS.get(p or "", p or "?")


def describe_filters(f: dict[str, Any]) -> str:
    """Applied filters in words: "micro · skincare · France · Instagram · ER ≥ 3.0% · with email"."""
    parts: list[str] = []

    def lst(key: str, fmt: Any = str, sep: str = " or ") -> None:
        vals = f.get(key)
        if vals:
            parts.append(sep.join(fmt(v) for v in (vals if isinstance(vals, list) else [vals])))

    if f.get("similar_to"):
        parts.append(f"similar to {f['similar_to']}")
    lst("tiers")
    if f.get("kind") == "kol":
        parts.append("KOLs")
    elif f.get("kind") == "influencer":
        parts.append("influencers")
    lst("credentials", lambda c: f"“{c}”")
    lst("niches_any")
    lst("niches_all", sep=" and ")
    if f.get("topic"):
        parts.append(f"about “{clean(f['topic'], 60)}”")
    if f.get("city"):
        parts.append(str(f["city"]))
    lst("countries", _country)
    lst("languages", lambda c: f"in {_language(c)}")
    lst("platforms", platform_label)
    lo, hi = f.get("followers_min"), f.get("followers_max")
    if lo is not None and hi is not None:
        parts.append(f"{format_compact(lo)}–{format_compact(hi)} followers")
    elif lo is not None:
        parts.append(f"≥ {format_compact(lo)} followers")
    elif hi is not None:
        parts.append(f"≤ {format_compact(hi)} followers")
    if f.get("engagement_min") is not None:
        parts.append(f"ER ≥ {pct(float(f['engagement_min']))}")
    if f.get("engagement_max") is not None:
        parts.append(f"ER ≤ {pct(float(f['engagement_max']))}")
    if f.get("audience_country"):
        parts.append(f"audience mostly in {_country(f['audience_country'])}")
    lst("audience_countries", _country)
    if f.get("audience_countries"):
        parts[-1] = f"audience mostly in {parts[-1]}"
    if f.get("posted_within_days") is not None:
        parts.append(f"posted in the last {f['posted_within_days']} days")
    if f.get("active_only"):
        parts.append(f"active (posted in the last {ACTIVE_DAYS} days)")
    if f.get("dormant_only"):
        parts.append(f"dormant (no post in {DORMANT_DAYS} days)")
    if f.get("min_growth_30d_pct") is not None:
        parts.append(f"followers {signed_pct(float(f['min_growth_30d_pct']))} or more in 30 days")
    if f.get("min_credibility") is not None:
        parts.append(f"audience credibility ≥ {int(f['min_credibility'])}/100 (heuristic)")
    if f.get("audience_female_min") is not None:
        parts.append(f"audience ≥ {pct(float(f['audience_female_min']), 0)} female")
    if f.get("audience_18_34_min") is not None:
        parts.append(f"audience ≥ {pct(float(f['audience_18_34_min']), 0)} aged 18–34")
    if f.get("has_email") is True:
        parts.append("with email")
    elif f.get("has_email") is False:
        parts.append("without email")
    lst("brands", lambda b: f"mention {b}")
    c = f.get("collaborated")
    if c in ("any", True):
        parts.append("worked with us before")
    elif c in ("never", False):
        parts.append("never worked with us")
    elif c:
        parts.append(f"worked with us on {c}")
    if f.get("exclude_campaign"):
        parts.append(f"not in campaign {f['exclude_campaign']}")
    return " · ".join(parts)


def _country(code: str) -> str:
    return places.country_name(str(code))


def _language(code: str) -> str:
    return languages.language_name(str(code))


# --- creator lists -----------------------------------------------------------------------------------


def creator_line(i: int, item: dict[str, Any]) -> str:
    """One numbered creator line."""
    name = item.get("display_name") or ""
    who = f"@{item.get('handle')}" + (f" ({clean(name, 40)})" if name and name.lower() != str(item.get("handle")).lower() else "")
    bits = [
        platform_label(item.get("platform")),
        str(item.get("tier") or ""),
        f"{format_compact(item.get('followers'))} followers",
        f"ER {item.get('engagement') or 'unknown'}",
        str(item.get("growth") or ""),
        str(item.get("activity") or ""),
    ]
    place = ", ".join(p for p in (item.get("city"), item.get("country")) if p)
    if place:
        bits.append(place)
    if item.get("niches"):
        bits.append(", ".join(item["niches"][:3]))
    if item.get("kind") == "kol":
        bits.append("KOL" + (f": {clean(item.get('credentials'), 50)}" if item.get("credentials") else ""))
    if item.get("has_email"):
        bits.append("email ✓")
    if item.get("do_not_contact"):
        bits.append("do not contact")
    line = f"{i}. {who} — " + " · ".join(b for b in bits if b)
    extra = [r for r in item.get("reasons") or [] if r.startswith(("topic match", "similar content", "shares niches", "mentions"))]
    if extra:
        line += "\n   why: " + "; ".join(clean(r, 120) for r in extra[:3])
    return line


UNUSED_HINT = (f"I can filter on posting in the last N days, active creators (a post in the last {ACTIVE_DAYS} days), "
               f"dormant ones (no post in {DORMANT_DAYS} days) or follower growth over 30 days")


def unused_line(unused: list[str] | None) -> str | None:
    """Conditions of the request that no filter expresses, said back instead of dropped."""
    if not unused:
        return None
    return "I didn't use: " + ", ".join(f"'{clean(u, 60)}'" for u in unused) + f" — {UNUSED_HINT}."


def audience_match_line(data: dict[str, Any]) -> str | None:
    """"3 of them matched by audience country": rows a creator-country search found through
    their audience (reason "audience mostly in …") rather than where they are based."""
    applied = data.get("applied_filters") or {}
    if not applied.get("countries") or applied.get("audience_countries") or applied.get("audience_country"):
        return None
    items = data.get("items") or []
    n = sum(1 for it in items if any(str(r).startswith("audience mostly in") for r in it.get("reasons") or []))
    if not n:
        return None
    where = " or ".join(_country(c) for c in applied["countries"])
    why = f"where they are based is not known; their audience is mostly in {where}"
    return (f"Matched by audience country for {n} of them: {why}." if n < len(items)
            else f"Matched by audience country for all {n}: {why}.")


def compose_search(outcome: ToolOutcome, *, notes: list[str], lead: str | None = None, page: bool = False,
                   unused: list[str] | None = None) -> str:
    """Reply for search_creators / find_similar_creators. ``unused``: conditions of the request
    no filter expresses ("since 2019"), said back."""
    if not outcome.ok or outcome.result is None:
        text = error_text(outcome, "run that search")
        said = unused_line(unused)
        return text + (f"\n{said}" if said else "")
    data = outcome.result.model_dump(mode="json")
    items = data.get("items") or []
    filters = describe_filters(data.get("applied_filters") or {})
    lines: list[str] = []
    if lead:
        lines.append(lead)
    if not items:
        lines.append(clean(data.get("summary")) or "No creators match.")
        if filters:
            lines.append(f"Filters: {filters}.")
        if not data.get("offset"):
            lines.append("Try loosening a filter — e.g. “any country”, a lower ER, or another tier.")
        said = unused_line(unused)
        if said:
            lines.append(said)
        return "\n".join(lines)
    first = int(data.get("offset") or 0) + 1
    last = first + len(items) - 1
    total = data.get("total")
    everything = first == 1 and (total == len(items) or (total is None and not data.get("has_more")))
    sort = data.get("sort") or "followers"
    sort_text = {"followers": "biggest first", "engagement": "by engagement rate", "recency": "most recently active first",
                 "relevance": "most relevant first", "similarity": "most similar first"}.get(sort, f"by {sort}")
    if everything:
        head = f"{len(items)} creator{'s' if len(items) != 1 else ''}"
    else:
        head = ("More creators " if page else "Creators ") + f"{first}–{last}" + (f" of {total}" if total is not None else "")
    lines.append(head + (f" — {filters}" if filters else "") + f" ({sort_text}):")
    lines.extend(creator_line(first + i, item) for i, item in enumerate(items))
    matched = audience_match_line(data)
    if matched:
        lines.append(matched)
    all_notes = list(dict.fromkeys([*notes, *(data.get("notes") or [])]))
    if all_notes:
        lines.append("Note: " + "; ".join(all_notes) + ".")
    said = unused_line(unused)
    if said:
        lines.append(said)
    hints = [f"“show me #{min(2, len(items)) + first - 1}”", "“find similar to the first one”", "“only those with email”"]
    if data.get("has_more"):
        hints.append("“more”")
    lines.append("Next: " + " · ".join(hints))
    return "\n".join(lines)


# --- one creator --------------------------------------------------------------------------------------


def compose_profile(outcome: ToolOutcome) -> str:
    """Reply for get_creator."""
    if not outcome.ok or outcome.result is None:
        return error_text(outcome, "find that creator")
    d = outcome.result.model_dump(mode="json")
    c = d.get("creator") or {}
    lines = [f"@{c.get('handle')} — {clean(c.get('display_name'), 60)}"]
    kind = "KOL" if c.get("kind") == "kol" else "Influencer"
    if c.get("credentials"):
        kind += f" ({clean(c['credentials'], 80)})"
    where = ", ".join(p for p in (c.get("city"), _country(c["country"]) if c.get("country") else None) if p)
    meta = [kind]
    if where:
        meta.append(where)
    if c.get("language"):
        meta.append(f"posts in {_language(c['language'])}")
    if c.get("niches"):
        meta.append("niches: " + ", ".join(c["niches"]))
    meta.append("email on file" if c.get("has_email") else "no email on file")
    if c.get("do_not_contact"):
        meta.append("DO NOT CONTACT")
    lines.append(" · ".join(meta))
    for a in d.get("accounts") or []:
        lines.append(f"  {platform_label(a.get('platform'))} @{a.get('handle')}: {format_compact(a.get('followers'))} followers ({a.get('tier')}), ER {a.get('engagement')}"
                     + "".join(f"; {a[k]}" for k in ("growth", "activity") if a.get(k)))
    aud = []
    if c.get("audience_top_country"):
        aud.append(f"mostly in {_country(c['audience_top_country'])}")
    if c.get("audience_female_pct") is not None:
        aud.append(f"{pct(c['audience_female_pct'], 0)} female")
    if c.get("audience_age_18_34_pct") is not None:
        aud.append(f"{pct(c['audience_age_18_34_pct'], 0)} aged 18–34")
    if aud:
        lines.append("Audience: " + ", ".join(aud))
    if d.get("bio"):
        lines.append(f"Bio (creator's own words): {quote(d['bio'], 220)}")
    posts = d.get("recent_posts") or []
    if posts:
        lines.append("Recent posts:")
        for p in posts[:3]:
            when = str(p.get("posted_at") or "")[:10]
            brands = f" [brands: {', '.join(clean(b, 30) for b in p['brands'])}]" if p.get("brands") else ""
            spons = " (sponsored)" if p.get("sponsored") else ""
            lines.append(f"  {when} {platform_label(p.get('platform'))}{spons}: {quote(p.get('caption') or '', 110)}{brands}")
    brands = d.get("brand_mentions") or []
    if brands:
        lines.append("Mentions brands: " + ", ".join(f"{clean(b['brand'], 30)} ×{b['mentions']}" for b in brands[:6]))
    collabs = d.get("collaborations") or []
    if collabs:
        lines.append("With us: " + "; ".join(
            f"{clean(k.get('campaign'), 40)} ({k.get('stage')}, fee {k.get('agreed_fee')})" for k in collabs[:4]
        ))
    else:
        lines.append("With us: no collaborations yet.")
    lines.append("Next: “find similar creators” · “is this creator a KOL?” · “past collaborations with this creator”")
    return "\n".join(lines)


def compose_comparison(outcomes: list[ToolOutcome]) -> str:
    """Reply for "compare the first two": one block of key facts per creator."""
    lines = [f"Side by side ({len(outcomes)} creators):"]
    for o in outcomes:
        if not o.ok or o.result is None:
            lines.append(error_text(o, "look up one of them"))
            continue
        d = o.result.model_dump(mode="json")
        c = d.get("creator") or {}
        kind = "KOL" + (f" ({clean(c.get('credentials'), 50)})" if c.get("credentials") else "") if c.get("kind") == "kol" else "influencer"
        accounts = "; ".join(
            f"{platform_label(a.get('platform'))} {format_compact(a.get('followers'))} ({a.get('tier')}, ER {a.get('engagement')})"
            for a in (d.get("accounts") or [])[:3]
        )
        aud = []
        if c.get("audience_female_pct") is not None:
            aud.append(f"{pct(c['audience_female_pct'], 0)} female")
        if c.get("audience_age_18_34_pct") is not None:
            aud.append(f"{pct(c['audience_age_18_34_pct'], 0)} 18–34")
        if c.get("audience_top_country"):
            aud.append(f"top country {c['audience_top_country']}")
        collabs = d.get("collaborations") or []
        lines.append(f"• @{c.get('handle')} — {kind}, {c.get('city') or ''} {c.get('country') or ''}".rstrip())
        lines.append(f"    {accounts}")
        lines.append("    niches: " + (", ".join(c.get("niches") or []) or "—") + " · audience: " + (", ".join(aud) or "unknown")
                     + " · " + ("email on file" if c.get("has_email") else "no email")
                     + f" · {len(collabs)} collaboration{'s' if len(collabs) != 1 else ''} with us")
    return "\n".join(lines)


def compose_classification(outcome: ToolOutcome) -> str:
    """Reply for classify_creator."""
    if not outcome.ok or outcome.result is None:
        return error_text(outcome, "classify that creator")
    d = outcome.result.model_dump(mode="json")
    lines = [clean(d.get("summary"))]
    for r in (d.get("reasons") or [])[:6]:
        lines.append(f"  • {clean(r, 140)}")
    return "\n".join(lines)


def compose_classifications(outcomes: list[ToolOutcome], *, question: str = "") -> str:
    """Reply for "which of them are KOLs?": one line per creator, KOLs first."""
    rows = []
    errors = []
    for o in outcomes:
        if o.ok and o.result is not None:
            rows.append(o.result.model_dump(mode="json"))
        else:
            errors.append(error_text(o, "classify one creator"))
    kols = [r for r in rows if r.get("inferred_kind") == "kol"]
    infl = [r for r in rows if r.get("inferred_kind") != "kol"]
    lines = []
    if "influencer" in question and "kol" not in question:
        lines.append(f"{len(infl)} of {len(rows)} look like influencers:" if infl else f"None of these {len(rows)} look like influencers.")
    else:
        lines.append(f"{len(kols)} of {len(rows)} look like KOLs:" if kols else f"None of these {len(rows)} look like KOLs.")
    for r in kols + infl:
        label = "KOL" if r.get("inferred_kind") == "kol" else "influencer"
        lines.append(f"  @{r.get('handle')}: {label} ({pct(r.get('confidence'), 0)} confidence)")
    lines.extend(errors)
    return "\n".join(lines)


# --- creator mix --------------------------------------------------------------------------------------


def _find_refs(data: Any, out: list[tuple[str, int | None, str | None]]) -> None:
    if isinstance(data, dict):
        if data.get("handle") and isinstance(data.get("handle"), str) and ("followers" in data or "creator_id" in data):
            out.append((data["handle"], data.get("creator_id"), data.get("platform")))
            return
        for v in data.values():
            _find_refs(v, out)
    elif isinstance(data, list):
        for v in data:
            _find_refs(v, out)


def creators_in(data: dict[str, Any]) -> list[Any]:
    """Creators named anywhere in a result, in order, once each (as Refs)."""
    from agent.planner.references import Ref

    found: list[tuple[str, int | None, str | None]] = []
    _find_refs(data, found)
    seen: set[str] = set()
    refs = []
    for h, cid, plat in found:
        if h not in seen:
            seen.add(h)
            refs.append(Ref(h, cid, plat))
    return refs


def compose_mix(outcome: ToolOutcome) -> tuple[str, list[Any]]:
    """Reply for recommend_creator_mix, and the creators it suggests (for "the first one")."""
    if not outcome.ok or outcome.result is None:
        return error_text(outcome, "recommend a mix"), []
    d = outcome.result.model_dump(mode="json")
    lines = [clean(d.get("summary"))]
    refs = creators_in(d)
    number = {r.handle: i + 1 for i, r in enumerate(refs)}
    for sg in d.get("segments") or []:
        expected = str(sg.get("expected_creators") or "")
        count = "below one typical fee" if expected.startswith("0 (") else f"~{expected} creators"
        lines.append(
            f"• {sg.get('segment')}: {sg.get('share_pct')}% = {sg.get('budget')} → {count} "
            f"(typical fee {sg.get('fee_range')}). {clean(sg.get('why'))}"
        )
        examples = sg.get("examples") or []
        if examples:
            lines.append("    e.g. " + ", ".join(
                f"{number.get(e['handle'], '?')}. @{e['handle']} ({format_compact(e.get('followers'))}, ER {e.get('engagement')})" for e in examples
            ))
        else:
            lines.append("    (no matching creators in your database yet)")
    for r in d.get("reasons") or []:
        lines.append(f"Why: {clean(r)}")
    notes = d.get("notes") or []
    if notes:
        lines.append("Note: " + "; ".join(clean(n) for n in notes) + ".")
    lines.append("Fees are planning assumptions, not quotes.")
    if refs:
        lines.append("Next: “tell me about #1” · “find similar to the second one”")
    return "\n".join(lines), refs


# --- past collaborations ----------------------------------------------------------------------------


def collaboration_line(r: dict[str, Any]) -> str:
    """One past collaboration: who, campaign, fee, deliverables, results."""
    who = clean(r.get("creator"), 40) + (f" (@{r['handle']})" if r.get("handle") else "")
    if r.get("kind") == "kol":
        who += " — KOL" + (f": {clean(r.get('credentials'), 60)}" if r.get("credentials") else "")
    camp = clean(r.get("campaign"), 40) + f" {r.get('year')}" + (f" for {clean(r['brand'], 30)}" if r.get("brand") else "")
    bits = [f"fee {r.get('agreed_fee')}", f"stage {str(r.get('stage') or '').replace('_', ' ')}"]
    if r.get("deliverables"):
        bits.append(", ".join(clean(d, 40) for d in r["deliverables"][:3]))
    if r.get("has_results"):
        res = [f"{format_compact(r.get('impressions'))} impressions"]
        if r.get("engagements"):
            res.append(f"{format_compact(r.get('engagements'))} engagements")
        if r.get("clicks"):
            res.append(f"{format_compact(r.get('clicks'))} clicks")
        if r.get("conversions"):
            res.append(f"{r.get('conversions')} conversions")
        if r.get("revenue") and r.get("revenue") != "n/a":
            res.append(f"revenue {r.get('revenue')}")
        if r.get("roas") is not None:
            res.append(f"ROAS {r['roas']:.2f}")
        bits.append("results: " + ", ".join(res))
    else:
        bits.append("no results recorded")
    return f"• {who} — {camp}: " + " · ".join(bits)


def compose_collaborations(outcome: ToolOutcome, *, about: list[str] | None = None) -> str:
    """Reply for search_past_collaborations (``about``: handles the question was about)."""
    if not outcome.ok or outcome.result is None:
        return error_text(outcome, "search past collaborations")
    d = outcome.result.model_dump(mode="json")
    records = d.get("records") or []
    lines = []
    if about and not records:
        return "No past collaborations with " + ", ".join(f"@{h}" for h in about) + " found."
    lines.append(clean(d.get("summary")))
    for r in records[:10]:
        lines.append(collaboration_line(r))
    notes = d.get("notes") or []
    if notes:
        lines.append("Note: " + "; ".join(clean(n) for n in notes) + ".")
    return "\n".join(lines)


def clean_multiline(text: str) -> str:
    """Like ``clean`` but keeps line breaks."""
    return "\n".join(clean(line) for line in str(text).splitlines())


def compose_generic(outcome: ToolOutcome, doing: str = "do that") -> str:
    """Any result: its summary, or the error."""
    if not outcome.ok or outcome.result is None:
        return error_text(outcome, doing)
    return clean_multiline(outcome.result.summary)


# --- for interfaces ----------------------------------------------------------------------------------

_LIST_LINE = re.compile(r"^(?:\d{1,3}\. @|   why: )")


def split_listing(text: str) -> tuple[str, str]:
    """Split a reply around its numbered creator listing: (before, after). Interfaces that
    render the results as a table print these parts instead of the listing."""
    lines = text.splitlines()
    idx = [i for i, ln in enumerate(lines) if _LIST_LINE.match(ln)]
    if not idx:
        return text, ""
    return "\n".join(lines[: idx[0]]), "\n".join(lines[idx[-1] + 1 :])
