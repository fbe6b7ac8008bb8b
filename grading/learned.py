"""A learned line classifier for banned language, trained on labelled collector lines.

Rule patterns and cue combinations catch what they were written for; a paraphrase in words nobody
listed slips past them. This path scores a collector line with one logistic model per violation
category over hashed features of the de-obfuscated text:

- character n-grams (1-3 in Chinese, 3-5 inside English words) and words and word pairs, so spelling
  variants and unseen compounds still share most features with what the model was trained on; in
  English also crude stems and their pairs, and six-character windows across word boundaries;
- the cue families of the compositional scorer (`grading/veiled.py`) and which of them meet in one
  sentence, so "a family word next to a hedge" is one feature whatever the words;
- negation, a debt mention, and who listens: when the listener is a third party, or not yet
  verified as the debtor, every feature is also seen with a `T:` prefix, which lets the model
  learn that the same words are a disclosure there and required with the verified debtor.

- what the rule paths found (rule, category, method), so the model learns when to trust them.

The model is trained by `python -m grading.train` from the labelled lines in `grading/data/train/`
and shipped as `grading/data/line_model.bin` (weights as 16-bit integers, gzip). Inference needs
only the standard library: reviewing a line adds about 0.6 ms. Per-category thresholds
are set on out-of-fold predictions so that lawful firm lines stay clean. `review` then adds what
the rule paths missed, quoting the sentence that scored highest against the category's rule whose
wording is closest, and drops the rule findings of a line it scores as lawful in every category
(below the `veto` level, also set out of fold, at almost no cost in recall).
"""

from __future__ import annotations

import gzip
import json
import math
import os
import re
import sys
import threading
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path

from grading.cues import DEBT_MENTION, lang_of
from grading.normalize import Normalized, normalize
from grading.results import Context, Finding

MODEL_PATH = Path(__file__).resolve().parent / "data" / "line_model.bin"
FEATURES_VERSION = 3
DIM = 1 << 18
CATEGORIES = (
    "threat_violence",
    "threat_legal",
    "insult",
    "harassment",
    "third_party_disclosure",
    "impersonation",
    "misrepresentation",
)

_PUNCT = re.compile(r"[\s，。！？、；：,.!?;:~～…\"'“”‘’()（）\[\]【】]+")
_SENT = re.compile(r"[。！？!?；;\n]+|\.(?:\s+|$)")
_EN_WORD = re.compile(r"[a-z0-9$][a-z0-9'$*]*")
_LATIN = re.compile(r"[a-z]+")
# A crude English stem ("arrested", "arresting", "arrests" -> "arrest"): shared by a word's forms.
_SUFFIX = re.compile(r"(ing|ed|es|s|er|ly)$")
NEGATION = {
    "en": re.compile(r"\b(not|never|no one|nobody|none|nothing|won't|don't|isn't|aren't|can't)\b|n't\b"),
    # 别 as "don't", not inside 别的 / 别人 / 特别 / 区别 ("other", "others", "especially", "difference")
    "zh": re.compile(
        r"不会|不是|并不|绝不|没有人|不用|不需要|不可能|不属于|不构成|不能|不得|不要"
        r"|(?<![特区分告级类性识辨差离派个鉴])别(?![的人处家样墅扭])"
    ),
}


