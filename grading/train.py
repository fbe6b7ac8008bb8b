"""Train the learned line classifier (grading/learned.py) from labelled collector lines.

    python -m grading.train                 # writes grading/data/line_model.bin and prints a report
    python -m grading.train --check         # exit 1 when the shipped model is older than its data

Training data: every `grading/data/train/<locale>_*.jsonl` file (one labelled line per row: `text`,
`context` debtor|third_party, `verified`, `labels` (violation categories, [] for lawful lines), `kind`),
plus the scripts corpus of the locale: each rule's examples count as lines of its category; lawful
firm lines, step phrasings and service phrases count as lawful lines. In a checkout the benchmark
line sets that were already measured (`BENCH_SETS`) are added; the newest set (`BLIND_SETS`) is never
read here, so it measures the model on lines it has not seen.

What the rule paths find in a line is one of its features, so the model is stale when the training
lines, the corpus or the rule paths' answers on those lines change: `--check` and the tests compare
a digest of all three with the one stored in the model.

One logistic regression per category (scikit-learn, liblinear, balanced classes). The threshold of a
category is set from 5-fold out-of-fold scores: the lowest value at which at most `--fp-budget` of
the lawful lines (split evenly over the categories) would be flagged, and never below 0.5. The
budget is 3% in zh-CN and 4% in en-US: most lawful training lines are easy ones, and at 3% the
en-US hard negatives of the measured line sets were already flagged a little more often than that,
while recall stayed well short; 4% buys recall where it is shortest (see benchmarks/README.md).
scikit-learn is only needed here; scoring uses the standard library.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from grading.cues import lang_of
from grading.learned import (
    CATEGORIES,
    DIM,
    MODEL_PATH,
    NEGATION,
    is_third_party,
    read_model,
    rule_evidence,
    vectorize,
    write_model,
)
from grading.normalize import normalize

DATA_DIR = Path(__file__).resolve().parent / "data" / "train"
# In a checkout, the benchmark line sets that have already been measured train the model too; the
# newest set stays blind, so it measures it (see benchmarks/README.md).
BENCH_DIR = Path(__file__).resolve().parent.parent / "benchmarks" / "data"
BENCH_SETS = (
    "eval",
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
    "heldout13",
    "heldout14",
    "heldout15",
    "heldout16",
    "heldout17",
    "heldout18",
    "heldout19",
    "heldout20",
    "heldout21",
    "heldout22",
    "heldout23",
    "heldout24",
    "heldout25",
    "heldout26",
    "heldout27",
    "heldout28",
    "heldout29",
    "heldout30",
    "heldout31",
    "heldout32",
    "heldout33",
    "heldout34",
    "heldout35",
    "heldout36",
    "heldout37",
    "heldout38",
    "heldout39",
    "heldout40",
    "heldout41",
    "heldout42",
    "heldout43",
    "heldout44",
    "heldout45",
    "heldout46",
    "heldout47",
    "heldout48",
    "heldout49",
    "heldout50",
    "heldout51",
    "heldout52",
    "heldout53",
    "heldout54",
    "heldout55",
    "heldout56",
    "heldout57",
    "heldout58",
    "heldout59",
    "heldout60",
    "heldout61",
)
BLIND_SETS = ("heldout62", "heldout63", "heldout64", "heldout65", "heldout66", "heldout67")
LOCALES = ("zh-CN", "en-US")
FP_BUDGET = {"zh-CN": 0.03, "en-US": 0.04}
KINDS = {"violation", "obfuscated", "paraphrase", "hard_negative", "compliant", "corpus"}


class TrainDataError(ValueError):
    pass


def read_rows(path: Path) -> list[dict]:
    """Rows of one training file; a bad row names the file, line and field, and what to write instead."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise TrainDataError(f"{where}: not JSON - {e.msg}") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
            raise TrainDataError(f"{where}: text - needs a non-empty string")
        labels = row.get("labels")
        if not isinstance(labels, list) or any(c not in CATEGORIES for c in labels):
            bad = labels if not isinstance(labels, list) else [c for c in labels if c not in CATEGORIES]
            raise TrainDataError(
                f"{where}: labels - {bad!r}; use a list of {', '.join(CATEGORIES)} ([] if lawful)"
            )
        if row.get("context", "debtor") not in ("debtor", "third_party"):
            raise TrainDataError(f"{where}: context - {row.get('context')!r}; use debtor or third_party")
        if row.get("kind") and row["kind"] not in KINDS:
            raise TrainDataError(f"{where}: kind - {row['kind']!r}; use one of {', '.join(sorted(KINDS))}")
        rows.append(row)
    return rows


