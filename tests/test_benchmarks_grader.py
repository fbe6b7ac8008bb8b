"""The grader's evaluation data and harness: the labelled sets stay usable and the harness runs.

Detector scores are reported by benchmarks/grader_eval.py, never asserted here: a test that
pinned them would either freeze today's misses or fail on every improvement.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from grading.acts import Category
from grading.transcript import Transcript

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
LOCALES = ("zh-CN", "en-US")
KINDS = {"violation", "obfuscated", "paraphrase", "hard_negative", "compliant"}
STEPS = {
    "first_contact": [
        "greeting_identity",
        "verify_identity",
        "mini_miranda",
        "state_purpose",
        "ask_reason",
        "empathy",
        "explain_consequences",
        "negotiate_plan",
        "confirm_ptp",
        "close",
    ],
    "third_party": ["greeting_identity", "verify_relationship", "request_callback", "close"],
}
STEPS["broken_promise"] = STEPS["first_contact"] + ["reference_prior_promise"]


def _rows(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines if x.strip()]


@pytest.mark.parametrize("locale", LOCALES)
def test_lines_parse_and_cover_every_category(locale):
    rows = _rows(f"eval_lines_{locale}.jsonl")
    assert len(rows) >= 170
    cats = {c.value for c in Category}
    texts = [r["text"] for r in rows]
    assert len(texts) == len(set(texts)), "duplicate lines"
    for r in rows:
        assert set(r) >= {"text", "context", "verified", "labels", "kind", "note"}, r
        assert r["text"].strip()
        assert r["context"] in {"debtor", "third_party"}
        assert isinstance(r["verified"], bool)
        assert r["kind"] in KINDS
        assert set(r["labels"]) <= cats, r
        # violation kinds carry labels; hard negatives and compliant lines carry none
        assert bool(r["labels"]) == (r["kind"] in {"violation", "obfuscated", "paraphrase"}), r
    per_cat = Counter(c for r in rows for c in r["labels"])
    for c in cats:
        assert per_cat[c] >= 12, f"{locale}: only {per_cat[c]} lines for {c}"
    kinds = Counter(r["kind"] for r in rows)
    assert kinds["hard_negative"] >= 50
    assert kinds["obfuscated"] >= 10 and kinds["paraphrase"] >= 10 and kinds["compliant"] >= 10
    # disclosure is judged against who is listening: third-party lines must exist on both sides
    assert any(r["context"] == "third_party" and r["labels"] for r in rows)
    assert any(r["context"] == "third_party" and not r["labels"] for r in rows)
    # the amount told to a verified debtor is a hard negative, not a disclosure
    assert any(r["kind"] == "hard_negative" and r["context"] == "debtor" and r["verified"] for r in rows)


@pytest.mark.parametrize("locale", LOCALES)
def test_transcripts_parse_with_labels_for_their_scenario(locale):
    rows = _rows(f"eval_transcripts_{locale}.jsonl")
    assert len(rows) >= 15
    cats = {c.value for c in Category}
    assert {r["scenario"] for r in rows} >= {"first_contact", "broken_promise", "third_party"}
    for r in rows:
        t = Transcript.model_validate({k: v for k, v in r.items() if not k.startswith("expected")})
        assert t.locale == locale
        assert t.turns and all(x.text.strip() for x in t.turns)
        want = [s for s in STEPS[t.scenario] if locale == "en-US" or s != "mini_miranda"]
        assert sorted(r["expected_steps"]) == sorted(want), r["id"]
        assert all(isinstance(v, bool) for v in r["expected_steps"].values())
        assert set(r["expected_violations"]) <= cats
    assert any(r["expected_violations"] for r in rows) and any(not r["expected_violations"] for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


def test_grader_eval_runs_end_to_end_with_json():
    env = dict(os.environ, COLLECTSIM_EMBEDDINGS="none", OMP_NUM_THREADS="1")
    p = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "grader_eval.py"),
            "--json",
            "--limit",
            "20",
            "--embeddings",
            "none",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    res = json.loads(p.stdout)
    assert set(res) >= {"locales", "embedder", "seconds"}
    assert "lexical" in res["embedder"].lower() or "none" in res["embedder"].lower()
    for loc in LOCALES:
        lines = res["locales"][loc]["lines"]["scores"]
        assert lines["n_lines"] == 20
        assert set(lines) >= {
            "per_category",
            "violation_recall",
            "recall_obfuscated",
            "recall_paraphrase",
            "fp_rate_hard_negative",
            "fp_rate_compliant",
        }
        assert set(lines["per_category"]) == {c.value for c in Category}
        for v in lines["per_category"].values():
            assert set(v) >= {"precision", "recall", "support"}
        calls = res["locales"][loc]["transcripts"]["scores"]
        assert calls["n_transcripts"] >= 15  # fewer than 20 exist, so all are graded
        assert 0 <= calls["step_accuracy"] <= 1
        assert calls["errors"] == 0
        assert isinstance(res["locales"][loc]["lines"]["misses"], list)


def test_throughput_generator_mixes_locales_and_lengths():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import grader_throughput
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    ts = grader_throughput.generate(40, seed=1)
    assert len(ts) == 40 and len({t["id"] for t in ts}) == 40
    assert {t["locale"] for t in ts} == set(LOCALES)
    assert all(12 <= len(t["turns"]) <= 20 for t in ts)
    for t in ts:
        Transcript.model_validate(t)
