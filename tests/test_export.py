"""Exports: JSON shape, CSV safety and encoding, HTML highlighting, PDF with Chinese text."""

import csv
import io
import json
import shutil
import subprocess

import pytest

from grading import export
from grading.adherence import OrderIssue, StepResult
from grading.scorecard import Scorecard, Violation
from grading.softskills import Outcome, Talk
from grading.transcript import Transcript

QUOTE = "不还钱就让你坐牢"


def zh_pair(tid: str = "zh-call-1"):
    t = Transcript(
        id=tid,
        locale="zh-CN",
        scenario="first_contact",
        turns=[
            {"speaker": "collector", "text": "您好，我是华信银行的小王，工号1234。您欠款5000元已逾期。"},
            {"speaker": "debtor", "text": "你是谁啊？"},
            {"speaker": "collector", "text": f"我告诉你，{QUOTE}，<script>alert(1)</script>"},
            {"speaker": "debtor", "text": "我15号通过支付宝还3000。"},
        ],
    )
    card = Scorecard(
        transcript_id=tid,
        locale="zh-CN",
        scenario="first_contact",
        score=41.5,
        passed=False,
        pass_mark=70,
        fail_reasons=[f"第3轮严重违规（threat_legal）：“{QUOTE}”"],
        violations=[
            Violation(
                turn=2,
                category="threat_legal",
                severity="critical",
                quote=QUOTE,
                rule="中银协2026催收指引：不得夸大法律后果",
                suggestion="如实说明：逾期会影响您的征信记录。",
                rule_id="zh.jail",
            )
        ],
        steps=[
            StepResult(
                id="greeting_identity",
                done=True,
                turn=0,
                quote="我是华信银行的小王，工号1234",
                similarity=0.93,
            ),
            StepResult(
                id="verify_identity",
                done=False,
                title="核实身份",
                why="先确认是本人再谈欠款",
                suggestion="请问您是张伟先生本人吗？",
            ),
        ],
        order_issues=[
            OrderIssue(
                turn=0,
                kind="debt_before_verification",
                quote="您欠款5000元已逾期",
                message="说明欠款之前先核实对方身份。",
                suggestion="请问您是张伟先生本人吗？",
            )
        ],
        outcome=Outcome(ptp=True, amount=3000, date="15号", channel="支付宝", repeated_back=False, turn=3),
        dimensions={"compliance": 0, "script": 40, "soft_skills": 55, "outcome": 80},
        skills={"empathy": 0, "politeness": 60, "control": 50, "questions": 50, "talk_balance": 100},
        talk=Talk(unit="chars", collector=60, other=20, collector_share=0.75),
        corpus_version=1,
    )
    return card, t


def test_json_has_design_fields_and_readable_chinese():
    card, _ = zh_pair()
    text = export.to_json(card)
    assert QUOTE in text  # not \u-escaped
    d = json.loads(text)
    for key in ("score", "passed", "violations", "steps", "outcome", "dimensions", "transcript_id", "locale"):
        assert key in d
    assert {"scenario", "grader_version"} <= set(d)
    assert set(d["violations"][0]) >= {"turn", "category", "severity", "quote", "rule", "suggestion"}
    assert set(d["steps"][0]) >= {"id", "done", "turn", "quote", "similarity"}
    assert set(d["outcome"]) >= {"ptp", "amount", "date", "channel", "repeated_back"}
    many = json.loads(export.to_json([card, card]))
    assert isinstance(many, list) and len(many) == 2


def test_csv_calls_one_row_per_call_and_utf8_bom(tmp_path):
    a, _ = zh_pair("a")
    b, _ = zh_pair("b")
    text = export.to_csv_calls([a, b])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["transcript_id"] for r in rows] == ["a", "b"]
    assert rows[0]["critical"] == "1" and rows[0]["passed"] == "False"
    assert rows[0]["steps_missing"] == "verify_identity"
    assert rows[0]["channel"] == "支付宝"
    path = export.write_csv(tmp_path / "calls.csv", text)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "支付宝" in raw.decode("utf-8-sig")


