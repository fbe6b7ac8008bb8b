"""Lawful frames around banned words (grading/frames.py) and the wider families of wording added with
them: each mechanism has a line it must catch and a lawful line it must leave clean, in both locales."""

import pytest

from grading.analyze import Context, analyze


@pytest.fixture(autouse=True)
def _lexical(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")


def cats(text, locale, party="debtor"):
    a = analyze(text, Context(locale=locale, party=party, verified=True))
    for f in a.violations:
        assert f.quote and text[f.start : f.end] == f.quote
    return {f.category for f in a.violations}


TV, TL, INS, HAR = "threat_violence", "threat_legal", "insult", "harassment"
TPD, IMP, MIS = "third_party_disclosure", "impersonation", "misrepresentation"

CLEAN = [
    # the listener's words played back: the name lands on the collector
    ("zh-CN", "您刚才说我们是一群流氓，我能理解您很生气，我们还是说回账单吧。", "debtor"),
    ("zh-CN", "您是不是怀疑我们是骗子？您可以打官方客服核实。", "debtor"),
    (
        "en-US",
        "You said I'm a crook; I get that you're upset, so let's look at the statement together.",
        "debtor",
    ),
    ("en-US", "You asked if we're the police. We're not; we're a collection agency.", "debtor"),
    ("en-US", "Calling us thieves won't change the balance, so let's talk about a plan.", "debtor"),
    # what an earlier collector said, disowned
    ("zh-CN", "上一个同事说您是赖皮，这确实不合适，我替他向您道歉。", "debtor"),
    ("en-US", "The previous rep called you a loser? That's not acceptable and I'm sorry.", "debtor"),
    # the listener's fear, answered
    ("zh-CN", "您是不是担心会坐牢？欠款属于民事纠纷，不会的。", "debtor"),
    (
        "en-US",
        "You mentioned worrying about jail. That's not something that happens over a credit card.",
        "debtor",
    ),
    # a third party told paying is not theirs to do
    ("zh-CN", "您不需要替他还款，只要帮忙转告他回电就行。", "third_party"),
    ("en-US", "You're not responsible for his card, so please just pass along my number.", "third_party"),
    # a charge grounded in the contract
    ("zh-CN", "按照合同约定，每次扣款失败会收取一笔手续费。", "debtor"),
    ("en-US", "A $35 late fee applies under the terms of your cardholder agreement.", "debtor"),
    # a workmate asked only for a callback
    ("zh-CN", "麻烦您转告您同事王强给我回个电话。", "third_party"),
    ("en-US", "Could you ask your coworker Dan to call me back? Thanks.", "third_party"),
    # negation ahead of a time phrase
    ("zh-CN", "我们这边不会在早上八点之前给您打电话。", "debtor"),
]

CAUGHT = [
    ("zh-CN", "上一个同事说得对，你就是个赖皮。", INS, "debtor"),
    ("en-US", "The previous rep called you a loser, and honestly he was right.", INS, "debtor"),
    ("zh-CN", "你担心坐牢？那就赶紧还钱。", TL, "debtor"),
    ("en-US", "You're worried about jail? You should be.", TL, "debtor"),
    ("zh-CN", "你说我敢不敢派人去你家？", TV, "debtor"),
    ("zh-CN", "你得替他还钱，不然我们天天打给你。", TPD, "third_party"),
    ("en-US", "You need to pay his card off for him.", TPD, "third_party"),
    ("zh-CN", "不还就另外交五千块手续费。", MIS, "debtor"),
    # the debt told to the debtor's workmate or employer: disclosure and shaming at work
    ("zh-CN", "你们同事王强欠了我们三万块，一直不还。", HAR, "third_party"),
    ("en-US", "As his manager, you should know he owes us $4,000.", HAR, "third_party"),
    ("en-US", "Your coworker Dan is behind on his car loan.", HAR, "third_party"),
    # the delinquency told without the words 'debt' or 'owe'
    ("en-US", "It's about your brother's Mastercard. He quit making payments in June.", TPD, "third_party"),
    ("en-US", "Under your agreement we can double the balance every day.", MIS, "debtor"),
    ("en-US", "We'll add a $500 collection fee if you don't pay today.", MIS, "debtor"),
]


@pytest.mark.parametrize(("locale", "text", "party"), CLEAN, ids=[t[:28] for _, t, _ in CLEAN])
def test_lawful_frame_stays_clean(locale, text, party):
    assert cats(text, locale, party) == set()


@pytest.mark.parametrize(
    ("locale", "text", "category", "party"), CAUGHT, ids=[t[:28] for _, t, _, _ in CAUGHT]
)
def test_violation_outside_the_frame_is_caught(locale, text, category, party):
    assert category in cats(text, locale, party)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("再不还钱你就等着zuo lao吧", "坐牢"),  # a whole word spelled syllable by syllable
        ("我们是gongan的", "公安"),
        ("我是j察", "警察"),  # a lone initial completed by its neighbour
        ("小心我 da 你", "打你"),
        ("淩晨給你打", "凌晨"),
        ("tell him his d3bt is overdue", "debt"),
        ("we fix your cr3dit rep0rt", "report"),
    ],
)
def test_obfuscated_spellings_are_restored(text, expected):
    from grading.normalize import normalize

    assert expected in normalize(text).clean.text


@pytest.mark.parametrize("text", ["我用u盘拷给你", "b超做了吗", "app里能还款", "我da算明天还", "a股跌了"])
def test_ordinary_mixed_text_is_left_alone(text):
    from grading.normalize import normalize

    assert normalize(text).clean.text == normalize(text).base.text


def test_unverified_days_late_is_an_early_disclosure():
    a = analyze("You're 45 days late on your Visa.", Context(locale="en-US", party="debtor", verified=False))
    assert [f.rule_id for f in a.violations] == ["unverified_disclosure"]
