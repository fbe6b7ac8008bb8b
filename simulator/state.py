"""The debtor's inner state, and how each collector act moves it.

A state model (not a bare prompt) is what makes difficulty real: a hard persona needs the
right technique, line after line, before a promise becomes possible, and a run with the
same seed and the same collector lines always ends the same way. The numbers are 0-1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from grading.acts import Category

# Collector acts that move the state, as (anger, trust, willingness, patience) deltas for a
# middling persona. Traits, softened_by/hardened_by and difficulty scale them below.
ACT_EFFECTS: dict[str, tuple[float, float, float, float]] = {
    "greeting_identity": (0.0, 0.06, 0.0, 0.0),
    "verify_identity": (0.0, 0.02, 0.0, 0.0),
    "mini_miranda": (0.0, 0.02, 0.0, 0.0),
    "verify_relationship": (0.0, 0.04, 0.0, 0.0),
    "request_callback": (0.0, 0.05, 0.02, 0.0),
    "state_purpose": (0.02, 0.0, 0.04, 0.0),
    "state_amount": (0.01, 0.0, 0.03, 0.0),
    "ask_reason": (-0.02, 0.05, 0.04, 0.02),
    "listen": (-0.04, 0.05, 0.02, 0.03),
    "empathy": (-0.07, 0.07, 0.04, 0.03),
    "face_saving": (-0.05, 0.05, 0.04, 0.02),
    "explain_consequences": (0.03, 0.0, 0.08, 0.0),
    "firm_pressure": (0.05, -0.01, 0.05, -0.03),
    "negotiate_plan": (-0.02, 0.04, 0.09, 0.01),
    "ask_ptp": (0.0, 0.0, 0.04, 0.0),
    "confirm_ptp": (0.0, 0.02, 0.02, 0.0),
    "reference_prior_promise": (0.0, 0.0, 0.05, 0.0),
    "service_phrase": (-0.02, 0.03, 0.0, 0.01),
    "civil_request": (-0.04, 0.01, 0.0, 0.0),
    "interrupt": (0.08, -0.05, -0.02, -0.08),
    "prompt_injection": (0.06, -0.06, 0.0, -0.06),
}

# Banned conduct (analysis violations): always hurts, never helps.
VIOLATION_EFFECTS: dict[str, tuple[float, float, float, float]] = {
    Category.threat_violence: (0.40, -0.35, -0.10, -0.30),
    Category.insult: (0.35, -0.30, -0.10, -0.25),
    Category.threat_legal: (0.20, -0.15, 0.0, -0.12),
    Category.harassment: (0.20, -0.15, -0.05, -0.15),
    Category.impersonation: (0.15, -0.20, 0.0, -0.10),
    Category.misrepresentation: (0.08, -0.10, 0.0, -0.05),
    Category.third_party_disclosure: (0.15, -0.12, 0.0, -0.10),
}

# Violations a debtor takes personally: enough of them and the call ends in a complaint.
ABUSIVE: frozenset[str] = frozenset(
    {"threat_violence", "insult", "threat_legal", "harassment", "impersonation", "third_party_disclosure"}
)

MAX_GAIN_PER_LINE = 0.12


def _clip(x: float) -> float:
    return round(min(1.0, max(0.0, x)), 4)


@dataclass
class DebtorState:
    """Everything the policy knows about the person on the line; serialisable to JSON."""

    party: str = "debtor"  # or "third_party"
    mood: str = "neutral"
    anger: float = 0.2
    trust: float = 0.3
    willingness: float = 0.3
    patience: float = 0.7
    identity_confirmed: bool = False
    reason_disclosed: bool = False
    stage: str = "opening"  # debtor: opening identified purpose reason negotiating promised closing ended;
    # third party: opening identified message ended
    promise: dict | None = None  # {"amount": float, "date": "YYYY-MM-DD", "channel": str}
    hung_up: bool = False
    complaint: bool = False
    # bookkeeping the policy needs to be reproducible from the stored state alone
    turn: int = 0  # collector lines processed
    acts_seen: dict[str, int] = field(default_factory=dict)  # act -> how many lines performed it
    violations_seen: dict[str, int] = field(default_factory=dict)
    offer: dict | None = None  # the debtor's own counter-offer (bargain), same shape as promise
    promise_confirmed: bool = False
    prior_promise: dict | None = None  # broken earlier promise: {"amount", "date", "channel", ...}
    knows_debt: bool = True  # third parties: whether they know about the debt at all
    disclosed_to: bool = False  # third parties: the collector told them about the debt
    denials: int = 0
    injections: int = 0
    moves: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DebtorState:
        """Tolerates unknown keys so older stored states still load."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def summary(self) -> dict[str, Any]:
        """The part of the state worth showing a trainer or putting in a prompt."""
        keys = (
            "mood",
            "anger",
            "trust",
            "willingness",
            "patience",
            "identity_confirmed",
            "reason_disclosed",
            "stage",
            "promise",
            "hung_up",
            "complaint",
        )
        out = {k: getattr(self, k) for k in keys}
        if self.prior_promise:
            out["prior_promise"] = self.prior_promise
        return out

    def seen(self, act: str) -> bool:
        return self.acts_seen.get(act, 0) > 0

    def set_mood(self) -> None:
        """A one-word label for the numbers, for prompts and the trainer's state panel."""
        if self.hung_up:
            self.mood = "gone"
        elif self.anger >= 0.7:
            self.mood = "angry"
        elif self.anger >= 0.45:
            self.mood = "irritated"
        elif self.promise:
            self.mood = "relieved"
        elif self.trust >= 0.55 and self.anger < 0.3:
            self.mood = "cooperative"
        elif self.trust < 0.3:
            self.mood = "wary"
        else:
            self.mood = "calm"


