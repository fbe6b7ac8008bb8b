"""Scorecard exports: JSON, CSV (one row per call, one row per finding), printable HTML and PDF.

Evaluators open CSVs in Excel, so cells are protected against formula injection and
written as UTF-8 with a BOM (Excel then shows Chinese correctly). The HTML and PDF put the
transcript beside the findings with the offending words highlighted, because a trainee
learns from seeing the exact line, not a category name.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from grading.scorecard import Scorecard
from grading.transcript import Transcript

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FONT_ENV = "COLLECTSIM_PDF_FONT"
FONT_PACKAGE = "fonts-droid-fallback"
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
)
SKILL_LABELS = {
    "zh-CN": {
        "compliance": "合规",
        "script": "话术流程",
        "soft_skills": "沟通技巧",
        "outcome": "结果",
        "empathy": "同理心",
        "politeness": "礼貌",
        "control": "掌控通话",
        "questions": "提问",
        "talk_balance": "说话比例",
        "threat_violence": "暴力威胁",
        "threat_legal": "虚假或夸大法律后果",
        "insult": "侮辱谩骂",
        "harassment": "骚扰",
        "third_party_disclosure": "向第三方透露债务",
        "impersonation": "冒充公检法或律师",
        "misrepresentation": "虚假陈述",
        "critical": "严重",
        "major": "较重",
        "minor": "轻微",
    },
}
SPEAKERS = {
    "zh-CN": {"collector": "坐席", "debtor": "客户", "third_party": "第三方"},
    "en-US": {"collector": "Agent", "debtor": "Customer", "third_party": "Third party"},
}


def _list(x) -> list:
    return [x] if isinstance(x, (Scorecard, Transcript)) else list(x or [])


def _pair(cards, transcripts) -> list[tuple[Scorecard, Transcript | None]]:
    """Match transcripts to scorecards by id, else by position."""
    cards, ts = _list(cards), _list(transcripts)
    by_id = {t.id: t for t in ts}
    out = []
    for i, c in enumerate(cards):
        t = by_id.get(c.transcript_id) or (ts[i] if i < len(ts) else None)
        out.append((c, t))
    return out


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:,.2f}".rstrip("0").rstrip(".")


def _label(locale: str, key: str) -> str:
    return SKILL_LABELS.get(locale, {}).get(key, key.replace("_", " "))


# ---------------------------------------------------------------- JSON


def to_json(cards: Scorecard | Sequence[Scorecard], indent: int | None = 2) -> str:
    """One scorecard -> one JSON object; a list -> a JSON array. Chinese kept readable."""
    if isinstance(cards, Scorecard):
        return json.dumps(cards.model_dump(mode="json"), ensure_ascii=False, indent=indent)
    return json.dumps([c.model_dump(mode="json") for c in cards], ensure_ascii=False, indent=indent)


# ---------------------------------------------------------------- CSV


def csv_safe(value) -> object:
    """Neutralise spreadsheet formulas: text starting with = + - @ tab or CR gets a leading '."""
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS):
        return "'" + value
    return value


