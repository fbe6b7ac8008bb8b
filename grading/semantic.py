"""Similarity matching against the scripts corpus, used when an embedding model is loaded.

Acts: a line close to a step phrasing or service phrase counts as that act even when no cue matches.
Violations: a sentence close to a rule's `examples` is flagged even without a keyword, but only when
it is also clearly closer to them than to every lawful line of the corpus (lawful firm lines, step
phrasings, service phrases) and when that category is the nearest of all rule categories. Small
sentence models put "Nobody is going to arrest you" right next to "You will be arrested"; the margin
against the lawful lines is what keeps such negations and firm-but-lawful lines clean.
"""

from __future__ import annotations

import re
import threading

from grading.acts import Category
from grading.compliance import ruleset
from grading.results import ActHit, Context, Finding

# Cosine thresholds (unit vectors). Acts are a boost and can be generous. Violations: per category
# (minimum similarity to the category's nearest example, minimum lead over the nearest lawful line),
# calibrated on the en-US development set with all-MiniLM-L6-v2 so that no compliant line is flagged.
# third_party_disclosure is left to context and patterns: whether a line discloses depends on who
# listens, which a sentence vector does not know.
ACT_THRESHOLD = 0.70
THRESHOLDS: dict[Category, tuple[float, float]] = {
    Category.threat_violence: (0.60, 0.15),
    Category.threat_legal: (0.55, 0.10),
    Category.insult: (0.55, 0.10),
    Category.harassment: (0.55, 0.10),
    Category.impersonation: (0.55, 0.10),
    Category.misrepresentation: (0.60, 0.10),
}
SEMANTIC_CATEGORIES = tuple(THRESHOLDS)
TOP_K = 1  # similarity to a category = mean of its k nearest examples (1: the nearest one)
# Sentence vectors barely register "not": "Your family isn't responsible for this debt" sits next to
# "Not paying this debt is a crime". A negated sentence needs this much more lead over the lawful lines.
NEGATED_EXTRA_MARGIN = 0.10
_NEGATION = {
    "en": re.compile(r"\b(not|never|no one|nobody|none|nothing)\b|n't\b", re.I),
    "zh": re.compile(r"不会|不是|并不|绝不|没有人|不用|不需要|不可能|不属于|不构成"),
}

_INDEX_LOCK = threading.Lock()
_SENT_SPLIT = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s+|\n")
_ABBREV = re.compile(r"\b(mr|mrs|ms|dr|st|jr|sr|vs|no|[ap]\.m|[a-z])\.$", re.I)


def sentences(text: str) -> list[str]:
    """The sentences of a line (at most six), without the line itself when it is one sentence."""
    parts: list[str] = []
    for p in _SENT_SPLIT.split(text):
        if p and p.strip():
            if parts and _ABBREV.search(parts[-1]):  # "Mr." or "8 a.m." does not end a sentence
                parts[-1] = f"{parts[-1]} {p.strip()}"
            else:
                parts.append(p.strip())
    return [p for p in parts if p != text.strip()][:6]


def index(emb, locale: str) -> dict:
    """Corpus phrasings, rule examples and lawful lines embedded once per (model, locale)."""
    if locale in emb.indexes:
        return emb.indexes[locale]
    with _INDEX_LOCK:
        if locale not in emb.indexes:
            emb.indexes[locale] = _build_index(emb, locale)
    return emb.indexes[locale]


