"""Prefilling the line a trainee is still typing: the call must come out exactly as without it.

The engine works a draft out on copies (analysis, move, facts, direction) and hands the resulting
Realisation to the backend's `prefill`; these tests check that nothing of the call changes and that
the prefilled request is the one the real turn uses when the line is sent as drafted.
"""

from __future__ import annotations

import logging

import pytest
from test_engine import GOOD, TODAY, analyzer

from simulator.backends.scripted import FunctionBackend, ScriptedBackend, sample_line
from simulator.engine import DebtorEngine
from simulator.session import SessionManager


class RecordingModel(FunctionBackend):
    """A stand-in model backend: words moves with the persona's lines and records every request."""

    def __init__(self, fail_prefill: bool = False):
        super().__init__(self._say, name="recording")
        self.streamed: list = []
        self.prefilled: list = []
        self.fail_prefill = fail_prefill

    def _say(self, req):
        self.streamed.append(req)
        return sample_line(req)

    def prefill(self, req):
        if self.fail_prefill:
            raise RuntimeError("model went away")
        self.prefilled.append(req)


def engine(backend, seed=3):
    return DebtorEngine(
        "zh-vain-owner", "first_contact", backend=backend, seed=seed, today=TODAY, analyzer=analyzer
    )


def drafts_of(line: str) -> list[str]:
    """What a trainee's box holds while typing `line`: growing prefixes, a typo, then the line."""
    return [line[:3], line[: len(line) // 2], line[:-2] + "混蛋", "随便说点别的。", line]


def play(eng, lines, typing: bool) -> list[tuple]:
    out = [(eng.opening().text, "greet")]
    for line in lines:
        if typing:
            for d in drafts_of(line):
                eng.prefill_draft(d)
        r = eng.respond(line)
        out.append((r.text, r.move, r.ended, r.why, tuple(r.guard)))
        if r.ended:
            break
    return out


@pytest.mark.parametrize("make", [ScriptedBackend, RecordingModel], ids=["scripted", "model"])
def test_drafts_change_nothing_in_the_call(make):
    plain, typed = engine(make()), engine(make())
    assert play(typed, GOOD, typing=True) == play(plain, GOOD, typing=False)
    assert typed.state == plain.state and typed.history == plain.history
    assert typed.collector_name == plain.collector_name


def test_the_prefilled_request_is_the_one_the_turn_uses():
    b = RecordingModel()
    eng = engine(b)
    eng.opening()
    for line in GOOD[:6]:
        eng.prefill_draft(line[:4])
        eng.prefill_draft(line)
        eng.respond(line)
        assert b.prefilled[-1] == b.streamed[-1]  # same move, facts, history, state and seed
        assert b.prefilled[-2] != b.streamed[-1]  # a half-typed line is a different request
    assert len(b.prefilled) == 12


def test_a_draft_may_pick_another_move_than_the_final_line():
    b = RecordingModel()
    eng = engine(b)
    eng.opening()
    eng.prefill_draft("你这个混蛋，我弄死你")
    assert b.prefilled[-1].move in ("vent", "complain", "hang_up")
    assert eng.respond(GOOD[0]).move == b.streamed[-1].move != b.prefilled[-1].move
    assert not eng.state.complaint and eng.state.violations_seen == {}


def test_scripted_backend_and_ended_calls_prepare_nothing():
    eng = engine(ScriptedBackend())
    assert not eng.prefills and eng.prefill_draft(GOOD[0]) is None
    b = RecordingModel()
    eng = engine(b)
    assert eng.prefills and eng.prefill_draft("   ") is None and b.prefilled == []
    eng.state.hung_up = True
    assert eng.prefill_draft(GOOD[0]) is None and b.prefilled == []


def test_a_failing_prefill_is_logged_never_raised(caplog):
    eng = engine(RecordingModel(fail_prefill=True))
    eng.opening()
    with caplog.at_level(logging.ERROR, logger="simulator.engine"):
        assert eng.prefill_draft(GOOD[0]) is None
    assert "draft prefill failed" in caplog.text
    assert eng.respond(GOOD[0]).text and eng.state.turn == 1


def test_session_passes_drafts_through_and_stores_the_same_call(tmp_path):
    mgr = SessionManager(str(tmp_path / "calls.db"), today=TODAY)
    calls = {}
    for typing in (False, True):
        b = RecordingModel()
        s = mgr.start("zh-vain-owner", trainee="alice", backend=b, seed=5, analyzer=analyzer)
        for line in GOOD[:5]:
            if typing:
                assert s.prefill_draft(line) is True
            s.say(line)
        calls[typing] = [(t["speaker"], t["text"], t.get("move")) for t in s.turns()]
        assert len(b.prefilled) == (5 if typing else 0)
    assert calls[True] == calls[False]
    scripted = mgr.start("zh-vain-owner", trainee="alice", backend=ScriptedBackend(), analyzer=analyzer)
    assert scripted.prefill_draft(GOOD[0]) is False


def test_no_draft_is_worked_out_while_a_reply_is_being_produced(tmp_path):
    mgr = SessionManager(str(tmp_path / "calls.db"), today=TODAY)
    b = RecordingModel()
    s = mgr.start("zh-vain-owner", trainee="alice", backend=b, seed=5, analyzer=analyzer)
    stream = s.say_stream(GOOD[0])
    next(stream)  # the reply has begun
    assert s.prefill_draft(GOOD[1]) is False and b.prefilled == []
    list(stream)
    assert s.prefill_draft(GOOD[1]) is True
