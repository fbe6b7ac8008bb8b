"""The shared vocabulary: what a collector line can do, and what a debtor can do back.

One list, used by the persona files (what softens or hardens a debtor), the analyzer,
the persona policy and the grader, so the debtor and the scorecard never disagree.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """Banned-conduct categories (DESIGN.md)."""

    threat_violence = "threat_violence"
    threat_legal = "threat_legal"
    insult = "insult"
    harassment = "harassment"
    third_party_disclosure = "third_party_disclosure"
    impersonation = "impersonation"
    misrepresentation = "misrepresentation"


class Severity(StrEnum):
    critical = "critical"
    major = "major"
    minor = "minor"


# Step ids of the scripts corpus (DESIGN.md). A step is also an act a line can perform.
STEP_IDS: tuple[str, ...] = (
    "greeting_identity",
    "verify_identity",
    "mini_miranda",
    "state_purpose",
    "ask_reason",
    "empathy",
    "explain_consequences",
    "negotiate_plan",
    "confirm_ptp",
    "close",
    "reference_prior_promise",
    "verify_relationship",
    "request_callback",
)

# Acts that are not steps: they move the debtor but are not scripted steps.
EXTRA_ACTS: tuple[str, ...] = (
    "face_saving",  # lets the debtor keep face: praise, private framing, "I know you are a person of standing"
    "firm_pressure",  # lawful firmness: truthful consequences pressed hard, deadlines
    "civil_request",  # asks the other side to keep the conversation civil / calm down
    "listen",  # open question, lets them talk, acknowledges what they said
    "service_phrase",  # one of the standard service situations handled by the book
    "state_amount",  # names the overdue amount
    "ask_ptp",  # asks for a promise: amount/date
    "prompt_injection",  # tries to instruct the simulated debtor ("ignore your instructions ...")
    "interrupt",  # cuts the debtor off, talks over them, dismisses them
)

ACTS: tuple[str, ...] = STEP_IDS + EXTRA_ACTS + tuple(c.value for c in Category)

# What a debtor (or third party) can do on a turn. The policy picks one; a backend words it.
DEBTOR_MOVES: tuple[str, ...] = (
    "greet",  # picks up: "hello? who is this?"
    "ask_who",  # asks who is calling / why
    "deny_identity",  # "wrong person" / refuses to confirm
    "confirm_identity",  # confirms they are the debtor
    "stall",  # busy, call later, I'll see
    "excuse",  # gives a (possibly false) reason
    "disclose_reason",  # tells the real reason for not paying
    "vent",  # complains about life, the bank, the collector
    "downplay",  # "it's only a small amount, what's the rush"
    "plead",  # plays pitiful
    "question",  # asks about fees, amount, consequences
    "bargain",  # offers less / later
    "refuse",  # won't pay
    "promise",  # promises amount, date, channel
    "confirm_promise",  # repeats the promise back / agrees with the recap
    "complain",  # threatens a complaint about the collector
    "hang_up",  # ends the call
    "thank",  # closes politely
)

THIRD_PARTY_MOVES: tuple[str, ...] = (
    "greet",
    "ask_who",
    "ask_what_about",  # presses the caller: what is this about?
    "refuse_info",  # will not give the debtor's details
    "take_message",  # agrees to pass on a callback request
    "give_contact",  # gives a current number / best time
    "wrong_number",  # "no such person here"
    "complain",
    "hang_up",
    "thank",
)

ARCHETYPES: tuple[str, ...] = (
    "strong_willed",
    "scheming",
    "cooperative",
    "emotional",
    "stubborn",
    "vain",
    "evasive",
    "pitiful",
    "serial_breaker",
    "grievance",
    "identity_dispute",
    "overwhelmed",
    "deceased_contact",
    "third_party",
)

THIRD_PARTY_RELATIONS: tuple[str, ...] = (
    "spouse",
    "parent",
    "child",
    "sibling",
    "colleague",
    "employer",
    "emergency_contact",
    "friend",
    "wrong_number",
)
