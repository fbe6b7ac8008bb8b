"""The one utterance analyzer behind the debtor engine, the live coach and the grader.

`analyze(text, Context(...))` says what a collector line does (acts, with evidence), what it
breaks (findings quoting the exact original text, with the rule and a compliant alternative),
whether it reveals the debt, and any promise to pay it states. The lexical path (corpus cues,
rule patterns, context) always runs and is enough on its own; when an embedding model is
available, similarity to the corpus phrasings adds acts worded differently, and very close
paraphrases of threats are flagged even without a keyword.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from grading import embeddings
from grading.acts import Category
from grading.compliance import context_findings, dedupe, lexical_findings, ruleset
from grading.cues import DEBT_MENTION, EXTRA_CUES, lang_of
from grading.normalize import Normalized, normalize, quote_for
from grading.ptp import amounts, extract_ptp
from grading.results import ActHit, Analysis, Context, Finding

__all__ = ["ActHit", "Analysis", "Context", "Finding", "analyze", "analyze_many", "embedder_status"]

# Similarity thresholds for the semantic path (cosine, unit vectors). Acts are a boost and can be
# generous. A violation found by similarity alone is only for threats of violence, where wording
# varies most; it must be close to a rule example AND clearly closer to it than to every
# non-violating line of the corpus (lawful firm lines, step phrasings, service phrases), so that
# "Can you pay by Friday?" never turns into "Pay by Friday or else".
ACT_THRESHOLD = 0.70
VIOLATION_THRESHOLD = 0.60
NEGATIVE_MARGIN = 0.15
SEMANTIC_CATEGORIES = (Category.threat_violence,)

_CONFIRM = {
    "zh": re.compile(r"确认|对吗|是吗|是吧|对吧|没问题吧|记下|记录|登记|备注|约定"),
    "en": re.compile(
        r"\b(confirm|correct|right\?|is that right|i'?ve noted|i'?ll note|so that'?s|i have you down)\b"
    ),
}
_INDEX_LOCK = threading.Lock()
_SENT_SPLIT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*|[^.]+\.(?=\s|$)")


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


def _sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SENT_SPLIT.findall(text) if p.strip()]
    return [p for p in parts if p != text.strip()][:6]


def _semantic(text: str, vecs, sents: list[str], ctx: Context, acts: dict, findings: list[Finding]) -> None:
    emb = embeddings.get_embedder()
    index = _index(emb, ctx.locale)
    sims = index["matrix"] @ vecs.T  # items x sentences
    best_item = sims.max(axis=1)
    best_sent = sims.argmax(axis=1)
    candidates = [text] + sents
    # acts: best phrasing per label
    for label, rows in index["acts"].items():
        i = max(rows, key=lambda r: best_item[r])
        score = float(best_item[i])
        if score >= ACT_THRESHOLD and label not in acts:
            acts[label] = ActHit(label, round(score, 3), candidates[int(best_sent[i])], "semantic")
    negative_rows = index["negative"]
    have = {f.category for f in findings}
    rs = ruleset(ctx.locale)
    for rule_id, rows in index["rules"].items():
        rule = rs.by_id[rule_id]
        if rule.category not in SEMANTIC_CATEGORIES or rule.category in have:
            continue
        if rule.context not in ("any", ctx.party):
            continue
        i = max(rows, key=lambda r: best_item[r])
        score = float(best_item[i])
        j = int(best_sent[i])
        negative = float(sims[negative_rows, j].max()) if negative_rows else 0.0
        if score >= VIOLATION_THRESHOLD and score - negative >= NEGATIVE_MARGIN:
            quote = candidates[j]
            start = text.find(quote)
            findings.append(
                Finding(
                    category=rule.category,
                    severity=rule.severity,
                    quote=quote,
                    rule_id=rule.id,
                    rule=rule.citation,
                    suggestion=rule.suggestion,
                    description=f"{rule.description} (close paraphrase of a banned example, similarity {score:.2f})",
                    method="semantic",
                    start=max(start, 0),
                    end=max(start, 0) + len(quote),
                )
            )
            have.add(rule.category)


def _index(emb, locale: str) -> dict:
    """Corpus phrasings, rule examples and lawful lines embedded once per (model, locale)."""
    if locale in emb.indexes:
        return emb.indexes[locale]
    with _INDEX_LOCK:
        if locale not in emb.indexes:
            emb.indexes[locale] = _build_index(emb, locale)
    return emb.indexes[locale]


def _build_index(emb, locale: str) -> dict:
    from simulator.loader import load_corpus

    corpus = load_corpus(locale)
    texts: list[str] = []
    acts: dict[str, list[int]] = {}
    rules: dict[str, list[int]] = {}

    def add(bucket: dict, key: str, items: list[str]) -> None:
        for t in items:
            bucket.setdefault(key, []).append(len(texts))
            texts.append(t)

    for s in corpus.steps:
        add(acts, s.id, s.phrasings + s.variants)
    for p in corpus.service_phrases:
        add(acts, "service_phrase", p.phrasings)
    for r in corpus.rules:
        if r.examples:
            add(rules, r.id, r.examples)
    negative = [r for rows in acts.values() for r in rows]
    negative += range(len(texts), len(texts) + len(corpus.lawful_firm))
    texts += corpus.lawful_firm
    return {"matrix": emb.encode(texts), "acts": acts, "rules": rules, "negative": negative}


def analyze(text: str, ctx: Context | None = None, *, semantic: bool = True, _vecs=None) -> Analysis:
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

    used_semantic = False
    emb = embeddings.get_embedder() if semantic and text.strip() else None
    if emb is not None:
        sents = _sentences(text)
        vecs = _vecs if _vecs is not None else emb.encode([text] + sents)
        _semantic(text, vecs, sents, ctx, acts, findings)
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
            batch += [text] + _sentences(text)
        emb.encode([t for t in batch if t.strip()])  # fills the cache; analyze() then hits it
    return [analyze(text, ctx, semantic=semantic) for text, ctx in items]


def embedder_status() -> str:
    """e.g. 'semantic: paraphrase-multilingual-MiniLM-L12-v2' or 'lexical only: <why, how to fix>'."""
    return embeddings.status()
