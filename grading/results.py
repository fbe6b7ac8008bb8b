"""What the analyzer takes and returns: the call context, act hits, findings and the analysis.

Plain dataclasses so the debtor engine, the live coach and the grader share one shape without
pulling in pydantic or any model code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Literal

_RANK = {"critical": 3, "major": 2, "minor": 1}


@dataclass
class Context:
    """Where in a call a line is said. Only `locale` is required."""

    locale: str
    party: Literal["debtor", "third_party"] = "debtor"
    verified: bool = False  # has the collector already verified the right party?
    scenario: str | None = None
    turn: int = 0
    debtor_name: str | None = None
    amount_due: float | None = None  # lets the detector catch inflated amounts
    today: date | None = None  # reference day for "明天" / "next Friday"; default: the real today


@dataclass
class ActHit:
    act: str
    score: float  # 0-1: 1.0 for a lexical cue, the cosine similarity for a semantic match
    quote: str  # exact substring of the original line
    method: Literal["lexical", "semantic"] = "lexical"


@dataclass
class Finding:
    category: str
    severity: str
    quote: str  # exact substring of the ORIGINAL text
    rule_id: str
    rule: str  # citation text
    suggestion: str
    description: str
    method: Literal["lexical", "semantic", "context"] = "lexical"
    start: int = 0  # offsets of `quote` in the original text
    end: int = 0

    @classmethod
    def of_rule(cls, rule, quote: str, start: int, method: str, description: str | None = None) -> Finding:
        """A finding that quotes `quote` (at `start` in the original text) against a compiled rule."""
        return cls(
            category=rule.category,
            severity=rule.severity,
            quote=quote,
            rule_id=rule.id,
            rule=rule.citation,
            suggestion=rule.suggestion,
            description=rule.description if description is None else description,
            method=method,
            start=start,
            end=start + len(quote),
        )

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Analysis:
    text: str
    locale: str
    acts: dict[str, ActHit] = field(default_factory=dict)
    violations: list[Finding] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # ordering problems, e.g. "premature_disclosure"
    mentions_debt: bool = False
    ptp: dict | None = None
    semantic: bool = False  # whether embeddings took part
    services: list[str] = field(default_factory=list)  # standard service situations handled by the line

    def has(self, act: str) -> bool:
        """True if the line performs `act` (a step, an extra act, or a violation category)."""
        return act in self.acts or any(f.category == act for f in self.violations)

    @property
    def worst_severity(self) -> str | None:
        if not self.violations:
            return None
        return max((f.severity for f in self.violations), key=lambda s: _RANK.get(s, 0))

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "locale": self.locale,
            "acts": {k: asdict(v) for k, v in self.acts.items()},
            "violations": [f.to_dict() for f in self.violations],
            "flags": list(self.flags),
            "mentions_debt": self.mentions_debt,
            "ptp": self.ptp,
            "services": list(self.services),
            "worst_severity": self.worst_severity,
        }


def severity_rank(severity: str | None) -> int:
    return _RANK.get(severity or "", 0)