def training_files(data_dir: Path, locale: str) -> list[Path]:
    """The training files of a locale: `<locale>_*.jsonl` in `data_dir`, and with the default folder
    also the tuned benchmark line sets of a checkout."""
    files = sorted(data_dir.glob(f"{locale}_*.jsonl"))
    if data_dir == DATA_DIR:
        files += [p for s in BENCH_SETS if (p := BENCH_DIR / f"{s}_lines_{locale}.jsonl").exists()]
    return files


def corpus_rows(locale: str) -> list[dict]:
    """Rule examples as violations, lawful firm lines, step phrasings and service phrases as lawful lines."""
    from simulator.loader import load_corpus

    corpus = load_corpus(locale)
    rows = [
        {"text": ex, "context": "debtor", "verified": True, "labels": [str(r.category)], "kind": "corpus"}
        for r in corpus.rules
        for ex in r.examples
    ]
    lawful = list(corpus.lawful_firm)
    for s in corpus.steps:
        lawful += [*s.phrasings, *s.variants]
    for p in corpus.service_phrases:
        lawful += list(p.phrasings)
    rows += [
        {"text": t, "context": "debtor", "verified": True, "labels": [], "kind": "corpus"} for t in lawful
    ]
    # what the third-party scenario has the collector say is lawful with a third party listening
    tp_steps = {i for sc in corpus.scenarios if sc.context == "third_party" for i in sc.steps}
    rows += [
        {"text": t, "context": "third_party", "verified": False, "labels": [], "kind": "corpus"}
        for s in corpus.steps
        if s.id in tp_steps
        for t in (*s.phrasings, *s.variants)
    ]
    return rows


def data_digest(data_dir: Path = DATA_DIR, rows_by_locale: dict[str, list[dict]] | None = None) -> str:
    """sha256 over the training files, the scripts corpora and what the rule paths find in every
    training line, so a model that no longer matches its inputs can be detected."""
    from simulator.loader import data_root

    h = hashlib.sha256()
    for loc in LOCALES:
        for p in training_files(data_dir, loc) + [data_root("scripts_corpus") / f"{loc}.yaml"]:
            h.update(p.name.encode())
            h.update(p.read_bytes())
        rows = (rows_by_locale or {}).get(loc) or load_locale(data_dir, loc)
        for r in rows:
            found = r["_found"] if "_found" in r else rule_findings(r, loc)
            h.update("|".join(rule_evidence(found)).encode() + b"\n")
    return h.hexdigest()


def load_locale(data_dir: Path, locale: str) -> list[dict]:
    rows = []
    for p in training_files(data_dir, locale):
        rows += read_rows(p)
    return rows + corpus_rows(locale)


def row_context(row: dict, locale: str):
    """The analyzer Context of a labelled line (debtor lines default to verified)."""
    from grading.results import Context

    party = row.get("context", "debtor")
    return Context(locale=locale, party=party, verified=bool(row.get("verified", party == "debtor")))


def rule_findings(row: dict, locale: str) -> list:
    """What the rule paths (patterns, context, cue combinations) find in a training line."""
    from grading.analyze import analyze

    return analyze(row["text"], row_context(row, locale), semantic=False, learned=False).violations


