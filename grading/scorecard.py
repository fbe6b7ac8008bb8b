"""Grade one call: banned language, script adherence, soft skills and outcome, weighted by the rubric.

Weights and the pass mark come from the scripts corpus (`rubric:`), so trainers retune
grading without code. Any critical violation fails the call whatever the other scores:
a call that threatens arrest is not rescued by a good promise to pay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from grading.adherence import (
    Adherence,
    OrderIssue,
    StepResult,
    TurnView,
    analyze_turns,
    call_facts,
    check_steps,
    ever_verified,
)
from grading.softskills import Outcome, Talk, outcome, outcome_score, skills, talk
from grading.transcript import Transcript
from simulator.models import Scenario, ScriptsCorpus

GRADER_VERSION = "1.0.0"
# A step done out of order (debt before verification) keeps only this share of its credit.
ORDER_ISSUE_COST = 0.5


class GradeError(ValueError):
    """The transcript cannot be graded as asked (unknown scenario, no corpus for the locale)."""


class Violation(BaseModel):
    """A banned-language finding in a collector turn, with the exact words and the rule broken."""

    turn: int
    category: str
    severity: str
    quote: str
    rule: str
    suggestion: str
    rule_id: str | None = None
    description: str | None = None


class Scorecard(BaseModel):
    """The graded call (DESIGN.md scorecard JSON). `turn` fields index `transcript.turns` from 0."""

    transcript_id: str
    locale: str
    scenario: str
    persona: str | None = None
    score: float = Field(ge=0, le=100)
    passed: bool
    pass_mark: float
    fail_reasons: list[str] = []
    violations: list[Violation] = []
    steps: list[StepResult] = []
    order_issues: list[OrderIssue] = []
    outcome: Outcome = Outcome()
    dimensions: dict[str, float] = {}
    skills: dict[str, float] = {}
    weights: dict[str, float] = {}
    talk: Talk | None = None
    grader_version: str = GRADER_VERSION
    corpus_version: int | None = None
    analyzer: str = ""

    @property
    def missing_steps(self) -> list[StepResult]:
        return [s for s in self.steps if s.required and not s.done]


def _scenario(corpus: ScriptsCorpus, scenario_id: str) -> Scenario:
    try:
        return corpus.scenario(scenario_id)
    except KeyError:
        known = ", ".join(s.id for s in corpus.scenarios)
        raise GradeError(
            f"unknown scenario {scenario_id!r} for {corpus.locale}; known: {known} (set 'scenario' or --scenario)"
        ) from None


def grade(
    transcript: Transcript | dict,
    corpus: ScriptsCorpus | None = None,
    *,
    analyzer: Callable[[str, Any], Any] | None = None,
    context_factory: Callable[..., Any] | None = None,
) -> Scorecard:
    """Grade one transcript against the corpus of its locale (or the one given)."""
    t = transcript if isinstance(transcript, Transcript) else Transcript.model_validate(transcript)
    if corpus is None:
        from simulator.loader import load_corpus

        corpus = load_corpus(t.locale)
    scenario = _scenario(corpus, t.scenario)
    note = "custom analyzer"
    if analyzer is None:
        from grading.analyze import analyze, analyzer_status

        analyzer, note = analyze, analyzer_status()
    views = analyze_turns(t, scenario, analyzer, context_factory)
    return build_scorecard(t, views, corpus, scenario, analyzer_note=note)


def collect_violations(views: list[TurnView]) -> list[Violation]:
    """Violations from collector turns only, one per (turn, rule, quote)."""
    out: list[Violation] = []
    seen: set[tuple] = set()
    for v in views:
        if not v.is_collector or v.analysis is None:
            continue
        for f in v.analysis.violations or []:
            key = (v.index, getattr(f, "rule_id", None), f.quote)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Violation(
                    turn=v.index,
                    category=str(f.category),
                    severity=str(f.severity),
                    quote=f.quote,
                    rule=getattr(f, "rule", "") or "",
                    suggestion=getattr(f, "suggestion", "") or "",
                    rule_id=getattr(f, "rule_id", None),
                    description=getattr(f, "description", None),
                )
            )
    return out


# The debt told to someone never verified: they may not be the debtor, so this is a disclosure.
UNVERIFIED_SEVERITY = "major"


def unverified_disclosure(
    views: list[TurnView], adh: Adherence, corpus: ScriptsCorpus, found: list[Violation]
) -> list[Violation]:
    """A debt mentioned before verification is an order mistake; when the call never verifies who
    is on the line at all, it is also a (major) third-party disclosure: nobody knows who heard it."""
    early = [o for o in adh.order_issues if o.kind == "debt_before_verification"]
    if not early or ever_verified(views):
        return []
    first = early[0]
    if any(v.turn == first.turn and v.category == "third_party_disclosure" for v in found):
        return []
    rule = next((r for r in corpus.rules if r.category == "third_party_disclosure"), None)
    zh = corpus.locale == "zh-CN"
    return [
        Violation(
            turn=first.turn,
            category="third_party_disclosure",
            severity=UNVERIFIED_SEVERITY,
            quote=first.quote,
            rule=rule.citation if rule else "",
            suggestion=first.suggestion or (rule.suggestion if rule else ""),
            rule_id="unverified_disclosure",
            description="通话中始终未核实对方身份就透露了欠款信息。"
            if zh
            else "The debt was discussed without ever verifying who was on the line.",
        )
    ]


def keep_first_unverified(views: list[TurnView], found: list[Violation]) -> list[Violation]:
    """The analyzer flags every line that states the debt before verification (the live coach warns at
    once). On the scorecard that stays one finding, and only when the call never verifies; a call that
    verifies later has an order mistake instead (see unverified_disclosure), not a disclosure."""
    line_level = [v for v in found if v.rule_id == "unverified_disclosure"]
    if not line_level:
        return found
    keep = None if ever_verified(views) else line_level[0]
    return [v for v in found if v.rule_id != "unverified_disclosure" or v is keep]


def script_score(adh: Adherence) -> float:
    req = adh.required
    if not req:
        return 100.0
    credit = sum(1 for s in req if s.done) - ORDER_ISSUE_COST * len({i.kind for i in adh.order_issues})
    return round(max(0.0, 100.0 * credit / len(req)), 1)


def build_scorecard(
    t: Transcript, views: list[TurnView], corpus: ScriptsCorpus, scenario: Scenario, analyzer_note: str = ""
) -> Scorecard:
    """The rubric arithmetic, separate from analysis so it can be checked on hand-built turns."""
    rubric = corpus.rubric
    facts = call_facts(t)
    slots = {k: facts.get(k) for k in ("debtor_name", "amount_due", "creditor", "collector")}
    violations = keep_first_unverified(views, collect_violations(views))
    adh = check_steps(views, scenario, corpus, slots)
    violations += unverified_disclosure(views, adh, corpus, violations)
    sk = skills(views, t.locale, scenario.steps)
    out = outcome(views)
    penalty = sum(float(rubric.severity_penalty.get(v.severity, 0.0)) for v in violations)
    dims: dict[str, float] = {
        "compliance": round(max(0.0, 100.0 - penalty), 1),
        "script": script_score(adh),
        "soft_skills": round(sum(sk.values()) / len(sk), 1) if sk else 0.0,
    }
    oscore = outcome_score(out, views, scenario.steps)
    if oscore is not None:
        dims["outcome"] = round(oscore, 1)
    weights = {k: float(w) for k, w in rubric.weights.items() if k in dims}
    total = sum(weights.values())
    score = sum(dims[k] * w for k, w in weights.items()) / total if total else 0.0
    score = round(max(0.0, min(100.0, score)), 1)
    zh = t.locale == "zh-CN"
    reasons: list[str] = []
    critical = [v for v in violations if v.severity == "critical"]
    for v in critical:
        n = v.turn + 1  # people count turns from 1
        reasons.append(
            f"第{n}轮严重违规（{v.category}）：“{v.quote}”"
            if zh
            else f"critical {v.category} in turn {n}: “{v.quote}”"
        )
    if score < rubric.pass_mark:
        mark = f"{rubric.pass_mark:g}"
        reasons.append(
            f"得分 {score:g} 低于及格线 {mark}" if zh else f"score {score:g} is below the pass mark {mark}"
        )
    return Scorecard(
        transcript_id=t.id,
        locale=t.locale,
        scenario=t.scenario,
        persona=t.persona,
        score=score,
        passed=not critical and score >= rubric.pass_mark,
        pass_mark=rubric.pass_mark,
        fail_reasons=reasons,
        violations=violations,
        steps=adh.steps,
        order_issues=adh.order_issues,
        outcome=out,
        dimensions=dims,
        skills=sk,
        weights=weights,
        talk=talk(views, t.locale),
        corpus_version=corpus.version,
        analyzer=analyzer_note,
    )
