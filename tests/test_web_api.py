"""The web app's service layer and HTML views, without a browser: roles and record ownership
are enforced here, on the server, whatever the page shows."""

from __future__ import annotations

import gc
import json
import re
from pathlib import Path

import pytest

from grading.acts import ARCHETYPES, THIRD_PARTY_RELATIONS, Category
from simulator import i18n, webview
from simulator.auth import LOCAL_USER, ROLES, PermissionDenied, User
from simulator.studio import FORM_FIELDS, clone_text, read_text
from simulator.webapi import EXPORT_FORMATS, Service, Turn, UserError, filter_rows, personas_for, scenarios

ALICE, BOB = User("alice", "trainee"), User("bob", "trainee")
TINA, EVA = User("tina", "trainer"), User("eva", "evaluator")
LINES = [
    "您好，我是华信银行信用卡中心的客服专员，我姓王，工号1234，请问是陈志远先生吗？",
    "陈先生您好，为了保护您的信息安全，麻烦您报一下身份证后四位核实一下。",
    "您的信用卡目前逾期38天，欠款23600元，今天打电话是想跟您商量还款。",
    "你再不还钱，我们就报警抓你去坐牢！",
]


@pytest.fixture(autouse=True)
def _lexical(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")
    monkeypatch.setenv("COLLECTSIM_TODAY", "2026-11-20")


@pytest.fixture
def svc():
    s = Service("login")
    for u in (ALICE, BOB, TINA, EVA):
        s.users.add(u.username, u.role, u.username + "-pw")
    return s


def _call(svc: Service, user: User, lines=LINES, seed: int = 1) -> tuple[str, list[Turn]]:
    got = svc.start_call(user, "zh-vain-owner", "first_contact", seed=seed)
    turns: list[Turn] = []
    for line in lines:
        pieces = list(svc.say_stream(user, got["session_id"], line, turns.append))
        assert "".join(pieces) == turns[-1].text
        if turns[-1].ended:
            break
    return got["session_id"], turns


# ---------------------------------------------------------------- identity


def test_login_issues_a_token_the_server_trusts(svc):
    user, token = svc.login("alice", "alice-pw")
    assert user == ALICE and svc.user(token) == ALICE
    assert svc.login("alice", "nope") is None
    assert svc.user("") is None and svc.user("forged.token") is None


def test_single_user_mode_is_the_local_account():
    s = Service("single")
    assert s.user(None) == LOCAL_USER and s.user("anything") == LOCAL_USER


# ---------------------------------------------------------------- practice


def test_catalogue_lists_scenarios_and_personas():
    ids = [s for s, _ in scenarios("zh-CN")]
    assert "first_contact" in ids and "broken_promise" in ids
    ps = personas_for("zh-CN", "first_contact")
    assert any(p.id == "zh-vain-owner" for p in ps)
    assert [p.difficulty for p in ps] == sorted(p.difficulty for p in ps)


def test_call_streams_grades_and_is_private(svc):
    sid, turns = _call(svc, ALICE)
    assert turns and all(t.text for t in turns)
    assert "greeting_identity" in turns[0].acts
    with pytest.raises(PermissionDenied):
        list(svc.say_stream(BOB, sid, "你好", lambda t: None))
    with pytest.raises(PermissionDenied):
        svc.end_call(BOB, sid)
    got = svc.end_call(ALICE, sid)
    card = got["scorecard"]
    assert 0 <= card["score"] <= 100 and isinstance(card["passed"], bool)
    assert any(v["category"] in ("threat_legal", "impersonation") for v in card["violations"])
    assert got["transcript"]["turns"][0]["speaker"] == "debtor"
    with pytest.raises(UserError):
        svc.end_call(ALICE, sid)  # already ended
    assert [r["id"] for r in svc.history(ALICE)] == [sid]
    assert svc.history(BOB) == []


def test_a_failed_reply_is_a_message_and_the_call_goes_on(svc):
    got = svc.start_call(ALICE, "zh-vain-owner", "first_contact", seed=5)
    live = svc._live[got["session_id"]]

    def broken(text):
        raise RuntimeError("analyzer exploded")
        yield  # pragma: no cover

    live.engine.respond_stream = broken
    with pytest.raises(UserError, match="err.reply_failed"):
        list(svc.say_stream(ALICE, got["session_id"], LINES[0], lambda t: None))
    turns: list[Turn] = []
    text = "".join(svc.say_stream(ALICE, got["session_id"], LINES[1], turns.append))
    assert text and turns[0].text == text  # rebuilt from the store, the call continues


def test_roles_gate_practice(svc):
    with pytest.raises(PermissionDenied):
        svc.start_call(EVA, "zh-vain-owner", "first_contact")
    with pytest.raises(PermissionDenied):
        svc.start_call(None, "zh-vain-owner", "first_contact")
    got = svc.start_call(TINA, "zh-vain-owner", "first_contact", seed=2)
    assert got["opening"]
    with pytest.raises(UserError):
        svc.start_call(ALICE, "zh-no-such-persona", "first_contact")


def test_records_owner_or_evaluator_only(svc):
    sid, _ = _call(svc, ALICE)
    svc.end_call(ALICE, sid)
    assert svc.record(ALICE, sid)["scorecard"]["transcript_id"] == sid
    assert svc.record(EVA, sid)["owner"] == "alice"
    with pytest.raises(PermissionDenied):
        svc.record(BOB, sid)
    with pytest.raises(PermissionDenied):
        svc.record(TINA, sid)
    with pytest.raises(PermissionDenied):
        svc.record(None, sid)
    with pytest.raises(UserError):
        svc.record(EVA, sid[:3])  # no fishing with short prefixes
    with pytest.raises(UserError):
        svc.record(EVA, "no-such-session")


def test_coach_flags_a_draft_before_it_is_sent(svc):
    got = svc.start_call(ALICE, "zh-vain-owner", "first_contact", seed=4)
    hint = svc.coach(ALICE, got["session_id"], "", [])
    assert hint["next"]["id"] == "greeting_identity" and hint["next"]["say"]
    hint = svc.coach(ALICE, got["session_id"], LINES[3], [])
    assert hint["violations"]
    v = hint["violations"][0]
    assert v["quote"] in LINES[3] and v["suggestion"] and v["rule"]
    assert svc.coach(ALICE, got["session_id"], LINES[0], [])["violations"] == []
    with pytest.raises(PermissionDenied):
        svc.coach(BOB, got["session_id"], "x", [])


def test_follow_up_uses_the_earlier_promise(svc):
    sid, _ = _call(svc, ALICE)
    svc.end_call(ALICE, sid)
    assert sid in [s for _, s in svc.followups(ALICE, "zh-vain-owner")]
    with pytest.raises(PermissionDenied):
        svc.start_call(BOB, "zh-vain-owner", "broken_promise", prior_session_id=sid)
    got = svc.start_call(ALICE, "zh-vain-owner", "broken_promise", prior_session_id=sid, seed=9)
    assert got["opening"]


# ---------------------------------------------------------------- scorecards


def test_calls_table_and_exports_for_evaluators(svc):
    a, _ = _call(svc, ALICE, seed=1)
    svc.end_call(ALICE, a)
    b, _ = _call(svc, BOB, LINES[:2], seed=2)
    svc.end_call(BOB, b)
    with pytest.raises(PermissionDenied):
        svc.calls(ALICE)
    rows = svc.calls(EVA)
    assert {r["id"] for r in rows} == {a, b}
    assert [r["id"] for r in svc.calls(EVA, trainee="bob")] == [b]
    for fmt in EXPORT_FORMATS:
        with pytest.raises(PermissionDenied):
            svc.export(ALICE, [a], fmt)
        path = svc.export(EVA, [a, b], fmt)
        data = path.read_bytes()
        if fmt == "pdf":
            assert data.startswith(b"%PDF")
        elif fmt == "json":
            cards = json.loads(data)
            cards = cards if isinstance(cards, list) else [cards]
            assert {c["transcript_id"] for c in cards} == {a, b}
        else:
            assert a.encode() in data
    with pytest.raises(UserError):
        svc.export(EVA, [], "json")


def test_export_folder_is_made_on_demand_and_removed_with_the_service():
    svc = Service("login")
    for u in (ALICE, EVA):
        svc.users.add(u.username, u.role, u.username + "-pw")
    assert svc._export_dir is None  # no folder until something is exported
    a, _ = _call(svc, ALICE, seed=1)
    svc.end_call(ALICE, a)
    path = svc.export(EVA, [a], "json")
    folder = path.parent
    assert folder == svc.export_dir and path.exists()
    del svc
    gc.collect()
    assert not folder.exists()


def test_filter_rows_by_date_and_result():
    rows = [
        {"id": "1", "started": "2026-11-01T10:00:00+00:00", "trainee": "a", "passed": True, "score": 90},
        {"id": "2", "started": "2026-11-15T10:00:00+00:00", "trainee": "b", "passed": False, "score": 40},
    ]
    assert [r["id"] for r in filter_rows(rows, date_from="2026-11-10")] == ["2"]
    assert [r["id"] for r in filter_rows(rows, date_to="2026-11-01")] == ["1"]
    assert [r["id"] for r in filter_rows(rows, passed=False)] == ["2"]
    assert [r["id"] for r in filter_rows(rows, trainee="a", passed=True)] == ["1"]
    with pytest.raises(UserError):
        filter_rows(rows, date_from="yesterday")


def test_grade_uploaded_transcripts(svc, tmp_path):
    good = tmp_path / "call.json"
    good.write_text(
        json.dumps(
            {
                "id": "real-1",
                "locale": "zh-CN",
                "scenario": "first_contact",
                "turns": [
                    {"speaker": "debtor", "text": "喂？"},
                    {"speaker": "collector", "text": LINES[0]},
                    {"speaker": "debtor", "text": "是我。"},
                    {"speaker": "collector", "text": LINES[3]},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PermissionDenied):
        svc.grade_uploads(ALICE, [str(good)])
    out = svc.grade_uploads(EVA, [str(good), str(bad)])
    assert out[0]["scorecard"]["transcript_id"] == "real-1" and out[0]["scorecard"]["violations"]
    assert out[1]["name"] == "broken.json" and out[1]["error"]
    assert str(tmp_path) not in out[1]["error"]


# ---------------------------------------------------------------- persona studio


def test_studio_is_for_trainers(svc):
    text = clone_text(read_text("zh-vain-owner"), "zh-vain-web")
    for user in (ALICE, EVA, None):
        with pytest.raises(PermissionDenied):
            svc.studio_save(user, text)
        with pytest.raises(PermissionDenied):
            svc.studio_list(user)
    path, problems = svc.studio_save(TINA, text)
    assert problems == [] and path.exists()
    assert any(p.id == "zh-vain-web" for p in personas_for("zh-CN", "first_contact"))


def test_preview_engine_needs_a_valid_persona(svc):
    with pytest.raises(UserError, match="difficulty"):
        svc.preview_engine(
            TINA, read_text("zh-vain-owner").replace("difficulty: 3", "difficulty: 0"), "first_contact"
        )
    eng = svc.preview_engine(TINA, clone_text(read_text("zh-vain-owner"), "zh-vain-prev"), "first_contact")
    assert eng.opening().text
    with pytest.raises(PermissionDenied):
        svc.preview_engine(ALICE, read_text("zh-vain-owner"), "first_contact")


# ---------------------------------------------------------------- views and UI text


def test_scorecard_view_highlights_and_escapes():
    card = {
        "transcript_id": "x1",
        "score": 42.0,
        "passed": False,
        "pass_mark": 70,
        "scenario": "first_contact",
        "violations": [
            {
                "turn": 1,
                "category": "insult",
                "severity": "major",
                "quote": "<b>蠢</b>",
                "rule": "公约 §16",
                "suggestion": "请文明沟通",
            }
        ],
        "steps": [{"id": "greeting_identity", "title": "问候", "done": True, "turn": 1, "quote": "您好"}],
    }
    transcript = {
        "turns": [{"speaker": "debtor", "text": "喂"}, {"speaker": "collector", "text": "您好 <b>蠢</b> 人"}]
    }
    out = webview.scorecard_html(card, transcript, "zh-CN")
    assert "<b>蠢</b>" not in out
    assert "<mark class='sev-major' title='insult'>&lt;b&gt;蠢&lt;/b&gt;</mark>" in out
    assert "未通过" in out and "data-done='true'" in out
    assert "FAILED" in webview.scorecard_html(card, transcript, "en-US")


def test_ui_text_complete_in_both_languages():
    assert i18n.missing() == []
    keys = set(i18n.strings())
    used = set()
    for f in ("app.py", "simulator/webview.py", "simulator/webapi.py", "simulator/auth.py"):
        src = (Path(__file__).resolve().parent.parent / f).read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+|yes|no|denied)["']\s*[,)]""", src))
        used |= set(re.findall(r"""(?:label|value|placeholder|info)=["']([a-z_]+\.[a-z_.]+)["']""", src))
        used |= set(re.findall(r"""["'](err\.[a-z_]+)["']""", src))
    dynamic = (
        [f"cat.{c.value}" for c in Category]
        + [f"arch.{a}" for a in ARCHETYPES]
        + [f"rel.{r}" for r in THIRD_PARTY_RELATIONS]
        + [f"role.{r}" for r in ROLES]
        + [f"format.{f}" for f in EXPORT_FORMATS]
        + [f"field.{f}" for f in FORM_FIELDS if f != "style.description" and "." not in f]
        + [f"field.{f}" for f in FORM_FIELDS if f.startswith("traits.")]
        + [f"sev.{s}" for s in ("critical", "major", "minor")]
        + ["studio.source_built_in", "studio.source_trainer"]
    )
    assert not (used | set(dynamic)) - keys
    assert i18n.t("tab.practice", "zh-CN") != i18n.t("tab.practice", "en-US")
    assert i18n.t("card.turn", "en", n=2) == "turn 2"


def test_serve_loads_and_builds_the_app(svc):
    """`collectsim serve` imports app.py by path; the page builds in both modes."""
    from simulator.serve_cli import load_app_module

    app = load_app_module()
    for mode in ("login", "single"):
        demo = app.build_app(mode, Service(mode))
        config = demo.get_config_file()
        ids = {c["props"].get("elem_id") for c in config["components"]}
        assert {"tab-practice", "tab-studio", "tab-scorecards", "cs-login-btn", "p-chat"} <= ids
        # gr.Tabs must hold only tabs (anything else breaks switching between them)
        _only_tabs_in_tabs(config["layout"], {c["id"]: c for c in config["components"]})


def _only_tabs_in_tabs(node: dict, comps: dict) -> None:
    kids = node.get("children", [])
    if comps.get(node.get("id"), {}).get("type") == "tabs":
        assert all(comps[k["id"]]["type"] == "tabitem" for k in kids)
    for k in kids:
        _only_tabs_in_tabs(k, comps)