def _matrix(rows: list[dict], locale: str):
    from scipy.sparse import csr_matrix

    lang = "zh" if locale.startswith("zh") else "en"
    indptr, indices, values = [0], [], []
    for r in rows:
        ev = rule_evidence(r["_found"]) if "_found" in r else ()
        vec = vectorize(normalize(r["text"]).clean.text, lang, is_third_party(row_context(r, locale)), ev)
        indices += list(vec)
        values += list(vec.values())
        indptr.append(len(indices))
    return csr_matrix((values, indices, indptr), shape=(len(rows), DIM))


def _fit(X, y, C: float):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=0)
    return clf.fit(X, y)


VETO_LEVELS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)


def train_locale(
    rows: list[dict],
    locale: str,
    C: float = 64.0,
    folds: int = 5,
    fp_budget: float = 0.03,
    max_veto_loss: float = 0.005,
) -> dict:
    """Fit one locale; returns the weights (int16 and scales), biases, thresholds, the veto level and
    out-of-fold figures."""
    import numpy as np

    for r in rows:
        r["_found"] = rule_findings(r, locale)
    X = _matrix(rows, locale)
    R = np.array(
        [[any(str(f.category) == c for f in r["_found"]) for c in CATEGORIES] for r in rows], dtype=bool
    )
    Y = np.array([[c in r["labels"] for c in CATEGORIES] for r in rows], dtype=bool)
    lawful = ~Y.any(axis=1)
    order = np.random.default_rng(0).permutation(len(rows))
    fold_of = np.empty(len(rows), dtype=int)
    fold_of[order] = np.arange(len(rows)) % folds
    oof = np.zeros(Y.shape)
    for f in range(folds):
        tr, te = fold_of != f, fold_of == f
        for k in range(len(CATEGORIES)):
            if Y[tr, k].any():
                oof[te, k] = _fit(X[tr], Y[tr, k], C).predict_proba(X[te])[:, 1]
    per_cat_budget = fp_budget / len(CATEGORIES)
    thresholds, report = {}, {}
    W = np.zeros((DIM, len(CATEGORIES)), dtype=np.float32)
    bias = []
    for k, cat in enumerate(CATEGORIES):
        neg = np.sort(oof[lawful, k])[::-1]
        allowed = int(per_cat_budget * len(neg))
        t = max(0.5, float(neg[allowed]) + 1e-6 if allowed < len(neg) else 0.5)
        thresholds[cat] = round(t, 4)
        pos = Y[:, k]
        report[cat] = {
            "n": int(pos.sum()),
            "oof_recall": round(float((oof[pos, k] >= t).mean()), 4) if pos.any() else None,
        }
        if pos.any():
            clf = _fit(X, Y[:, k], C)
            W[:, k] = clf.coef_[0]
            bias.append(float(clf.intercept_[0]))
        else:
            bias.append(-30.0)
    flagged = (oof >= np.array([thresholds[c] for c in CATEGORIES])).any(axis=1)
    viol = Y.any(axis=1)
    caught = ((oof >= np.array([thresholds[c] for c in CATEGORIES])) & Y).any(axis=1)
    report["_lines"] = {
        "n": len(rows),
        "oof_recall": round(float(caught[viol].mean()), 4),
        "oof_fp_lawful": round(float(flagged[lawful].mean()), 4),
        "rules_recall": round(float((R & Y).any(axis=1)[viol].mean()), 4),
        "rules_fp_lawful": round(float(R.any(axis=1)[lawful].mean()), 4),
    }
    # The veto: rule findings are dropped on lines the model scores below a level in every category
    # (disclosure with the verified debtor is never vetoed, nor does its score count there). Lines with a
    # negation get their own level. The pair of levels kept is the one that clears the most lawful
    # lines out of fold while costing at most `max_veto_loss` of recall (ties: the lower levels).
    T = np.array([thresholds[c] for c in CATEGORIES])
    tp_col = CATEGORIES.index("third_party_disclosure")
    third = np.array([is_third_party(row_context(r, locale)) for r in rows])
    counted = oof.copy()
    counted[~third, tp_col] = 0.0
    worst = counted.max(axis=1, keepdims=True)
    lang = lang_of(locale)
    negated = np.array([bool(NEGATION[lang].search(normalize(r["text"]).clean.text)) for r in rows])[:, None]

    def combined(v: float, vn: float) -> tuple[float, float]:
        vetoable = np.ones_like(R)
        vetoable[:, tp_col] = third
        level = np.where(negated, vn, v)
        final = (oof >= T) | (R & ~(vetoable & (worst < level)))
        return float((final & Y).any(axis=1)[viol].mean()), float(final.any(axis=1)[lawful].mean())

    base_recall, _ = combined(0.0, 0.0)
    options = [
        (fp, v + vn, v, vn)
        for v in VETO_LEVELS
        for vn in VETO_LEVELS
        for rec, fp in [combined(v, vn)]
        if rec >= base_recall - max_veto_loss
    ]
    _, _, veto, veto_negated = min(options)
    rec, fp = combined(veto, veto_negated)
    report["_lines"].update(
        {
            "veto": veto,
            "veto_negated": veto_negated,
            "combined_recall": round(rec, 4),
            "combined_fp_lawful": round(fp, 4),
        }
    )
    scale = np.maximum(np.abs(W).max(axis=0), 1e-9) / 32767.0
    q = np.round(W / scale).astype("<i2")
    return {
        "weights": q.tobytes(),
        "scale": [float(x) for x in scale],
        "bias": [round(b, 6) for b in bias],
        "thresholds": thresholds,
        "veto": veto,
        "veto_negated": veto_negated,
        "report": report,
    }


