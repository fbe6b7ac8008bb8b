"""Families of phrasings the detector must cover beyond the plain keywords: obfuscation (leetspeak,
spelled-out letters, dotted acronyms, chat spellings, pinyin inside Chinese), paraphrased threats,
misrepresentation, harassment, impersonation without the exact institution word, disclosure before
verification, and the hard negatives (negation, refuted or disclaimed claims, quoted words) that
must stay clean. Lines are written for this file, not taken from any evaluation set."""

import pytest
from known_misses import params

from grading.analyze import Context, analyze
from grading.normalize import normalize


@pytest.fixture(autouse=True)
def _lexical(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")


def cats(text, locale, party="debtor", verified=True):
    a = analyze(text, Context(locale=locale, party=party, verified=verified))
    for f in a.violations:
        assert f.quote and text[f.start : f.end] == f.quote
    return {f.category for f in a.violations}


FLAGGED = [
    # zh-CN: pinyin and traditional forms
    ("zh-CN", "再躲着我，早晚弄si你。", "threat_violence"),
    ("zh-CN", "你这就是zha骗，我们要报案了。", "threat_legal"),
    ("zh-CN", "我是辖区的jc，配合一下调查。", "impersonation"),
    ("zh-CN", "你這種人就是社會的敗類。", "insult"),
    # zh-CN: paraphrased threats
    ("zh-CN", "你媳妇每天早上七点出门吧？让她路上小心点。", "threat_violence"),
    ("zh-CN", "晚上睡觉记得把门锁好。", "threat_violence"),
    ("zh-CN", "不要逼我们动用其他手段。", "threat_violence"),
    ("zh-CN", "拖下去你就等着进去蹲几年吧，在里面过年。", "threat_legal"),
    ("zh-CN", "这事儿会给你留个案底。", "threat_legal"),
    # zh-CN: impersonation without the exact institution word
    ("zh-CN", "我们这边是司法部门，正在核查你的欠款。", "impersonation"),
    ("zh-CN", "我是承办法官的助理，通知你一下。", "impersonation"),
    ("zh-CN", "我们中心是法院直属的调解机构。", "impersonation"),
    # zh-CN: misrepresentation
    ("zh-CN", "今天先还一点，剩下的钱我做主全给你免了。", "misrepresentation"),
    ("zh-CN", "你还了这笔，逾期记录我让人给你删掉。", "misrepresentation"),
    ("zh-CN", "你的担保人也要负连带还款责任。", "misrepresentation"),
    ("zh-CN", "你不还，你老婆的信用也会跟着受影响。", "misrepresentation"),
    ("zh-CN", "结清以后就当从来没逾期过一样。", "misrepresentation"),
    # zh-CN: harassment
    ("zh-CN", "我们会把这事发给你通讯录里的所有人。", "harassment"),
    ("zh-CN", "我会向你们单位的主管部门举报你。", "harassment"),
    ("zh-CN", "今晚十一点半我再打给你。", "harassment"),
    ("zh-CN", "凌晨 02:15 我准时给你打过来。", "harassment"),
    ("zh-CN", "我们在你家楼道贴一张告示。", "harassment"),
    ("zh-CN", "你们小区的邻居很快都会知道你是什么人。", "harassment"),
    # en-US: obfuscation
    ("en-US", "Pay up or I'll k!ll you.", "threat_violence"),
    ("en-US", "Don't pay and you'll get h*rt, understand?", "threat_violence"),
    ("en-US", "You'll be a.r.r.e.s.t.e.d by Friday.", "threat_legal"),
    ("en-US", "Ignore this and you're headed to j@il.", "threat_legal"),
    ("en-US", "That counts as a f3lony where I'm from.", "threat_legal"),
    ("en-US", "This is Deputy Ross from the sh3riff's office.", "impersonation"),
    ("en-US", "We work with the F.B.I. on accounts like yours.", "impersonation"),
    ("en-US", "I'm calling from the I.R.S. collections unit.", "impersonation"),
    ("en-US", "Pay 2day and I'll w@ive the interest myself.", "misrepresentation"),
    ("en-US", "This mark stays on ur file 4ever.", "misrepresentation"),
    ("en-US", "I'll c@ll ur b0ss tomorrow.", "harassment"),
    # en-US: paraphrase and missing keywords
    ("en-US", "Folks who stiff us have a way of getting hurt.", "threat_violence"),
    ("en-US", "Start saving for bail money.", "threat_legal"),
    ("en-US", "We'll have your pension checks seized.", "threat_legal"),
    ("en-US", "I'm a federal agent assigned to your file.", "impersonation"),
    ("en-US", "This call is on behalf of the state attorney general's office.", "impersonation"),
    ("en-US", "We're a branch of the district court.", "impersonation"),
    ("en-US", "I'll get those late payments removed if you pay today.", "misrepresentation"),
    ("en-US", "Your mother is legally responsible for this card.", "misrepresentation"),
    ("en-US", "There's a $200 filing fee if you don't pay by phone.", "misrepresentation"),
    ("en-US", "I'll text every contact in your phone.", "harassment"),
    ("en-US", "Expect a call from me at 10:30 pm.", "harassment"),
    ("en-US", "Everybody in your office will find out soon.", "harassment"),
    ("en-US", "Day or night, I'll keep at it.", "harassment"),
]


@pytest.mark.parametrize("locale,text,category", FLAGGED)
def test_families_are_flagged(locale, text, category):
    assert category in cats(text, locale), text


CLEAN = [
    ("zh-CN", "逾期欠款不构成犯罪，您别担心。"),
    ("zh-CN", "之前有人跟您说会坐牢，那不是真的。"),
    ("zh-CN", "我不能跟您保证减免，需要提交审批。"),
    ("zh-CN", "您的紧急联系人没有还款义务。"),
    ("zh-CN", "请您别信那些号称能删除征信记录的中介。"),
    ("zh-CN", "我明天下午给您打电话，看看您的安排。"),
    ("zh-CN", "您刚才说'王八蛋'这种话，请不要再说了。"),
    ("zh-CN", "您的房子不会被查封，我们只是提醒您按时还款。"),
    ("en-US", "Whoever told you the police would come was wrong."),
    ("en-US", "I'm not a lawyer, and I'm not with any government agency."),
    ("en-US", "Watch out for services that promise to wipe your credit clean."),
    ("en-US", "I can't guarantee the interest will be waived."),
    ("en-US", "Your wife isn't responsible for this debt."),
    ("en-US", "I'll try you again at 6:30 pm tomorrow."),
    ("en-US", "Call us back between 8 a.m. and 9 p.m. any weekday."),
    ("en-US", "I'll call your cell, not your work number."),
]


@pytest.mark.parametrize("locale,text", CLEAN)
def test_hard_negatives_stay_clean(locale, text):
    assert cats(text, locale) == set(), text


def test_call_is_not_a_blow():
    found = cats("我一天打你五十遍电话，看你接不接。", "zh-CN")
    assert "harassment" in found and "threat_violence" not in found


def test_normalisation_restores_words():
    assert "fucking" in normalize("such a f u c k i n g mess").clean.text
    assert "da's office" in normalize("I'm with the D.A.'s office").clean.text
    assert normalize("弄si你").clean.text == "弄死你"
    assert normalize("我的u盘").clean.text == "我的u盘"  # mixed text without a sensitive word stays
    assert normalize("is it u?").clean.text == "is it you?"


def test_debt_told_to_an_unverified_listener():
    for locale, text in [
        ("zh-CN", "喂，你的贷款已经逾期三十天了。"),
        ("en-US", "Hello, you owe $940 and it's past due."),
        ("zh-CN", "喂，是周伟吗？你在我们这儿的消费贷还欠八千六。"),
        ("en-US", "Hi, calling about the $512 past-due balance of Tom Reyes, is this Tom?"),
    ]:
        a = analyze(text, Context(locale=locale, party="debtor", verified=False))
        found = [(f.category, f.severity, f.rule_id) for f in a.violations]
        assert found == [("third_party_disclosure", "major", "unverified_disclosure")]
        assert "premature_disclosure" in a.flags
        assert not analyze(text, Context(locale=locale, party="debtor", verified=True)).violations
    # a general statement of consequences names no debt of the listener's
    a = analyze("逾期会影响征信记录。", Context(locale="zh-CN", party="debtor", verified=False))
    assert not a.violations
    # "还欠缺" is "still lacking", not a debt
    a = analyze("您好，请问您还欠缺什么材料吗？", Context(locale="zh-CN", party="debtor", verified=False))
    assert not a.violations


@pytest.mark.parametrize(
    "locale,text,act",
    [
        ("en-US", "Are you Dana's roommate?", "verify_relationship"),
        ("en-US", "Do you happen to know Pat Singh?", "verify_relationship"),
        ("en-US", "Hi, this is Jordan, trying to reach Pat Singh.", "greeting_identity"),
        ("en-US", "You said $300 by the 5th. What happened?", "reference_prior_promise"),
        ("en-US", "What if we split the rest into three payments?", "negotiate_plan"),
        ("zh-CN", "你是他姐姐吧？", "verify_relationship"),
        ("zh-CN", "你上次说月底还两千，怎么又没还？", "reference_prior_promise"),
        ("zh-CN", "已经逾期两个月了，为啥一直不还？", "ask_reason"),
    ],
)
def test_step_cues(locale, text, act):
    assert analyze(text, Context(locale=locale, verified=True)).has(act)


def test_bare_goodbye_and_bare_amount_question_are_not_steps():
    assert not analyze("Okay. Bye.", Context(locale="en-US", verified=True)).has("close")
    assert not analyze("How much can you pay today?", Context(locale="en-US", verified=True)).has(
        "negotiate_plan"
    )


EMOJI_FLAGGED = [
    ("en-US", "🚔👮‍♂️ are coming for you if this isn't paid by 5.", "threat_legal"),
    ("en-US", "Nice 🚗. Be a shame if something happened to it.", "threat_violence"),
    ("zh-CN", "你就是头🐷", "insult"),
    ("zh-CN", "信不信我🔪了你，欠钱还有理了？", "threat_violence"),
]


@pytest.mark.parametrize(("locale", "text", "category"), EMOJI_FLAGGED)
def test_emoji_standing_for_a_word_is_read_as_that_word(locale, text, category):
    assert category in cats(text, locale)


def test_emoji_are_read_in_the_language_of_the_line():
    assert normalize("your house goes 🔥🔥🔥").clean.text == "your house goes fire fire fire"
    assert normalize("信不信我🔪了你").clean.text == "信不信我刀了你"
    # skin tones, variation selectors and the gender sign of a joined emoji are dropped
    assert normalize("👮🏽‍♀️ on the way").clean.text == "police on the way"


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en-US", "Thanks, have a great weekend 👍🏽🙂"),
        ("zh-CN", "好的，祝您周末愉快🙂👍"),
        ("en-US", "Say hi to your 🐶 for me."),
    ],
)
def test_friendly_emoji_stay_clean(locale, text):
    assert cats(text, locale) == set()


@pytest.mark.parametrize(
    ("locale", "text"),
    params(
        [
            (
                "en-US",
                "If the loan defaults, the lender may repossess the truck as the loan agreement allows.",
            ),
            ("en-US", "Wages can only be garnished through the courts, after a judge rules on it."),
            ("zh-CN", "如果长期逾期，银行可能依法申请查封抵押的房产。"),
            ("zh-CN", "按合同约定，逾期九十天后贷款机构有权收回车辆。"),
        ]
    ),
)
def test_a_remedy_the_contract_or_a_court_allows_stays_clean(locale, text):
    assert cats(text, locale) == set()


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en-US", "We can repossess your car tonight as the contract allows."),
        ("en-US", "The lender will garnish your wages starting Friday."),
        ("zh-CN", "按合同约定，明天就冻结你的账户。"),
    ],
)
def test_a_remedy_with_a_date_on_it_is_still_a_threat(locale, text):
    assert "threat_legal" in cats(text, locale)
