"""Pydantic models for every YAML file the project reads: personas and scripts corpora.

`extra="forbid"` everywhere: a typo in a trainer's file must be an error, not a silently
ignored field. Cross-field rules (a debtor needs an account, a third party needs a
relation) live in validators here; cross-file rules live in `simulator.loader`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from grading.acts import (
    ACTS,
    ARCHETYPES,
    DEBTOR_MOVES,
    STEP_IDS,
    THIRD_PARTY_MOVES,
    THIRD_PARTY_RELATIONS,
    Category,
    Severity,
)

Locale = Literal["zh-CN", "en-US"]
LOCALES: tuple[str, ...] = ("zh-CN", "en-US")
Archetype = Literal[ARCHETYPES]  # type: ignore[valid-type]
Relation = Literal[THIRD_PARTY_RELATIONS]  # type: ignore[valid-type]
Act = Literal[ACTS]  # type: ignore[valid-type]
Move = Literal[tuple(sorted(set(DEBTOR_MOVES) | set(THIRD_PARTY_MOVES)))]  # type: ignore[valid-type]
StepId = Literal[STEP_IDS]  # type: ignore[valid-type]
Temperament = Literal["lively", "peaceful", "perfectionist", "powerful"]
Unit = Field(ge=0.0, le=1.0)

# The 12 standard service situations of the card-centre manual (DOMAIN.md).
SERVICE_SITUATIONS: tuple[str, ...] = (
    "customer_callback",
    "cannot_hear",
    "complaint_check",
    "beyond_authority",
    "ask_name",
    "ask_supervisor",
    "dialect",
    "unknown_product",
    "made_wait",
    "self_correction",
    "abusive_language",
    "agitated",
)
ServiceSituation = Literal[SERVICE_SITUATIONS]  # type: ignore[valid-type]

# Moves a persona must have sample lines for, so the scripted backend can always answer.
REQUIRED_DEBTOR_LINES: tuple[str, ...] = (
    "greet",
    "ask_who",
    "confirm_identity",
    "excuse",
    "vent",
    "refuse",
    "bargain",
    "promise",
    "complain",
    "hang_up",
)
REQUIRED_THIRD_PARTY_LINES: tuple[str, ...] = (
    "greet",
    "ask_who",
    "ask_what_about",
    "take_message",
    "hang_up",
)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---------------------------------------------------------------- personas


class Role(Model):
    """Who the persona is on the call: the debtor, or a third party connected to one."""

    kind: Literal["debtor", "third_party"]
    relation: Relation | None = Field(None, description="third parties only: how they relate to the debtor")
    debtor: str | None = Field(None, description="third parties only: id of the debtor persona they know")
    knows_debt: bool = Field(False, description="third parties only: already knows about the debt")

    @model_validator(mode="after")
    def _third_party_fields(self) -> Role:
        if self.kind == "third_party" and self.relation is None:
            raise ValueError(
                "a third_party role needs 'relation' (e.g. spouse, parent, colleague, wrong_number)"
            )
        if self.kind == "third_party" and self.relation != "wrong_number" and not self.debtor:
            raise ValueError("a third_party role needs 'debtor': the id of the debtor persona they know")
        if self.kind == "debtor" and (self.relation or self.debtor):
            raise ValueError("'relation' and 'debtor' are only for third_party roles")
        return self


class Account(Model):
    """The account facts the collector sees on screen."""

    creditor: str = Field(min_length=1)
    product: str = Field(min_length=1)
    amount_due: float = Field(gt=0, description="overdue balance the collector asks for")
    balance: float | None = Field(
        None, gt=0, description="whole outstanding balance, when more than the overdue part"
    )
    minimum_payment: float | None = Field(
        None, ge=0, description="the least payment that stops the account rolling"
    )
    currency: Literal["CNY", "USD"] = "CNY"
    days_past_due: int = Field(ge=0)
    due_date: date | None = None
    card_last4: str | None = Field(None, pattern=r"^\d{4}$")
    id_last4: str | None = Field(None, pattern=r"^[\dXx]{4}$")
    fees_note: str | None = None

    @model_validator(mode="after")
    def _balance_covers_due(self) -> Account:
        if self.balance is not None and self.balance < self.amount_due:
            raise ValueError("balance (the whole outstanding balance) must be >= amount_due")
        return self

    @property
    def bucket(self) -> str:
        """Delinquency bucket: M1 = 1-30 days, M2 = 31-60 ..."""
        return "M0" if self.days_past_due == 0 else f"M{(self.days_past_due - 1) // 30 + 1}"


class Finances(Model):
    """What the debtor can really pay: the persona never promises above this."""

    can_pay_now: float = Field(ge=0, description="what they can pay within `earliest_days`")
    can_pay_total: float = Field(ge=0, description="the most they will commit to in this call")
    earliest_days: int = Field(0, ge=0, le=90, description="days until they could first pay")
    real_reason: str = Field(min_length=1, description="the true reason they are behind")
    income_note: str = ""
    preferred_channel: str = Field(min_length=1, description="e.g. app transfer, bank counter, autopay")

    @model_validator(mode="after")
    def _now_within_total(self) -> Finances:
        if self.can_pay_now > self.can_pay_total:
            raise ValueError("can_pay_now must not exceed can_pay_total")
        return self


class PriorPromise(Model):
    amount: float = Field(gt=0)
    date: date
    channel: str
    kept: bool = False
    note: str = ""


class Traits(Model):
    """Each 0-1. They scale how strongly the policy reacts to the collector's acts."""

    hostility: float = Unit
    face_sensitivity: float = Unit
    emotionality: float = Unit
    honesty: float = Unit
    evasiveness: float = Unit
    patience: float = Unit