def _build_index(emb, locale: str) -> dict:
    import numpy as np

    from simulator.loader import load_corpus

    corpus = load_corpus(locale)
    texts: list[str] = []
    acts: dict[str, list[int]] = {}
    example_rule: list[str] = []  # rule id per example row, in row order after the acts

    for s in corpus.steps:
        for t in s.phrasings + s.variants:
            acts.setdefault(s.id, []).append(len(texts))
            texts.append(t)
    for p in corpus.service_phrases:
        for t in p.phrasings:
            acts.setdefault("service_phrase", []).append(len(texts))
            texts.append(t)
    n_acts = len(texts)
    texts += corpus.lawful_firm
    # the sentences of a lawful line are lawful too ("it's a personal business matter." on its own)
    texts += list(dict.fromkeys(p for t in texts[:] for p in sentences(t) if p not in texts))
    n_lawful = len(texts)
    for r in corpus.rules:
        for t in r.examples:
            example_rule.append(r.id)
            texts.append(t)
    matrix = emb.encode(texts)
    return {
        "acts": acts,
        "acts_matrix": matrix[:n_acts],
        "negative": matrix[:n_lawful],  # step and service phrasings, lawful firm lines, their sentences
        "examples": matrix[n_lawful:],
        "example_rule": np.array(example_rule),
        "example_category": np.array([str(ruleset(locale).by_id[r].category) for r in example_rule]),
    }


def _category_scores(sims, cats, rows_mask) -> dict[str, object]:
    """Per category: similarity of each candidate to it (mean of the TOP_K nearest examples)."""
    import numpy as np

    out = {}
    for c in dict.fromkeys(cats[rows_mask]):
        part = sims[(cats == c) & rows_mask]
        k = min(TOP_K, part.shape[0])
        out[c] = np.sort(part, axis=0)[-k:].mean(axis=0)
    return out


def match(text: str, vecs, sents: list[str], ctx: Context, acts: dict, findings: list[Finding]) -> None:
    """Add semantic acts and violations for one line; `vecs` are the vectors of [text] + sents."""
    from grading import embeddings

    idx = index(embeddings.get_embedder(), ctx.locale)
    candidates = [text] + sents
    sims = idx["acts_matrix"] @ vecs.T  # act phrasings x candidates
    for label, rows in idx["acts"].items():
        part = sims[rows]
        r, j = divmod(int(part.argmax()), part.shape[1])
        score = float(part[r, j])
        if score >= ACT_THRESHOLD and label not in acts:
            acts[label] = ActHit(label, round(score, 3), candidates[j], "semantic")

    rs = ruleset(ctx.locale)
    have = {f.category for f in findings}
    applies = [rs.by_id[r].context in ("any", ctx.party) for r in idx["example_rule"]]
    ex_sims = idx["examples"] @ vecs.T  # examples x candidates
    import numpy as np

    mask = np.array(applies, dtype=bool)
    if not mask.any():
        return
    scores = _category_scores(ex_sims, idx["example_category"], mask)
    top = np.max(np.stack(list(scores.values())), axis=0)  # best category score per candidate
    negative = (idx["negative"] @ vecs.T).max(axis=0)
    spans = [(max(text.find(c), 0), max(text.find(c), 0) + len(c)) for c in candidates]
    # A sentence that already holds a finding is explained: "Pay up, you b1tch" is an insult, and its
    # closeness to "Pay up or I'll break your legs" must not add a threat on top.
    free = [not any(f.start < e and s < f.end for f in findings) for s, e in spans]
    neg_rx = _NEGATION["zh" if ctx.locale.startswith("zh") else "en"]
    extra = [NEGATED_EXTRA_MARGIN if neg_rx.search(c) else 0.0 for c in candidates]
    for cat, (threshold, margin) in THRESHOLDS.items():
        if cat in have or str(cat) not in scores:
            continue
        sc = scores[str(cat)]
        ok = [
            j
            for j in range(len(candidates))
            if sc[j] >= threshold and sc[j] - negative[j] >= margin + extra[j]
        ]
        ok = [j for j in ok if free[j] and sc[j] >= top[j]]  # and the nearest category wins
        if not ok:
            continue
        j = max(ok, key=lambda i: (i > 0, sc[i] - negative[i]))  # quote the sentence, not the line
        rows = np.where((idx["example_category"] == str(cat)) & mask)[0]
        best = rows[int(ex_sims[rows, j].argmax())]
        rule = rs.by_id[str(idx["example_rule"][best])]
        quote = candidates[j]
        start = spans[j][0]
        findings.append(
            Finding.of_rule(
                rule,
                quote,
                start,
                "semantic",
                f"{rule.description} (paraphrase of a banned example, similarity {sc[j]:.2f})",
            )
        )