def _families(lang: str):
    from grading.veiled import _compiled  # the cue families are shared with the compositional scorer

    return _compiled(lang)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, a = [], 0
    for m in _SENT.finditer(text):
        if m.start() > a:
            spans.append((a, m.start()))
        a = m.end()
    if a < len(text):
        spans.append((a, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def rule_evidence(found: list[Finding]) -> tuple[str, ...]:
    """What the rule paths said about a line, as features: each rule, each category, each method."""
    names = set()
    for f in found:
        names |= {f"r:{f.rule_id}", f"rc:{f.category}", f"rm:{f.method}:{f.category}"}
    return tuple(sorted(names))


def feature_names(text: str, lang: str, third_party: bool, evidence: tuple[str, ...] = ()) -> list[str]:
    """The feature names of one (clean, lower-cased) line. Pure function of its inputs."""
    out: list[str] = list(evidence)
    if lang == "zh":
        s = _PUNCT.sub("|", text)
        for n in (1, 2, 3):
            for i in range(len(s) - n + 1):
                g = s[i : i + n]
                if "|" not in g and not g.isspace():
                    out.append(f"c{n}:{g}")
        out += [f"w:{w}" for w in _LATIN.findall(text)]
    else:
        words = _EN_WORD.findall(text)
        out += [f"w:{w}" for w in words]
        out += [f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        for w in words:
            p = f"<{w}>"
            for n in (3, 4, 5):
                out += [f"c{n}:{p[i : i + n]}" for i in range(len(p) - n + 1)]
        stems = [_SUFFIX.sub("", w) if len(w) > 4 else w for w in words]
        out += [f"s:{w}" for w in stems]
        out += [f"sb:{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]
        # six characters across a word boundary ("e a kn", "r kids") carry short phrases
        joined = " ".join(words)
        out += [f"x6:{joined[i : i + 6]}" for i in range(len(joined) - 5) if " " in joined[i : i + 6]]
    fams = _families(lang)
    whole = set()
    for a, b in sentence_spans(text) or [(0, len(text))]:
        here = sorted(name for name, rx in fams.items() if rx.search(text, a, b))
        whole.update(here)
        out += [f"ff:{x}&{y}" for i, x in enumerate(here) for y in here[i + 1 :]]
    out += [f"f:{x}" for x in sorted(whole)]
    if NEGATION[lang].search(text):
        out.append("neg")
        out += _negated(text, lang)
    if DEBT_MENTION[lang].search(text):
        out.append("debt")
    if third_party:
        out = out + ["T"] + [f"T:{f}" for f in out]
    return out


_CLAUSE_END = re.compile(r"[，。！？；：,.!?;:\n]|\bbut\b|但是|可是|不过|而是")


def _negated(text: str, lang: str) -> list[str]:
    """Words (en) or character pairs (zh) and cue families inside a negation's clause, marked as
    negated: "won't be arrested" and "will be arrested" share their words but not these features."""
    out = []
    for m in NEGATION[lang].finditer(text):
        end = _CLAUSE_END.search(text, m.end())
        scope = text[m.end() : end.start() if end else len(text)][:40]
        out += [f"Nf:{name}" for name, rx in _families(lang).items() if rx.search(scope)]
        if lang == "zh":
            s = _PUNCT.sub("", scope)
            out += [f"N:{s[i : i + 2]}" for i in range(len(s) - 1)] + [f"N:{ch}" for ch in s]
        else:
            out += [f"N:{w}" for w in _EN_WORD.findall(scope)]
    return out


def _hash(name: str) -> tuple[int, float]:
    h = zlib.crc32(name.encode("utf-8"))
    return h % DIM, (1.0 if (h >> 31) & 1 == 0 else -1.0)


def vectorize(text: str, lang: str, third_party: bool, evidence: tuple[str, ...] = ()) -> dict[int, float]:
    """Hashed, signed, L2-normalised binary features: {index: value}."""
    vec: dict[int, float] = {}
    for name in set(feature_names(text, lang, third_party, evidence)):
        i, sign = _hash(name)
        vec[i] = vec.get(i, 0.0) + sign
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {i: v / norm for i, v in vec.items() if v}


def is_third_party(ctx: Context) -> bool:
    """Whether the listener may be someone other than the debtor: a third party, or anyone before
    the debtor's identity is verified. Telling either of them about the debt is a disclosure."""
    return ctx.party == "third_party" or not ctx.verified


@dataclass
class LineModel:
    """Weights of one locale: `weights[i * K + k] * scale[k]` for feature i and category k
    (K = len(categories)); weights are stored as 16-bit integers with one scale per category."""

    locale: str
    categories: tuple[str, ...]
    weights: memoryview
    scale: tuple[float, ...]
    bias: tuple[float, ...]
    thresholds: dict[str, float]
    veto: float = 0.0  # rule findings are dropped when the model scores every category below this
    veto_negated: float | None = None  # the same for a line with a negation in it (None: `veto`)

    def veto_for(self, text: str) -> float:
        """The veto level for a (clean) line: negated, quoted and reassuring uses of banned words
        are what the rules get wrong, so a line with a negation may have a higher one."""
        if self.veto_negated is not None and NEGATION[lang_of(self.locale)].search(text):
            return self.veto_negated
        return self.veto

    def scores(self, text: str, third_party: bool, evidence: tuple[str, ...] = ()) -> dict[str, float]:
        """Probability per category for an already normalised (clean) text."""
        lang = lang_of(self.locale)
        vec = vectorize(text, lang, third_party, evidence)
        k = len(self.categories)
        acc = [0.0] * k
        w = self.weights
        for i, v in vec.items():
            base = i * k
            for c in range(k):
                acc[c] += w[base + c] * v
        z = [b + a * sc for b, a, sc in zip(self.bias, acc, self.scale, strict=True)]
        return {
            cat: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, s))))
            for cat, s in zip(self.categories, z, strict=True)
        }