class Style(Model):
    description: str = Field(min_length=1, description="how they talk, for the LLM prompt")
    catchphrases: list[str] = []
    max_sentences: int = Field(3, ge=1, le=5)


class Persona(Model):
    """One simulated person on the other end of the line."""

    id: str = Field(pattern=r"^[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*$", description="e.g. zh-vain-owner")
    locale: Locale
    role: Role
    name: str = Field(min_length=1)
    gender: Literal["female", "male", "unspecified"] = "unspecified"
    age: int | None = Field(None, ge=18, le=110)
    archetype: Archetype
    temperament: Temperament | None = None
    difficulty: int = Field(ge=1, le=5)
    summary: str = Field(min_length=1, description="one line shown on the persona card")
    background: str = Field(min_length=1)
    scenarios: list[str] = Field(min_length=1, description="scenario ids this persona is written for")
    account: Account | None = None
    finances: Finances | None = None
    prior_promises: list[PriorPromise] = []
    traits: Traits
    softened_by: list[Act] = []
    hardened_by: list[Act] = []
    promise_requires: list[Act] = Field(
        [], description="acts the collector must have performed before this debtor will promise"
    )
    excuses: list[str] = []
    style: Style
    sample_lines: dict[Move, list[str]]
    third_parties: list[str] = Field([], description="ids of third-party personas reachable on this file")

    @model_validator(mode="after")
    def _role_consistency(self) -> Persona:
        if not self.id.startswith(self.locale[:2].lower() + "-"):
            raise ValueError(f"id must start with '{self.locale[:2].lower()}-' for locale {self.locale}")
        if self.role.kind == "debtor":
            if self.account is None or self.finances is None:
                raise ValueError("a debtor persona needs 'account' and 'finances'")
            if "broken_promise" in self.scenarios and not self.prior_promises:
                raise ValueError(
                    "a debtor written for broken_promise needs 'prior_promises' (the promise they broke)"
                )
            if self.finances.can_pay_total > self.account.amount_due:
                raise ValueError("finances.can_pay_total must not exceed account.amount_due")
            need, allowed = REQUIRED_DEBTOR_LINES, set(DEBTOR_MOVES)
        else:
            if self.third_parties:
                raise ValueError("'third_parties' is only for debtor personas")
            need, allowed = REQUIRED_THIRD_PARTY_LINES, set(THIRD_PARTY_MOVES)
            if self.role.relation == "wrong_number":
                need = ("greet", "ask_who", "wrong_number", "hang_up")
        wrong = sorted(set(self.sample_lines) - allowed)
        if wrong:
            raise ValueError(f"sample_lines: move(s) {wrong} are not {self.role.kind} moves")
        missing = [m for m in need if not self.sample_lines.get(m)]
        if missing:
            raise ValueError(f"sample_lines needs at least one line for: {', '.join(missing)}")
        return self

    @property
    def is_debtor(self) -> bool:
        return self.role.kind == "debtor"