def _csv(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([csv_safe("" if v is None else v) for v in r])
    return buf.getvalue()


CALL_COLUMNS = [
    "transcript_id", "locale", "scenario", "persona", "score", "passed", "pass_mark",
    "compliance", "script", "soft_skills", "outcome",
    "empathy", "politeness", "control", "questions", "talk_balance",
    "violations", "critical", "major", "minor", "order_issues", "steps_done", "steps_missing",
    "ptp", "amount", "date", "channel", "repeated_back", "collector_share",
    "fail_reasons", "grader_version", "corpus_version",
]  # fmt: skip


def to_csv_calls(cards: Scorecard | Sequence[Scorecard]) -> str:
    """One row per call: scores, counts and the promise to pay."""
    rows = []
    for c in _list(cards):
        sev = [v.severity for v in c.violations]
        req = [s for s in c.steps if s.required]
        rows.append(
            [
                c.transcript_id, c.locale, c.scenario, c.persona, c.score, c.passed, c.pass_mark,
                *(c.dimensions.get(k) for k in ("compliance", "script", "soft_skills", "outcome")),
                *(c.skills.get(k) for k in ("empathy", "politeness", "control", "questions", "talk_balance")),
                len(c.violations), sev.count("critical"), sev.count("major"), sev.count("minor"),
                len(c.order_issues), sum(s.done for s in req), ";".join(s.id for s in req if not s.done),
                c.outcome.ptp, c.outcome.amount, c.outcome.date, c.outcome.channel, c.outcome.repeated_back,
                c.talk.collector_share if c.talk else None,
                " | ".join(c.fail_reasons), c.grader_version, c.corpus_version,
            ]
        )  # fmt: skip
    return _csv(CALL_COLUMNS, rows)


FINDING_COLUMNS = [
    "transcript_id",
    "kind",
    "turn",
    "id",
    "category",
    "severity",
    "quote",
    "rule",
    "suggestion",
]


def findings(card: Scorecard) -> list[dict]:
    """Every problem in a call, in turn order: violations, order mistakes, missing required steps."""
    rows = [
        {"kind": "violation", "turn": v.turn, "id": v.rule_id, "category": v.category, "severity": v.severity,
         "quote": v.quote, "rule": v.rule, "suggestion": v.suggestion}
        for v in card.violations
    ]  # fmt: skip
    rows += [
        {"kind": "order_issue", "turn": o.turn, "id": o.kind, "category": "script", "severity": "",
         "quote": o.quote, "rule": o.message, "suggestion": o.suggestion}
        for o in card.order_issues
    ]  # fmt: skip
    rows.sort(key=lambda r: r["turn"])
    rows += [
        {"kind": "missing_step", "turn": None, "id": s.id, "category": "script", "severity": "",
         "quote": "", "rule": s.why or s.title, "suggestion": s.suggestion}
        for s in card.missing_steps
    ]  # fmt: skip
    return rows


def to_csv_findings(cards: Scorecard | Sequence[Scorecard]) -> str:
    """One row per finding (violation, order mistake, missing step) across all calls."""
    rows = []
    for c in _list(cards):
        for f in findings(c):
            rows.append([c.transcript_id] + [f[k] for k in FINDING_COLUMNS[1:]])
    return _csv(FINDING_COLUMNS, rows)


def write_csv(path: str | Path, text: str) -> Path:
    """Write CSV text as UTF-8 with BOM so Excel detects the encoding."""
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(text)
    return path


# ---------------------------------------------------------------- highlighting


def highlight_spans(card: Scorecard, turn: int, text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, css class, tooltip) of every flagged quote inside one turn's text, non-overlapping."""
    spans = []
    for v in card.violations:
        if v.turn == turn and v.quote:
            i = text.find(v.quote)
            if i >= 0:
                spans.append((i, i + len(v.quote), f"sev-{v.severity}", f"{v.category} ({v.severity})"))
    for o in card.order_issues:
        if o.turn == turn and o.quote:
            i = text.find(o.quote)
            if i >= 0:
                spans.append((i, i + len(o.quote), "order", o.kind))
    rank = {"sev-critical": 0, "sev-major": 1, "sev-minor": 2, "order": 3}
    spans.sort(key=lambda s: (s[0], rank.get(s[2], 9)))
    merged: list[tuple[int, int, str, str]] = []
    for s in spans:
        if merged and s[0] < merged[-1][1]:
            a = merged[-1]
            best = a if rank.get(a[2], 9) <= rank.get(s[2], 9) else s
            merged[-1] = (a[0], max(a[1], s[1]), best[2], a[3] if a[3] == s[3] else f"{a[3]}; {s[3]}")
        else:
            merged.append(s)
    return merged


def _split(text: str, spans) -> list[tuple[str, str | None, str]]:
    """Text pieces with the css class (None = plain) and tooltip."""
    out, pos = [], 0
    for a, b, cls, tip in spans:
        if a > pos:
            out.append((text[pos:a], None, ""))
        out.append((text[a:b], cls, tip))
        pos = b
    if pos < len(text):
        out.append((text[pos:], None, ""))
    return out


# ---------------------------------------------------------------- HTML

TEXT = {
    "zh-CN": {
        "title": "通话评分卡", "passed": "通过", "failed": "未通过", "score": "得分", "pass_mark": "及格线",
        "transcript": "通话记录", "violations": "违规", "order": "顺序问题", "steps": "话术步骤",
        "outcome": "还款承诺", "skills": "沟通技巧", "dimensions": "维度", "none": "无", "turn": "第{n}轮",
        "rule": "依据", "say": "建议说法", "missing": "未完成", "done": "已完成", "optional": "可选",
        "ptp": "承诺还款", "amount": "金额", "date": "日期", "channel": "渠道", "repeated": "已复述确认",
        "yes": "是", "no": "否", "scenario": "场景", "no_transcript": "（未提供通话记录）",
        "grader": "评分版本",
    },
    "en-US": {
        "title": "Call scorecard", "passed": "PASSED", "failed": "FAILED", "score": "Score", "pass_mark": "pass mark",
        "transcript": "Transcript", "violations": "Violations", "order": "Order mistakes", "steps": "Script steps",
        "outcome": "Promise to pay", "skills": "Soft skills", "dimensions": "Dimensions", "none": "none",
        "turn": "turn {n}", "rule": "Rule", "say": "Say instead", "missing": "missing", "done": "done",
        "optional": "optional", "ptp": "Promise to pay", "amount": "amount", "date": "date", "channel": "channel",
        "repeated": "repeated back", "yes": "yes", "no": "no", "scenario": "Scenario",
        "no_transcript": "(transcript not provided)", "grader": "grader",
    },
}  # fmt: skip

CSS = """
body{font-family:"Noto Sans CJK SC","Droid Sans Fallback","Microsoft YaHei",system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em} h2{font-size:1.1em;margin:1em 0 .4em;border-bottom:1px solid #ccc}
.card{page-break-after:always;break-after:page} .card:last-child{page-break-after:auto}
.badge{display:inline-block;padding:.15em .6em;border-radius:4px;color:#fff;font-weight:bold}
.pass{background:#2e7d32} .fail{background:#c62828}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1.5em;align-items:start}
.turn{margin:.3em 0;padding:.3em .5em;border-left:3px solid #ddd}
.turn.collector{border-color:#1565c0;background:#f5f9ff} .who{font-weight:bold;margin-right:.4em}
.no{color:#888;font-size:.8em;margin-right:.4em}
mark{padding:0 .1em} mark.sev-critical{background:#ffcdd2;outline:1px solid #c62828}
mark.sev-major{background:#ffe0b2} mark.sev-minor{background:#fff9c4} mark.order{background:#e1bee7}
table{border-collapse:collapse;width:100%;font-size:.9em} td,th{border:1px solid #ddd;padding:.2em .4em;text-align:left}
.finding{margin:.4em 0;padding:.4em;border:1px solid #eee} .sev{font-weight:bold}
.critical{color:#c62828} .major{color:#e65100} .minor{color:#9e9d24} .muted{color:#777;font-size:.85em}
@media print{body{margin:0;font-size:10pt} .grid{gap:.8em} @page{size:A4 landscape;margin:12mm}}
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _turn_html(card: Scorecard, i: int, speaker: str, text: str) -> str:
    spans = highlight_spans(card, i, text)
    body = "".join(
        _e(piece) if cls is None else f'<mark class="{cls}" title="{_e(tip)}">{_e(piece)}</mark>'
        for piece, cls, tip in _split(text, spans)
    )
    who = SPEAKERS.get(card.locale, SPEAKERS["en-US"]).get(speaker, speaker)
    return (
        f'<div class="turn {speaker}" id="turn-{i}"><span class="no">#{i + 1}</span>'
        f'<span class="who">{_e(who)}</span>{body}</div>'
    )


def card_html(card: Scorecard, transcript: Transcript | None = None) -> str:
    """One scorecard as an HTML fragment (<section>): header, transcript left, findings right."""
    T = TEXT.get(card.locale, TEXT["en-US"])
    status = f'<span class="badge {"pass" if card.passed else "fail"}">{T["passed"] if card.passed else T["failed"]}</span>'
    head = (
        f"<h1>{_e(T['title'])}: {_e(card.transcript_id)}</h1>"
        f"<p>{status} {T['score']} <b>{card.score:g}</b> ({T['pass_mark']} {card.pass_mark:g}) · "
        f"{T['scenario']}: {_e(card.scenario)} · {_e(card.locale)}"
        + (f" · {_e(card.persona)}" if card.persona else "")
        + "</p>"
        + "".join(f'<p class="critical">{_e(r)}</p>' for r in card.fail_reasons)
    )
    dims = "".join(
        f"<tr><th>{_e(_label(card.locale, k))}</th><td>{v:g}</td></tr>" for k, v in card.dimensions.items()
    )
    dims += "".join(
        f'<tr><td class="muted">· {_e(_label(card.locale, k))}</td><td class="muted">{v:g}</td></tr>'
        for k, v in card.skills.items()
    )
    if transcript is not None:
        left = "".join(_turn_html(card, i, t.speaker, t.text) for i, t in enumerate(transcript.turns))
    else:
        left = f'<p class="muted">{T["no_transcript"]}</p>'
    viol = (
        "".join(
            f'<div class="finding"><span class="sev {v.severity}">{_e(_label(card.locale, v.severity))}</span> {_e(_label(card.locale, v.category))} · '
            f'<a href="#turn-{v.turn}">{T["turn"].format(n=v.turn + 1)}</a><br><mark class="sev-{v.severity}">{_e(v.quote)}</mark>'
            f'<br><span class="muted">{T["rule"]}: {_e(v.rule)}</span><br>{T["say"]}: {_e(v.suggestion)}</div>'
            for v in card.violations
        )
        or f"<p>{T['none']}</p>"
    )
    order = "".join(
        f'<div class="finding"><a href="#turn-{o.turn}">{T["turn"].format(n=o.turn + 1)}</a> '
        f'<mark class="order">{_e(o.quote)}</mark><br>{_e(o.message)}'
        + (f"<br>{T['say']}: {_e(o.suggestion)}" if o.suggestion else "")
        + "</div>"
        for o in card.order_issues
    )
    rows = []
    for s in card.steps:
        mark = "✓" if s.done else "✗"
        state = T["done"] if s.done else T["missing"]
        opt = f' <span class="muted">({T["optional"]})</span>' if not s.required else ""
        if s.done:
            detail = f"{T['turn'].format(n=s.turn + 1)} · {_e(s.quote)} <span class='muted'>({s.similarity:g})</span>"
        else:
            detail = (f'<span class="muted">{_e(s.why)}</span><br>' if s.why else "") + (
                f"{T['say']}: {_e(s.suggestion)}" if s.suggestion else ""
            )
        rows.append(
            f"<tr><td>{mark} {_e(s.title or s.id)}{opt}<br><span class='muted'>{state}</span></td><td>{detail}</td></tr>"
        )
    o = card.outcome
    yn = lambda b: T["yes"] if b else T["no"]  # noqa: E731
    outcome = (
        f"<table><tr><th>{T['ptp']}</th><td>{yn(o.ptp)}</td></tr><tr><th>{T['amount']}</th><td>{_e(_num(o.amount))}</td></tr>"
        f"<tr><th>{T['date']}</th><td>{_e(o.date)}</td></tr><tr><th>{T['channel']}</th><td>{_e(o.channel)}</td></tr>"
        f"<tr><th>{T['repeated']}</th><td>{yn(o.repeated_back)}</td></tr></table>"
    )
    right = (
        f"<h2>{T['dimensions']}</h2><table>{dims}</table>"
        f"<h2>{T['violations']} ({len(card.violations)})</h2>{viol}"
        + (f"<h2>{T['order']}</h2>{order}" if order else "")
        + f"<h2>{T['steps']}</h2><table>{''.join(rows)}</table>"
        + f"<h2>{T['outcome']}</h2>{outcome}"
        + f'<p class="muted">{T["grader"]} {_e(card.grader_version)}'
        + (f" · {_e(card.analyzer)}" if card.analyzer else "")
        + "</p>"
    )
    return (
        f'<section class="card" lang="{_e(card.locale)}">{head}<div class="grid">'
        f"<div><h2>{T['transcript']}</h2>{left}</div><div>{right}</div></div></section>"
    )


def to_html(
    cards: Scorecard | Sequence[Scorecard], transcripts: Transcript | Sequence[Transcript] | None = None
) -> str:
    """A complete, self-contained printable HTML page (one scorecard per printed page)."""
    pairs = _pair(cards, transcripts)
    lang = pairs[0][0].locale if pairs else "en"
    title = pairs[0][0].transcript_id if len(pairs) == 1 else f"{len(pairs)} scorecards"
    body = "\n".join(card_html(c, t) for c, t in pairs)
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


# ---------------------------------------------------------------- PDF


class FontNotFound(RuntimeError):
    """No font that can draw Chinese was found for the PDF export."""


def _covers_cjk(path: Path) -> bool:
    """Does the font have a glyph for 中? (fc-match may answer with a Latin-only font.)"""
    try:
        from fontTools.ttLib import TTFont

        kw = {"fontNumber": 0} if path.suffix.lower() in (".ttc", ".otc") else {}
        with TTFont(str(path), lazy=True, **kw) as f:
            cmap = f.getBestCmap() or {}
            return ord("中") in cmap and "glyf" in f  # fpdf2 embeds TrueType outlines
    except Exception:
        return False


def _fc_match() -> list[Path]:
    if not shutil.which("fc-match"):
        return []
    out = []
    for pattern in (":lang=zh-cn", "sans:lang=zh"):
        try:
            r = subprocess.run(
                ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if r.stdout.strip():
            out.append(Path(r.stdout.strip()))
    return out


def find_cjk_font() -> Path:
    """A TrueType font with Chinese glyphs: $COLLECTSIM_PDF_FONT, Droid Sans Fallback, fc-match, common paths."""
    env = os.environ.get(FONT_ENV)
    if env:
        p = Path(env).expanduser()
        if not p.is_file():
            raise FontNotFound(
                f"{FONT_ENV}={env} does not exist; point it at a .ttf font with Chinese glyphs"
            )
        return p
    first = Path(FONT_CANDIDATES[0])
    if first.is_file():
        return first
    for p in [*_fc_match(), *map(Path, FONT_CANDIDATES[1:])]:
        if p.is_file() and _covers_cjk(p):
            return p
    raise FontNotFound(
        "no font with Chinese glyphs found for the PDF export. Install one with "
        f"`sudo apt-get install {FONT_PACKAGE}` (Debian/Ubuntu) or set {FONT_ENV}=/path/to/font.ttf"
    )


LATIN_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


def _latin_font() -> Path | None:
    """Droid Sans Fallback has no Latin letters or digits: pair it with a Latin TrueType font."""
    for p in map(Path, LATIN_CANDIDATES):
        if p.is_file():
            return p
    return None


def _pdf_font(pdf, cards: Sequence[Scorecard]) -> str:
    """Register a Latin font with the CJK font as glyph fallback; returns the family to use.

    English-only exports work without a CJK font; Chinese ones raise FontNotFound.
    """
    latin = _latin_font()
    try:
        cjk: Path | None = find_cjk_font()
    except FontNotFound:
        if latin is None or any(c.locale == "zh-CN" for c in cards):
            raise
        cjk = None
    if cjk is not None:
        kw = {"collection_font_number": 0} if cjk.suffix.lower() in (".ttc", ".otc") else {}
        pdf.add_font("cjk", "", str(cjk), **kw)
    if latin is None:
        return "cjk"
    pdf.add_font("latin", "", str(latin))
    if cjk is not None:
        pdf.set_fallback_fonts(["cjk"], exact_match=False)
    return "latin"


def to_pdf(
    cards: Scorecard | Sequence[Scorecard],
    transcripts: Transcript | Sequence[Transcript] | None = None,
    path: str | Path | None = None,
) -> bytes:
    """The HTML scorecard as a PDF (findings, then the transcript with flagged words in red, underlined).

    Raises FontNotFound naming the package to install when no Chinese font exists.
    """
    from fpdf import FPDF
    from fpdf.enums import WrapMode, XPos, YPos

    pairs = _pair(cards, transcripts)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(pairs[0][0].transcript_id if len(pairs) == 1 else f"{len(pairs)} scorecards")
    pdf.set_creator("collectsim")
    font = _pdf_font(pdf, [c for c, _ in pairs])
    W = pdf.epw if hasattr(pdf, "epw") else pdf.w - 2 * pdf.l_margin

    for card, transcript in pairs:
        T = TEXT.get(card.locale, TEXT["en-US"])
        wrap = WrapMode.CHAR if card.locale == "zh-CN" else WrapMode.WORD
        pdf.add_page()

        def para(text: str, size: float = 10, color=(0, 0, 0), h: float | None = None, wrap=wrap) -> None:
            pdf.set_font(font, "", size)
            pdf.set_text_color(*color)
            pdf.multi_cell(
                W, h or size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=wrap, align="L"
            )

        def heading(text: str) -> None:
            pdf.ln(2)
            para(text, 13, (21, 101, 192), 7)
            pdf.set_draw_color(200, 200, 200)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + W, pdf.get_y())
            pdf.ln(1)

        para(f"{T['title']}: {card.transcript_id}", 16, h=9)
        verdict = T["passed"] if card.passed else T["failed"]
        para(
            f"{verdict} · {T['score']} {card.score:g} ({T['pass_mark']} {card.pass_mark:g}) · "
            f"{T['scenario']}: {card.scenario} · {card.locale}"
            + (f" · {card.persona}" if card.persona else ""),
            12,
            (46, 125, 50) if card.passed else (198, 40, 40),
            7,
        )
        for r in card.fail_reasons:
            para(r, 10, (198, 40, 40))
        heading(T["dimensions"])
        dims = [f"{_label(card.locale, k)} {v:g}" for k, v in card.dimensions.items()]
        para("   ".join(dims), 10)
        para(
            "   ".join(f"{_label(card.locale, k)} {v:g}" for k, v in card.skills.items()), 9, (100, 100, 100)
        )

        heading(f"{T['violations']} ({len(card.violations)})")
        if not card.violations:
            para(T["none"])
        sev_color = {"critical": (198, 40, 40), "major": (230, 81, 0), "minor": (130, 119, 23)}
        for v in card.violations:
            para(
                f"[{_label(card.locale, v.severity)}] {_label(card.locale, v.category)} · {T['turn'].format(n=v.turn + 1)}",
                10,
                sev_color.get(v.severity, (0, 0, 0)),
            )
            para(f"\u201c{v.quote}\u201d", 10, (198, 40, 40))
            para(f"{T['rule']}: {v.rule}", 8.5, (110, 110, 110))
            para(f"{T['say']}: {v.suggestion}", 10)
            pdf.ln(1.5)
        if card.order_issues:
            heading(T["order"])
            for o in card.order_issues:
                para(f"{T['turn'].format(n=o.turn + 1)}: \u201c{o.quote}\u201d", 10, (123, 31, 162))
                para(o.message, 10)
                if o.suggestion:
                    para(f"{T['say']}: {o.suggestion}", 10)
                pdf.ln(1.5)

        heading(T["steps"])
        for s in card.steps:
            opt = f" ({T['optional']})" if not s.required else ""
            if s.done:
                para(
                    f"✓ {s.title or s.id}{opt} · {T['turn'].format(n=s.turn + 1)} · {s.quote} ({s.similarity:g})",
                    10,
                )
            else:
                para(f"✗ {s.title or s.id}{opt} · {T['missing']}", 10, (198, 40, 40))
                if s.suggestion:
                    para(f"    {T['say']}: {s.suggestion}", 9.5)

        heading(T["outcome"])
        o = card.outcome
        yn = T["yes"] if o.ptp else T["no"]
        para(
            f"{T['ptp']}: {yn} · {T['amount']}: {_num(o.amount) or '-'} · "
            f"{T['date']}: {o.date or '-'} · {T['channel']}: {o.channel or '-'} · "
            f"{T['repeated']}: {T['yes'] if o.repeated_back else T['no']}",
            10,
        )

        heading(T["transcript"])
        if transcript is None:
            para(T["no_transcript"], 10, (110, 110, 110))
        names = SPEAKERS.get(card.locale, SPEAKERS["en-US"])
        for i, turn in enumerate(transcript.turns if transcript else []):
            pdf.set_font(font, "", 10)
            pdf.set_text_color(21, 101, 192) if turn.speaker == "collector" else pdf.set_text_color(
                60, 60, 60
            )
            pdf.write(5.5, f"#{i + 1} {names.get(turn.speaker, turn.speaker)}: ")
            for piece, cls, _tip in _split(turn.text, highlight_spans(card, i, turn.text)):
                if cls is None:
                    pdf.set_font(font, "", 10)
                    pdf.set_text_color(20, 20, 20)
                else:
                    pdf.set_font(font, "U", 10)
                    pdf.set_text_color(*((123, 31, 162) if cls == "order" else (198, 40, 40)))
                pdf.write(5.5, piece, wrapmode=wrap)
            pdf.ln(7)
        pdf.set_font(font, "", 8)
        pdf.set_text_color(120, 120, 120)
        pdf.ln(2)
        pdf.write(
            4, f"{T['grader']} {card.grader_version}" + (f" · {card.analyzer}" if card.analyzer else "")
        )

    data = bytes(pdf.output())
    if path is not None:
        Path(path).write_bytes(data)
    return data
