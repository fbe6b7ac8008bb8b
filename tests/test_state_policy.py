"""The persona state model and policy, driven by hand-built analyses (no analyzer needed)."""

from __future__ import annotations

import random
from datetime import date

import pytest
from doubles import FakeAnalysis, Finding, Hit

from simulator.loader import get_persona
from simulator.policy import decide, promise_blockers, promise_terms
from simulator.state import DebtorState, act_deltas, initial_state

TODAY = date(2026, 11, 20)
VIOLATIONS = {
    "insult",
    "threat_violence",
    "threat_legal",
    "harassment",
    "impersonation",
    "third_party_disclosure",
}


def line(*acts: str, ptp: dict | None = None, debt: bool = False) -> FakeAnalysis:
    return FakeAnalysis(
        acts={a: Hit(a) for a in acts if a not in VIOLATIONS},
        violations=[Finding(a) for a in acts if a in VIOLATIONS],
        mentions_debt=debt,
        ptp=ptp,
    )


GOOD_CALL = [
    line("greeting_identity", "verify_identity"),
    line("face_saving", "verify_identity", "service_phrase"),
    line("state_purpose", "state_amount", debt=True),
    line("ask_reason", "listen"),
    line("empathy"),
    line("explain_consequences"),
    line("face_saving", "empathy"),
    line("negotiate_plan"),
    line("ask_ptp"),
    line("ask_ptp", "negotiate_plan"),
    line("confirm_ptp"),
    line("close"),
]
ABUSIVE_CALL = [
    line("greeting_identity", "verify_identity"),
    line("state_purpose", "firm_pressure", debt=True),
    line("insult"),
    line("threat_legal", "ask_ptp"),
    line("insult", "firm_pressure"),
    line("threat_violence"),
    line("insult"),
    line("ask_ptp", "insult"),
]


def play(persona, lines, scenario="first_contact", seed=0, state=None):
    state = state or initial_state(persona, scenario)
    moves = []
    for i, a in enumerate(lines):
        dec = decide(persona, scenario, state, a, random.Random(f"{seed}:{i}"), TODAY)
        moves.append(dec.move)
        if state.hung_up or state.stage == "ended":
            break
    return moves, state


def test_state_round_trips_through_json(vain):
    st = initial_state(vain)
    st.acts_seen["empathy"] = 2
    st.promise = {"amount": 1.0, "date": "2026-11-23", "channel": "x"}
    again = DebtorState.from_dict({**st.to_dict(), "unknown_future_key": 1})
    assert again == st


def test_hostile_personas_start_angrier_and_less_trusting():
    calm, hard = get_persona("zh-cooperative-teacher"), get_persona("zh-strong-willed-contractor")
    a, b = initial_state(calm), initial_state(hard)
    assert b.anger > a.anger and b.trust < a.trust


def test_empathy_softens_an_emotional_debtor_more_than_a_hard_one():
    soft, hard = get_persona("zh-emotional-mother"), get_persona("zh-strong-willed-contractor")
    d_soft = act_deltas(soft, initial_state(soft), ["empathy"], [])
    d_hard = act_deltas(hard, initial_state(hard), ["empathy"], [])
    assert d_soft[0] < d_hard[0] <= 0  # anger falls more
    assert d_soft[1] > d_hard[1] > 0  # trust rises more


def test_face_saving_works_on_the_vain_and_pressure_hardens_them(vain):
    st = initial_state(vain)
    face = act_deltas(vain, st, ["face_saving"], [])
    push = act_deltas(vain, st, ["firm_pressure"], [])
    assert face[0] < 0 and face[1] > 0
    assert push[0] > 0 and push[2] <= 0  # firm_pressure is in hardened_by: angrier, not more willing


def test_a_repeated_technique_wears_off(vain):
    st = initial_state(vain)
    first = act_deltas(vain, st, ["empathy"], [])
    st.acts_seen["empathy"] = 3
    later = act_deltas(vain, st, ["empathy"], [])
    assert later[1] < first[1]


def test_good_call_reaches_a_promise_within_limits(vain):
    moves, st = play(vain, GOOD_CALL)
    assert "promise" in moves
    assert moves.index("promise") >= 6, "a promise must take a real call, not one line"
    fin = vain.finances
    assert 0 < st.promise["amount"] <= fin.can_pay_total
    assert date.fromisoformat(st.promise["date"]) >= TODAY
    assert st.promise["channel"] == fin.preferred_channel
    assert moves[-1] == "thank" and st.stage == "ended"
    assert st.identity_confirmed and st.reason_disclosed


