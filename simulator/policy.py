"""The persona policy: given what the collector just did, update the state and pick the next move.

The policy decides *what* happens (confirm identity, give the real reason, bargain, promise,
complain, hang up) and the facts of it (amount, date, channel); a backend only words it.
Decisions are deterministic given the state; the seeded rng only breaks ties between
equally plausible moves, so a seed and a list of collector lines fix the whole call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from grading.acts import THIRD_PARTY_MOVES
from simulator.state import ABUSIVE, DebtorState, apply_line

PUSH_ACTS = frozenset({"ask_ptp", "negotiate_plan", "confirm_ptp"})
# When a move has been used twice running, what a person would say instead.
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "excuse": ("stall", "downplay", "vent"),
    "stall": ("excuse", "question"),
    "vent": ("refuse", "stall"),
    "question": ("excuse", "stall"),
    "downplay": ("excuse", "stall"),
    "plead": ("excuse", "disclose_reason"),
    "refuse": ("vent", "stall"),
    "ask_who": ("greet", "stall"),
    "ask_what_about": ("refuse_info",),
    "refuse_info": ("ask_what_about", "hang_up"),
}


@dataclass
class Decision:
    """The chosen move, the facts it may state, and a short why (shown to trainers)."""

    move: str
    slots: dict[str, str] = field(default_factory=dict)
    why: str = ""


# ---------------------------------------------------------------- reading an Analysis


def line_acts(analysis) -> list[str]:
    """Non-violation act ids the analyzer found in the collector line."""
    acts = getattr(analysis, "acts", {}) or {}
    return [a for a in acts if a not in ABUSIVE and a != "misrepresentation"]


def line_violations(analysis) -> list[str]:
    """Violation categories of the line (from findings, or acts that are categories)."""
    cats = [str(getattr(f, "category", f)) for f in getattr(analysis, "violations", []) or []]
    acts = getattr(analysis, "acts", {}) or {}
    cats += [a for a in acts if a in ABUSIVE or a == "misrepresentation"]
    return sorted(set(cats))


# ---------------------------------------------------------------- money, dates, promises


def money(amount: float | None, persona) -> str:
    """6000 -> '6000元' (zh) or '$6,000' (en); whole numbers without decimals."""
    if amount is None:
        return ""
    text = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    currency = persona.account.currency if getattr(persona, "account", None) else "CNY"
    if persona.locale == "zh-CN":
        return text.replace(",", "") + ("元" if currency == "CNY" else "美元")
    return ("$" if currency == "USD" else "CNY ") + text


def say_date(iso: str | None, persona, today: date) -> str:
    """A date as a person says it: '今天' / '11月26日' / 'today' / 'November 26'."""
    if not iso:
        return ""
    try:
        d = date.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    zh = persona.locale == "zh-CN"
    if d == today:
        return "今天" if zh else "today"
    if d == today + timedelta(days=1):
        return "明天" if zh else "tomorrow"
    return f"{d.month}月{d.day}日" if zh else f"{d:%B} {d.day}"


def account_slots(debtor) -> dict[str, str]:
    """Account facts as a collector's screen shows them (and a debtor may say them)."""
    a = debtor.account
    return {
        "creditor": a.creditor,
        "product": a.product,
        "amount_due": money(a.amount_due, debtor),
        "days_past_due": str(a.days_past_due),
        "card_last4": a.card_last4 or "",
        "id_last4": a.id_last4 or "",
    }


def promise_terms(persona, state: DebtorState, ptp: dict | None, today: date) -> dict | None:
    """Amount/date/channel the debtor will commit to: never above can_pay_total, never before earliest_days."""
    fin = persona.finances
    if fin is None or fin.can_pay_total <= 0:
        return None
    ptp = ptp or {}
    base = (state.offer or {}).get("amount") or (fin.can_pay_now or fin.can_pay_total)
    try:
        asked = float(ptp["amount"]) if ptp.get("amount") is not None else None
    except (TypeError, ValueError):
        asked = None
    if asked is None or asked <= 0:
        amount = base
    elif asked <= base:
        amount = asked  # less than they offered: gladly
    elif state.willingness >= 0.7 and state.trust >= 0.5:
        amount = asked  # willing and trusting debtors stretch toward what they can really pay
    else:
        amount = base
    amount = min(amount, fin.can_pay_total)
    earliest = today + timedelta(days=fin.earliest_days)
    when = earliest
    try:
        proposed = date.fromisoformat(str(ptp.get("date"))) if ptp.get("date") else None
    except ValueError:
        proposed = None
    if proposed and earliest <= proposed <= earliest + timedelta(days=30):
        when = proposed
    channel = ptp.get("channel") or fin.preferred_channel
    return {"amount": round(float(amount), 2), "date": when.isoformat(), "channel": str(channel)}