def train(
    data_dir: Path = DATA_DIR, out: Path = MODEL_PATH, C: float = 64.0, fp_budget: float | None = None
) -> dict:
    """Train both locales; `fp_budget` (one share for both) overrides `FP_BUDGET`."""
    budgets = {loc: FP_BUDGET[loc] if fp_budget is None else fp_budget for loc in LOCALES}
    models, reports, rows_by_locale = {}, {}, {}
    for loc in LOCALES:
        rows = rows_by_locale[loc] = load_locale(data_dir, loc)
        if not any(r["labels"] for r in rows):
            raise TrainDataError(f"{data_dir}: no labelled violations for {loc} - add {loc}_*.jsonl files")
        models[loc] = train_locale(rows, loc, C=C, fp_budget=budgets[loc])
        reports[loc] = models[loc].pop("report")
    meta = {
        "data_sha256": data_digest(data_dir, rows_by_locale),
        "C": C,
        "fp_budget": budgets,
        "report": reports,
    }
    write_model(out, meta, models)
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m grading.train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA_DIR, help="folder of <locale>_*.jsonl training files")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--C", type=float, default=64.0, help="inverse regularisation strength")
    ap.add_argument(
        "--fp-budget",
        type=float,
        default=None,
        help="share of lawful lines allowed to be flagged, both locales (default: 0.03 zh-CN, 0.04 en-US)",
    )
    ap.add_argument("--check", action="store_true", help="only say whether the model matches its data")
    a = ap.parse_args(argv)
    if a.check:
        header, _ = read_model(a.out)
        fresh = header.get("data_sha256") == data_digest(a.data)
        print(
            f"{a.out}: {'up to date' if fresh else 'older than its training data - run python -m grading.train'}"
        )
        return 0 if fresh else 1
    try:
        meta = train(a.data, a.out, a.C, a.fp_budget)
    except TrainDataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for loc, rep in meta["report"].items():
        lines = rep.pop("_lines")
        veto, vn, n = lines.pop("veto"), lines.pop("veto_negated"), lines.pop("n")
        figures = ", ".join(f"{k} {v:.1%}" for k, v in lines.items())
        print(f"{loc}: {n} lines; veto below {veto} ({vn} with a negation); out-of-fold: {figures}")
        for cat, r in rep.items():
            rec = "-" if r["oof_recall"] is None else f"{r['oof_recall']:.1%}"
            print(f"  {cat:24s} n={r['n']:4d} recall={rec}")
    print(f"wrote {a.out} ({a.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