def test_no_promise_without_promise_requires(vain):
    without_face = [
        FakeAnalysis(acts={k: v for k, v in a.acts.items() if k != "face_saving"}, ptp=a.ptp)
        for a in GOOD_CALL
    ]
    moves, st = play(vain, without_face + [line("ask_ptp")] * 3)
    assert "promise" not in moves and st.promise is None
    assert any("face_saving" in b for b in promise_blockers(vain, st))


def test_one_line_repeated_does_not_buy_a_promise(vain):
    everything = line(
        "greeting_identity", "verify_identity", "face_saving", "empathy", "negotiate_plan", "ask_ptp"
    )
    moves, _ = play(vain, [everything] * 3)
    assert "promise" not in moves


def test_promise_never_exceeds_what_they_can_pay(vain):
    st = initial_state(vain)
    st.willingness, st.trust, st.identity_confirmed = 0.95, 0.9, True
    terms = promise_terms(vain, st, {"amount": 23600, "date": "2026-11-20", "channel": None}, TODAY)
    assert terms["amount"] <= vain.finances.can_pay_total
    assert terms["date"] == "2026-11-23"  # earliest_days = 3: not before
    low = promise_terms(vain, st, {"amount": 500}, TODAY)
    assert low["amount"] == 500


def test_abusive_call_never_promises_and_ends_in_complaint_or_hang_up(vain):
    moves, st = play(vain, ABUSIVE_CALL)
    assert "promise" not in moves and st.promise is None
    assert st.complaint or st.hung_up
    assert st.anger > initial_state(vain).anger


@pytest.mark.parametrize("pid", ["zh-cooperative-teacher", "zh-emotional-mother", "en-cooperative-nurse"])
def test_even_easy_debtors_end_abusive_calls(pid):
    p = get_persona(pid)
    moves, st = play(p, ABUSIVE_CALL)
    assert st.promise is None and (st.complaint or st.hung_up)


def test_prompt_injection_never_moves_toward_a_promise(vain):
    st = initial_state(vain)
    play(vain, GOOD_CALL[:2], state=st)
    before = (st.trust, st.willingness)
    inj = line("prompt_injection", "ask_ptp", "empathy", "negotiate_plan", ptp={"amount": 23600})
    moves, st = play(vain, [inj] * 4, state=st)
    assert st.promise is None and "promise" not in moves
    assert st.trust <= before[0] and st.willingness <= before[1]


def test_same_seed_same_moves(vain):
    a, _ = play(vain, GOOD_CALL, seed=3)
    b, _ = play(vain, GOOD_CALL, seed=3)
    assert a == b


def test_third_party_learns_nothing_it_was_not_told(spouse):
    st = initial_state(spouse, "third_party")
    assert st.party == "third_party" and not st.knows_debt
    calls = [line("greeting_identity", "verify_relationship"), line("request_callback"), line("close")]
    moves, st = play(spouse, calls, "third_party")
    assert not st.knows_debt and "take_message" in moves and moves[-1] == "thank"


def test_third_party_disclosure_is_noticed(spouse):
    st = initial_state(spouse, "third_party")
    calls = [line("greeting_identity"), line("state_amount", "third_party_disclosure", debt=True)]
    moves, st = play(spouse, calls, "third_party", state=st)
    assert st.knows_debt and st.disclosed_to
    assert st.anger > initial_state(spouse, "third_party").anger


def test_third_party_pressed_to_pay_refuses_or_complains(spouse):
    moves, st = play(spouse, [line("greeting_identity"), line("ask_ptp", "firm_pressure")], "third_party")
    assert moves[-1] in ("refuse_info", "complain")


def test_wrong_number_says_so_then_ends():
    p = get_persona("zh-wrong-number")
    moves, st = play(p, [line("greeting_identity", "verify_identity"), line("close")], "wrong_number")
    assert moves == ["wrong_number", "thank"]


def test_evasive_debtor_denies_once_then_confirms():
    p = get_persona("zh-evasive-driver")
    moves, st = play(
        p, [line("greeting_identity", "verify_identity"), line("verify_identity", "service_phrase")]
    )
    assert moves == ["deny_identity", "confirm_identity"] and st.identity_confirmed


def test_caller_who_does_not_identify_is_asked_who_they_are(vain):
    moves, st = play(vain, [line("verify_identity")])
    assert moves == ["ask_who"] and not st.identity_confirmed


def test_debtor_who_cannot_pay_never_promises():
    p = get_persona("zh-deceased-debtor")
    moves, st = play(p, GOOD_CALL)
    assert st.promise is None
    assert "cannot pay anything" in promise_blockers(p, st)


def test_broken_promise_starts_colder_and_keeps_the_prior(vain):
    prior = {"amount": 3000, "date": "2026-11-01", "channel": "手机银行转账"}
    st = initial_state(vain, "broken_promise", prior)
    assert st.prior_promise == prior and st.trust < initial_state(vain).trust
