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
import threading

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402

from simulator.auth import PermissionDenied, require  # noqa: E402
from simulator.i18n import LANG_NAMES, LANGS, norm_lang, t  # noqa: E402
from simulator.studio import FORM_FIELDS, apply_form, clone_text, form_values  # noqa: E402
from simulator.webapi import EXPORT_FORMATS, Service, Turn, UserError, personas_for, scenarios  # noqa: E402
from simulator.webview import (  # noqa: E402  # noqa: E402
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


# ---------------------------------------------------------------- the app


def build_app(mode: str = "single", service: Service | None = None) -> gr.Blocks:
    """The Blocks app. `mode` is 'single' (no login) or 'login'."""
    svc = service or Service(mode)
    # (component, {attr: text key or fn(lang)}) of everything the language switch relabels
    reg: list[tuple[gr.components.Component, dict]] = []

    L0 = "zh-CN"  # the language the page is built in; each browser switches with the radio

    def tr(comp, **attrs):
        """Register translatable props of a component and set them in the first language."""
        for attr, key in attrs.items():
            setattr(comp, attr, key(L0) if callable(key) else t(key, L0))
        reg.append((comp, attrs))
        return comp

    with gr.Blocks(title="CollectSim", analytics_enabled=False) as demo:
        token = gr.BrowserState("", storage_key="collectsim_token", secret=svc.browser_secret())
        lang_pref = gr.BrowserState("", storage_key="collectsim_lang", secret=svc.browser_secret())
        # This browser's live call: {session_id, persona, scenario, done (acts so far), ended}.
        call = gr.State(None)
        preview = gr.State(None)  # this browser's preview engine in the studio
        c_ids = gr.State([])  # ids of the calls the scorecards filter shows

        with gr.Row(elem_id="cs-header"):
            tr(gr.Markdown(f"## {t('app.title', L0)}"), value=lambda lg: f"## {t('app.title', lg)}")
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
            logout_btn = tr(
                gr.Button(t("auth.logout", L0), size="sm", visible=False, scale=0), value="auth.logout"
            )

        # ---------------------------------------------------------------- login
        with gr.Column(visible=mode == "login", elem_id="cs-login") as login_box:
            tr(gr.Markdown(t("auth.prompt", L0)), value="auth.prompt")
            login_user = tr(
                gr.Textbox(label=t("auth.username", L0), elem_id="cs-login-user"), label="auth.username"
            )
            login_pw = tr(
                gr.Textbox(label=t("auth.password", L0), type="password", elem_id="cs-login-pw"),
                label="auth.password",
            )
            login_btn = tr(
                gr.Button(t("auth.login", L0), variant="primary", elem_id="cs-login-btn"), value="auth.login"
            )
            login_msg = gr.HTML("", elem_id="cs-login-msg")

        # Tabs stay mounted and each Tab is shown or hidden on its own: in Gradio 6 a Tab hidden while its
        # Tabs container is hidden comes back visible when the container is shown.
        with gr.Tabs(elem_id="cs-tabs"):
            # ------------------------------------------------------------ practice
            with tr(
                gr.Tab(
                    t("tab.practice", L0), id="practice", elem_id="tab-practice", visible=mode == "single"
                ),
                label="tab.practice",
            ) as tab_p:
                with gr.Row(equal_height=False):
                    p_locale = tr(
                        gr.Dropdown(
                            [(LANG_NAMES[x], x) for x in CALL_LOCALES], value="zh-CN", elem_id="p-locale"
                        ),
                        label="practice.locale",
                    )
                    p_scenario = tr(gr.Dropdown([], elem_id="p-scenario"), label="practice.scenario")
                    p_follow = tr(
                        gr.Dropdown([], value=None, elem_id="p-follow", visible=False),
                        label="practice.followup",
                        info="practice.followup_info",
                    )
                    p_coach = tr(gr.Checkbox(value=True, elem_id="p-coach"), label="practice.coach")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=360):
                        p_persona = tr(
                            gr.Radio([], elem_id="p-persona", elem_classes="persona-cards"),
                            label="practice.persona",
                        )
                    with gr.Column(scale=2, min_width=280):
                        p_card = gr.HTML(persona_card(None, L0), elem_id="p-card")
                        with gr.Row():
                            p_start = tr(
                                gr.Button(variant="primary", elem_id="p-start"), value="practice.start"
                            )
                            p_end = tr(
                                gr.Button(variant="stop", elem_id="p-end", interactive=False),
                                value="practice.end",
                            )
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=360):
                        p_notice = gr.HTML("", elem_id="p-notice")
                        p_chat = tr(
                            gr.Chatbot(height=420, elem_id="p-chat", buttons=["copy"]), label="practice.chat"
                        )
                        with gr.Row():
                            p_msg = tr(
                                gr.Textbox(
                                    show_label=False, scale=5, elem_id="p-msg", interactive=False, lines=1
                                ),
                                placeholder="practice.msg_placeholder",
                            )
                            p_send = tr(
                                gr.Button(scale=1, elem_id="p-send", interactive=False), value="practice.send"
                            )
                    with gr.Column(scale=2, min_width=280):
                        tr(
                            gr.Markdown(f"### {t('coach.title', L0)}"),
                            value=lambda lg: f"### {t('coach.title', lg)}",
                        )
                        p_hint = gr.HTML(coach_html(None, L0, True), elem_id="p-hint")
                p_scorecard = gr.HTML("", elem_id="p-scorecard")
                with tr(gr.Accordion(open=False, elem_id="p-history-acc"), label="practice.history"):
                    p_hist = gr.Dataframe(interactive=False, elem_id="p-history", wrap=True)
                    p_plot = tr(
                        gr.LinePlot(x="time", y="score", elem_id="p-progress", height=220, y_lim=[0, 100]),
                        label="practice.progress",
                        x_title="col.started",
                        y_title="col.score",
                    )
                    with gr.Row():
                        p_open_id = tr(gr.Textbox(elem_id="p-open-id", scale=3), label="practice.open_id")
                        p_open = tr(gr.Button(elem_id="p-open", scale=1), value="practice.open")
                    p_open_html = gr.HTML("", elem_id="p-open-html")

            # ------------------------------------------------------------ persona studio
            with tr(
                gr.Tab(t("tab.studio", L0), id="studio", elem_id="tab-studio", visible=mode == "single"),
                label="tab.studio",
            ) as tab_s:
                with gr.Row():
                    with gr.Column(scale=1, min_width=300):
                        s_search = tr(gr.Textbox(elem_id="s-search"), label="studio.search")
                        s_table = gr.Dataframe(
                            interactive=False, elem_id="s-table", wrap=True, max_height=360
                        )
                        s_pick = tr(gr.Dropdown([], elem_id="s-pick"), label="studio.pick")
                        with gr.Row():
                            s_new_id = tr(gr.Textbox(elem_id="s-new-id", scale=2), label="studio.new_id")
                            s_clone = tr(gr.Button(elem_id="s-clone", scale=1), value="studio.clone")
                    with gr.Column(scale=2, min_width=420):
                        with gr.Tabs():
                            with tr(gr.Tab(id="form", elem_id="s-tab-form"), label="studio.form"):
                                with gr.Row():
                                    f_id = tr(gr.Textbox(elem_id="f-id"), label="field.id")
                                    f_name = tr(gr.Textbox(elem_id="f-name"), label="field.name")
                                    f_locale = tr(
                                        gr.Dropdown(list(CALL_LOCALES), elem_id="f-locale"),
                                        label="field.locale",
                                    )
                                with gr.Row():
                                    f_arch = tr(
                                        gr.Dropdown(_archetypes(), elem_id="f-arch"), label="field.archetype"
                                    )
                                    f_diff = tr(
                                        gr.Slider(1, 5, step=1, elem_id="f-difficulty"),
                                        label="field.difficulty",
                                    )
                                f_summary = tr(gr.Textbox(elem_id="f-summary"), label="field.summary")
                                f_background = tr(
                                    gr.Textbox(lines=3, elem_id="f-background"), label="field.background"
                                )
                                f_scen = tr(gr.Textbox(elem_id="f-scenarios"), label="field.scenarios")
                                f_style = tr(gr.Textbox(lines=2, elem_id="f-style"), label="field.style")
                                trait_boxes = []
                                with gr.Row():
                                    for trait in FORM_FIELDS:
                                        if trait.startswith("traits."):
                                            trait_boxes.append(
                                                tr(
                                                    gr.Slider(0, 1, step=0.05, min_width=120),
                                                    label="field." + trait,
                                                )
                                            )
                                s_apply = tr(gr.Button(elem_id="s-apply"), value="studio.apply")
                            with tr(gr.Tab(id="yaml", elem_id="s-tab-yaml"), label="studio.yaml"):
                                s_yaml = gr.Code(
                                    language="yaml",
                                    wrap_lines=True,
                                    lines=24,
                                    max_lines=40,
                                    elem_id="s-yaml",
                                    show_label=False,
                                )
                        with gr.Row():
                            s_validate = tr(gr.Button(elem_id="s-validate"), value="studio.validate")
                            s_save = tr(gr.Button(variant="primary", elem_id="s-save"), value="studio.save")
                        s_problems = gr.HTML("", elem_id="s-problems")
                        s_status = gr.HTML("", elem_id="s-status")
                    with gr.Column(scale=1, min_width=280):
                        tr(
                            gr.Markdown(f"### {t('studio.preview', L0)}"),
                            value=lambda lg: f"### {t('studio.preview', lg)}",
                        )
                        pv_scen = tr(gr.Dropdown([], elem_id="pv-scenario"), label="practice.scenario")
                        pv_start = tr(gr.Button(elem_id="pv-start"), value="studio.preview_start")
                        pv_chat = gr.Chatbot(height=300, elem_id="pv-chat", show_label=False)
                        pv_msg = tr(
                            gr.Textbox(show_label=False, elem_id="pv-msg"),
                            placeholder="practice.msg_placeholder",
                        )
                        pv_send = tr(gr.Button(elem_id="pv-send"), value="practice.send")

            # ------------------------------------------------------------ scorecards
            with tr(
                gr.Tab(
                    t("tab.scorecards", L0),
                    id="scorecards",
                    elem_id="tab-scorecards",
                    visible=mode == "single",
                ),
                label="tab.scorecards",
            ) as tab_c:
                with gr.Row():
                    c_trainee = tr(gr.Dropdown([], elem_id="c-trainee"), label="col.trainee")
                    c_persona = tr(gr.Dropdown([], elem_id="c-persona"), label="col.persona")
                    c_scenario = tr(gr.Dropdown([], elem_id="c-scenario"), label="col.scenario")
                    c_from = tr(
                        gr.Textbox(placeholder="YYYY-MM-DD", elem_id="c-from"), label="scores.date_from"
                    )
                    c_to = tr(gr.Textbox(placeholder="YYYY-MM-DD", elem_id="c-to"), label="scores.date_to")
                    c_pass = tr(
                        gr.Radio(_pass_choices(L0), value="all", elem_id="c-pass"),
                        label="scores.result",
                        choices=_pass_choices,
                    )
                    c_apply = tr(gr.Button(elem_id="c-apply", scale=0), value="scores.apply")
                c_table = gr.Dataframe(interactive=False, elem_id="c-table", wrap=True, max_height=380)
                with gr.Row():
                    with gr.Column(scale=2):
                        c_select = tr(gr.CheckboxGroup([], elem_id="c-select"), label="scores.select")
                        with gr.Row():
                            c_all = tr(gr.Button(size="sm", elem_id="c-all"), value="scores.select_all")
                            c_none = tr(gr.Button(size="sm", elem_id="c-none"), value="scores.select_none")
                    with gr.Column(scale=1):
                        c_format = tr(
                            gr.Radio(_format_choices(L0), value="csv_calls", elem_id="c-format"),
                            label="scores.format",
                            choices=_format_choices,
                        )
                        c_export = tr(gr.Button(variant="primary", elem_id="c-export"), value="scores.export")
                        c_file = tr(gr.File(interactive=False, elem_id="c-file"), label="scores.download")
                with gr.Row():
                    c_open_pick = tr(gr.Dropdown([], elem_id="c-open-pick", scale=3), label="scores.open")
                    c_open = tr(gr.Button(elem_id="c-open", scale=1), value="practice.open")
                c_card = gr.HTML("", elem_id="c-card")
                with gr.Row():
                    c_line = tr(
                        gr.LinePlot(
                            x="time", y="score", color="trainee", elem_id="c-line", height=280, y_lim=[0, 100]
                        ),
                        label="scores.chart_scores",
                        x_title="col.started",
                        y_title="col.score",
                        color_title="col.trainee",
                    )
                    c_bar = tr(
                        gr.BarPlot(x="category", y="count", elem_id="c-bar", height=280),
                        label="scores.chart_violations",
                        x_title="col.category",
                        y_title="col.count",
                    )
                with tr(gr.Accordion(open=False, elem_id="c-upload-acc"), label="scores.upload"):
                    tr(gr.Markdown(t("scores.upload_help", L0)), value="scores.upload_help")
                    c_files = tr(
                        gr.File(
                            file_count="multiple", file_types=[".json", ".jsonl", ".txt"], elem_id="c-files"
                        ),
                        label="scores.upload_files",
                    )
                    c_up_scen = tr(gr.Dropdown([], elem_id="c-up-scenario"), label="practice.scenario")
                    c_grade = tr(gr.Button(elem_id="c-grade"), value="scores.grade")
                    c_up_table = gr.Dataframe(interactive=False, elem_id="c-up-table", wrap=True)
                    c_up_card = gr.HTML("", elem_id="c-up-card")

        # ================================================================ handlers
        # Each handler resolves the user from the token on the server; nothing trusts the page.

        def who_md(user, lg):
            if svc.mode == "single":
                return (
                    f"<div class='cs-banner' data-testid='single-user'>{_e(t('auth.single_user', lg))}</div>"
                )
            if user is None:
                return ""
            role = t("role." + user.role, lg)
            return f"<span data-testid='signed-in'>{t('auth.signed_in', lg, user=_e(user.username), role=_e(role))}</span>"

        def view(tok, lg):
            """Everything that depends on who is signed in: banner, login form, tabs."""
            lg = norm_lang(lg)
            user = svc.user(tok)
            signed = user is not None
            return (
                who_md(user, lg),
                gr.update(visible=svc.mode == "login" and signed),
                gr.update(visible=not signed),
                gr.update(visible=signed and user.can("practice")),
                gr.update(visible=signed and user.can("studio")),
                gr.update(visible=signed and user.can("scorecards")),
            )

        view_out = [who, logout_btn, login_box, tab_p, tab_s, tab_c]

        def relabel(lg):
            lg = norm_lang(lg)
            outs = []
            for _comp, attrs in reg:
                upd = {}
                for attr, key in attrs.items():
                    upd[attr] = key(lg) if callable(key) else t(key, lg)
                outs.append(gr.update(**upd))
            return [*outs, lg]

        relabel_out = [c for c, _ in reg] + [lang_pref]

        def on_load(tok, pref, request: gr.Request):
            lg = pref or _accept_language(request)
            return [norm_lang(lg), *view(tok, lg)]

        loaded = demo.load(on_load, [token, lang_pref], [lang, *view_out])
        lang.change(relabel, lang, relabel_out, show_progress="hidden").then(view, [token, lang], view_out)

        # ---------------------------------------------------------------- login / logout
        def do_login(username, password, lg):
            got = svc.login(username or "", password or "")
            if got is None:
                return gr.skip(), f"<div class='cs-denied'>{_e(t('auth.bad_login', lg))}</div>", ""
            return got[1], "", ""

        login_btn.click(
            do_login, [login_user, login_pw, lang], [token, login_msg, login_pw], api_visibility="private"
        )
        login_pw.submit(
            do_login, [login_user, login_pw, lang], [token, login_msg, login_pw], api_visibility="private"
        )
        token.change(view, [token, lang], view_out)
        logout_btn.click(lambda: ("", None), None, [token, call])

        # ---------------------------------------------------------------- practice
        def practice_lists(tok, lg, locale, scenario, current):
            user = svc.user(tok)
            if user is None or not user.can("practice"):
                return gr.skip(), gr.skip()
            scens = scenarios(locale)
            ids = [s for s, _ in scens]
            # Values are only sent when the current one is no longer valid, so a list refresh that
            # overlaps with the trainee's click never undoes the click.
            scen_upd = gr.update(choices=[(name, sid) for sid, name in scens])
            if scenario not in ids:
                scenario = ids[0] if ids else None
                scen_upd = gr.update(choices=scen_upd["choices"], value=scenario)
            ps = personas_for(locale, scenario)
            pers_upd = gr.update(choices=[(persona_label(p, lg), p.id) for p in ps])
            if current and current not in [p.id for p in ps]:
                pers_upd = gr.update(choices=pers_upd["choices"], value=None)
            return scen_upd, pers_upd

        p_lists_in = [token, lang, p_locale, p_scenario, p_persona]
        p_lists_out = [p_scenario, p_persona]
        for ev in (p_locale.change, p_scenario.change, tab_p.select):
            ev(practice_lists, p_lists_in, p_lists_out, show_progress="hidden")
        loaded.then(practice_lists, p_lists_in, p_lists_out)
        lang.change(practice_lists, p_lists_in, p_lists_out, show_progress="hidden")
        token.change(practice_lists, p_lists_in, p_lists_out)

        def on_persona(tok, lg, pid, scenario):
            user = svc.user(tok)
            if user is None or not user.can("practice"):
                return gr.skip(), gr.skip()
            follow = svc.followups(user, pid) if pid else []
            return persona_card(pid, lg), gr.update(
                choices=[(t("practice.no_followup", lg), "")] + follow,
                value="",
                visible=scenario == "broken_promise",
            )

        for ev in (p_persona.change, p_scenario.change, lang.change):
            ev(on_persona, [token, lang, p_persona, p_scenario], [p_card, p_follow], show_progress="hidden")

        def history(tok, lg):
            user = svc.user(tok)
            if user is None or not user.can("practice"):
                return gr.skip(), gr.skip()
            rows = svc.history(user)
            cols = ["started", "persona", "scenario", "score", "passed", "violations", "id"]
            graded = [r for r in rows if r.get("score") is not None]
            plot = pd.DataFrame(
                {
                    "time": pd.to_datetime([r["started"] for r in graded], utc=True),
                    "score": [r["score"] for r in graded],
                }
            )
            return _table(rows, cols, lg), plot

        for ev in (loaded.then, token.change, lang.change):
            ev(history, [token, lang], [p_hist, p_plot])

        chat_out = [p_chat, call, p_notice, p_hint, p_scorecard, p_msg, p_send, p_end, p_start]
        chat_names = ("chat", "call", "notice", "hint", "card", "msg", "send", "end", "start")

        def co(**kw):
            """One value per chat output, by name; unnamed outputs are left as they are."""
            return tuple(kw.get(n, gr.skip()) for n in chat_names)

        def live(on: bool) -> dict:
            off = gr.update(interactive=on)
            return {
                "msg": off,
                "send": off,
                "end": gr.update(interactive=on),
                "start": gr.update(interactive=True),
            }

        def fail(lg, e: Exception) -> str:
            if isinstance(e, PermissionDenied):
                return denied_html(lg, _why(e))
            if isinstance(e, UserError):
                return f"<div class='cs-denied'>{_e(t(str(e), lg))}</div>"
            log.error("handler failed", exc_info=e)
            return f"<div class='cs-denied'>{_e(t('error.generic', lg))} ({_e(type(e).__name__)})</div>"

        def start(tok, lg, pid, scenario, follow, coach_on, progress=gr.Progress(track_tqdm=True)):  # noqa: B008
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
                got = svc.start_call(user, pid, scenario, prior_session_id=follow or None)
            except Exception as e:  # noqa: BLE001 - never a traceback on screen
                yield co(chat=[], call=None, notice=fail(lg, e), card="", **live(False))
                return
            st = {
                "session_id": got["session_id"],
                "done": [],
                "ended": False,
                "persona": pid,
                "scenario": scenario,
            }
            notice = ""
            if got["notice"]:
                notice = f"<div class='cs-notice' data-testid='backend-notice'>ℹ {_e(got['notice'])}</div>"
            pp = got.get("prior_promise")
            if pp:
                note = t(
                    "practice.prior_promise",
                    lg,
                    amount=pp.get("amount"),
                    date=pp.get("date"),
                    channel=pp.get("channel"),
                )
                notice += f"<div class='cs-banner' data-testid='prior-promise'>{_e(note)}</div>"
            st["banner"] = notice  # stays above the chat for the whole call
            chat = [{"role": "assistant", "content": got["opening"]}] if got["opening"] else []
            hint = svc.coach(user, got["session_id"], "", []) if coach_on else None
            yield co(
                chat=chat, call=st, notice=notice, hint=coach_html(hint, lg, coach_on), card="", **live(True)
            )

        p_start.click(
            start, [token, lang, p_persona, p_scenario, p_follow, p_coach], chat_out, concurrency_id="engine"
        )

        def send(tok, lg, st, text, chat, coach_on):
            """Stream the debtor's reply; Send stays disabled until the reply is complete."""
            user = svc.user(tok)
            text = (text or "").strip()
            if not st or not text:
                yield co()
                return
            # "…" until the first words arrive (a model may still be loading or thinking).
            chat = [*(chat or []), {"role": "user", "content": text}]
            yield co(
                chat=[*chat, {"role": "assistant", "content": "…"}], msg="", send=gr.update(interactive=False)
            )
            finished: list[Turn] = []
            said = ""
            try:
                if user is None:
                    raise PermissionDenied("err.not_signed_in")
                for piece in svc.say_stream(user, st["session_id"], text, finished.append):
                    said += piece
                    yield co(chat=[*chat, {"role": "assistant", "content": said}])
            except Exception as e:  # noqa: BLE001
                yield co(
                    chat=chat, notice=st.get("banner", "") + fail(lg, e), send=gr.update(interactive=True)
                )
                return
            turn = finished[0] if finished else Turn(text=said)
            if turn.text:
                chat.append({"role": "assistant", "content": turn.text})
            st = {**st, "done": sorted(set(st.get("done", [])) | set(turn.acts)), "ended": turn.ended}
            notes = []
            if turn.notice:
                notes.append(f"<div class='cs-notice' data-testid='backend-notice'>ℹ {_e(turn.notice)}</div>")
            if turn.ended:
                notes.append(
                    f"<div class='cs-notice' data-testid='call-ended'>{_e(t('practice.ended', lg))}</div>"
                )
            hint = svc.coach(user, st["session_id"], "", st["done"]) if coach_on else None
            if turn.ended:  # the debtor hung up: only grading is left
                off = gr.update(interactive=False)
                after = {"msg": off, "send": off, "end": gr.update(interactive=True)}
            else:
                after = live(True)
            notice = st.get("banner", "") + "".join(notes)
            yield co(chat=chat, call=st, notice=notice, hint=coach_html(hint, lg, coach_on), **after)

        send_in = [token, lang, call, p_msg, p_chat, p_coach]
        p_send.click(send, send_in, chat_out, concurrency_id="engine", show_progress="hidden")
        p_msg.submit(send, send_in, chat_out, concurrency_id="engine", show_progress="hidden")

        def live_coach(tok, lg, st, draft, coach_on):
            """Runs as the trainee types: flags a violation before the line is sent."""
            user = svc.user(tok)
            if not coach_on or not st or user is None:
                return gr.skip()
            try:
                hint = svc.coach(user, st["session_id"], draft or "", st.get("done", []))
            except Exception:  # noqa: BLE001 - the coach never blocks typing
                log.exception("coach failed")
                return gr.skip()
            return coach_html(hint, lg, True)

        # `.change` rather than `.input`: in Gradio 6 the input event of a textbox that starts disabled
        # only reaches the server on Enter; change (always_last) runs while typing and after clearing.
        p_msg.change(
            live_coach,
            [token, lang, call, p_msg, p_coach],
            p_hint,
            trigger_mode="always_last",
            show_progress="hidden",
            concurrency_id="coach",
            concurrency_limit=8,
        )

        def coach_refresh(tok, lg, st, coach_on):
            user = svc.user(tok)
            if not coach_on or not st or user is None:
                return coach_html(None, lg, coach_on)
            try:
                return coach_html(svc.coach(user, st["session_id"], "", st.get("done", [])), lg, True)
            except Exception:  # noqa: BLE001
                return coach_html(None, lg, coach_on)

        for ev in (p_coach.change, lang.change):
            ev(coach_refresh, [token, lang, call, p_coach], p_hint, show_progress="hidden")

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
                return co(notice=fail(lg, e))
            off = gr.update(interactive=False)
            card = scorecard_html(got["scorecard"], got["transcript"], lg)
            return co(
                call=None, notice="", card=card, msg="", send=off, end=off, start=gr.update(interactive=True)
            )

        p_end.click(end, [token, lang, call], chat_out, concurrency_id="engine").then(
            history, [token, lang], [p_hist, p_plot]
        )

        def open_record(tok, lg, session_id):
            """A stored call by id: the owner or an evaluator sees it; anyone else is refused here, on the server."""
            user = svc.user(tok)
            try:
                rec = svc.record(user, session_id)
            except PermissionDenied as e:
                return denied_html(lg, _why(e))
            except UserError as e:
                return f"<div class='cs-denied'>{_e(t(_why(e), lg))}</div>"
            if rec["scorecard"] is None:
                return f"<div class='cs-muted'>{_e(t('card.not_graded', lg))}</div>"
            return scorecard_html(rec["scorecard"], rec["transcript"], lg)

        p_open.click(open_record, [token, lang, p_open_id], p_open_html, api_name="open_record")

        def pick_history(tok, lg, evt: gr.SelectData):
            row = evt.row_value if evt is not None else None
            sid = row[-1] if row else ""
            return sid, open_record(tok, lg, sid)

        p_hist.select(pick_history, [token, lang], [p_open_id, p_open_html])

        # ---------------------------------------------------------------- persona studio
        form_comps = [
            f_id,
            f_name,
            f_locale,
            f_arch,
            f_diff,
            f_summary,
            f_background,
            f_scen,
            f_style,
            *trait_boxes,
        ]

        def _form_updates(text: str):
            vals = form_values(text or "")
            out = []
            for key in FORM_FIELDS:
                v = vals.get(key)
                if key == "scenarios" and isinstance(v, list):
                    v = ", ".join(map(str, v))
                out.append(gr.update(value=v))
            return out

        def studio_list(tok, lg, query):
            user = svc.user(tok)
            try:
                entries = svc.studio_list(user, query or "")
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

        s_list_out = [s_table, s_pick]
        s_search.change(
            studio_list,
            [token, lang, s_search],
            s_list_out,
            show_progress="hidden",
            trigger_mode="always_last",
        )
        for ev in (tab_s.select, lang.change, token.change):
            ev(studio_list, [token, lang, s_search], s_list_out, show_progress="hidden")
        loaded.then(studio_list, [token, lang, s_search], s_list_out)

        def studio_open(tok, lg, pid):
            user = svc.user(tok)
            if not pid:
                return (gr.skip(),) * (4 + len(form_comps))
            try:
                text = svc.studio_read(user, pid)
                _, problems = svc.studio_validate(user, text)
            except PermissionDenied as e:
                return gr.skip(), denied_html(lg, _why(e)), "", gr.skip(), *(gr.skip(),) * len(form_comps)
            entry = next((e for e in svc.studio_list(user, "") if e.id == pid), None)
            note = t("studio.builtin_note", lg) if entry is not None and not entry.editable else ""
            pscen = form_values(text).get("scenarios") or []
            return (
                text,
                problems_html(problems, lg),
                note,
                gr.update(choices=pscen, value=pscen[0] if pscen else None),
                *_form_updates(text),
            )

        s_open_out = [s_yaml, s_problems, s_status, pv_scen, *form_comps]
        s_pick.change(studio_open, [token, lang, s_pick], s_open_out)

        def studio_pick_row(tok, lg, evt: gr.SelectData):
            row = evt.row_value if evt is not None else None
            return row[0] if row else gr.skip()

        s_table.select(studio_pick_row, [token, lang], s_pick)

        def studio_clone(tok, lg, text, new_id):
            user = svc.user(tok)
            try:
                require(user, "studio")
                new = clone_text(text or "", (new_id or "").strip())
            except PermissionDenied as e:
                return gr.skip(), denied_html(lg, _why(e)), gr.skip(), *(gr.skip(),) * len(form_comps)
            except ValueError as e:
                return (
                    gr.skip(),
                    f"<div class='cs-denied'>{_e(e)}</div>",
                    gr.skip(),
                    *(gr.skip(),) * len(form_comps),
                )
            _, problems = svc.studio_validate(user, new)
            return (
                new,
                problems_html(problems, lg),
                _e(t("studio.cloned", lg, id=new_id)),
                *_form_updates(new),
            )

        s_clone.click(
            studio_clone, [token, lang, s_yaml, s_new_id], [s_yaml, s_problems, s_status, *form_comps]
        )

        def studio_apply(tok, lg, text, *vals):
            user = svc.user(tok)
            try:
                require(user, "studio")
                new = apply_form(text or "", dict(zip(FORM_FIELDS, vals, strict=True)))
            except PermissionDenied as e:
                return gr.skip(), denied_html(lg, _why(e))
            except Exception as e:  # noqa: BLE001 - shown inline, the YAML is left as it was
                return gr.skip(), f"<pre class='cs-problems'>{_e(e)}</pre>"
            _, problems = svc.studio_validate(user, new)
            return new, problems_html(problems, lg)

        s_apply.click(studio_apply, [token, lang, s_yaml, *form_comps], [s_yaml, s_problems])

        def studio_validate(tok, lg, text):
            user = svc.user(tok)
            try:
                _, problems = svc.studio_validate(user, text or "")
            except PermissionDenied as e:
                return denied_html(lg, _why(e)), gr.skip()
            return problems_html(problems, lg), ""

        s_validate.click(studio_validate, [token, lang, s_yaml], [s_problems, s_status])

        def studio_save(tok, lg, text):
            user = svc.user(tok)
            try:
                path, problems = svc.studio_save(user, text or "")
            except PermissionDenied as e:
                return denied_html(lg, _why(e)), gr.skip()
            if path is None:
                return problems_html(
                    problems, lg
                ), f"<span class='cs-sev-critical'>{_e(t('studio.not_saved', lg))}</span>"
            return problems_html(
                [], lg
            ), f"<span class='cs-ok' data-testid='saved'>{_e(t('studio.saved', lg, path=path))}</span>"

        s_save.click(studio_save, [token, lang, s_yaml], [s_problems, s_status]).then(
            studio_list, [token, lang, s_search], s_list_out
        ).then(practice_lists, p_lists_in, p_lists_out)

        def preview_start(tok, lg, text, scenario):
            user = svc.user(tok)
            try:
                eng = svc.preview_engine(user, text or "", scenario or "")
                opening = eng.opening()
            except PermissionDenied as e:
                return None, [], denied_html(lg, _why(e))
            except UserError as e:
                return None, [], problems_html(str(e).splitlines(), lg)
            except Exception as e:  # noqa: BLE001
                log.exception("preview failed")
                return None, [], f"<div class='cs-denied'>{_e(t('error.generic', lg))}: {_e(e)}</div>"
            return eng, [{"role": "assistant", "content": opening.text}], gr.skip()

        pv_start.click(
            preview_start,
            [token, lang, s_yaml, pv_scen],
            [preview, pv_chat, s_problems],
            concurrency_id="engine",
        )

        def preview_send(tok, lg, eng, text, chat):
            user = svc.user(tok)
            if eng is None or user is None or not user.can("studio") or not (text or "").strip():
                yield gr.skip(), gr.skip()
                return
            chat = [*(chat or []), {"role": "user", "content": text}]
            yield [*chat, {"role": "assistant", "content": "…"}], ""
            said = ""
            try:
                for piece in eng.respond_stream(text):
                    said += piece
                    yield [*chat, {"role": "assistant", "content": said}], gr.skip()
            except Exception:  # noqa: BLE001
                log.exception("preview turn failed")
                said = t("error.generic", lg)
            if said:
                chat.append({"role": "assistant", "content": said})
            reply = eng.last_reply
            if reply is not None and reply.ended:
                chat.append({"role": "assistant", "content": t("practice.ended", lg)})
            yield chat, gr.skip()

        pv_send.click(
            preview_send, [token, lang, preview, pv_msg, pv_chat], [pv_chat, pv_msg], concurrency_id="engine"
        )
        pv_msg.submit(
            preview_send, [token, lang, preview, pv_msg, pv_chat], [pv_chat, pv_msg], concurrency_id="engine"
        )

        # ---------------------------------------------------------------- scorecards
        def calls(tok, lg, trainee, persona, scenario, dfrom, dto, result):
            user = svc.user(tok)
            try:
                passed = {"passed": True, "failed": False}.get(result)
                rows = svc.calls(
                    user,
                    trainee=trainee or None,
                    persona=persona or None,
                    scenario=scenario or None,
                    date_from=dfrom or None,
                    date_to=dto or None,
                    passed=passed,
                )
                every = svc.calls(user)
            except PermissionDenied:
                return (gr.skip(),) * 10
            except UserError as e:
                gr.Warning(t(_why(e), lg))
                return (gr.skip(),) * 10
            cols = ["started", "trainee", "persona", "scenario", "score", "passed", "violations", "id"]
            ids = [
                (
                    f"{r['started'][:16].replace('T', ' ')} · {r['trainee']} · {r['persona']} · {r['score']:g} · {r['id']}",
                    r["id"],
                )
                for r in rows
            ]
            line = pd.DataFrame(
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
            bar = pd.DataFrame(
                {"category": [t("cat." + c, lg) for c in counts], "count": list(counts.values())}
            )

            def opts(key):
                vals = sorted({r[key] for r in every if r.get(key)})
                return gr.update(choices=[(t("scores.any", lg), "")] + [(v, v) for v in vals])

            return (
                _table(rows, cols, lg),
                gr.update(choices=ids, value=[]),
                gr.update(choices=ids),
                line,
                bar,
                opts("trainee"),
                opts("persona"),
                opts("scenario"),
                gr.update(choices=[(n, s) for s, n in scenarios("zh-CN") + scenarios("en-US")]),
                [r["id"] for r in rows],
            )

        c_in = [token, lang, c_trainee, c_persona, c_scenario, c_from, c_to, c_pass]
        c_out = [
            c_table,
            c_select,
            c_open_pick,
            c_line,
            c_bar,
            c_trainee,
            c_persona,
            c_scenario,
            c_up_scen,
            c_ids,
        ]
        c_apply.click(calls, c_in, c_out)
        for ev in (tab_c.select, token.change, lang.change):
            ev(calls, c_in, c_out)
        loaded.then(calls, c_in, c_out)

        c_all.click(lambda ids: gr.update(value=list(ids or [])), c_ids, c_select)
        c_none.click(lambda: gr.update(value=[]), None, c_select)

        def do_export(tok, lg, ids, fmt):
            user = svc.user(tok)
            try:
                path = svc.export(user, list(ids or []), fmt)
            except PermissionDenied as e:
                gr.Warning(t("denied", lg) + f" ({e})")
                return None
            except UserError as e:
                gr.Warning(t(_why(e), lg))
                return None
            except Exception as e:  # noqa: BLE001
                log.exception("export failed")
                gr.Warning(f"{t('error.export', lg)}: {e}")
                return None
            return str(path)

        c_export.click(do_export, [token, lang, c_select, c_format], c_file, api_name="export")

        def open_card(tok, lg, sid):
            return open_record(tok, lg, sid or "")

        c_open.click(open_card, [token, lang, c_open_pick], c_card)
        c_open_pick.change(open_card, [token, lang, c_open_pick], c_card)

        def pick_call(tok, lg, evt: gr.SelectData):
            row = evt.row_value if evt is not None else None
            return row[-1] if row else gr.skip()

        c_table.select(pick_call, [token, lang], c_open_pick)

        def grade_uploaded(tok, lg, files, scenario):
            user = svc.user(tok)
            paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
            try:
                results = svc.grade_uploads(user, paths, scenario or None)
            except PermissionDenied as e:
                return gr.skip(), denied_html(lg, _why(e))
            rows = []
            for r in results:
                card = r.get("scorecard") or {}
                rows.append(
                    {
                        "file": r["name"],
                        "id": card.get("transcript_id", ""),
                        "score": card.get("score"),
                        "passed": card.get("passed"),
                        "violations": len(card.get("violations") or []) if card else None,
                        "error": r.get("error", ""),
                    }
                )
            first = next((r for r in results if r.get("scorecard")), None)
            card_html = scorecard_html(first["scorecard"], first["transcript"], lg) if first else ""
            return _table(rows, ["file", "id", "score", "passed", "violations", "error"], lg), card_html

        c_grade.click(
            grade_uploaded,
            [token, lang, c_files, c_up_scen],
            [c_up_table, c_up_card],
            concurrency_id="engine",
        )

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
