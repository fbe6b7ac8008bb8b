"""Soft skills and the call's outcome: how the trainee talked, and what the call achieved.

Handbooks teach a firm position in a calm voice, questions that let the debtor explain,
and a promise to pay that is concrete (amount, date, channel) and repeated back. Each
skill is scored 0-100 from the analyzer's acts plus a few surface counts, so a trainer
can see why a number is what it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from pydantic import BaseModel

from grading.adherence import TurnView

_POLITE = {
    "zh-CN": re.compile(r"您|请|谢谢|感谢|麻烦|不好意思|抱歉|打扰"),
    "en-US": re.compile(
        r"\b(please|thank|thanks|sorry|appreciate|sir|ma'?am|mr\.|ms\.|mrs\.|could you|would you|may i)\b",
        re.IGNORECASE,
    ),
}
_QUESTION = {
    "zh-CN": re.compile(r"[?？]|吗|呢|什么|为什么|怎么|哪|多少|几|是否|能否|能不能|可不可以|有没有|是不是"),
    "en-US": re.compile(
        r"\?|^\s*(what|why|how|when|where|which|who|can|could|would|will|do|does|did|is|are)\b", re.IGNORECASE
    ),
}
# A short reply agreeing to the collector's proposed terms ("行，就这样", "OK, I can do that").
_ASSENT = re.compile(
    r"^\W*(好|好的|行|可以|没问题|就这样|那就这样|嗯|对|是的|成|ok|okay|yes|yeah|sure|fine|deal|alright|all right|"
    r"that works|i can do that|sounds good)",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"不行|不可以|做不到|还不了|没钱|不还|不一定|再说|\bno\b(?! problem)|can'?t|cannot|won'?t|not able|not sure",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff]")

SKILLS: tuple[str, ...] = ("empathy", "politeness", "control", "questions", "talk_balance")


class Outcome(BaseModel):
    """The promise to pay (PTP) the debtor made, and whether the trainee repeated it back."""

    ptp: bool = False
    amount: float | None = None
    date: str | None = None
    channel: str | None = None
    repeated_back: bool = False
    turn: int | None = None
    repeated_turn: int | None = None


class Talk(BaseModel):
    """Who did the talking: characters for Chinese, words for English."""

    unit: str
    collector: int
    other: int
    collector_share: float


def talk_size(text: str, locale: str) -> int:
    if locale == "zh-CN":
        return len(re.sub(r"\s", "", text))
    return len(re.findall(r"[\w']+", text)) + len(_CJK.findall(text))


def talk(views: Sequence[TurnView], locale: str) -> Talk:
    col = sum(talk_size(v.text, locale) for v in views if v.is_collector)
    oth = sum(talk_size(v.text, locale) for v in views if not v.is_collector)
    share = col / (col + oth) if col + oth else 0.0
    return Talk(
        unit="chars" if locale == "zh-CN" else "words",
        collector=col,
        other=oth,
        collector_share=round(share, 3),
    )


def _has(v: TurnView, *acts: str) -> bool:
    return any(v.act(a) is not None for a in acts)


def _count(views: Sequence[TurnView], *acts: str) -> int:
    return sum(1 for v in views if v.is_collector and _has(v, *acts))


def skills(views: Sequence[TurnView], locale: str, scenario_steps: Sequence[str] = ()) -> dict[str, float]:
    """Five soft-skill scores 0-100 over the collector's turns."""
    col = [v for v in views if v.is_collector]
    n = len(col)
    if n == 0:
        return {k: 0.0 for k in SKILLS}
    # empathy: acknowledged feelings at least once, better twice; letting them keep face counts half.
    hits = _count(col, "empathy") + 0.5 * _count(col, "face_saving")
    empathy = 0.0 if hits == 0 else (75.0 if hits < 2 else 100.0)
    # politeness: polite wording in most turns, no insults, no talking over the debtor.
    pol_re = _POLITE.get(locale, _POLITE["en-US"])
    polite_share = sum(1 for v in col if pol_re.search(v.text)) / n
    insults = sum(
        1 for v in col for f in (v.analysis.violations or []) if str(getattr(f, "category", "")) == "insult"
    )
    politeness = 70 + 30 * min(1.0, polite_share / 0.4) - 30 * insults - 15 * _count(col, "interrupt")
    # control: steering the call through its milestones.
    if "request_callback" in scenario_steps or "verify_relationship" in scenario_steps:
        marks = [
            _count(col, "greeting_identity"),
            _count(col, "verify_relationship"),
            _count(col, "request_callback"),
            _count(col, "close"),
        ]
    else:
        marks = [
            _count(col, "state_purpose", "state_amount"),
            _count(col, "negotiate_plan", "ask_ptp"),
            _count(col, "explain_consequences", "firm_pressure", "civil_request"),
            _count(col, "confirm_ptp", "close"),
        ]
    control = 100.0 * sum(1 for m in marks if m) / len(marks)
    tb = talk(views, locale)
    if tb.collector_share < 0.3 and tb.other:
        control -= 20
    # questions: asks questions at all, and open ones that let the debtor explain.
    q_re = _QUESTION.get(locale, _QUESTION["en-US"])
    q_turns = sum(1 for v in col if q_re.search(v.text))
    need = max(1, math.ceil(n * 0.3))
    questions = 50 * min(1.0, q_turns / need) + (50 if _count(col, "ask_reason", "listen") else 0)
    # talk balance: collector share of the talking. A collector explains more than the debtor, so
    # 30-70% is full marks, falling to 0 at a 5% or 95% share (a monologue or a silent trainee).
    s = tb.collector_share
    balance = (
        100.0 if 0.30 <= s <= 0.70 else (100 * (s - 0.05) / 0.25 if s < 0.30 else 100 * (0.95 - s) / 0.25)
    )
    out = {
        "empathy": empathy,
        "politeness": politeness,
        "control": control,
        "questions": questions,
        "talk_balance": balance,
    }
    return {k: round(max(0.0, min(100.0, v)), 1) for k, v in out.items()}