def write_model(path: Path, meta: dict, models: dict[str, dict]) -> None:
    """Save trained models: a JSON header line, then per locale the raw int16 weights, gzipped.

    `models[locale]` holds `weights` (bytes of DIM * K little-endian int16), `scale`, `bias` and
    `thresholds`."""
    header = dict(meta)
    header["features_version"] = FEATURES_VERSION
    header["dim"] = DIM
    header["categories"] = list(CATEGORIES)
    header["locales"] = {
        loc: {
            "bias": m["bias"],
            "scale": m["scale"],
            "thresholds": m["thresholds"],
            "veto": m.get("veto", 0.0),
            "veto_negated": m.get("veto_negated"),
            "nbytes": len(m["weights"]),
        }
        for loc, m in sorted(models.items())
    }
    blob = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
    blob += b"".join(models[loc]["weights"] for loc in sorted(models))  # the header's order too
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(blob, compresslevel=9, mtime=0))


class ModelError(RuntimeError):
    pass


def read_model(path: Path) -> tuple[dict, dict[str, LineModel]]:
    """Header and per-locale models; a broken or outdated file names itself and how to rebuild it."""
    fix = "rebuild it with `python -m grading.train`"
    try:
        raw = gzip.decompress(path.read_bytes())
        head, _, body = raw.partition(b"\n")
        header = json.loads(head)
    except FileNotFoundError:
        raise ModelError(f"{path}: missing - {fix}") from None
    except (OSError, ValueError) as e:
        raise ModelError(f"{path}: not a line model ({e}) - {fix}") from None
    if header.get("features_version") != FEATURES_VERSION or header.get("dim") != DIM:
        raise ModelError(
            f"{path}: features_version {header.get('features_version')} / dim {header.get('dim')}, "
            f"this code needs {FEATURES_VERSION} / {DIM} - {fix}"
        )
    cats = tuple(header["categories"])
    models, pos = {}, 0
    for loc, m in sorted(header["locales"].items()):
        n = m["nbytes"]
        if n != DIM * len(cats) * 2 or pos + n > len(body):
            raise ModelError(
                f"{path}: locale {loc}: {n} weight bytes, expected {DIM * len(cats) * 2} - {fix}"
            )
        arr = array("h")
        arr.frombytes(body[pos : pos + n])
        if sys.byteorder != "little":
            arr.byteswap()
        view = memoryview(arr)
        models[loc] = LineModel(
            loc,
            cats,
            view,
            tuple(m["scale"]),
            tuple(m["bias"]),
            dict(m["thresholds"]),
            float(m.get("veto", 0.0)),
            None if m.get("veto_negated") is None else float(m["veto_negated"]),
        )
        pos += n
    return header, models


_LOCK = threading.Lock()
_LOADED: dict[str, LineModel] | None = None
_ERROR: str | None = None
_PATH: Path | None = None


def configure(path: str | Path | None = None) -> None:
    """Use another model file, or none at all (`"none"`); `None` goes back to $COLLECTSIM_LINE_MODEL or
    the shipped file. The next scored line loads it."""
    global _LOADED, _ERROR, _PATH
    with _LOCK:
        _LOADED, _ERROR = None, None
        _PATH = None if path is None else Path(path)


def _path() -> Path:
    if _PATH is not None:
        return _PATH
    env = os.environ.get("COLLECTSIM_LINE_MODEL", "").strip()
    return Path(env) if env else MODEL_PATH


def model_for(locale: str) -> LineModel | None:
    """The model of a locale (loaded once); None when there is none, with `status()` saying why."""
    global _LOADED, _ERROR
    if _LOADED is None and _ERROR is None:
        with _LOCK:
            if _LOADED is None and _ERROR is None:
                path = _path()
                if str(path).lower() in ("none", "off", "0"):
                    _ERROR = "turned off (COLLECTSIM_LINE_MODEL=none)"
                else:
                    try:
                        _LOADED = read_model(path)[1]
                    except ModelError as e:
                        _ERROR = str(e)
    if not _LOADED:
        return None
    return _LOADED.get(locale) or next((m for k, m in _LOADED.items() if lang_of(k) == lang_of(locale)), None)


def status() -> str:
    model_for("zh-CN")
    return f"learned line model: off ({_ERROR})" if _ERROR else "learned line model: on"


def _grams(s: str) -> set[str]:
    s = _PUNCT.sub("", s.lower())
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def _closest_rule(rules, sentence: str):
    """The category's rule whose examples and description share the most character pairs with the sentence."""
    g = _grams(sentence)

    def overlap(r) -> float:
        best = 0.0
        for ex in (*r.examples, r.description):
            e = _grams(ex)
            best = max(best, len(g & e) / (len(g | e) or 1))
        return best

    return max(rules, key=overlap)


MIN_CHARS_ZH = 6
MIN_WORDS_EN = 3


