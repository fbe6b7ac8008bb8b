"""Script adherence: which scenario steps the trainee did, where, and in what order.

The analyzer sees one line at a time; this module carries the call's context across
turns (has the debtor been verified yet? is this a third party?) so the same line is
judged differently before and after verification, exactly as the debtor engine does.
Only collector turns are graded; debtor lines are analysed for the promise to pay and
for denials of identity, never charged to the trainee.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from grading.transcript import Transcript
from simulator.models import Scenario, ScriptsCorpus

# Debtor replies that undo a verification attempt ("wrong person", "not me").
_DENIAL = re.compile(
    r"不是我|不是本人|我不是|打错了|打错电话|没有这个人|没这个人|不认识(他|她|这个人)|不是他|不是她|你找错人"
    r"|wrong (number|person)|not me\b|that'?s not me|this is not (him|her|me)|no one (here )?by that name"
    r"|i'?m not (him|her|the person)|you have the wrong|never heard of",
    re.IGNORECASE,
)
# Analyzer rule ids that mean "said too much before verifying".
_PREMATURE_RULE = re.compile(r"premature|before_verif|unverified", re.IGNORECASE)

Analyzer = Callable[[str, Any], Any]


@dataclass
class TurnView:
    """One transcript turn with the analysis and the context it was judged in."""

    index: int
    speaker: str
    text: str
    analysis: Any  # grading.analyze.Analysis (duck-typed: acts, violations, mentions_debt, ptp)
    verified: bool  # was the debtor verified before this turn?
    party: str

    @property
    def is_collector(self) -> bool:
        return self.speaker == "collector"

    def act(self, act_id: str) -> Any | None:
        return (self.analysis.acts or {}).get(act_id) if self.analysis is not None else None


class StepResult(BaseModel):
    """One scenario step; missing steps carry the corpus phrasing to use instead."""

    id: str
    done: bool
    turn: int | None = None
    quote: str | None = None
    similarity: float | None = None
    title: str = ""
    required: bool = True
    why: str | None = None
    suggestion: str | None = None


class OrderIssue(BaseModel):
    """A step done too early, e.g. talking about the debt before verifying who is on the line."""

    turn: int
    kind: str
    quote: str
    message: str
    suggestion: str | None = None


@dataclass
class Adherence:
    steps: list[StepResult]
    order_issues: list[OrderIssue] = field(default_factory=list)

    @property
    def required(self) -> list[StepResult]:
        return [s for s in self.steps if s.required]


def denies_identity(text: str) -> bool:
    return bool(_DENIAL.search(text))


def party_for(transcript: Transcript, scenario: Scenario | None) -> str:
    """third_party when the scenario says so or when nobody but a third party answers."""
    if scenario is not None and scenario.context == "third_party":
        return "third_party"
    others = {t.speaker for t in transcript.turns if t.speaker != "collector"}
    return "third_party" if others == {"third_party"} else "debtor"


def make_context(**kw: Any) -> Any:
    """grading.analyze.Context, imported lazily so the readers and exports work without it."""
    from grading.analyze import Context

    return Context(**kw)


def analyze_turns(
    transcript: Transcript,
    scenario: Scenario | None,
    analyzer: Analyzer | None = None,
    context_factory: Callable[..., Any] | None = None,
) -> list[TurnView]:
    """Analyse every turn in order, tracking verification: the collector asked to verify and
    the debtor's next reply did not deny it."""
    if analyzer is None:
        from grading.analyze import analyze as analyzer

        _warm_embeddings(transcript)
    context_factory = context_factory or make_context
    party = party_for(transcript, scenario)
    facts = call_facts(transcript)
    verified = False
    pending = False
    views: list[TurnView] = []
    for i, turn in enumerate(transcript.turns):
        ctx = context_factory(
            locale=transcript.locale,
            party=party,
            verified=verified,
            scenario=transcript.scenario,
            turn=i,
            debtor_name=facts.get("debtor_name"),
            amount_due=facts.get("amount_due"),
            today=facts.get("today"),
        )
        analysis = analyzer(turn.text, ctx)
        views.append(TurnView(i, turn.speaker, turn.text, analysis, verified, party))
        if turn.speaker == "collector":
            if analysis is not None and "verify_identity" in (analysis.acts or {}):
                pending = True
        elif pending:
            pending = False
            if not denies_identity(turn.text):
                verified = True
        elif denies_identity(turn.text):
            verified = False
    return views


def ever_verified(views: list[TurnView]) -> bool:
    """Did the collector verify the debtor at any point (a verify act answered without a denial)?"""
    for i, v in enumerate(views):
        if v.verified:
            return True
        if v.is_collector and v.act("verify_identity") is not None:
            reply = next((w for w in views[i + 1 :] if not w.is_collector), None)
            if reply is not None and not denies_identity(reply.text):
                return True
    return False