def initial_state(persona, scenario: str = "first_contact", prior_promise: dict | None = None) -> DebtorState:
    """Starting numbers from the persona's traits; a broken promise starts a little colder."""
    t = persona.traits
    st = DebtorState(
        anger=_clip(0.1 + 0.35 * t.hostility),
        trust=_clip(0.35 - 0.2 * t.hostility - 0.1 * t.evasiveness),
        willingness=_clip(0.15 + 0.2 * t.honesty),
        patience=_clip(0.45 + 0.5 * t.patience),
    )
    if persona.role.kind == "third_party":
        st.party = "third_party"
        st.knows_debt = bool(persona.role.knows_debt)
        st.trust = _clip(st.trust + 0.05)
    if prior_promise:
        st.prior_promise = dict(prior_promise)
        st.trust = _clip(st.trust - 0.05)
        st.anger = _clip(st.anger + 0.05)
        st.willingness = _clip(st.willingness + 0.05)
    st.set_mood()
    return st


def act_deltas(persona, state: DebtorState, acts: list[str], violations: list[str]) -> tuple[float, ...]:
    """Sum of (anger, trust, willingness, patience) deltas for one collector line.

    Why these scalings: empathy works on emotional people, face-saving on vain ones,
    pressure only hardens the hostile; a repeated technique wears off; harder personas
    give less for good technique and take more offence at bad technique.
    """
    t = persona.traits
    gain = 1.25 - 0.1 * persona.difficulty  # 1.15 (easy) .. 0.75 (hardest)
    hurt = 0.8 + 0.1 * persona.difficulty  # 0.9 .. 1.3
    injected = "prompt_injection" in acts
    total = [0.0, 0.0, 0.0, 0.0]
    for act in acts:
        if act not in ACT_EFFECTS:
            continue
        d_anger, d_trust, d_will, d_pat = ACT_EFFECTS[act]
        scale = 1.0
        if act == "empathy":
            scale = 0.5 + t.emotionality
        elif act == "face_saving":
            scale = 0.4 + 1.2 * t.face_sensitivity
        elif act in ("listen", "ask_reason"):
            scale = 0.7 + 0.5 * t.emotionality
        elif act == "firm_pressure":
            d_anger *= 0.5 + 1.5 * t.hostility
            d_will *= 1.3 - t.hostility
        elif act == "explain_consequences":
            d_anger *= 0.5 + t.hostility
            d_will *= 1.2 - 0.5 * t.hostility
        elif act == "civil_request" and state.anger < 0.4:
            d_anger = 0.0
        repeats = state.acts_seen.get(act, 0)
        scale /= 1.0 + 0.6 * repeats  # the same technique works less each time
        d = [d_anger * scale, d_trust * scale, d_will * scale, d_pat * scale]
        if act in persona.softened_by:
            d = [min(d[0], 0.0) - 0.03, max(d[1], 0.0) * 1.5 + 0.01, max(d[2], 0.0) * 1.5, d[3]]
        if act in persona.hardened_by:
            d = [max(d[0], 0.0) + 0.06, min(d[1], 0.0) - 0.04, min(d[2], 0.0) * 0.5, d[3] - 0.03]
        for i, v in enumerate(d):
            good = (i == 0 and v < 0) or (i in (1, 2, 3) and v > 0)
            total[i] += v * (gain if good else hurt)
    for cat in violations:
        d_anger, d_trust, d_will, d_pat = VIOLATION_EFFECTS.get(cat, (0.1, -0.1, 0.0, -0.05))
        extra = 0.05 if cat in persona.hardened_by else 0.0
        total[0] += (d_anger + extra) * hurt
        total[1] += (d_trust - extra) * hurt
        total[2] += d_will
        total[3] += d_pat * hurt
    # One line can only do so much: stuffing every technique into it does not buy a promise.
    total[0] = max(total[0], -MAX_GAIN_PER_LINE)
    total[1] = min(total[1], MAX_GAIN_PER_LINE)
    total[2] = min(total[2], MAX_GAIN_PER_LINE)
    if injected or violations:
        # Odd or abusive lines never move anyone toward paying, whatever else they contain.
        total[1] = min(total[1], 0.0)
        total[2] = min(total[2], 0.0)
        total[0] = max(total[0], 0.0)
    return tuple(total)


def apply_line(persona, state: DebtorState, acts: list[str], violations: list[str]) -> DebtorState:
    """Update `state` in place for one collector line (before the debtor's move is chosen)."""
    d_anger, d_trust, d_will, d_pat = act_deltas(persona, state, acts, violations)
    decay = 0.02 + 0.03 * (1.0 - persona.traits.patience)
    state.anger = _clip(state.anger + d_anger)
    state.trust = _clip(state.trust + d_trust)
    state.willingness = _clip(state.willingness + d_will)
    state.patience = _clip(state.patience + d_pat - decay)
    state.turn += 1
    for a in acts:
        state.acts_seen[a] = state.acts_seen.get(a, 0) + 1
    for v in violations:
        state.violations_seen[v] = state.violations_seen.get(v, 0) + 1
    if "prompt_injection" in acts:
        state.injections += 1
    state.set_mood()
    return state