def enough_text(text: str, lang: str) -> bool:
    """A line too short for the model to judge on its own ("就这样。", "Okay, bye.") gets no finding
    from it: with a handful of n-grams a single common word decides the score. The rules still run."""
    if lang == "zh":
        return sum(1 for ch in text if ch.isalnum()) >= MIN_CHARS_ZH
    return len(_EN_WORD.findall(text)) >= MIN_WORDS_EN


def review(norm: Normalized, ctx: Context, found: list[Finding]) -> list[Finding]:
    """The rule paths' findings checked by the model, plus what only the model found.

    - A category the model scores at or above its threshold is flagged: by the rule findings when
      there are any, else by a finding that quotes the sentence carrying it.
    - Rule findings are dropped when the model scores every category below the veto level: the
      rules fire on negated, quoted and reassuring uses of their words ("nobody goes to jail over a
      card bill"), and the model has seen those next to what the rules said. Lines with a negation
      have their own level (`veto_negated`), as that is where the rules go wrong most.
    - Third-party disclosure is only scored when a third party, or a listener not yet verified as
      the debtor, listens: with the verified debtor the same words are what the call is for, and a
      rule's disclosure finding there is never dropped. Before verification the model's disclosure
      finding uses the before-verification rule.
    - A line shorter than `enough_text` allows gets no finding from the model alone.
    """
    model = model_for(ctx.locale)
    text = norm.clean.text
    if model is None or not text.strip():
        return found
    tp = is_third_party(ctx)
    evidence = rule_evidence(found)
    # the debtor's own words read back ("you said you'd 'beat my face in'") are not the collector's
    text = _without_debtor_quotes(text, lang_of(ctx.locale))
    scores = model.scores(text, tp, evidence)

    # How likely the model thinks any violation is: a rule finding is only dropped when the model
    # finds the whole line lawful, not when it reads the line as a neighbouring category (an
    # invented flight ban is a legal threat to one labeller and a misrepresentation to another).
    worst = max((v for c, v in scores.items() if c != "third_party_disclosure" or tp), default=1.0)
    veto = model.veto_for(text)

    def keep(f: Finding) -> bool:
        c = str(f.category)
        if c not in scores or (c == "third_party_disclosure" and not tp):
            return True
        return worst >= veto

    kept = [f for f in found if keep(f)]
    if not enough_text(text, lang_of(ctx.locale)):
        return kept
    have = {str(f.category) for f in kept}
    hits = [
        c
        for c in model.categories
        if c not in have
        and scores[c] >= model.thresholds.get(c, 1.1)
        and (c != "third_party_disclosure" or tp)
    ]
    return kept + _model_findings(model, norm, text, ctx, hits, evidence)


def _without_debtor_quotes(text: str, lang: str) -> str:
    """The line with the debtor's quoted words blanked out; offsets stay those of the line."""
    from grading.compliance import debtor_quote_spans

    for a, b in debtor_quote_spans(text, lang):
        text = text[: a + 1] + " " * (b - a - 2) + text[b - 1 :]
    return text


def _model_findings(
    model: LineModel, norm: Normalized, text: str, ctx: Context, hits: list[str], evidence
) -> list[Finding]:
    """Findings for the categories only the model flagged, each quoting the sentence of `text` (the
    clean line as the model read it) that carries it."""
    from grading.compliance import _finding, ruleset, unverified_rule

    tp = is_third_party(ctx)
    rs = ruleset(ctx.locale)
    spans = sentence_spans(text) or [(0, len(text))]
    out = []
    for c in hits:
        rules = [r for r in rs.rules if r.category == c]
        if not rules:
            continue
        if len(spans) > 1:  # quote the sentence that carries the category
            s, e = max(spans, key=lambda sp: model.scores(text[sp[0] : sp[1]], tp, evidence)[c])
        else:
            s, e = spans[0]
        while s < e and text[s].isspace():
            s += 1
        if c == "third_party_disclosure" and ctx.party != "third_party":
            rule = unverified_rule(rs)  # said to the debtor before verification
        else:
            rule = _closest_rule(rules, text[s:e])
        os_, oe = norm.clean.original_span(s, e)
        out.append(_finding(rule, norm, os_, oe, method="learned"))
    return out


def score_line(text: str, ctx: Context) -> dict[str, float]:
    """Per-category probabilities for a raw line, with the rule paths' evidence (for benchmarks and
    trainers' inspection)."""
    from grading.analyze import analyze

    model = model_for(ctx.locale)
    if model is None:
        return {}
    found = analyze(text, ctx, semantic=False, learned=False).violations
    return model.scores(normalize(text).clean.text, is_third_party(ctx), rule_evidence(found))
