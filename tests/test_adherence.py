"""Script adherence: verification tracked across turns, party, step matching, slot filling."""

from types import SimpleNamespace as NS

import pytest

from grading.adherence import analyze_turns, denies_identity, fill_slots, party_for
from grading.transcript import Transcript


def analyzer(text, ctx):
    acts = {"verify_identity": NS(act="verify_identity", score=1.0, quote="本人")} if "本人" in text else {}
    return NS(acts=acts, violations=[], mentions_debt=False, ptp=None)


def views_for(*lines, scenario=None):
    turns = [{"speaker": s, "text": t} for s, t in lines]
    t = Transcript(id="a", locale="zh-CN", turns=turns)
    return analyze_turns(t, scenario, analyzer, lambda **kw: NS(**kw))


def test_verified_only_after_the_debtor_does_not_deny():
    v = views_for(
        ("collector", "您好"),
        ("debtor", "喂"),
        ("collector", "请问您是张伟本人吗？"),
        ("debtor", "对，是我"),
        ("collector", "您的卡逾期了"),
    )
    assert [x.verified for x in v] == [False, False, False, False, True]


def test_denial_blocks_verification():
    v = views_for(
        ("collector", "请问您是张伟本人吗？"), ("debtor", "不是，你打错了"), ("collector", "那打扰了")
    )
    assert v[-1].verified is False


def test_verification_needs_the_collector_to_ask():
    v = views_for(("debtor", "是我"), ("collector", "您的卡逾期了"))
    assert v[-1].verified is False


def test_contexts_carry_turn_and_party():
    seen = []

    def spy(text, ctx):
        seen.append(ctx)
        return analyzer(text, ctx)

    t = Transcript(
        id="a",
        locale="zh-CN",
        scenario="third_party",
        turns=[{"speaker": "collector", "text": "您好"}, {"speaker": "third_party", "text": "他不在"}],
        debtor_name="张伟",
    )
    analyze_turns(t, None, spy, lambda **kw: NS(**kw))
    assert [c.turn for c in seen] == [0, 1]
    assert {c.party for c in seen} == {"third_party"}
    assert seen[0].debtor_name == "张伟" and seen[0].locale == "zh-CN"


def test_party_from_scenario_context():
    t = Transcript(id="a", locale="zh-CN", turns=[{"speaker": "debtor", "text": "喂"}])
    assert party_for(t, NS(context="third_party")) == "third_party"
    assert party_for(t, NS(context="debtor")) == "debtor"
    assert party_for(t, None) == "debtor"


@pytest.mark.parametrize(
    "text,denied",
    [
        ("不是我，你打错了", True),
        ("我不是他", True),
        ("Sorry, wrong number.", True),
        ("That's not me.", True),
        ("是我，怎么了", False),
        ("Yes, speaking.", False),
        ("不是不还，是没钱", False),
    ],
)
def test_denies_identity(text, denied):
    assert denies_identity(text) is denied


def test_fill_slots_keeps_unknown_slots_visible():
    assert (
        fill_slots("您欠款{amount_due}元，{date}前还", {"amount_due": 5000, "date": None})
        == "您欠款5000元，{date}前还"
    )
    assert fill_slots("odd {brace", {}) == "odd {brace"
