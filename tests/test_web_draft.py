"""The practice tab's draft handler: typing prefills the model for the trainee's own call only."""

from __future__ import annotations

import contextlib

import pytest
from test_draft_prefill import RecordingModel

from simulator.auth import AuthError, PermissionDenied, User
from simulator.backends.scripted import ScriptedBackend
from simulator.webapi import Service

ALICE, BOB, EVA = User("alice", "trainee"), User("bob", "trainee"), User("eva", "evaluator")
LINE = "您好，我是华信银行信用卡中心的客服专员，我姓王，工号1234，请问是陈志远先生吗？"


@pytest.fixture(autouse=True)
def _lexical(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")
    monkeypatch.setenv("COLLECTSIM_TODAY", "2026-11-20")


def service(backend) -> Service:
    s = Service("login")
    for u in (ALICE, BOB, EVA):
        with contextlib.suppress(AuthError):  # a second service on the same database
            s.users.add(u.username, u.role, u.username + "-pw")
    s._backend = backend  # as if loaded at start-up
    return s


def handler(svc: Service, name: str = "draft_prefill"):
    from simulator.serve_cli import load_app_module

    demo = load_app_module().build_app(svc.mode, svc)
    found = [f for f in demo.fns.values() if f.name == name]
    assert len(found) == 1 and found[0].trigger_mode == "always_last"
    return found[0].fn


def test_typing_prefills_the_model_for_the_own_call_only():
    model = RecordingModel()
    svc = service(model)
    draft = handler(svc)
    alice, bob = (svc.login(u.username, u.username + "-pw")[1] for u in (ALICE, BOB))
    sid = svc.start_call(ALICE, "zh-vain-owner", "first_contact", seed=1)["session_id"]
    st = {"session_id": sid, "done": [], "ended": False}
    draft(alice, st, LINE[:10])
    draft(alice, st, LINE)
    assert [r.history[-1]["text"] for r in model.prefilled] == [LINE[:10], LINE]
    draft(bob, st, "陈先生，你欠的钱什么时候还？")  # another trainee's call: refused, quietly
    draft("", st, LINE)  # signed out
    draft(alice, st, "   ")  # an empty box (after a send)
    draft(alice, {**st, "ended": True}, LINE)
    draft(alice, None, LINE)
    assert len(model.prefilled) == 2
    with pytest.raises(PermissionDenied):
        svc.prefill_draft(BOB, sid, LINE)
    with pytest.raises(PermissionDenied):
        svc.prefill_draft(EVA, sid, LINE)


def test_the_call_is_the_same_with_or_without_typing():
    said = {}
    for typing in (False, True):
        svc = service(RecordingModel())
        sid = svc.start_call(ALICE, "zh-vain-owner", "first_contact", seed=1)["session_id"]
        if typing:
            assert svc.prefill_draft(ALICE, sid, LINE) is True
        turns: list = []
        said[typing] = "".join(svc.say_stream(ALICE, sid, LINE, turns.append)), turns[0].state
    assert said[True] == said[False]


def test_no_prefill_without_a_model_backend():
    svc = service(ScriptedBackend())
    sid = svc.start_call(ALICE, "zh-vain-owner", "first_contact", seed=1)["session_id"]
    assert svc.prefill_draft(ALICE, sid, LINE) is False
    token = svc.login("alice", "alice-pw")[1]
    handler(svc)(token, {"session_id": sid, "done": [], "ended": False}, LINE)  # no error, nothing to do