def promise_blockers(persona, state: DebtorState) -> list[str]:
    """Why this debtor will not promise yet; empty when a promise is possible."""
    d = persona.difficulty
    out = []
    if persona.finances is None or persona.finances.can_pay_total <= 0:
        out.append("cannot pay anything")
    if not state.identity_confirmed:
        out.append("identity not confirmed")
    missing = [a for a in persona.promise_requires if not state.seen(a)]
    if missing:
        out.append("still needs: " + ", ".join(missing))
    if not state.reason_disclosed and d >= 2:
        out.append("has not been heard out (no real reason given yet)")
    if state.willingness < 0.55 + 0.03 * (d - 1):
        out.append(f"willingness {state.willingness:.2f} too low")
    if state.trust < 0.4 + 0.03 * (d - 1):
        out.append(f"trust {state.trust:.2f} too low")
    if state.anger > 0.5:
        out.append(f"too angry ({state.anger:.2f})")
    if state.complaint:
        out.append("has complained")
    return out


# ---------------------------------------------------------------- the policy


def decide(persona, scenario: str, state: DebtorState, analysis, rng: random.Random, today: date) -> Decision:
    """Apply one collector line to `state` and choose the reply move (state is updated in place)."""
    acts, violations = line_acts(analysis), line_violations(analysis)
    is_third = persona.role.kind == "third_party"
    if is_third and (getattr(analysis, "mentions_debt", False) or "third_party_disclosure" in violations):
        state.knows_debt = True
        state.disclosed_to = True
    apply_line(persona, state, acts, violations)
    dec = (_third_party if is_third else _debtor)(
        persona, scenario, state, set(acts), violations, analysis, today
    )
    if is_third and dec.move not in THIRD_PARTY_MOVES:
        # The shared endings speak in debtor moves; a third party answers abuse with a complaint.
        dec.move = "complain" if dec.move == "vent" else "ask_what_about"
    dec.move = _vary(persona, state, dec.move, rng)
    _after(state, dec)
    return dec


def _ending(state: DebtorState, violations: list[str], acts: set[str]) -> Decision | None:
    """Abuse, exhaustion or nonsense: the moves that override the conversation."""
    abusive = [v for v in violations if v in ABUSIVE]
    if state.anger >= 0.9 or (state.complaint and abusive):
        return Decision("hang_up", why="too angry to go on" if not abusive else "abused after complaining")
    if abusive and state.anger >= 0.6:
        if not state.complaint:
            return Decision("complain", why=f"abusive line ({', '.join(abusive)})")
        return Decision("hang_up", why="abusive line")
    if state.patience <= 0.0:
        return Decision("hang_up", why="out of patience")
    if "prompt_injection" in acts:
        return Decision(
            "vent" if state.anger >= 0.4 else "ask_who", why="odd instruction treated as nonsense"
        )
    if abusive:
        return Decision("vent", why=f"abusive line ({', '.join(abusive)})")
    return None


def _debtor(persona, scenario, state, acts, violations, analysis, today) -> Decision:
    early = _ending(state, violations, acts)
    if early:
        return early
    t = persona.traits
    arche = persona.archetype
    if not state.identity_confirmed:
        if not state.seen("greeting_identity"):
            return Decision("ask_who", why="the caller has not said who they are")
        if "verify_identity" not in acts:
            return Decision(
                "greet" if "greet" not in state.moves[1:] else "ask_who", why="waiting to hear why"
            )
        if (
            t.evasiveness >= 0.65
            and state.denials == 0
            and state.trust < 0.45
            and persona.sample_lines.get("deny_identity")
        ):
            state.denials += 1
            return Decision("deny_identity", why="evasive: denies on the first try")
        state.identity_confirmed = True
        return Decision("confirm_identity", why="caller identified and asked politely")
    blockers = promise_blockers(persona, state)
    ptp = getattr(analysis, "ptp", None)
    if state.promise:
        if "close" in acts:
            return Decision("thank", why="call closed after a promise")
        state.promise_confirmed = state.promise_confirmed or bool(acts & PUSH_ACTS or ptp)
        return Decision("confirm_promise", why="repeats the promise")
    if "close" in acts:
        return Decision("thank" if state.anger < 0.4 else "hang_up", why="caller closed without a promise")
    if acts & PUSH_ACTS or ptp:
        if blockers:
            terms = promise_terms(persona, state, ptp, today)
            bargainable = state.willingness >= 0.42 and state.anger < 0.5
            if persona.difficulty >= 2 and state.offer is None and terms and bargainable:
                state.offer = terms
                return Decision("bargain", why="asked to pay; offers what they can: " + "; ".join(blockers))
            move = "vent" if state.anger >= 0.5 else ("refuse" if state.willingness < 0.35 else "stall")
            return Decision(move, why="not ready: " + "; ".join(blockers))
        if state.offer is None and persona.difficulty >= 2:
            state.offer = promise_terms(persona, state, ptp, today)
            return Decision("bargain", why="ready, but first tests how little will do")
        state.promise = promise_terms(persona, state, ptp, today)
        return Decision("promise", why="conditions met")
    if acts & {"ask_reason", "listen", "empathy"} and not state.reason_disclosed:
        if state.trust >= 0.3 + 0.15 * t.evasiveness - 0.1 * t.honesty:
            state.reason_disclosed = True
            return Decision("disclose_reason", why="trusts the caller enough to tell the real reason")
        return Decision("plead" if arche in ("pitiful", "emotional") else "excuse", why="not yet trusting")
    if acts & {"reference_prior_promise"}:
        return Decision("excuse", why="explains the broken promise")
    if acts & {"state_purpose", "state_amount"}:
        if arche in ("vain", "strong_willed", "stubborn", "scheming"):
            return Decision("downplay", why="reacts to the debt by playing it down")
        if arche in ("pitiful", "overwhelmed", "emotional"):
            return Decision("plead", why="reacts to the debt by pleading")
        return Decision("excuse" if "excuse" not in state.moves else "question", why="reacts to the debt")
    if acts & {"explain_consequences", "firm_pressure"}:
        if state.anger >= 0.5:
            return Decision("vent", why="pressure makes them angrier")
        if state.willingness >= 0.45:
            return Decision("question", why="takes the consequences seriously")
        return Decision("downplay" if t.hostility >= 0.5 else "question", why="not yet convinced")
    if acts & {"empathy", "face_saving", "listen", "service_phrase", "civil_request"}:
        if arche in ("pitiful", "emotional", "overwhelmed"):
            return Decision("plead", why="opens up to sympathy")
        return Decision("question" if state.willingness >= 0.4 else "excuse", why="softening")
    if state.anger >= 0.5:
        return Decision("vent", why="irritated")
    return Decision("stall" if state.trust < 0.35 else "excuse", why="nothing new to react to")