def call_facts(transcript: Transcript) -> dict:
    """What the analyzer and the suggestions can use about the call: the debtor's name and balance
    (from the transcript, else its persona) and the call date (for "tomorrow" in a promise)."""
    extra = transcript.model_extra or {}
    facts: dict[str, Any] = {k: extra.get(k) for k in ("debtor_name", "amount_due", "creditor", "collector")}
    if transcript.persona and (facts["debtor_name"] is None or facts["amount_due"] is None):
        try:
            from simulator.loader import get_persona

            p = get_persona(transcript.persona)
        except Exception:  # an unknown or broken persona only costs the hints
            p = None
        if p is not None and p.account is not None:
            facts["debtor_name"] = facts["debtor_name"] or p.name
            facts["amount_due"] = (
                facts["amount_due"] if facts["amount_due"] is not None else p.account.amount_due
            )
            facts["creditor"] = facts["creditor"] or p.account.creditor
    when = extra.get("started_at") or extra.get("date")
    facts["today"] = None
    if when:
        try:
            facts["today"] = date.fromisoformat(str(when)[:10])
        except ValueError:
            pass
    return facts


def _warm_embeddings(transcript: Transcript) -> None:
    """Encode every line in one batch before the turn-by-turn pass, when a model is loaded."""
    try:
        from grading import embeddings
        from grading.analyze import Context, analyze_many

        if embeddings.get_embedder() is None:
            return
        analyze_many([(t.text, Context(locale=transcript.locale)) for t in transcript.turns])
    except Exception:  # warming is an optimisation only
        return


def check_steps(
    views: list[TurnView], scenario: Scenario, corpus: ScriptsCorpus, slots: dict | None = None
) -> Adherence:
    """First collector turn performing each step; missing steps get the corpus phrasing."""
    results: list[StepResult] = []
    known = {s.id for s in corpus.steps}
    wanted = [(s, True) for s in scenario.steps] + [(s, False) for s in scenario.optional_steps]
    for step_id, required in wanted:
        step = corpus.step(step_id) if step_id in known else None
        title = step.title if step else step_id
        hit_view, hit = None, None
        for v in views:
            if not v.is_collector:
                continue
            h = v.act(step_id)
            if h is not None:
                hit_view, hit = v, h
                break
        if hit is not None:
            results.append(
                StepResult(
                    id=step_id,
                    done=True,
                    turn=hit_view.index,
                    quote=getattr(hit, "quote", None) or hit_view.text,
                    similarity=round(float(getattr(hit, "score", 1.0)), 3),
                    title=title,
                    required=required,
                )
            )
        else:
            results.append(
                StepResult(
                    id=step_id,
                    done=False,
                    title=title,
                    required=required,
                    why=step.why if step else None,
                    suggestion=fill_slots(step.phrasings[0], slots or {}) if step else None,
                )
            )
    return Adherence(results, order_issues(views, corpus, slots))


def order_issues(views: list[TurnView], corpus: ScriptsCorpus, slots: dict | None = None) -> list[OrderIssue]:
    """Order mistakes: the debt mentioned before the debtor was verified (debtor calls only)."""
    issues: list[OrderIssue] = []
    verify_line = None
    if any(s.id == "verify_identity" for s in corpus.steps):
        verify_line = fill_slots(corpus.step("verify_identity").phrasings[0], slots or {})
    for v in views:
        if not v.is_collector or v.party != "debtor" or v.verified or v.analysis is None:
            continue
        premature = [
            f for f in (v.analysis.violations or []) if _PREMATURE_RULE.search(str(getattr(f, "rule_id", "")))
        ]
        if v.analysis.mentions_debt or premature:
            quote = premature[0].quote if premature else _debt_quote(v)
            msg = (
                "说明欠款之前先核实对方身份（全名、身份证或卡号后四位）。"
                if _is_zh(v.text)
                else "Verify you are speaking to the debtor before saying anything about the debt."
            )
            issues.append(
                OrderIssue(
                    turn=v.index,
                    kind="debt_before_verification",
                    quote=quote,
                    message=msg,
                    suggestion=verify_line,
                )
            )
    return issues


def _debt_quote(v: TurnView) -> str:
    for act_id in ("state_purpose", "state_amount", "explain_consequences"):
        h = v.act(act_id)
        if h is not None and getattr(h, "quote", None):
            return h.quote
    return v.text


def _is_zh(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


class _Slots(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_slots(text: str, slots: dict) -> str:
    """Fill {amount} style slots that are known; leave the others visible for the trainee."""
    try:
        return text.format_map(_Slots({k: v for k, v in slots.items() if v is not None}))
    except (ValueError, IndexError):
        return text
