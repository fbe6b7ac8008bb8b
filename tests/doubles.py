"""Hand-built analyzer results for engine and policy tests: the acts a line performs, nothing inferred."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Hit:
    act: str
    score: float = 1.0
    quote: str = ""
    method: str = "lexical"


@dataclass
class Finding:
    category: str
    severity: str = "major"
    quote: str = ""
    rule_id: str = ""


@dataclass
class FakeAnalysis:
    """Quacks like grading.analyze.Analysis; `has` sees only acts, so a test states violations explicitly."""

    acts: dict = field(default_factory=dict)
    violations: list = field(default_factory=list)
    mentions_debt: bool = False
    ptp: dict | None = None

    def has(self, act: str) -> bool:
        return act in self.acts
