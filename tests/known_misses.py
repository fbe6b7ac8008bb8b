"""Lines the whole analyzer (rules plus the learned line model) still gets wrong, with why.

Shared by the compliance test modules: a listed line is a strict xfail there, so a fix shows up as
an unexpected pass and the entry must go."""

import pytest

KNOWN: dict[str, str] = {
    # missed violations
    "你要是还想好好过日子，就别惹我们。": "a conditional 'if you want a quiet life, don't cross us' with no harm verb",
    "Nobody will find you if you keep this up.": "a menace phrased with 'nobody' reads as the negations that must "
    "stay clean ('nobody will come to your house')",
    "Nobody with half a brain would do this.": "an insult framed as a negated quantifier ('nobody with half a brain') "
    "looks like the negations that must stay clean",
    "You're lucky we only call.": "the veiled-threat rule finds it, but the learned model scores it just under its "
    "veto level (0.30), so the finding is dropped",
    "This is your last chance before your Social Security gets cut.": "the false-action rule finds it, but the "
    "learned model scores threat_legal under its veto level and drops it",
    "Your coworker Dan is behind on his car loan.": "caught as third-party disclosure; the shaming-at-work "
    "harassment finding is dropped by the learned model's veto",
    # lawful lines flagged by the learned model
    "If you pay $50 today, there's no fee for using the phone system.": "the learned model reads fee talk with an "
    "amount as misrepresentation; whether a fee is real is not in the words",
    "Your bank cards won't be cancelled over this.": "the learned model reads 'cards cancelled' as an invented "
    "consequence despite the negation",
    "I'm not saying you're a deadbeat; I know things happen.": "a disowned insult; the learned model scores the "
    "line as menace",
    "I won't contact your coworkers or your boss.": "a promise not to contact the employer; the learned model "
    "weighs 'contact your coworkers' over the negation",
    "I'll call your cell phone between 9 and 5, if that's okay.": "an agreed calling window read as call pressure",
    "我是银行的，不是法院的。": "the training lines treat an agency calling itself the bank as impersonation, so "
    "a bank employee saying the same is flagged; only the caller's employer tells them apart",
    "晚上回家路上注意安全，我们明天再联系。": "a kind farewell about the way home reads like the veiled threats "
    "about the way home",
    "This isn't the sheriff's office, I'm with Apex Recovery.": "the learned model flags the office name despite "
    "the negation",
}


def marks(text: str) -> list:
    return [pytest.mark.xfail(strict=True, reason=KNOWN[text])] if text in KNOWN else []


def params(rows, ids=None) -> list:
    """pytest params for rows of (locale, text, ...), a known miss marked as strict xfail."""
    return [
        pytest.param(*row, marks=marks(row[1]), id=None if ids is None else ids[i])
        for i, row in enumerate(rows)
    ]
