"""The offline writer: a template engine that drafts, edits and follows up without a model.

It picks the creator's most relevant recent post for the campaign brief (embedding
similarity between the brief and the captions, ties to the most recent), cites it
concretely (what the caption is about, in its own words, and the date), and assembles the
message from phrase variants chosen deterministically per creator (lang.py), so a batch
of drafts does not read like a mail merge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.base import ToolError
from tools.outreach import lang as L
from tools.outreach.common import DraftRequest
from tools.outreach.text import (
    CachedEmbedder,
    DraftOut,
    Embedder,
    PostInfo,
    clean_caption,
    default_embedder,
    rank_posts,
    references_post,
    seed_pick,
    topic_of,
)


@dataclass
class EditInstruction:
    """An edit request understood without a model."""

    action: str  # shorter | formal | casual | code | subject | replace
    value: str | None = None
    pct: float | None = None


_SUBJECT = re.compile(r"(?:change|set|make)\s+(?:the\s+)?subject\s+(?:line\s+)?(?:to|:)\s*(.+)$|^subject\s*:\s*(.+)$",
                      re.IGNORECASE | re.DOTALL)
_REPLACE = re.compile(r"^(?:replace|change|set)\s+(?:the\s+)?(?:body|text|message|email)\s+(?:with|to)\s*:?\s*(.+)$|^body\s*:\s*(.+)$",
                      re.IGNORECASE | re.DOTALL)
_CODE = re.compile(r"(?:(\d+(?:[.,]\d+)?)\s*%|\bdiscount\b|\bpromo\b|\bcode\b)", re.IGNORECASE)


def parse_instruction(text: str) -> EditInstruction:
    """Understand "make it shorter", "more formal", "more casual", "mention the 20% code",
    "change the subject to …", "replace the body with: …"; ToolError for anything else."""
    t = text.strip()
    m = _SUBJECT.search(t)
    if m:
        return EditInstruction("subject", (m.group(1) or m.group(2)).strip().strip("\"'“”«»"))
    m = _REPLACE.search(t)
    if m:
        return EditInstruction("replace", (m.group(1) or m.group(2)).strip())
    low = t.lower()
    if re.search(r"\b(shorter|shorten|more concise|concise|trim|cut it down|brief(er)?)\b", low):
        return EditInstruction("shorter")
    if re.search(r"\b(more formal|formal|professional|polite)\b", low):
        return EditInstruction("formal")
    if re.search(r"\b(more casual|casual|informal|friendlier|more friendly|relaxed|warmer)\b", low):
        return EditInstruction("casual")
    m = _CODE.search(t)
    if m and re.search(r"\b(code|discount|promo|%|off)\b|%", low):
        pct = float(m.group(1).replace(",", ".")) if m.group(1) else None
        return EditInstruction("code", pct=pct)
    raise ToolError(
        "I can't apply that edit without a model. Try: 'make it shorter', 'more formal', 'more casual', "
        "'mention the 20% code', 'change the subject to …', or 'replace the body with: …'"
    )


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+", paragraph.strip()) if s]


def _pct(value: float | None) -> str:
    return "" if value is None else (f"{value:g}")


class OfflineWriter:
    """Template drafts in en/fr/de/es (other languages fall back to English)."""

    name = "offline"

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder

    @property
    def embedder(self) -> CachedEmbedder:
        if not isinstance(self._embedder, CachedEmbedder):
            self._embedder = CachedEmbedder(self._embedder or default_embedder())
        return self._embedder

    def prepare(self, requests: list[DraftRequest]) -> None:
        """Embed every brief and caption of a batch at once (bulk drafting calls this first)."""
        texts = []
        for req in requests:
            usable = [clean_caption(p.caption) for p in req.posts if clean_caption(p.caption)]
            if len(usable) > 1:
                texts += [req.brief_query, *usable]
        if texts:
            self.embedder.warm(texts)

    # --- choosing the post --------------------------------------------------------------------
    def pick_post(self, req: DraftRequest) -> PostInfo:
        """The most relevant recent post for the brief; ToolError if the creator has none."""
        if not req.posts:
            raise ToolError(f"@{req.handle} has no posts on record, so there is nothing real to refer to "
                            f"(import posts or run `kolpilot sync posts --handle {req.handle}`); no draft written")
        return rank_posts(req.brief_query, req.posts, self.embedder)[0]

    # --- rendering ----------------------------------------------------------------------------
    def _values(self, req: DraftRequest, post: PostInfo, lang: str) -> dict[str, str]:
        topic = topic_of(post.caption) or L.noun_for(post.platform or req.platform, lang)
        short_topic = " ".join(topic.rstrip("…").split()[:4])
        return {
            "first": req.first_name, "name": req.display_name, "handle": req.handle,
            "noun": L.noun_for(post.platform or req.platform, lang), "date": L.format_date(post.posted_at, lang),
            "topic": topic, "topic_short": short_topic, "brand": req.brand, "campaign": req.campaign_name,
            "brief": _first_sentence(req.brief), "sender": req.sender_name,
        }

    def code_sentence(self, req: DraftRequest, pct: float | None, register: str | None = None) -> str:
        """The discount sentence: the creator's own code when one exists, else the percentage given."""
        lang, reg = req.lang, register or req.register
        ph = L.PHRASES[lang][reg]
        if req.discount_code:
            # The code's own percentage is the truth; the number in the request only fills a gap.
            pct = req.discount_pct if req.discount_pct is not None else pct
            if pct is None:
                return ph["code_nopct"].format(code=req.discount_code)
            return ph["code"].format(pct=_pct(pct), code=req.discount_code)
        if pct is None:
            raise ToolError("which discount? The creator has no discount code in this campaign yet: give a percentage "
                            "(e.g. 'mention the 20% code') or create one with create_discount_code")
        return ph["code_generic"].format(pct=_pct(pct))

    def render(self, req: DraftRequest, post: PostInfo, *, register: str | None = None, short: bool = False,
               code_line: str | None = None) -> DraftOut:
        """Assemble subject and body for the first message."""
        lang, reg = req.lang, register or req.register
        ph = L.PHRASES[lang][reg]
        v = self._values(req, post, lang)
        pick = lambda key: seed_pick(ph[key], req.seed, key).format(**v)  # noqa: E731
        greet, opener, bridge, ask, close = pick("greet"), pick("open"), pick("bridge"), pick("ask"), pick("close")
        notes = [] if L.lang_of(req.language) == (req.language or "en").split("-")[0].lower() else [
            f"no offline phrasebook for language {req.language!r}; wrote in English"]
        if req.channel == "dm":
            dm_ask = ph["dm_ask"].format(**v)
            parts = [greet, opener, dm_ask] + ([code_line] if code_line else []) + [f"— {req.sender_name}"]
            return DraftOut(None, " ".join(parts), [post.id], self.name, notes)
        brief = ph["brief"].format(**v) if v["brief"] else ""
        if short:
            middle = [opener, " ".join(x for x in (ask, code_line) if x)]
        else:
            middle = [f"{opener} {bridge}", " ".join(x for x in (brief, code_line) if x), ask]
        body = "\n\n".join([greet, *[m for m in middle if m], f"{close}\n{req.sender_name}"])
        subject = seed_pick(ph["subject"], req.seed, "subject").format(**v)
        return DraftOut(subject, body, [post.id], self.name, notes)

    def draft(self, req: DraftRequest) -> DraftOut:
        """A first message citing the most relevant post."""
        post = self.pick_post(req)
        code = self.code_sentence(req, None) if req.discount_code else None
        return self.render(req, post, code_line=code)

    # --- edits --------------------------------------------------------------------------------
    def edit(self, req: DraftRequest, *, subject: str | None, body: str, post_ids: list[int],
             instruction: EditInstruction) -> DraftOut:
        """Apply one understood edit to the current text."""
        post = next((p for p in req.posts if p.id in post_ids), None)
        a = instruction.action
        if a == "subject":
            if req.channel == "dm":
                raise ToolError("a DM has no subject")
            return DraftOut(instruction.value[:300] if instruction.value else subject, body, post_ids, self.name)
        if a == "replace":
            return DraftOut(subject, instruction.value or body, post_ids, self.name)
        if a in ("formal", "casual"):
            if post is None:
                raise ToolError("this draft cites no post I know, so I can't rewrite it offline; give the new text instead")
            code = self._existing_code_sentence(body, req)
            short = len(_paragraphs(body)) <= 4 and req.channel != "dm"
            out = self.render(req, post, register=a, short=short, code_line=self._reword_code(req, code, a))
            out.notes.append(f"rewritten in a {'more formal' if a == 'formal' else 'more casual'} tone")
            return out
        if a == "code":
            sentence = self.code_sentence(req, instruction.pct)
            return DraftOut(subject, self._with_code(body, sentence, req), post_ids, self.name)
        if a == "shorter":
            return DraftOut(subject, self._shorter(body, req, post), post_ids, self.name)
        raise ToolError(f"unknown edit {a!r}")

    def _existing_code_sentence(self, body: str, req: DraftRequest) -> str | None:
        for s in _sentences(body.replace("\n", " ")):
            if "%" in s or (req.discount_code and req.discount_code in s):
                return s
        return None

    def _reword_code(self, req: DraftRequest, sentence: str | None, register: str) -> str | None:
        if not sentence:
            return None
        m = re.search(r"(\d+(?:[.,]\d+)?)\s*%", sentence)
        pct = float(m.group(1).replace(",", ".")) if m else None
        try:
            return self.code_sentence(req, pct, register)
        except ToolError:
            return sentence

    def _with_code(self, body: str, sentence: str, req: DraftRequest) -> str:
        """Replace an earlier discount sentence, or add it as its own paragraph before the sign-off."""
        old = self._existing_code_sentence(body, req)
        if old and old in body:
            return body.replace(old, sentence)
        paras = _paragraphs(body)
        if req.channel == "dm" or len(paras) < 2:
            return body.rstrip() + " " + sentence
        # Before the question that closes the pitch, if there is one; else before the sign-off.
        asks = [i for i, p in enumerate(paras[:-1]) if i > 0 and "?" in p]
        at = asks[-1] if asks else len(paras) - 1
        return "\n\n".join([*paras[:at], sentence, *paras[at:]])

    def _shorter(self, body: str, req: DraftRequest, post: PostInfo | None) -> str:
        """Keep the greeting, the sentence that cites the post, the ask, any discount line and the sign-off."""
        paras = _paragraphs(body)
        if req.channel == "dm" or len(paras) <= 2:
            sentences = _sentences(body)
            keep = [s for i, s in enumerate(sentences)
                    if i == 0 or i == len(sentences) - 1 or "?" in s or "%" in s or (post and references_post(s, post, req.lang))]
            out = " ".join(keep)
            return out if len(out) < len(body) else " ".join(sentences[: max(2, len(sentences) - 1)])
        head, tail, middle = paras[0], paras[-1], paras[1:-1]
        kept: list[str] = []
        for p in middle:
            sents = _sentences(p)
            chosen = [s for s in sents if (post and references_post(s, post, req.lang)) or "?" in s or "%" in s
                      or (req.discount_code and req.discount_code in s)]
            if chosen:
                kept.append(" ".join(chosen[:2]))
        if not kept:
            kept = [_sentences(p)[0] for p in middle[:2]]
        out = "\n\n".join([head, *kept, tail])
        if len(out) >= len(body):  # already minimal: drop the least useful middle sentence
            flat = [s for p in kept for s in _sentences(p)]
            if len(flat) > 1:
                flat = [s for s in flat if "?" in s or (post and references_post(s, post, req.lang))] or flat[:1]
                out = "\n\n".join([head, " ".join(flat), tail])
        return out

    # --- follow-ups ---------------------------------------------------------------------------
    def followup(self, req: DraftRequest, *, step: int, first_subject: str | None, post_ids: list[int]) -> DraftOut:
        """Follow-up ``step`` (1, 2, …): a nudge that recalls the first email and its post;
        the last template says it is the last message."""
        lang, reg = req.lang, req.register
        ph = L.PHRASES[lang][reg]
        post = next((p for p in req.posts if p.id in post_ids), None) or (req.posts[0] if req.posts else None)
        v = self._values(req, post, lang) if post else {
            "first": req.first_name, "name": req.display_name, "campaign": req.campaign_name, "noun": "",
            "topic": req.campaign_name, "brand": req.brand}
        text = ph["followup"][min(step, len(ph["followup"])) - 1].format(**v)
        greet = seed_pick(ph["greet"], req.seed, f"greet{step}").format(**v)
        close = seed_pick(ph["close"], req.seed, f"close{step}").format(**v)
        body = f"{greet}\n\n{text}\n\n{close}\n{req.sender_name}"
        prefix = L.FOLLOWUP_SUBJECT_PREFIX[lang]
        subject = None if req.channel == "dm" else (prefix + first_subject if first_subject else None)
        return DraftOut(subject, body, [post.id] if post else [], self.name)


def _first_sentence(text: str, limit: int = 220) -> str:
    text = " ".join((text or "").split())
    if not text:
        return ""
    s = _sentences(text)[0]
    if len(s) > limit:
        s = s[:limit].rsplit(" ", 1)[0] + "…"
    return s if s.endswith((".", "!", "?", "…")) else s + "."