def _third_party(persona, scenario, state, acts, violations, analysis, today) -> Decision:
    if persona.role.relation == "wrong_number":
        if "wrong_number" in state.moves:
            if violations or state.anger >= 0.5:
                return Decision("hang_up", why="already said it is a wrong number")
            return Decision(
                "hang_up" if "close" not in acts else "thank", why="wrong number, ending the call"
            )
        if not violations:
            return Decision("wrong_number", why="no such person here")
    early = _ending(state, violations, acts)
    if early:
        return early
    if state.disclosed_to and "ask_what_about" not in state.moves[-1:]:
        return Decision("ask_what_about", why="alarmed by what the caller revealed")
    if "close" in acts:
        return Decision("thank" if state.anger < 0.4 else "hang_up", why="caller closed")
    if not state.seen("greeting_identity"):
        return Decision("ask_who", why="the caller has not said who they are")
    if "request_callback" in acts:
        if state.trust >= 0.3:
            state.stage = "message"
            if (
                "take_message" in state.moves
                and persona.sample_lines.get("give_contact")
                and state.trust >= 0.45
            ):
                return Decision("give_contact", why="trusts the caller: gives the best time to reach them")
            return Decision("take_message", why="will pass on the callback request")
        return Decision("refuse_info", why="does not trust the caller yet")
    if acts & {"ask_ptp", "firm_pressure", "negotiate_plan", "explain_consequences"}:
        return Decision(
            "complain" if state.anger >= 0.5 else "refuse_info", why="pressed about someone else's business"
        )
    if state.stage == "message":
        return Decision("thank", why="message taken")
    if state.moves.count("ask_what_about") >= 2:
        return Decision("refuse_info", why="still not told what it is about")
    return Decision("ask_what_about", why="wants to know what this is about")


def _vary(persona, state: DebtorState, move: str, rng: random.Random) -> str:
    """Break a run of the same move (a person rephrases, they do not loop) when an alternative exists."""
    if state.moves[-2:] != [move, move]:
        return move
    options = [
        m for m in ALTERNATIVES.get(move, ()) if persona.sample_lines.get(m) and m not in state.moves[-2:]
    ]
    return rng.choice(options) if options else move


def _after(state: DebtorState, dec: Decision) -> None:
    """Bookkeeping that follows from the move itself."""
    move = dec.move
    state.moves.append(move)
    if move == "hang_up":
        state.hung_up = True
    if move == "complain":
        state.complaint = True
    if move == "disclose_reason":
        state.reason_disclosed = True
    if move == "confirm_identity":
        state.identity_confirmed = True
    if state.hung_up or move == "thank":
        state.stage = "ended"
    elif state.party == "third_party":
        if state.stage == "opening" and move in (
            "take_message",
            "ask_what_about",
            "refuse_info",
            "give_contact",
        ):
            state.stage = "identified"
    elif state.promise:
        state.stage = "closing" if state.promise_confirmed else "promised"
    elif state.offer:
        state.stage = "negotiating"
    elif state.reason_disclosed:
        state.stage = "reason"
    elif state.identity_confirmed and (state.seen("state_purpose") or state.seen("state_amount")):
        state.stage = "purpose"
    elif state.identity_confirmed:
        state.stage = "identified"
    state.set_mood()