def test_csv_findings_one_row_per_finding():
    card, _ = zh_pair()
    rows = list(csv.DictReader(io.StringIO(export.to_csv_findings(card))))
    kinds = [r["kind"] for r in rows]
    assert (
        kinds.count("violation") == 1 and kinds.count("order_issue") == 1 and kinds.count("missing_step") == 1
    )
    missing = next(r for r in rows if r["kind"] == "missing_step")
    assert missing["suggestion"] == "请问您是张伟先生本人吗？"
    viol = next(r for r in rows if r["kind"] == "violation")
    assert viol["quote"] == QUOTE and viol["severity"] == "critical"


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_csv_injection_neutralised(evil):
    card, _ = zh_pair(evil)
    card.violations[0].quote = evil
    card.violations[0].suggestion = evil
    for text in (export.to_csv_calls(card), export.to_csv_findings(card)):
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert "'" + evil in cells
    # numbers stay numbers
    row = next(csv.DictReader(io.StringIO(export.to_csv_calls(card))))
    assert row["score"] == "41.5"


def test_csv_safe_leaves_plain_text_and_numbers():
    assert export.csv_safe("您好") == "您好"
    assert export.csv_safe(-3) == -3
    assert export.csv_safe("=1") == "'=1"


def test_html_highlights_quote_in_transcript_and_escapes():
    card, t = zh_pair()
    page = export.to_html(card, t)
    assert page.startswith("<!DOCTYPE html>")
    turn = page.split('id="turn-2"', 1)[1].split("</div>", 1)[0]
    assert f">{QUOTE}</mark>" in turn and 'class="sev-critical"' in turn
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    order_turn = page.split('id="turn-0"', 1)[1].split("</div>", 1)[0]
    assert '<mark class="order"' in order_turn
    assert "请问您是张伟先生本人吗？" in page  # missing step with corpus phrasing
    assert "@media print" in page


def test_highlight_spans_merge_overlaps():
    card, _ = zh_pair()
    text = "甲乙丙丁戊"
    card.violations = [
        Violation(turn=0, category="insult", severity="minor", quote="乙丙", rule="r", suggestion="s"),
        Violation(
            turn=0, category="threat_legal", severity="critical", quote="丙丁", rule="r", suggestion="s"
        ),
    ]
    card.order_issues = []
    spans = export.highlight_spans(card, 0, text)
    assert spans == [(1, 4, "sev-critical", "insult (minor); threat_legal (critical)")]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_pdf_renders_chinese_quote(tmp_path):
    card, t = zh_pair()
    path = tmp_path / "card.pdf"
    data = export.to_pdf(card, t, path)
    assert data.startswith(b"%PDF") and path.read_bytes() == data
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert QUOTE in text
    assert "zh-call-1" in text  # Latin letters and digits render too
    assert "请问您是张伟先生本人吗？" in text


def test_pdf_font_override_missing_is_clear(monkeypatch, tmp_path):
    monkeypatch.setenv(export.FONT_ENV, str(tmp_path / "nope.ttf"))
    with pytest.raises(export.FontNotFound, match="nope.ttf"):
        export.find_cjk_font()


def test_pdf_without_cjk_font_names_the_package(monkeypatch):
    monkeypatch.delenv(export.FONT_ENV, raising=False)
    monkeypatch.setattr(export, "FONT_CANDIDATES", ("/nonexistent/a.ttf", "/nonexistent/b.ttf"))
    monkeypatch.setattr(export, "_fc_match", lambda: [])
    with pytest.raises(export.FontNotFound, match="fonts-droid-fallback"):
        export.find_cjk_font()
    card, t = zh_pair()
    with pytest.raises(export.FontNotFound):
        export.to_pdf(card, t)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_pdf_english_card(tmp_path):
    t = Transcript(
        id="en-1",
        locale="en-US",
        turns=[
            {"speaker": "collector", "text": "Pay now or you will be arrested."},
            {"speaker": "debtor", "text": "What?"},
        ],
    )
    card = Scorecard(
        transcript_id="en-1",
        locale="en-US",
        scenario="first_contact",
        score=10,
        passed=False,
        pass_mark=70,
        violations=[
            Violation(
                turn=0,
                category="threat_legal",
                severity="critical",
                quote="you will be arrested",
                rule="15 USC 1692e(4)",
                suggestion="Explain the real consequences.",
            )
        ],
    )
    path = tmp_path / "en.pdf"
    export.to_pdf([card], [t], path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "you will be arrested" in text and "FAILED" in text and "1692e(4)" in text
