"""HTML fragments of the web app: persona cards, coach hints, scorecards, validation problems.

Plain functions of data and a UI language, kept apart from the Gradio wiring in app.py so the
rendering can be tested without a browser. Everything user-provided is escaped.
"""

from __future__ import annotations

import html

from simulator.i18n import t
from simulator.webapi import personas


def esc(x) -> str:
    """HTML-escape anything (None becomes the empty string)."""
    return html.escape("" if x is None else str(x))


def _stars(n: int | None) -> str:
    n = int(n or 0)
    return "★" * n + "☆" * (5 - n)


def persona_label(p, lang: str) -> str:
    kind = t(f"arch.{p.archetype}", lang)
    return f"{p.name} · {kind} · {_stars(p.difficulty)}\n{p.id}"


def persona_card(pid: str | None, lang: str) -> str:
    p = personas().get(pid or "")
    if p is None:
        return f"<div class='cs-card cs-muted'>{esc(t('practice.pick_persona', lang))}</div>"
    rows = [
        (t("card.archetype", lang), t(f"arch.{p.archetype}", lang)),
        (t("card.difficulty", lang), f"<span class='cs-stars'>{_stars(p.difficulty)}</span>"),
    ]
    if p.account is not None:
        a = p.account
        money = f"{a.amount_due:,.2f} {a.currency}"
        rows += [
            (t("card.creditor", lang), esc(f"{a.creditor} · {a.product}")),
            (t("card.amount_due", lang), esc(money)),
            (t("card.days_past_due", lang), esc(f"{a.days_past_due} ({a.bucket})")),
        ]
        if a.card_last4:
            rows.append((t("card.card_last4", lang), esc(a.card_last4)))
        if a.due_date:
            rows.append((t("card.due_date", lang), esc(a.due_date)))
    else:
        rows.append((t("card.relation", lang), esc(t(f"rel.{p.role.relation}", lang))))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f"<div class='cs-card' id='cs-persona-card'><h3>{esc(p.name)}</h3><div>{esc(p.summary)}</div>"
        f"<table class='cs-steps'>{body}</table></div>"
    )


def coach_html(hint: dict | None, lang: str, enabled: bool) -> str:
    if not enabled:
        return f"<div class='cs-muted'>{esc(t('coach.off', lang))}</div>"
    hint = hint or {}
    out = []
    for v in hint.get("violations") or []:
        out.append(
            f"<div class='cs-flag' data-testid='coach-flag'><b>⚠ {esc(t('coach.flag', lang))}</b> "
            f"<span class='cs-sev-{esc(v['severity'])}'>{esc(t('sev.' + v['severity'], lang))}</span> · "
            f"{esc(t('cat.' + v['category'], lang))}<br><mark class='sev-{esc(v['severity'])}'>{esc(v['quote'])}</mark>"
            f"<br><span class='cs-muted'>{esc(t('card.rule', lang))}: {esc(v.get('rule'))}</span>"
            f"<br><b>{esc(t('card.say_instead', lang))}:</b> {esc(v.get('suggestion'))}</div>"
        )
    nxt = hint.get("next")
    if nxt:
        out.append(
            f"<div class='cs-coach' data-testid='coach-next'><b>{esc(t('coach.next', lang))}:</b> {esc(nxt['title'])}"
            f"<br><span class='cs-muted'>{esc(nxt['why'])}</span><br><i>“{esc(nxt['say'])}”</i></div>"
        )
    if not out:
        out.append(f"<div class='cs-muted'>{esc(t('coach.idle', lang))}</div>")
    return "".join(out)


def _highlight(text: str, marks: list[dict]) -> str:
    """Escape `text`, wrapping each flagged quote in <mark> (first occurrence, no overlaps)."""
    spans = []
    for m in marks:
        q = m.get("quote") or ""
        i = text.find(q) if q else -1
        if i >= 0 and not any(a < i + len(q) and i < b for a, b, _ in spans):
            spans.append((i, i + len(q), m))
    spans.sort(key=lambda s: s[0])
    out, pos = [], 0
    for a, b, m in spans:
        out.append(esc(text[pos:a]))
        out.append(
            f"<mark class='sev-{esc(m.get('severity'))}' title='{esc(m.get('category'))}'>{esc(text[a:b])}</mark>"
        )
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out)


