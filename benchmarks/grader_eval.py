"""Measure the grader against hand-labelled data: banned-language lines and whole calls.

The labelled sets in benchmarks/data were written from the domain brief, independently of the
detector's rule lists, so the figures say how the detector does on lines it was not tuned on:
per-category precision/recall, recall on obfuscated and paraphrased lines, false alarms on lawful
firmness (hard negatives), and step detection on whole transcripts. Figures are printed, never
asserted: the point is to see the misses and fix the detector.

    python benchmarks/grader_eval.py                      # both locales, default embeddings
    python benchmarks/grader_eval.py --locale en-US --embeddings none --show-misses
    python benchmarks/grader_eval.py --embeddings /path/to/all-MiniLM-L6-v2 --json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
# Every labelled line set in the data folder, in the order it was written (eval, heldout, heldout2 ...).
LINE_SETS = tuple(
    sorted({p.name.split("_lines_")[0] for p in DATA.glob("*_lines_*.jsonl")}, key=lambda s: (len(s), s))
)
LOCALES = ("zh-CN", "en-US")
CATEGORIES = (
    "threat_violence",
    "threat_legal",
    "insult",
    "harassment",
    "third_party_disclosure",
    "impersonation",
    "misrepresentation",
)
VIOLATION_KINDS = ("violation", "obfuscated", "paraphrase")
NEGATIVE_KINDS = ("hard_negative", "compliant")


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSONL file; a bad row names the file and line so the data can be fixed."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise SystemExit(f"{path}:{n}: not JSON - {e.msg}") from None
    return rows


def load_lines(locale: str, data: Path = DATA, prefix: str = "eval") -> list[dict]:
    return read_jsonl(data / f"{prefix}_lines_{locale}.jsonl")


def load_transcripts(locale: str, data: Path = DATA) -> list[dict]:
    return read_jsonl(data / f"eval_transcripts_{locale}.jsonl")


def subset(rows: list[dict], limit: int | None) -> list[dict]:
    """An evenly spread sample (every k-th row), so a small --limit still mixes kinds and categories."""
    if not limit or limit >= len(rows):
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _cat(c: Any) -> str:
    return str(getattr(c, "value", c))


# ---------------------------------------------------------------- lines


def predict_lines(lines: list[dict], locale: str) -> list[dict]:
    """Run the analyzer on every line; returns one record per line with expected and predicted categories."""
    from grading.analyze import Context, analyze

    out = []
    for row in lines:
        party = row.get("context", "debtor")
        ctx = Context(
            locale=locale,
            party=party,
            verified=bool(row.get("verified", party == "debtor")),
            scenario="third_party" if party == "third_party" else "first_contact",
        )
        rec = {
            "text": row["text"],
            "kind": row["kind"],
            "context": party,
            "verified": ctx.verified,
            "expected": sorted(set(row["labels"])),
            "note": row.get("note", ""),
        }
        try:
            a = analyze(row["text"], ctx)
            rec["got"] = sorted({_cat(f.category) for f in a.violations})
            rec["quotes"] = [f.quote for f in a.violations]
        except Exception as e:  # a crash on one line is a finding too, not a reason to stop
            rec["got"], rec["quotes"], rec["error"] = [], [], f"{type(e).__name__}: {e}"
        out.append(rec)
    return out


def score_lines(recs: list[dict]) -> dict:
    """Per-category precision/recall and line-level rates; a violating line counts as caught when at
    least one of its expected categories is flagged ('flagged_any' also counts a wrong category)."""
    per_cat = {}
    for c in CATEGORIES:
        tp = sum(1 for r in recs if c in r["expected"] and c in r["got"])
        fp = sum(1 for r in recs if c not in r["expected"] and c in r["got"])
        fn = sum(1 for r in recs if c in r["expected"] and c not in r["got"])
        per_cat[c] = {
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
            "support": tp + fn,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }

    def caught(r: dict) -> bool:
        return bool(set(r["expected"]) & set(r["got"]))

    viol = [r for r in recs if r["expected"]]
    by_kind = {k: [r for r in recs if r["kind"] == k] for k in VIOLATION_KINDS + NEGATIVE_KINDS}
    hard = by_kind["hard_negative"]
    clean = [r for r in recs if not r["expected"]]
    return {
        "n_lines": len(recs),
        "kinds": dict(Counter(r["kind"] for r in recs)),
        "per_category": per_cat,
        "violation_recall": _ratio(sum(caught(r) for r in viol), len(viol)),
        "violation_flagged_any": _ratio(sum(bool(r["got"]) for r in viol), len(viol)),
        "violation_exact": _ratio(sum(set(r["got"]) == set(r["expected"]) for r in viol), len(viol)),
        "recall_plain": _ratio(sum(caught(r) for r in by_kind["violation"]), len(by_kind["violation"])),
        "recall_obfuscated": _ratio(
            sum(caught(r) for r in by_kind["obfuscated"]), len(by_kind["obfuscated"])
        ),
        "recall_paraphrase": _ratio(
            sum(caught(r) for r in by_kind["paraphrase"]), len(by_kind["paraphrase"])
        ),
        "fp_rate_hard_negative": _ratio(sum(bool(r["got"]) for r in hard), len(hard)),
        "fp_rate_compliant": _ratio(sum(bool(r["got"]) for r in clean), len(clean)),
        "errors": sum(1 for r in recs if "error" in r),
    }


def line_misses(recs: list[dict]) -> list[dict]:
    return [
        {
            k: r[k]
            for k in ("text", "kind", "context", "verified", "expected", "got", "quotes", "note", "error")
            if k in r
        }
        for r in recs
        if set(r["expected"]) != set(r["got"]) or "error" in r
    ]


# ---------------------------------------------------------------- transcripts


def predict_transcripts(transcripts: list[dict]) -> list[dict]:
    """Grade every transcript; keep the predicted steps and violation categories next to the labels."""
    from grading.scorecard import grade

    keep = ("id", "locale", "scenario", "persona", "turns")
    out = []
    for t in transcripts:
        rec = {
            "id": t["id"],
            "scenario": t.get("scenario", "first_contact"),
            "expected_steps": t["expected_steps"],
            "expected_violations": sorted(set(t["expected_violations"])),
        }
        try:
            card = grade({k: t[k] for k in keep if k in t}).model_dump()
            rec["got_steps"] = {s["id"]: bool(s["done"]) for s in card.get("steps", [])}
            rec["got_violations"] = sorted({_cat(v["category"]) for v in card.get("violations", [])})
            rec["score"], rec["passed"] = card.get("score"), card.get("passed")
        except Exception as e:
            rec["got_steps"], rec["got_violations"] = {}, []
            rec["error"] = f"{type(e).__name__}: {e}"
        out.append(rec)
    return out


def score_transcripts(recs: list[dict]) -> dict:
    """Step accuracy (a step the scorecard does not list counts as 'not done'), and call-level
    violation precision/recall by category."""
    per_step: dict[str, list[int]] = {}
    absent = 0
    for r in recs:
        for step, want in r["expected_steps"].items():
            if step not in r["got_steps"]:
                absent += 1
            got = r["got_steps"].get(step, False)
            per_step.setdefault(step, [0, 0])
            per_step[step][0] += int(got == want)
            per_step[step][1] += 1
    right = sum(v[0] for v in per_step.values())
    total = sum(v[1] for v in per_step.values())
    tp = sum(len(set(r["expected_violations"]) & set(r["got_violations"])) for r in recs)
    fp = sum(len(set(r["got_violations"]) - set(r["expected_violations"])) for r in recs)
    fn = sum(len(set(r["expected_violations"]) - set(r["got_violations"])) for r in recs)
    clean = [r for r in recs if not r["expected_violations"]]
    return {
        "n_transcripts": len(recs),
        "step_accuracy": _ratio(right, total),
        "step_accuracy_per_step": {
            s: {"accuracy": _ratio(v[0], v[1]), "n": v[1]} for s, v in sorted(per_step.items())
        },
        "steps_not_reported": absent,
        "calls_all_steps_right": _ratio(
            sum(all(r["got_steps"].get(s, False) == w for s, w in r["expected_steps"].items()) for r in recs),
            len(recs),
        ),
        "call_violation_precision": _ratio(tp, tp + fp),
        "call_violation_recall": _ratio(tp, tp + fn),
        "clean_calls_flagged": _ratio(sum(bool(r["got_violations"]) for r in clean), len(clean)),
        "errors": sum(1 for r in recs if "error" in r),
    }


def transcript_misses(recs: list[dict]) -> list[dict]:
    out = []
    for r in recs:
        wrong = {
            s: {"expected": w, "got": r["got_steps"].get(s)}
            for s, w in r["expected_steps"].items()
            if r["got_steps"].get(s, False) != w
        }
        if wrong or set(r["expected_violations"]) != set(r["got_violations"]) or "error" in r:
            m = {
                "id": r["id"],
                "steps": wrong,
                "expected_violations": r["expected_violations"],
                "got_violations": r["got_violations"],
            }
            if "error" in r:
                m["error"] = r["error"]
            out.append(m)
    return out


# ---------------------------------------------------------------- report


def _pct(x: float | None) -> str:
    return "  n/a" if x is None else f"{100 * x:5.1f}%"


def render(locale: str, lines: dict, calls: dict, show_misses: bool) -> str:
    out = [f"## {locale}", ""]
    if lines:
        s = lines["scores"]
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(s["kinds"].items()))
        out += [
            f"Lines: {s['n_lines']} ({kinds})",
            "",
            "| category | precision | recall | support |",
            "|---|---|---|---|",
        ]
        for c, v in s["per_category"].items():
            out.append(f"| {c} | {_pct(v['precision'])} | {_pct(v['recall'])} | {v['support']} |")
        out += [
            "",
            "| line-level figure | value |",
            "|---|---|",
            f"| violation recall (an expected category flagged) | {_pct(s['violation_recall'])} |",
            f"| violating lines flagged with any category | {_pct(s['violation_flagged_any'])} |",
            f"| violating lines with exactly the expected categories | {_pct(s['violation_exact'])} |",
            f"| recall, plain violations | {_pct(s['recall_plain'])} |",
            f"| recall, obfuscated | {_pct(s['recall_obfuscated'])} |",
            f"| recall, paraphrased (no keyword) | {_pct(s['recall_paraphrase'])} |",
            f"| false-positive rate, hard negatives | {_pct(s['fp_rate_hard_negative'])} |",
            f"| false-positive rate, all compliant lines | {_pct(s['fp_rate_compliant'])} |",
            f"| analyzer errors | {s['errors']} |",
            "",
        ]
    if calls:
        s = calls["scores"]
        out += [f"Transcripts: {s['n_transcripts']}", "", "| step | accuracy | n |", "|---|---|---|"]
        for step, v in s["step_accuracy_per_step"].items():
            out.append(f"| {step} | {_pct(v['accuracy'])} | {v['n']} |")
        out += [
            f"| **all steps** | {_pct(s['step_accuracy'])} | {sum(v['n'] for v in s['step_accuracy_per_step'].values())} |",
            "",
            "| call-level figure | value |",
            "|---|---|",
            f"| calls with every step right | {_pct(s['calls_all_steps_right'])} |",
            f"| violation categories, precision | {_pct(s['call_violation_precision'])} |",
            f"| violation categories, recall | {_pct(s['call_violation_recall'])} |",
            f"| clean calls flagged | {_pct(s['clean_calls_flagged'])} |",
            f"| steps missing from scorecards | {s['steps_not_reported']} |",
            f"| grading errors | {s['errors']} |",
            "",
        ]
    if show_misses:
        if lines:
            out += [f"### Line misses ({len(lines['misses'])})", ""]
            for m in lines["misses"]:
                err = f"  ERROR {m['error']}" if "error" in m else ""
                tag = f"{m['kind']}, {m['context']}{'' if m['verified'] else ', unverified'}"
                out.append(
                    f"- [{tag}] {m['text']}  expected={m['expected'] or '[]'} got={m['got'] or '[]'}"
                    f"{' quotes=' + repr(m['quotes']) if m['quotes'] else ''}{err}"
                )
            out.append("")
        if calls:
            out += [f"### Transcript misses ({len(calls['misses'])})", ""]
            for m in calls["misses"]:
                steps = ", ".join(
                    f"{k} expected {v['expected']} got {v['got']}" for k, v in m["steps"].items()
                )
                viol = ""
                if m["expected_violations"] != m["got_violations"]:
                    viol = f" violations expected={m['expected_violations']} got={m['got_violations']}"
                err = f" ERROR {m['error']}" if "error" in m else ""
                out.append(f"- {m['id']}: {steps or 'steps ok'};{viol}{err}")
            out.append("")
    return "\n".join(out)


def run(
    locales: tuple[str, ...],
    limit: int | None = None,
    data: Path = DATA,
    do_lines: bool = True,
    do_transcripts: bool = True,
    prefix: str = "eval",
) -> dict:
    """Evaluate; returns the machine-readable result (the --json output)."""
    from grading import learned
    from grading.analyze import embedder_status

    result: dict[str, Any] = {"locales": {}}
    t0 = time.perf_counter()
    for loc in locales:
        entry: dict[str, Any] = {}
        if do_lines:
            t = time.perf_counter()
            recs = predict_lines(subset(load_lines(loc, data, prefix), limit), loc)
            entry["lines"] = {"scores": score_lines(recs), "misses": line_misses(recs)}
            entry["lines"]["seconds"] = round(time.perf_counter() - t, 2)
        if do_transcripts:
            t = time.perf_counter()
            recs_t = predict_transcripts(subset(load_transcripts(loc, data), limit))
            entry["transcripts"] = {"scores": score_transcripts(recs_t), "misses": transcript_misses(recs_t)}
            entry["transcripts"]["seconds"] = round(time.perf_counter() - t, 2)
        result["locales"][loc] = entry
    result["embedder"] = embedder_status()
    result["line_model"] = learned.status()
    result["embeddings_setting"] = os.environ.get("COLLECTSIM_EMBEDDINGS", "(default)")
    result["seconds"] = round(time.perf_counter() - t0, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--locale", choices=("all",) + LOCALES, default="all")
    ap.add_argument(
        "--embeddings",
        default=None,
        help="'none' for lexical only, or a model name/path (sets COLLECTSIM_EMBEDDINGS before import)",
    )
    ap.add_argument("--threads", type=int, default=None, help="torch threads for the embedding model")
    ap.add_argument(
        "--limit", type=int, default=None, help="evaluate an evenly spread sample of N rows per file"
    )
    ap.add_argument(
        "--data", type=Path, default=DATA, help="folder with eval_lines_*/eval_transcripts_* files"
    )
    ap.add_argument(
        "--set",
        dest="prefix",
        choices=LINE_SETS,
        default="eval",
        help=f"eval: the development set (lines + transcripts); heldout..{LINE_SETS[-1]}: line sets "
        "written later (see benchmarks/README.md for which ones the rules and the line model have seen)",
    )
    ap.add_argument(
        "--line-model",
        default=None,
        help="the learned line model: a model file, or 'none' for the rule paths only (default: the shipped one)",
    )
    ap.add_argument("--lines-only", action="store_true", help="skip the transcripts")
    ap.add_argument("--transcripts-only", action="store_true", help="skip the lines")
    ap.add_argument("--show-misses", action="store_true", help="list every line/call the grader got wrong")
    ap.add_argument("--json", action="store_true", help="print machine-readable figures (misses included)")
    args = ap.parse_args(argv)
    from grading.embeddings import configure

    configure(args.embeddings, args.threads)
    from grading import learned

    learned.configure(args.line_model)
    locales = LOCALES if args.locale == "all" else (args.locale,)
    res = run(
        locales,
        args.limit,
        args.data,
        do_lines=not args.transcripts_only,
        do_transcripts=not args.lines_only and args.prefix == "eval",
        prefix=args.prefix,
    )
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    print(
        f"analyzer: {res['embedder']}; {res['line_model']}  "
        f"(COLLECTSIM_EMBEDDINGS={res['embeddings_setting']}, {res['seconds']} s)"
    )
    print()
    for loc, entry in res["locales"].items():
        print(render(loc, entry.get("lines", {}), entry.get("transcripts", {}), args.show_misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
