"""Built-in persona content: what the files say is consistent with what each persona knows and can pay."""

import re

import pytest

from grading.analyze import Context, analyze
from simulator.loader import all_personas

PERSONAS = all_personas()
# Relatives, colleagues and contacts of a real debtor who have not been told. (A wrong-number owner
# may guess "is this a collection call?" - that reveals nothing about anyone.)
UNAWARE = [p for p in PERSONAS.values() if not p.is_debtor and not p.role.knows_debt and p.role.debtor]


@pytest.fixture(autouse=True)
def _lexical(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")


@pytest.mark.parametrize("persona", UNAWARE, ids=lambda p: p.id)
def test_unaware_third_parties_never_mention_the_debt(persona):
    debtor = PERSONAS.get(persona.role.debtor or "")
    amount = debtor.account.amount_due if debtor else None
    for move, lines in persona.sample_lines.items():
        for line in lines:
            a = analyze(line, Context(locale=persona.locale, party="third_party", verified=False))
            assert not a.mentions_debt, f"{persona.id} {move}: {line}"
            if amount:
                assert f"{amount:g}" not in line.replace(",", ""), f"{persona.id} {move}: {line}"


@pytest.mark.parametrize("persona", [p for p in PERSONAS.values() if p.is_debtor], ids=lambda p: p.id)
def test_debtor_lines_never_name_a_figure_above_what_they_can_pay(persona):
    """Hard-coded amounts in bargain/promise lines must not exceed the persona's real ability."""
    cap = persona.finances.can_pay_total
    for move in ("bargain", "promise", "confirm_promise"):
        for line in persona.sample_lines.get(move, []):
            for num in re.findall(r"\d[\d,]*(?:\.\d+)?", line.replace("{", " ").replace("}", " ")):
                value = float(num.replace(",", ""))
                if value >= 100:  # skip dates, days and counts
                    assert value <= cap, f"{persona.id} {move}: {line} (can pay at most {cap:g})"


def test_every_debtor_has_reachable_third_party_or_is_single():
    """Third parties listed on a file point back at that debtor."""
    for p in PERSONAS.values():
        for tp in p.third_parties:
            assert PERSONAS[tp].role.debtor == p.id, f"{tp} says its debtor is {PERSONAS[tp].role.debtor}"
