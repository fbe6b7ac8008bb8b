"""The one utterance analyzer behind the debtor engine, the live coach and the grader.

`analyze(text, Context(...))` says what a collector line does (acts, with evidence), what it
breaks (findings quoting the exact original text, with the rule and a compliant alternative),
whether it reveals the debt, and any promise to pay it states. The lexical path (corpus cues,
rule patterns, context) always runs and is enough on its own; when an embedding model is
available, similarity to the corpus phrasings adds acts worded differently, and close paraphrases
of banned examples are flagged even without a keyword (grading/semantic.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from grading import embeddings
from grading import learned as learned_model
from grading.acts import Category
from grading.compliance import context_findings, dedupe, lexical_findings
from grading.cues import DEBT_MENTION, EXTRA_CUES, lang_of
from grading.frames import authorized_listener
from grading.normalize import Normalized, normalize, quote_for
from grading.ptp import amounts, extract_ptp
from grading.results import ActHit, Analysis, Context, Finding
from grading.semantic import match as semantic_match
from grading.semantic import sentences
from grading.veiled import veiled_findings

__all__ = [
    "ActHit",
    "Analysis",
    "Context",
    "Finding",
    "analyze",
    "analyze_many",
    "analyzer_status",
    "embedder_status",
]

_CONFIRM = {
    "zh": re.compile(r"确认|对吗|是吗|是吧|对吧|没问题吧|记下|记录|登记|备注|约定"),
    "en": re.compile(
        r"\b(confirm|correct|right\?|is that right|i'?ve noted|i'?ll note|so that'?s|i have you down)\b"
    ),
}


@dataclass(frozen=True)
class _Cues:
    steps: tuple[tuple[str, re.Pattern], ...]
    services: tuple[tuple[str, re.Pattern], ...]


@lru_cache(maxsize=8)
def _cues(locale: str) -> _Cues:
    from simulator.loader import load_corpus

    corpus = load_corpus(locale)
    steps = tuple((s.id, re.compile("|".join(f"(?:{c})" for c in s.cues))) for s in corpus.steps if s.cues)
    services = tuple(
        (p.id, re.compile("|".join(f"(?:{c})" for c in p.cues))) for p in corpus.service_phrases if p.cues
    )
    return _Cues(steps, services)


def _quote(norm: Normalized, a: int, b: int) -> str:
    s, e = norm.base.original_span(a, b)
    return quote_for(norm.original, s, e)


def _lexical_acts(norm: Normalized, ctx: Context, lang: str) -> tuple[dict[str, ActHit], list[str]]:
    text = norm.base.text
    acts: dict[str, ActHit] = {}
    cues = _cues(ctx.locale)
    for step_id, rx in cues.steps:
        m = rx.search(text)
        if m:
            acts[step_id] = ActHit(step_id, 1.0, _quote(norm, m.start(), m.end()))
    services = []
    for sid, rx in cues.services:
        m = rx.search(text)
        if m:
            services.append(sid)
            acts.setdefault("service_phrase", ActHit("service_phrase", 1.0, _quote(norm, m.start(), m.end())))
    for act, rx in EXTRA_CUES[lang].items():
        m = rx.search(text)
        if m:
            acts[act] = ActHit(act, 1.0, _quote(norm, m.start(), m.end()))
    return acts, services


def _state_amount(norm: Normalized, ctx: Context, lang: str) -> ActHit | None:
    text = norm.base.text
    found = amounts(text, ctx.locale)
    debt = DEBT_MENTION[lang].search(text)
    for a in found:
        due = ctx.amount_due is not None and abs(a.value - ctx.amount_due) < 0.5
        if due or debt:
            return ActHit("state_amount", 1.0, _quote(norm, a.start, a.end))
    return None


def analyze(
    text: str, ctx: Context | None = None, *, semantic: bool = True, learned: bool = True, _vecs=None
) -> Analysis:
    """Analyse one collector line in its call context."""
    ctx = ctx or Context(locale="zh-CN")
    lang = lang_of(ctx.locale)
    norm = normalize(text or "")
    acts, services = _lexical_acts(norm, ctx, lang)
    amount_hit = _state_amount(norm, ctx, lang)
    if amount_hit:
        acts.setdefault("state_amount", amount_hit)
    mentions_debt = bool(DEBT_MENTION[lang].search(norm.base.text)) or amount_hit is not None
    ptp = extract_ptp(norm.base.text, ctx.locale, ctx.today)
    if ptp and "confirm_ptp" not in acts and _CONFIRM[lang].search(norm.base.text):
        acts["confirm_ptp"] = ActHit("confirm_ptp", 0.9, text.strip())

    findings = lexical_findings(norm, ctx)
    findings += context_findings(norm, ctx, mentions_debt, findings)
    findings += veiled_findings(norm, ctx, findings)
    if learned:
        findings = learned_model.review(norm, ctx, findings)
    if ctx.party == "third_party" and authorized_listener(norm.clean.text, lang):
        # the debtor authorised this listener in writing: what the debtor may be told, they may be told
        findings = [f for f in findings if f.category != Category.third_party_disclosure]

    used_semantic = False
    emb = embeddings.get_embedder() if semantic and text.strip() else None
    if emb is not None:
        sents = sentences(text)
        vecs = _vecs if _vecs is not None else emb.encode([text] + sents)
        semantic_match(text, vecs, sents, ctx, acts, findings)
        used_semantic = True

    flags = []
    if ctx.party == "debtor" and not ctx.verified and mentions_debt:
        flags.append("premature_disclosure")
    return Analysis(
        text=text,
        locale=ctx.locale,
        acts=acts,
        violations=dedupe(findings),
        flags=flags,
        mentions_debt=mentions_debt,
        ptp=ptp,
        semantic=used_semantic,
        services=services,
    )


def analyze_many(items: list[tuple[str, Context]], *, semantic: bool = True) -> list[Analysis]:
    """Analyse many lines; with embeddings on, all lines are encoded in one batch first (much faster)."""
    emb = embeddings.get_embedder() if semantic else None
    if emb is not None:
        batch = []
        for text, _ in items:
            batch += [text] + sentences(text)
        emb.encode([t for t in batch if t.strip()])  # fills the cache; analyze() then hits it
    return [analyze(text, ctx, semantic=semantic) for text, ctx in items]


def embedder_status() -> str:
    """e.g. 'semantic: paraphrase-multilingual-MiniLM-L12-v2' or 'lexical only: <why, how to fix>'."""
    return embeddings.status()


def analyzer_status() -> str:
    """The embedding status and the learned line model's, as printed on scorecards."""
    from grading import learned

    return f"{embedder_status()}; {learned.status()}"