def scorecard_html(card: dict | None, transcript: dict | None, lang: str) -> str:
    """Score, pass/fail, steps checklist, findings, and the transcript with flagged quotes highlighted."""
    if not card:
        return f"<div class='cs-muted'>{esc(t('card.none', lang))}</div>"
    passed = bool(card.get("passed"))
    badge = (
        f"<span class='cs-badge {'cs-pass' if passed else 'cs-fail'}' data-testid='verdict'>"
        f"{esc(t('card.passed' if passed else 'card.failed', lang))}</span>"
    )
    head = (
        f"<div data-testid='scorecard'><span class='cs-score' data-testid='score'>{card.get('score', 0):g}</span>{badge}"
        f" <span class='cs-muted'>{esc(t('card.pass_mark', lang))} {card.get('pass_mark', '')} · "
        f"{esc(card.get('scenario'))} · {esc(card.get('persona') or '')} · {esc(card.get('transcript_id'))}</span>"
        + "".join(f"<div class='cs-sev-critical'>{esc(r)}</div>" for r in card.get("fail_reasons") or [])
    )
    dims = "".join(
        f"<tr><th>{esc(t('dim.' + k, lang))}</th><td>{v:g}</td></tr>"
        for k, v in (card.get("dimensions") or {}).items()
    )
    steps = []
    for s in card.get("steps") or []:
        ok = s.get("done")
        title = s.get("title") or s.get("id")
        if ok:
            turn = s.get("turn")
            detail = (
                f"{esc(t('card.turn', lang, n=(turn or 0) + 1))} · “{esc(s.get('quote'))}”"
                if turn is not None
                else ""
            )
        else:
            detail = f"<span class='cs-muted'>{esc(s.get('why') or '')}</span>"
            if s.get("suggestion"):
                detail += f"<br>{esc(t('card.say_instead', lang))}: {esc(s['suggestion'])}"
        opt = (
            ""
            if s.get("required", True)
            else f" <span class='cs-muted'>({esc(t('card.optional', lang))})</span>"
        )
        steps.append(
            f"<tr data-step='{esc(s.get('id'))}' data-done='{str(bool(ok)).lower()}'><td class='{'cs-yes' if ok else 'cs-no'}'>{'✓' if ok else '✗'}</td>"
            f"<td>{esc(title)}{opt}</td><td>{detail}</td></tr>"
        )
    findings = [
        f"<div class='cs-finding' data-testid='finding'><span class='cs-sev-{esc(v.get('severity'))}'>"
        f"{esc(t('sev.' + str(v.get('severity')), lang))}</span> · {esc(t('cat.' + str(v.get('category')), lang))} · "
        f"{esc(t('card.turn', lang, n=int(v.get('turn', 0)) + 1))}<br><mark class='sev-{esc(v.get('severity'))}'>"
        f"{esc(v.get('quote'))}</mark><br><span class='cs-muted'>{esc(t('card.rule', lang))}: {esc(v.get('rule'))}</span>"
        f"<br><b>{esc(t('card.say_instead', lang))}:</b> {esc(v.get('suggestion'))}</div>"
        for v in card.get("violations") or []
    ] or [f"<div class='cs-ok'>{esc(t('card.no_violations', lang))}</div>"]
    o = card.get("outcome") or {}
    outcome = (
        f"<p>{esc(t('card.ptp', lang))}: <b>{esc(t('yes' if o.get('ptp') else 'no', lang))}</b>"
        + (
            f" · {esc(o.get('amount'))} · {esc(o.get('date'))} · {esc(o.get('channel'))}"
            if o.get("ptp")
            else ""
        )
        + "</p>"
    )
    turns = []
    speakers = {"collector": t("speaker.collector", lang), "debtor": t("speaker.debtor", lang)}
    for i, turn in enumerate((transcript or {}).get("turns") or []):
        sp = turn.get("speaker", "")
        marks = [v for v in card.get("violations") or [] if v.get("turn") == i] if sp == "collector" else []
        who = speakers.get(sp, t("speaker.third_party", lang))
        turns.append(
            f"<div class='cs-turn {esc(sp)}'><span class='no'>#{i + 1}</span><span class='who'>{esc(who)}</span>"
            f"{_highlight(turn.get('text', ''), marks)}</div>"
        )
    left = "".join(turns) or f"<div class='cs-muted'>{esc(t('card.no_transcript', lang))}</div>"
    right = (
        f"<h4>{esc(t('card.dimensions', lang))}</h4><table class='cs-steps'>{dims}</table>"
        f"<h4>{esc(t('card.steps', lang))}</h4><table class='cs-steps' data-testid='steps'>{''.join(steps)}</table>"
        f"<h4>{esc(t('card.findings', lang))} ({len(card.get('violations') or [])})</h4>{''.join(findings)}"
        f"<h4>{esc(t('card.outcome', lang))}</h4>{outcome}"
    )
    return (
        f"{head}<div class='cs-grid'><div><h4>{esc(t('card.transcript', lang))}</h4>{left}</div>"
        f"<div>{right}</div></div></div>"
    )


def denied_html(lang: str, why: str = "") -> str:
    detail = f" — {esc(t(why, lang))}" if why else ""
    return f"<div class='cs-denied' data-testid='denied'>⚠ {esc(t('denied', lang))}{detail}</div>"


def problems_html(problems: list[str], lang: str) -> str:
    if not problems:
        return f"<div class='cs-ok' data-testid='valid'>✔ {esc(t('studio.valid', lang))}</div>"
    return (
        f"<div><b>{esc(t('studio.problems', lang, n=len(problems)))}</b></div>"
        f"<pre class='cs-problems' data-testid='problems'>{esc(chr(10).join(problems))}</pre>"
    )
