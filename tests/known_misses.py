"""Lines the whole analyzer (rules plus the learned line model) still gets wrong, with why.

Shared by the compliance test modules: a listed line is a strict xfail there, so a fix shows up as
an unexpected pass and the entry must go."""

import pytest

KNOWN: dict[str, str] = {
    # lawful lines flagged by the learned model
    "If you pay $50 today, there's no fee for using the phone system.": "the learned model reads fee talk with an "
    "amount as misrepresentation; whether a fee is real is not in the words",
    "I'm not saying you're a deadbeat; I know things happen.": "a disowned insult; the learned model scores the "
    "line as menace around its threshold, and it flips with each retrain",
    "我是银行的，不是法院的。": "the training lines treat an agency calling itself the bank as impersonation, so "
    "a bank employee saying the same is flagged; only the caller's employer tells them apart",
    "This isn't the sheriff's office, I'm with Apex Recovery.": "the learned model flags the office name despite "
    "the negation",
    "Your balance went up by $35 since last statement because of the late fee.": "a late fee explained; the "
    "learned model alone scores an amount that went up as misrepresentation just above its threshold since the "
    "retrain with heldout53",
    "我明天打你手机提醒你一下还款日。": "a reminder call announced with the informal 你: the learned model reads 打你 "
    "next to a time as a call-flood threat (我明天打你手机 alone scores 0.98); said with 您 the line is clean",
}


def marks(text: str) -> list:
    return [pytest.mark.xfail(strict=True, reason=KNOWN[text])] if text in KNOWN else []


def params(rows, ids=None) -> list:
    """pytest params for rows of (locale, text, ...), a known miss marked as strict xfail."""
    return [
        pytest.param(*row, marks=marks(row[1]), id=None if ids is None else ids[i])
        for i, row in enumerate(rows)
    ]
