"""CollectSim web app (Gradio): Practice, Persona studio and Scorecards, in Chinese and English.

Only widgets live here; everything a handler does goes through `simulator.webapi.Service`,
which resolves the caller and checks the role on the server for every event.

Login approach: a login form inside the Blocks. A correct password earns a token signed with
HMAC-SHA256 (user, role, expiry, password fingerprint) that is kept in the browser's
localStorage (gr.BrowserState) so a reload stays signed in. The token is an input of every
event and is verified on the server each time; hiding a tab is only cosmetic, so a forged,
expired or edited token, or a trainee asking for another trainee's record through the API,
is refused. Single-user mode (no accounts, or --single-user) skips the form and says so on
screen. Gradio's run history is switched off so typed passwords are never kept in the browser.

Run: `collectsim serve` or `python app.py`.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from dataclasses import dataclass, field
from types import SimpleNamespace

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402

from simulator.auth import PermissionDenied, require  # noqa: E402
from simulator.i18n import LANG_NAMES, LANGS, norm_lang, t  # noqa: E402
from simulator.studio import FORM_FIELDS, apply_form, clone_text, form_values  # noqa: E402
from simulator.webapi import EXPORT_FORMATS, Service, Turn, UserError, personas_for, scenarios  # noqa: E402
from simulator.webview import (  # noqa: E402
    coach_html,
    denied_html,
    persona_card,
    persona_label,
    problems_html,
    scorecard_html,
)
from simulator.webview import esc as _e  # noqa: E402

log = logging.getLogger("collectsim.web")
CALL_LOCALES = ("zh-CN", "en-US")

CSS = """
#cs-header {align-items: center}
#cs-login {max-width: 440px; margin: 2em auto !important}
#cs-lang {max-width: 220px}
#cs-who {font-size: .95em}
.cs-banner {padding: .5em .8em; border-radius: 6px; background: #fff8e1; border: 1px solid #ffe082}
.cs-denied {padding: .6em .8em; border-radius: 6px; background: #ffebee; border: 1px solid #ef9a9a; color: #b71c1c}
.cs-notice {padding: .4em .8em; border-radius: 6px; background: #e3f2fd; border: 1px solid #90caf9}
.persona-cards .wrap {display: grid !important; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: .5em}
.persona-cards label {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6em !important;
  white-space: pre-line; align-items: flex-start !important}
.cs-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .7em .9em}
.cs-card h3 {margin: 0 0 .3em} .cs-muted {color: #777; font-size: .88em}
.cs-stars {color: #f9a825; letter-spacing: 1px}
.cs-coach {border-left: 4px solid #1565c0; padding: .4em .7em; margin-bottom: .5em; background: #f5f9ff}
.cs-flag {border-left: 4px solid #c62828; padding: .4em .7em; margin-bottom: .5em; background: #fff5f5}
.cs-score {font-size: 2em; font-weight: bold; margin-right: .4em}
.cs-badge {display: inline-block; padding: .1em .6em; border-radius: 4px; color: #fff; font-weight: bold}
.cs-pass {background: #2e7d32} .cs-fail {background: #c62828}
.cs-grid {display: grid; grid-template-columns: 1fr 1fr; gap: 1.2em; align-items: start}
.cs-turn {margin: .25em 0; padding: .3em .5em; border-left: 3px solid #ddd}
.cs-turn.collector {border-color: #1565c0; background: #f5f9ff}
.cs-turn .who {font-weight: bold; margin-right: .4em} .cs-turn .no {color: #999; font-size: .8em; margin-right: .3em}
mark.sev-critical {background: #ffcdd2; outline: 1px solid #c62828} mark.sev-major {background: #ffe0b2}
mark.sev-minor {background: #fff9c4}
.cs-steps td, .cs-steps th {padding: .2em .4em; border-bottom: 1px solid #eee; text-align: left; vertical-align: top}
.cs-finding {margin: .4em 0; padding: .4em .6em; border: 1px solid #eee; border-radius: 6px}
.cs-sev-critical {color: #c62828; font-weight: bold} .cs-sev-major {color: #e65100; font-weight: bold}
.cs-sev-minor {color: #9e9d24; font-weight: bold}
.cs-problems {white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: .9em; color: #b71c1c;
  background: #fff5f5; border: 1px solid #ef9a9a; border-radius: 6px; padding: .5em .7em; margin: 0}
.cs-ok {color: #2e7d32; font-weight: bold}
.cs-yes {color: #2e7d32; font-weight: bold} .cs-no {color: #c62828; font-weight: bold}
"""


def _table(rows: list[dict], cols: list[str], lang: str) -> pd.DataFrame:
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    if "passed" in df:
        df["passed"] = df["passed"].map(lambda v: "" if v is None else t("yes" if v else "no", lang))
    return df.rename(columns={c: t("col." + c, lang) for c in cols})


# ---------------------------------------------------------------- shared wiring

L0 = "zh-CN"  # the language the page is built in; each browser switches with the radio


@dataclass
class Ctx:
    """What every tab needs: the service, the per-browser token and language, and refresh hooks.

    Tabs register refreshers instead of wiring page-load, sign-in and language events
    themselves; `build_app` attaches them once every component exists.
    """

    svc: Service
    mode: str
    token: gr.BrowserState
    lang: gr.Radio
    reg: list = field(default_factory=list)  # (component, {attr: text key or fn(lang)})
    refreshers: list = field(default_factory=list)  # (fn, inputs, outputs, event options)

    def tr(self, comp, **attrs):
        """Register translatable props of a component and set them in the first language."""
        for attr, key in attrs.items():
            setattr(comp, attr, key(L0) if callable(key) else t(key, L0))
        self.reg.append((comp, attrs))
        return comp

    def refresh(self, fn, inputs, outputs, **events) -> None:
        """Run `fn` when the page loads, when the user signs in or out, and when the language changes.

        `events` go to each of those listeners (e.g. a shared `concurrency_id`, so a refresh
        queued earlier can never land after a later search and overwrite its result).
        """
        self.refreshers.append((fn, inputs, outputs, events))


def _fail(lg: str, e: Exception) -> str:
    """Any handler error as a message in the page's language; never a traceback."""
    if isinstance(e, PermissionDenied):
        return denied_html(lg, _why(e))
    if isinstance(e, UserError):
        return f"<div class='cs-denied'>{_e(t(_why(e), lg))}</div>"
    log.error("handler failed", exc_info=e)
    return f"<div class='cs-denied'>{_e(t('error.generic', lg))} ({_e(type(e).__name__)})</div>"


def _open_record(svc: Service, tok, lg, session_id) -> str:
    """A stored call by id: its owner or an evaluator sees it; anyone else is refused, on the server."""
    try:
        rec = svc.record(svc.user(tok), session_id or "")
    except (PermissionDenied, UserError) as e:
        return _fail(lg, e)
    if rec["scorecard"] is None:
        return f"<div class='cs-muted'>{_e(t('card.not_graded', lg))}</div>"
    return scorecard_html(rec["scorecard"], rec["transcript"], lg)


def _row_pick(column: int):
    """Handler for a table row click: the value in `column` of the clicked row."""

    def pick(evt: gr.SelectData):
        row = evt.row_value if evt is not None else None
        return row[column] if row else gr.skip()

    return pick


# ---------------------------------------------------------------- practice


def _practice(ctx: Ctx) -> SimpleNamespace:
    """Trainee tab: persona cards, the streamed call, the live coach, the scorecard, own history."""
    svc, tr, token, lang = ctx.svc, ctx.tr, ctx.token, ctx.lang
    with tr(
        gr.Tab(id="practice", elem_id="tab-practice", visible=ctx.mode == "single"), label="tab.practice"
    ) as tab:
        # States live inside the Tab: any non-tab child of gr.Tabs breaks its tab switching.
        call = gr.State(None)  # this browser's live call: {session_id, done, ended, banner}
        with gr.Row(equal_height=False):
            locale = tr(
                gr.Dropdown([(LANG_NAMES[x], x) for x in CALL_LOCALES], value="zh-CN", elem_id="p-locale"),
                label="practice.locale",
            )
            scenario = tr(gr.Dropdown([], elem_id="p-scenario"), label="practice.scenario")
            follow = tr(
                gr.Dropdown([], value=None, elem_id="p-follow", visible=False),
                label="practice.followup",
                info="practice.followup_info",
            )
            coach_on = tr(gr.Checkbox(value=True, elem_id="p-coach"), label="practice.coach")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                persona = tr(
                    gr.Radio([], elem_id="p-persona", elem_classes="persona-cards"), label="practice.persona"
                )
            with gr.Column(scale=2, min_width=280):
                card = gr.HTML(persona_card(None, L0), elem_id="p-card")
                with gr.Row():
                    start_btn = tr(gr.Button(variant="primary", elem_id="p-start"), value="practice.start")
                    end_btn = tr(
                        gr.Button(variant="stop", elem_id="p-end", interactive=False), value="practice.end"
                    )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                notice = gr.HTML("", elem_id="p-notice")
                chat = tr(gr.Chatbot(height=420, elem_id="p-chat", buttons=["copy"]), label="practice.chat")
                with gr.Row():
                    msg = tr(
                        gr.Textbox(show_label=False, scale=5, elem_id="p-msg", interactive=False, lines=1),
                        placeholder="practice.msg_placeholder",
                    )
                    send_btn = tr(
                        gr.Button(scale=1, elem_id="p-send", interactive=False), value="practice.send"
                    )
            with gr.Column(scale=2, min_width=280):
                tr(gr.Markdown(), value=lambda lg: f"### {t('coach.title', lg)}")
                hint = gr.HTML(coach_html(None, L0, True), elem_id="p-hint")
        scorecard = gr.HTML("", elem_id="p-scorecard")
        with tr(gr.Accordion(open=False, elem_id="p-history-acc"), label="practice.history"):
            hist = gr.Dataframe(interactive=False, elem_id="p-history", wrap=True)
            plot = tr(
                gr.LinePlot(x="time", y="score", elem_id="p-progress", height=220, y_lim=[0, 100]),
                label="practice.progress",
                x_title="col.started",
                y_title="col.score",
            )
            with gr.Row():
                open_id = tr(gr.Textbox(elem_id="p-open-id", scale=3), label="practice.open_id")
                open_btn = tr(gr.Button(elem_id="p-open", scale=1), value="practice.open")
            open_html = gr.HTML("", elem_id="p-open-html")

    # -------------------------------------------------------------- lists and cards
    def lists(tok, lg, loc, scen, current):
        user = svc.user(tok)
        if user is None or not user.can("practice"):
            return gr.skip(), gr.skip()
        scens = scenarios(loc)
        ids = [s for s, _ in scens]
        # Values are sent only when the current one is no longer valid, so a list refresh that
        # overlaps with the trainee's click never undoes the click.
        scen_upd = gr.update(choices=[(name, sid) for sid, name in scens])
        if scen not in ids:
            scen = ids[0] if ids else None
            scen_upd = gr.update(choices=scen_upd["choices"], value=scen)
        ps = personas_for(loc, scen)
        pers_upd = gr.update(choices=[(persona_label(p, lg), p.id) for p in ps])
        if current and current not in [p.id for p in ps]:
            pers_upd = gr.update(choices=pers_upd["choices"], value=None)
        return scen_upd, pers_upd

    lists_io = ([token, lang, locale, scenario, persona], [scenario, persona])
    for ev in (locale.change, scenario.change, tab.select):
        ev(lists, *lists_io, show_progress="hidden")
    ctx.refresh(lists, *lists_io)

    def on_persona(tok, lg, pid, scen):
        user = svc.user(tok)
        if user is None or not user.can("practice"):
            return gr.skip(), gr.skip()
        earlier = svc.followups(user, pid) if pid else []
        choices = [(t("practice.no_followup", lg), ""), *earlier]
        return persona_card(pid, lg), gr.update(choices=choices, value="", visible=scen == "broken_promise")

    for ev in (persona.change, scenario.change, lang.change):
        ev(on_persona, [token, lang, persona, scenario], [card, follow], show_progress="hidden")

    def history(tok, lg):
        user = svc.user(tok)
        if user is None or not user.can("practice"):
            return gr.skip(), gr.skip()
        rows = svc.history(user)
        graded = [r for r in rows if r.get("score") is not None]
        progress = pd.DataFrame(
            {
                "time": pd.to_datetime([r["started"] for r in graded], utc=True),
                "score": [r["score"] for r in graded],
            }
        )
        cols = ["started", "persona", "scenario", "score", "passed", "violations", "id"]
        return _table(rows, cols, lg), progress

    ctx.refresh(history, [token, lang], [hist, plot])

    # -------------------------------------------------------------- the call
    chat_out = [chat, call, notice, hint, scorecard, msg, send_btn, end_btn, start_btn]
    names = ("chat", "call", "notice", "hint", "card", "msg", "send", "end", "start")

    def co(**kw):
        """One value per chat output, by name; unnamed outputs are left as they are."""
        return tuple(kw.get(n, gr.skip()) for n in names)

    def live(on: bool) -> dict:
        upd = gr.update(interactive=on)
        return {
            "msg": upd,
            "send": upd,
            "end": gr.update(interactive=on),
            "start": gr.update(interactive=True),
        }

    def start(tok, lg, pid, scen, prior, coach, progress=gr.Progress(track_tqdm=True)):  # noqa: B008
        """Open a call. A model still loading shows progress instead of a frozen page."""
        user = svc.user(tok)
        try:
            if user is None:
                raise PermissionDenied("err.not_signed_in")
            if not svc.backend_ready():
                wait = f"<div class='cs-notice'>… {_e(t('practice.loading_model', lg))}</div>"
                yield co(chat=[], call=None, notice=wait, card="", start=gr.update(interactive=False))
                progress(0.1, desc=t("practice.loading_model", lg))
                svc.backend()
            if not pid:
                raise UserError(t("practice.pick_persona", lg))
            got = svc.start_call(user, pid, scen, prior_session_id=prior or None)
        except Exception as e:  # noqa: BLE001 - never a traceback on screen
            yield co(chat=[], call=None, notice=_fail(lg, e), card="", **live(False))
            return
        banner = ""
        if got["notice"]:
            banner = f"<div class='cs-notice' data-testid='backend-notice'>ℹ {_e(got['notice'])}</div>"
        pp = got.get("prior_promise")
        if pp:
            note = t(
                "practice.prior_promise",
                lg,
                amount=pp.get("amount"),
                date=pp.get("date"),
                channel=pp.get("channel"),
            )
            banner += f"<div class='cs-banner' data-testid='prior-promise'>{_e(note)}</div>"
        # The banner (backend notice, case notes) stays above the chat for the whole call.
        st = {"session_id": got["session_id"], "done": [], "ended": False, "banner": banner}
        opening = [{"role": "assistant", "content": got["opening"]}] if got["opening"] else []
        coach_hint = svc.coach(user, got["session_id"], "", []) if coach else None
        yield co(
            chat=opening,
            call=st,
            notice=banner,
            hint=coach_html(coach_hint, lg, coach),
            card="",
            **live(True),
        )

    start_btn.click(
        start, [token, lang, persona, scenario, follow, coach_on], chat_out, concurrency_id="engine"
    )

    def send(tok, lg, st, text, history_, coach):
        """Stream the debtor's reply; Send stays disabled until the reply is complete."""
        user = svc.user(tok)
        text = (text or "").strip()
        if not st or not text:
            yield co()
            return
        turns = [*(history_ or []), {"role": "user", "content": text}]
        # "…" until the first words arrive (a model may still be loading or thinking).
        yield co(
            chat=[*turns, {"role": "assistant", "content": "…"}], msg="", send=gr.update(interactive=False)
        )
        finished: list[Turn] = []
        said = ""
        try:
            if user is None:
                raise PermissionDenied("err.not_signed_in")
            for piece in svc.say_stream(user, st["session_id"], text, finished.append):
                said += piece
                yield co(chat=[*turns, {"role": "assistant", "content": said}])
        except Exception as e:  # noqa: BLE001
            yield co(chat=turns, notice=st.get("banner", "") + _fail(lg, e), send=gr.update(interactive=True))
            return
        turn = finished[0] if finished else Turn(text=said)
        if turn.text:
            turns.append({"role": "assistant", "content": turn.text})
        st = {**st, "done": sorted(set(st.get("done", [])) | set(turn.acts)), "ended": turn.ended}
        notes = st.get("banner", "")
        if turn.notice:
            notes += f"<div class='cs-notice' data-testid='backend-notice'>ℹ {_e(turn.notice)}</div>"
        if turn.ended:  # the debtor hung up: only grading is left
            notes += f"<div class='cs-notice' data-testid='call-ended'>{_e(t('practice.ended', lg))}</div>"
            off = gr.update(interactive=False)
            after = {"msg": off, "send": off, "end": gr.update(interactive=True)}
        else:
            after = live(True)
        coach_hint = svc.coach(user, st["session_id"], "", st["done"]) if coach else None
        yield co(chat=turns, call=st, notice=notes, hint=coach_html(coach_hint, lg, coach), **after)

    send_in = [token, lang, call, msg, chat, coach_on]
    send_btn.click(send, send_in, chat_out, concurrency_id="engine", show_progress="hidden")
    msg.submit(send, send_in, chat_out, concurrency_id="engine", show_progress="hidden")

    def live_coach(tok, lg, st, draft, coach):
        """Runs as the trainee types: flags a violation before the line is sent."""
        user = svc.user(tok)
        if not coach or not st or user is None:
            return gr.skip()
        try:
            return coach_html(svc.coach(user, st["session_id"], draft or "", st.get("done", [])), lg, True)
        except Exception:  # noqa: BLE001 - the coach never blocks typing
            log.exception("coach failed")
            return gr.skip()

    # `.change` rather than `.input`: in Gradio 6 the input event of a textbox that starts disabled
    # only reaches the server on Enter; change (always_last) runs while typing and after clearing.
    msg.change(
        live_coach,
        [token, lang, call, msg, coach_on],
        hint,
        trigger_mode="always_last",
        show_progress="hidden",
        concurrency_id="coach",
        concurrency_limit=8,
    )

    def draft_prefill(tok, st, draft):
        """Runs as the trainee types: a local model encodes the line so far, so its reply starts sooner.

        The model works in the background and gives way as soon as the line is sent; the call itself
        never changes. Another trainee's call is refused like every practice request.
        """
        user = svc.user(tok)
        if not st or user is None or st.get("ended") or not (draft or "").strip():
            return
        try:
            svc.prefill_draft(user, st["session_id"], draft)
        except (PermissionDenied, UserError) as e:
            log.info("draft prefill refused: %s", e)
        except Exception:  # noqa: BLE001 - a draft is only a hint: typing never fails
            log.exception("draft prefill failed")

    msg.change(
        draft_prefill,
        [token, call, msg],
        None,
        trigger_mode="always_last",
        show_progress="hidden",
        concurrency_id="draft",
        concurrency_limit=8,
    )

    def coach_refresh(tok, lg, st, coach):
        user = svc.user(tok)
        if not coach or not st or user is None:
            return coach_html(None, lg, coach)
        try:
            return coach_html(svc.coach(user, st["session_id"], "", st.get("done", [])), lg, True)
        except Exception:  # noqa: BLE001
            return coach_html(None, lg, coach)

    for ev in (coach_on.change, lang.change):
        ev(coach_refresh, [token, lang, call, coach_on], hint, show_progress="hidden")

    def end(tok, lg, st):
        """Grade the call and show the scorecard under the chat."""
        user = svc.user(tok)
        if not st:
            return co()
        try:
            if user is None:
                raise PermissionDenied("err.not_signed_in")
            got = svc.end_call(user, st["session_id"])
        except Exception as e:  # noqa: BLE001
            return co(notice=_fail(lg, e))
        off = gr.update(interactive=False)
        graded = scorecard_html(got["scorecard"], got["transcript"], lg)
        return co(
            call=None, notice="", card=graded, msg="", send=off, end=off, start=gr.update(interactive=True)
        )

    end_btn.click(end, [token, lang, call], chat_out, concurrency_id="engine").then(
        history, [token, lang], [hist, plot]
    )

    # -------------------------------------------------------------- own records
    def open_record(tok, lg, session_id):
        return _open_record(svc, tok, lg, session_id)

    open_btn.click(open_record, [token, lang, open_id], open_html, api_name="open_record")
    hist.select(_row_pick(-1), None, open_id).then(open_record, [token, lang, open_id], open_html)
    return SimpleNamespace(tab=tab, call=call, lists=(lists, *lists_io))


# ---------------------------------------------------------------- persona studio


def _studio(ctx: Ctx, practice: SimpleNamespace) -> SimpleNamespace:
    """Trainer tab: list and search, clone, edit as a form or YAML, validate, preview, save."""
    svc, tr, token, lang = ctx.svc, ctx.tr, ctx.token, ctx.lang
    with tr(
        gr.Tab(id="studio", elem_id="tab-studio", visible=ctx.mode == "single"), label="tab.studio"
    ) as tab:
        preview = gr.State(None)  # this browser's preview engine (nothing is stored)
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                search = tr(gr.Textbox(elem_id="s-search"), label="studio.search")
                table = gr.Dataframe(interactive=False, elem_id="s-table", wrap=True, max_height=360)
                pick = tr(gr.Dropdown([], elem_id="s-pick"), label="studio.pick")
                with gr.Row():
                    new_id = tr(gr.Textbox(elem_id="s-new-id", scale=2), label="studio.new_id")
                    clone_btn = tr(gr.Button(elem_id="s-clone", scale=1), value="studio.clone")
            with gr.Column(scale=2, min_width=420):
                with gr.Tabs():
                    with tr(gr.Tab(id="form", elem_id="s-tab-form"), label="studio.form"):
                        form = _persona_form(tr)
                        apply_btn = tr(gr.Button(elem_id="s-apply"), value="studio.apply")
                    with tr(gr.Tab(id="yaml", elem_id="s-tab-yaml"), label="studio.yaml"):
                        yaml_box = gr.Code(
                            language="yaml",
                            wrap_lines=True,
                            lines=24,
                            max_lines=40,
                            elem_id="s-yaml",
                            show_label=False,
                        )
                with gr.Row():
                    validate_btn = tr(gr.Button(elem_id="s-validate"), value="studio.validate")
                    save_btn = tr(gr.Button(variant="primary", elem_id="s-save"), value="studio.save")
                problems = gr.HTML("", elem_id="s-problems")
                status = gr.HTML("", elem_id="s-status")
            with gr.Column(scale=1, min_width=280):
                tr(gr.Markdown(), value=lambda lg: f"### {t('studio.preview', lg)}")
                pv_scen = tr(gr.Dropdown([], elem_id="pv-scenario"), label="practice.scenario")
                pv_start = tr(gr.Button(elem_id="pv-start"), value="studio.preview_start")
                pv_chat = gr.Chatbot(height=300, elem_id="pv-chat", show_label=False, buttons=["copy"])
                pv_msg = tr(
                    gr.Textbox(show_label=False, elem_id="pv-msg"), placeholder="practice.msg_placeholder"
                )
                pv_send = tr(gr.Button(elem_id="pv-send"), value="practice.send")
    skip_form = (gr.skip(),) * len(form)

    def form_updates(text: str) -> list:
        vals = form_values(text or "")
        out = []
        for key in FORM_FIELDS:
            v = vals.get(key)
            out.append(
                gr.update(value=", ".join(map(str, v)) if key == "scenarios" and isinstance(v, list) else v)
            )
        return out

    def listing(tok, lg, query):
        try:
            entries = svc.studio_list(svc.user(tok), query or "")
        except PermissionDenied:
            return gr.skip(), gr.skip()
        rows = [
            {
                "id": e.id,
                "name": e.name,
                "locale": e.locale,
                "archetype": t("arch." + e.archetype, lg) if e.archetype else "",
                "difficulty": e.difficulty,
                "source": t("studio.source_" + e.source.replace("-", "_"), lg),
                "status": "✔" if not e.problems else "✖",
            }
            for e in entries
        ]
        cols = ["id", "name", "locale", "archetype", "difficulty", "source", "status"]
        return _table(rows, cols, lg), gr.update(choices=[e.id for e in entries])

    list_io = ([token, lang, search], [table, pick])
    # One queue for every listing request: they run in the order they were made, so the
    # newest search text always decides what the table shows.
    one_queue = {"concurrency_id": "studio-listing", "concurrency_limit": 1}
    search.change(listing, *list_io, show_progress="hidden", trigger_mode="always_last", **one_queue)
    tab.select(listing, *list_io, show_progress="hidden", **one_queue)
    ctx.refresh(listing, *list_io, **one_queue)
    table.select(_row_pick(0), None, pick)

    def open_persona(tok, lg, pid):
        user = svc.user(tok)
        if not pid:
            return (gr.skip(),) * 4 + skip_form
        try:
            text = svc.studio_read(user, pid)
            _, found = svc.studio_validate(user, text)
            entry = next((e for e in svc.studio_list(user, pid) if e.id == pid), None)
        except PermissionDenied as e:
            return (gr.skip(), _fail(lg, e), "", gr.skip()) + skip_form
        note = _e(t("studio.builtin_note", lg)) if entry is not None and not entry.editable else ""
        pscen = form_values(text).get("scenarios") or []
        scen_upd = gr.update(choices=pscen, value=pscen[0] if pscen else None)
        return (text, problems_html(found, lg), note, scen_upd, *form_updates(text))

    pick.change(open_persona, [token, lang, pick], [yaml_box, problems, status, pv_scen, *form])

    def clone(tok, lg, text, new):
        user = svc.user(tok)
        try:
            require(user, "studio")
            cloned = clone_text(text or "", (new or "").strip())
        except PermissionDenied as e:
            return (gr.skip(), _fail(lg, e), gr.skip()) + skip_form
        except ValueError as e:
            return (gr.skip(), f"<div class='cs-denied'>{_e(e)}</div>", gr.skip()) + skip_form
        _, found = svc.studio_validate(user, cloned)
        return (cloned, problems_html(found, lg), _e(t("studio.cloned", lg, id=new)), *form_updates(cloned))

    clone_btn.click(clone, [token, lang, yaml_box, new_id], [yaml_box, problems, status, *form])

    def apply(tok, lg, text, *vals):
        user = svc.user(tok)
        try:
            require(user, "studio")
            merged = apply_form(text or "", dict(zip(FORM_FIELDS, vals, strict=True)))
        except PermissionDenied as e:
            return gr.skip(), _fail(lg, e)
        except Exception as e:  # noqa: BLE001 - shown inline, the YAML is left as it was
            return gr.skip(), f"<pre class='cs-problems'>{_e(e)}</pre>"
        return merged, problems_html(svc.studio_validate(user, merged)[1], lg)

    apply_btn.click(apply, [token, lang, yaml_box, *form], [yaml_box, problems])

    def validate(tok, lg, text):
        try:
            _, found = svc.studio_validate(svc.user(tok), text or "")
        except PermissionDenied as e:
            return _fail(lg, e), gr.skip()
        return problems_html(found, lg), ""

    validate_btn.click(validate, [token, lang, yaml_box], [problems, status])

    def save(tok, lg, text):
        try:
            path, found = svc.studio_save(svc.user(tok), text or "")
        except PermissionDenied as e:
            return _fail(lg, e), gr.skip()
        if path is None:  # a file with errors is never written
            return problems_html(
                found, lg
            ), f"<span class='cs-sev-critical'>{_e(t('studio.not_saved', lg))}</span>"
        saved = _e(t("studio.saved", lg, path=path))
        return problems_html([], lg), f"<span class='cs-ok' data-testid='saved'>{saved}</span>"

    # After a save the persona lists refresh, so Practice offers the new persona at once.
    save_btn.click(save, [token, lang, yaml_box], [problems, status]).then(listing, *list_io).then(
        *practice.lists
    )

    def preview_start(tok, lg, text, scen):
        try:
            eng = svc.preview_engine(svc.user(tok), text or "", scen or "")
            opening = eng.opening()
        except UserError as e:
            return None, [], problems_html(_why(e).splitlines(), lg)
        except Exception as e:  # noqa: BLE001
            return None, [], _fail(lg, e)
        return eng, [{"role": "assistant", "content": opening.text}], gr.skip()

    pv_start.click(
        preview_start, [token, lang, yaml_box, pv_scen], [preview, pv_chat, problems], concurrency_id="engine"
    )

    def preview_send(tok, lg, eng, text, history_):
        user = svc.user(tok)
        if eng is None or user is None or not user.can("studio") or not (text or "").strip():
            yield gr.skip(), gr.skip()
            return
        turns = [*(history_ or []), {"role": "user", "content": text}]
        yield [*turns, {"role": "assistant", "content": "…"}], ""
        said = ""
        try:
            for piece in eng.respond_stream(text):
                said += piece
                yield [*turns, {"role": "assistant", "content": said}], gr.skip()
        except Exception:  # noqa: BLE001
            log.exception("preview turn failed")
            said = t("error.generic", lg)
        if said:
            turns.append({"role": "assistant", "content": said})
        if eng.last_reply is not None and eng.last_reply.ended:
            turns.append({"role": "assistant", "content": t("practice.ended", lg)})
        yield turns, gr.skip()

    pv_io = ([token, lang, preview, pv_msg, pv_chat], [pv_chat, pv_msg])
    pv_send.click(preview_send, *pv_io, concurrency_id="engine")
    pv_msg.submit(preview_send, *pv_io, concurrency_id="engine")
    return SimpleNamespace(tab=tab)


def _persona_form(tr) -> list:
    """The form fields, in FORM_FIELDS order."""
    with gr.Row():
        fid = tr(gr.Textbox(elem_id="f-id"), label="field.id")
        name = tr(gr.Textbox(elem_id="f-name"), label="field.name")
        locale = tr(gr.Dropdown(list(CALL_LOCALES), elem_id="f-locale"), label="field.locale")
    with gr.Row():
        arch = tr(gr.Dropdown(_archetypes(), elem_id="f-arch"), label="field.archetype")
        diff = tr(gr.Slider(1, 5, step=1, elem_id="f-difficulty"), label="field.difficulty")
    summary = tr(gr.Textbox(elem_id="f-summary"), label="field.summary")
    background = tr(gr.Textbox(lines=3, elem_id="f-background"), label="field.background")
    scen = tr(gr.Textbox(elem_id="f-scenarios"), label="field.scenarios")
    style = tr(gr.Textbox(lines=2, elem_id="f-style"), label="field.style")
    with gr.Row():
        traits = [
            tr(gr.Slider(0, 1, step=0.05, min_width=120), label="field." + key)
            for key in FORM_FIELDS
            if key.startswith("traits.")
        ]
    return [fid, name, locale, arch, diff, summary, background, scen, style, *traits]


# ---------------------------------------------------------------- scorecards


def _scorecards(ctx: Ctx) -> SimpleNamespace:
    """Evaluator tab: filter graded calls, open one, export a selection, charts, grade uploads."""
    svc, tr, token, lang = ctx.svc, ctx.tr, ctx.token, ctx.lang
    with tr(
        gr.Tab(id="scorecards", elem_id="tab-scorecards", visible=ctx.mode == "single"),
        label="tab.scorecards",
    ) as tab:
        shown_ids = gr.State([])  # ids of the calls the filter shows, for "select all"
        with gr.Row():
            f_trainee = tr(gr.Dropdown([], elem_id="c-trainee"), label="col.trainee")
            f_persona = tr(gr.Dropdown([], elem_id="c-persona"), label="col.persona")
            f_scenario = tr(gr.Dropdown([], elem_id="c-scenario"), label="col.scenario")
            f_from = tr(gr.Textbox(placeholder="YYYY-MM-DD", elem_id="c-from"), label="scores.date_from")
            f_to = tr(gr.Textbox(placeholder="YYYY-MM-DD", elem_id="c-to"), label="scores.date_to")
            f_pass = tr(
                gr.Radio(_pass_choices(L0), value="all", elem_id="c-pass"),
                label="scores.result",
                choices=_pass_choices,
            )
            apply_btn = tr(gr.Button(elem_id="c-apply", scale=0), value="scores.apply")
        table = gr.Dataframe(interactive=False, elem_id="c-table", wrap=True, max_height=380)
        with gr.Row():
            with gr.Column(scale=2):
                select = tr(gr.CheckboxGroup([], elem_id="c-select"), label="scores.select")
                with gr.Row():
                    all_btn = tr(gr.Button(size="sm", elem_id="c-all"), value="scores.select_all")
                    none_btn = tr(gr.Button(size="sm", elem_id="c-none"), value="scores.select_none")
            with gr.Column(scale=1):
                fmt = tr(
                    gr.Radio(_format_choices(L0), value="csv_calls", elem_id="c-format"),
                    label="scores.format",
                    choices=_format_choices,
                )
                export_btn = tr(gr.Button(variant="primary", elem_id="c-export"), value="scores.export")
                download = tr(gr.File(interactive=False, elem_id="c-file"), label="scores.download")
        with gr.Row():
            open_pick = tr(gr.Dropdown([], elem_id="c-open-pick", scale=3), label="scores.open")
            open_btn = tr(gr.Button(elem_id="c-open", scale=1), value="practice.open")
        card = gr.HTML("", elem_id="c-card")
        with gr.Row():
            line = tr(
                gr.LinePlot(
                    x="time", y="score", color="trainee", elem_id="c-line", height=280, y_lim=[0, 100]
                ),
                label="scores.chart_scores",
                x_title="col.started",
                y_title="col.score",
                color_title="col.trainee",
            )
            bar = tr(
                gr.BarPlot(x="category", y="count", elem_id="c-bar", height=280, y_axis_format="d"),
                label="scores.chart_violations",
                x_title="col.category",
                y_title="col.count",
            )
        with tr(gr.Accordion(open=False, elem_id="c-upload-acc"), label="scores.upload"):
            tr(gr.Markdown(), value="scores.upload_help")
            files = tr(
                gr.File(file_count="multiple", file_types=[".json", ".jsonl", ".txt"], elem_id="c-files"),
                label="scores.upload_files",
            )
            up_scen = tr(gr.Dropdown([], elem_id="c-up-scenario"), label="practice.scenario")
            grade_btn = tr(gr.Button(elem_id="c-grade"), value="scores.grade")
            up_table = gr.Dataframe(interactive=False, elem_id="c-up-table", wrap=True)
            up_card = gr.HTML("", elem_id="c-up-card")

    def calls(tok, lg, trainee, persona, scenario, dfrom, dto, result):
        user = svc.user(tok)
        try:
            rows = svc.calls(
                user,
                trainee=trainee or None,
                persona=persona or None,
                scenario=scenario or None,
                date_from=dfrom or None,
                date_to=dto or None,
                passed={"passed": True, "failed": False}.get(result),
            )
            every = svc.calls(user)
        except PermissionDenied:
            return (gr.skip(),) * 10
        except UserError as e:
            gr.Warning(t(_why(e), lg))
            return (gr.skip(),) * 10
        labels = [
            (f"{r['started']} · {r['trainee']} · {r['persona']} · {r['score']:g} · {r['id']}", r["id"])
            for r in rows
        ]
        scores = pd.DataFrame(
            {
                "time": pd.to_datetime([r["started"] for r in rows], utc=True),
                "score": [r["score"] for r in rows],
                "trainee": [r["trainee"] for r in rows],
            }
        )
        counts: dict[str, int] = {}
        for r in rows:
            for c in r.get("categories") or []:
                counts[c] = counts.get(c, 0) + 1
        by_cat = pd.DataFrame(
            {"category": [t("cat." + c, lg) for c in counts], "count": list(counts.values())}
        )

        def options(key):
            vals = sorted({r[key] for r in every if r.get(key)})
            return gr.update(choices=[(t("scores.any", lg), ""), *((v, v) for v in vals)])

        cols = ["started", "trainee", "persona", "scenario", "score", "passed", "violations", "id"]
        return (
            _table(rows, cols, lg),
            gr.update(choices=labels, value=[]),
            gr.update(choices=labels),
            scores,
            by_cat,
            options("trainee"),
            options("persona"),
            options("scenario"),
            gr.update(choices=[(n, s) for s, n in scenarios("zh-CN") + scenarios("en-US")]),
            [r["id"] for r in rows],
        )

    calls_io = (
        [token, lang, f_trainee, f_persona, f_scenario, f_from, f_to, f_pass],
        [table, select, open_pick, line, bar, f_trainee, f_persona, f_scenario, up_scen, shown_ids],
    )
    apply_btn.click(calls, *calls_io)
    tab.select(calls, *calls_io)
    ctx.refresh(calls, *calls_io)
    all_btn.click(lambda ids: gr.update(value=list(ids or [])), shown_ids, select)
    none_btn.click(lambda: gr.update(value=[]), None, select)

    def export(tok, lg, ids, kind):
        try:
            return str(svc.export(svc.user(tok), list(ids or []), kind))
        except (PermissionDenied, UserError) as e:
            gr.Warning(t("denied", lg) if isinstance(e, PermissionDenied) else t(_why(e), lg))
        except Exception as e:  # noqa: BLE001
            log.exception("export failed")
            gr.Warning(f"{t('error.export', lg)}: {e}")
        return None

    export_btn.click(export, [token, lang, select, fmt], download, api_name="export")

    def open_card(tok, lg, sid):
        return _open_record(svc, tok, lg, sid)

    open_btn.click(open_card, [token, lang, open_pick], card)
    open_pick.change(open_card, [token, lang, open_pick], card)
    table.select(_row_pick(-1), None, open_pick)

    def grade_uploaded(tok, lg, uploaded, scenario):
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (uploaded or [])]
        try:
            results = svc.grade_uploads(svc.user(tok), paths, scenario or None)
        except PermissionDenied as e:
            return gr.skip(), _fail(lg, e)
        rows = []
        for r in results:
            sc = r.get("scorecard") or {}
            rows.append(
                {
                    "file": r["name"],
                    "id": sc.get("transcript_id", ""),
                    "score": sc.get("score"),
                    "passed": sc.get("passed"),
                    "violations": len(sc.get("violations") or []) if sc else None,
                    "error": r.get("error", ""),
                }
            )
        first = next((r for r in results if r.get("scorecard")), None)
        shown = scorecard_html(first["scorecard"], first["transcript"], lg) if first else ""
        return _table(rows, ["file", "id", "score", "passed", "violations", "error"], lg), shown

    grade_btn.click(
        grade_uploaded, [token, lang, files, up_scen], [up_table, up_card], concurrency_id="engine"
    )
    return SimpleNamespace(tab=tab)


# ---------------------------------------------------------------- the page


def build_app(mode: str = "single", service: Service | None = None) -> gr.Blocks:
    """The Blocks app. `mode` is 'single' (no login) or 'login'."""
    svc = service or Service(mode)
    with gr.Blocks(title="CollectSim", analytics_enabled=False) as demo:
        token = gr.BrowserState("", storage_key="collectsim_token", secret=svc.browser_secret())
        lang_pref = gr.BrowserState("", storage_key="collectsim_lang", secret=svc.browser_secret())
        with gr.Row(elem_id="cs-header"):
            title = gr.Markdown()
            who = gr.HTML("", elem_id="cs-who")
            lang = gr.Radio(
                [(LANG_NAMES[x], x) for x in LANGS],
                value=L0,
                label="语言 / Language",
                show_label=False,
                elem_id="cs-lang",
                scale=0,
                min_width=200,
            )
            logout_btn = gr.Button(size="sm", visible=False, scale=0)
        ctx = Ctx(svc, mode, token, lang)
        ctx.tr(title, value=lambda lg: f"## {t('app.title', lg)}")
        ctx.tr(logout_btn, value="auth.logout")

        with gr.Column(visible=mode == "login", elem_id="cs-login") as login_box:
            ctx.tr(gr.Markdown(), value="auth.prompt")
            login_user = ctx.tr(gr.Textbox(elem_id="cs-login-user"), label="auth.username")
            login_pw = ctx.tr(gr.Textbox(type="password", elem_id="cs-login-pw"), label="auth.password")
            login_btn = ctx.tr(gr.Button(variant="primary", elem_id="cs-login-btn"), value="auth.login")
            login_msg = gr.HTML("", elem_id="cs-login-msg")

        # Tabs stay mounted and each Tab is shown or hidden on its own: in Gradio 6 a Tab hidden while its
        # Tabs container is hidden comes back visible when the container is shown.
        with gr.Tabs(elem_id="cs-tabs") as tabs:
            practice = _practice(ctx)
            studio = _studio(ctx, practice)
            scores = _scorecards(ctx)

        # ------------------------------------------------------------ who is signed in
        def view(tok, lg):
            """Everything that depends on who is signed in: banner, login form, tabs."""
            lg = norm_lang(lg)
            user = svc.user(tok)
            signed = user is not None
            if svc.mode == "single":
                banner = (
                    f"<div class='cs-banner' data-testid='single-user'>{_e(t('auth.single_user', lg))}</div>"
                )
            elif signed:
                text = t("auth.signed_in", lg, user=_e(user.username), role=_e(t("role." + user.role, lg)))
                banner = f"<span data-testid='signed-in'>{text}</span>"
            else:
                banner = ""
            shown = [p for p in ("practice", "studio", "scorecards") if signed and user.can(p)]
            return (
                banner,
                gr.update(visible=svc.mode == "login" and signed),
                gr.update(visible=not signed),
                gr.update(visible="practice" in shown),
                gr.update(visible="studio" in shown),
                gr.update(visible="scorecards" in shown),
                gr.update(selected=shown[0]) if shown else gr.skip(),  # open the first tab the role may use
            )

        view_out = [who, logout_btn, login_box, practice.tab, studio.tab, scores.tab, tabs]

        def relabel(lg):
            lg = norm_lang(lg)
            outs = [
                gr.update(**{a: (k(lg) if callable(k) else t(k, lg)) for a, k in attrs.items()})
                for _comp, attrs in ctx.reg
            ]
            return [*outs, lg]

        def on_load(tok, pref, request: gr.Request):
            lg = pref or _accept_language(request)
            return [norm_lang(lg), *view(tok, lg)]

        loaded = demo.load(on_load, [token, lang_pref], [lang, *view_out])
        lang.change(relabel, lang, [c for c, _ in ctx.reg] + [lang_pref], show_progress="hidden").then(
            view, [token, lang], view_out
        )
        token.change(view, [token, lang], view_out)
        for fn, inputs, outputs, events in ctx.refreshers:
            loaded.then(fn, inputs, outputs, **events)
            token.change(fn, inputs, outputs, **events)
            lang.change(fn, inputs, outputs, show_progress="hidden", **events)

        # ------------------------------------------------------------ sign in / out
        def do_login(username, password, lg):
            got = svc.login(username or "", password or "")
            if got is None:
                return gr.skip(), f"<div class='cs-denied'>{_e(t('auth.bad_login', lg))}</div>", ""
            return got[1], "", ""

        login_io = ([login_user, login_pw, lang], [token, login_msg, login_pw])
        login_btn.click(do_login, *login_io, api_visibility="private")
        login_pw.submit(do_login, *login_io, api_visibility="private")
        logout_btn.click(lambda: ("", None), None, [token, practice.call])
    return demo


def _why(e: Exception) -> str:
    """The message of a refusal: a UI text key (translated by the caller) or plain text."""
    return str(e.args[0]) if e.args else ""


def _archetypes() -> list[str]:
    from grading.acts import ARCHETYPES

    return list(ARCHETYPES)


def _pass_choices(lg: str) -> list[tuple[str, str]]:
    return [(t("scores.all", lg), "all"), (t("card.passed", lg), "passed"), (t("card.failed", lg), "failed")]


def _format_choices(lg: str) -> list[tuple[str, str]]:
    return [(t("format." + f, lg), f) for f in EXPORT_FORMATS]


def _accept_language(request: gr.Request | None) -> str:
    header = ""
    if request is not None:
        header = (request.headers or {}).get("accept-language", "") or ""
    return "en-US" if header.lower().startswith("en") else "zh-CN"


def launch(mode: str = "single", host: str = "127.0.0.1", port: int = 7860, concurrency: int = 4, **kwargs):
    """Start the server: a fair FIFO queue, `concurrency` engine calls at once, no share link."""
    svc = Service(mode)
    threading.Thread(target=svc.warm_up, name="collectsim-warm-up", daemon=True).start()
    demo = build_app(mode, svc)
    demo.queue(default_concurrency_limit=concurrency, max_size=256)
    if threading.current_thread() is threading.main_thread():
        # a polite stop (SIGTERM from a service manager) unwinds like Ctrl+C, so exit handlers run and
        # the service's export folder is removed
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    print(
        f"CollectSim web app on http://{host}:{port}/ ({'login' if mode == 'login' else 'single-user'} mode)"
    )
    return demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        quiet=True,
        show_error=False,
        run_history=False,
        footer_links=["gradio", "settings"],
        css=CSS,
        theme=gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]),
        **kwargs,
    )


def main() -> None:
    from simulator.serve_cli import serve

    serve()


if __name__ == "__main__":
    main()