def _ptp_fields(v: TurnView) -> dict:
    p = getattr(v.analysis, "ptp", None) if v.analysis is not None else None
    if not p:
        return {}
    return {k: p.get(k) for k in ("amount", "date", "channel") if p.get(k) not in (None, "")}


def outcome(views: Sequence[TurnView]) -> Outcome:
    """The debtor's promise (their own words, or a short yes to the collector's proposed terms),
    merged across turns with later details winning, and whether the collector repeated it back."""
    promise: dict = {}
    first_turn: int | None = None
    last_proposal: dict = {}
    for v in views:
        if v.is_collector:
            last_proposal = _ptp_fields(v)
            continue
        fields = _ptp_fields(v)
        if not fields and last_proposal and _ASSENT.search(v.text) and not _REFUSAL.search(v.text):
            fields = dict(last_proposal)
        if fields:
            promise.update(fields)
            first_turn = v.index if first_turn is None else first_turn
        last_proposal = {}
    if first_turn is None:
        return Outcome()
    repeated_turn = None
    for v in views:
        if not v.is_collector or v.index <= first_turn:
            continue
        said = _ptp_fields(v)
        same = bool(said) and any(said.get(k) == promise.get(k) for k in ("amount", "date") if promise.get(k))
        if _has(v, "confirm_ptp") or same:
            repeated_turn = v.index
            for k, val in said.items():  # the recap may make a vague promise concrete
                promise.setdefault(k, val)
            break
    amount = promise.get("amount")
    try:
        amount = float(amount) if amount is not None else None
    except (TypeError, ValueError):
        amount = None
    return Outcome(
        ptp=True,
        amount=amount,
        date=str(promise["date"]) if promise.get("date") is not None else None,
        channel=promise.get("channel"),
        repeated_back=repeated_turn is not None,
        turn=first_turn,
        repeated_turn=repeated_turn,
    )


def outcome_score(out: Outcome, views: Sequence[TurnView], scenario_steps: Sequence[str]) -> float | None:
    """0-100 for what the call achieved; None when the scenario has no outcome to judge."""
    if "confirm_ptp" in scenario_steps or "negotiate_plan" in scenario_steps:
        if not out.ptp:
            return 0.0
        score = 40 + 20 * (out.amount is not None) + 20 * (out.date is not None)
        score += 10 * (out.channel is not None) + 10 * out.repeated_back
        return float(score)
    if "request_callback" in scenario_steps:
        return 70.0 * bool(_count(views, "request_callback")) + 30.0 * bool(_count(views, "close"))
    return None