# ---------------------------------------------------------------- scripts corpus


class Step(Model):
    """One step of a good call, with the phrasings trainers accept."""

    id: StepId
    title: str = Field(min_length=1)
    why: str = Field(min_length=1, description="why the step is said: shown to trainees")
    phrasings: list[str] = Field(min_length=2, description="canonical scripted lines")
    variants: list[str] = Field([], description="further accepted wordings")
    cues: list[str] = Field([], description="regular expressions that mark the step lexically")

    @field_validator("cues")
    @classmethod
    def _compile(cls, v: list[str]) -> list[str]:
        return _check_regexes(v)


class ServicePhrase(Model):
    id: ServiceSituation
    situation: str = Field(min_length=1)
    phrasings: list[str] = Field(min_length=1)
    cues: list[str] = []

    @field_validator("cues")
    @classmethod
    def _compile(cls, v: list[str]) -> list[str]:
        return _check_regexes(v)


class Rule(Model):
    """A banned-language rule: what it catches, the law it enforces, what to say instead."""

    id: str = Field(pattern=r"^[a-z0-9_.-]+$")
    category: Category
    severity: Severity
    description: str = Field(min_length=1)
    citation: str = Field(min_length=1, description="the law or rule enforced, by name and article")
    context: Literal["any", "debtor", "third_party"] = "any"
    patterns: list[str] = Field([], description="regular expressions matched on normalised text")
    examples: list[str] = Field([], description="violating lines, for semantic matching and tests")
    suggestion: str = Field(min_length=1, description="a compliant line to say instead")

    @field_validator("patterns")
    @classmethod
    def _compile(cls, v: list[str]) -> list[str]:
        return _check_regexes(v)

    @model_validator(mode="after")
    def _has_matcher(self) -> Rule:
        if not self.patterns and not self.examples:
            raise ValueError("a rule needs 'patterns' or 'examples' to match anything")
        return self


class Scenario(Model):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    context: Literal["debtor", "third_party"]
    steps: list[StepId] = Field(min_length=1, description="expected steps, in order")
    optional_steps: list[StepId] = []
    goal: str = Field(min_length=1)


class Rubric(Model):
    """Trainers tune grading here without touching code."""

    pass_mark: float = Field(ge=0, le=100)
    weights: dict[Literal["compliance", "script", "soft_skills", "outcome"], float]
    severity_penalty: dict[Severity, float]

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        if any(w < 0 for w in v.values()) or sum(v.values()) <= 0:
            raise ValueError("weights must be >= 0 and add up to more than 0")
        return v


class ScriptsCorpus(Model):
    locale: Locale
    version: int = Field(ge=1)
    steps: list[Step]
    service_phrases: list[ServicePhrase]
    rules: list[Rule]
    lawful_firm: list[str] = Field([], description="firm but lawful lines the grader must never flag")
    scenarios: list[Scenario]
    rubric: Rubric

    @model_validator(mode="after")
    def _complete(self) -> ScriptsCorpus:
        ids = [s.id for s in self.steps]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"steps: duplicate step id(s) {dup}")
        for sc in self.scenarios:
            missing = [s for s in sc.steps + sc.optional_steps if s not in ids]
            if missing:
                raise ValueError(f"scenario {sc.id!r} uses step(s) {missing} not defined under 'steps'")
        rule_ids = [r.id for r in self.rules]
        dup = sorted({i for i in rule_ids if rule_ids.count(i) > 1})
        if dup:
            raise ValueError(f"rules: duplicate rule id(s) {dup}")
        return self

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def scenario(self, scenario_id: str) -> Scenario:
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        raise KeyError(scenario_id)


def _check_regexes(patterns: list[str]) -> list[str]:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as e:
            raise ValueError(f"invalid regular expression {p!r}: {e}") from None
    return patterns
