"""Scorecard: rubric arithmetic, critical auto-fail, order mistakes, promise to pay, missing steps.

Most tests use a small hand-built corpus and a keyword analyzer so the arithmetic is checked
exactly; the last ones run the real analyzer and the shipped corpora end to end.
"""

import re
from types import SimpleNamespace as NS

import pytest

from grading.scorecard import GRADER_VERSION, GradeError, Scorecard, grade
from grading.transcript import Transcript
from simulator.models import ScriptsCorpus


def _step(i, title, line):
    return {"id": i, "title": title, "why": f"why {i}", "phrasings": [line, line + "！"]}


def make_corpus(weights=None, pass_mark=70):
    return ScriptsCorpus.model_validate(
        {
            "locale": "zh-CN",
            "version": 3,
            "steps": [
                _step("greeting_identity", "问候并自报家门", "您好，我是华信银行的小王，工号1234。"),
                _step("verify_identity", "核实身份", "请问您是{debtor_name}本人吗？"),
                _step("state_purpose", "说明来意", "您的账户欠款{amount_due}元已经逾期。"),
                _step("ask_reason", "询问原因", "请问是什么原因没有按时还款呢？"),
                _step("empathy", "同理心", "我理解您现在的难处。"),
                _step("negotiate_plan", "协商方案", "您看今天能先还一部分吗？"),
                _step("confirm_ptp", "复述承诺", "跟您确认一下：您承诺{date}前还款{amount}元。"),
                _step("close", "结束通话", "感谢您的配合，再见。"),
                _step("verify_relationship", "确认关系", "请问您和他是什么关系？"),
                _step("request_callback", "请求回电", "麻烦您转告他尽快回电。"),
            ],
            "service_phrases": [],
            "rules": [],
            "scenarios": [
                {
                    "id": "first_contact",
                    "name": "首次联系",
                    "description": "d",
                    "context": "debtor",
                    "goal": "g",
                    "steps": [
                        "greeting_identity",
                        "verify_identity",
                        "state_purpose",
                        "ask_reason",
                        "negotiate_plan",
                        "confirm_ptp",
                        "close",
                    ],
                    "optional_steps": ["empathy"],
                },
                {
                    "id": "third_party",
                    "name": "第三方",
                    "description": "d",
                    "context": "third_party",
                    "goal": "g",
                    "steps": ["greeting_identity", "verify_relationship", "request_callback", "close"],
                },
            ],
            "rubric": {
                "pass_mark": pass_mark,
                "weights": weights or {"compliance": 40, "script": 30, "soft_skills": 15, "outcome": 15},
                "severity_penalty": {"critical": 100, "major": 30, "minor": 10},
            },
        }
    )


CUES = {
    "greeting_identity": "工号",
    "verify_identity": "本人",
    "state_purpose": "逾期",
    "ask_reason": "原因",
    "empathy": "理解",
    "negotiate_plan": "能先还",
    "confirm_ptp": "确认一下",
    "close": "再见",
    "verify_relationship": "关系",
    "request_callback": "回电",
}
SEEN_CONTEXTS: list = []


def fake_analyze(text, ctx):
    """Keyword stand-in for grading.analyze: same attributes, predictable answers."""
    SEEN_CONTEXTS.append(ctx)
    acts = {a: NS(act=a, score=0.9, quote=cue, method="lexical") for a, cue in CUES.items() if cue in text}
    viol = []
    if "坐牢" in text:
        viol.append(NS(category="threat_legal", severity="critical", quote="坐牢", rule_id="zh.jail", rule="指引",
                       suggestion="如实说明后果", description="d"))  # fmt: skip
    if "笨" in text:
        viol.append(NS(category="insult", severity="minor", quote="笨", rule_id="zh.insult", rule="民法典",
                       suggestion="请文明沟通", description="d"))  # fmt: skip
    m, d = re.search(r"(\d+)元", text), re.search(r"(\d+号)", text)
    ch = "APP" if "APP" in text else None
    ptp = {"amount": float(m.group(1)) if m else None, "date": d.group(1) if d else None, "channel": ch}
    ptp = ptp if m and (d or ch) else None
    return NS(acts=acts, violations=viol, mentions_debt=bool(re.search("逾期|欠款", text)), ptp=ptp)


def ctx_factory(**kw):
    return NS(**kw)


def run(turns, corpus=None, scenario="first_contact", **extra):
    t = Transcript(id="t", locale="zh-CN", scenario=scenario, turns=turns, **extra)
    return grade(t, corpus or make_corpus(), analyzer=fake_analyze, context_factory=ctx_factory)


def C(text):
    return {"speaker": "collector", "text": text}


def D(text):
    return {"speaker": "debtor", "text": text}


GOOD = [
    C("您好，我是华信银行的小王，工号1234。"),
    D("喂，什么事？"),
    C("请问您是张伟先生本人吗？"),
    D("是我。"),
    C("您的账户已经逾期30天了，请问是什么原因呢？"),
    D("最近生意不好，手头紧。"),
    C("我理解您的难处。您看今天能先还一部分吗？"),
    D("我15号通过APP还3000元。"),
    C("好的，跟您确认一下：15号通过APP还3000元。感谢您的配合，再见。"),
]


def test_good_call_passes_with_all_steps():
    card = run(GOOD)
    assert isinstance(card, Scorecard) and card.passed
    assert all(s.done for s in card.steps)
    assert card.order_issues == [] and card.violations == []
    assert card.dimensions["compliance"] == 100 and card.dimensions["script"] == 100
    assert card.dimensions["outcome"] == 100
    assert card.grader_version == GRADER_VERSION and card.corpus_version == 3
    step = next(s for s in card.steps if s.id == "verify_identity")
    assert (step.turn, step.quote, step.similarity) == (2, "本人", 0.9)


def test_score_is_the_rubric_weighted_mean():
    card = run(GOOD)
    d, w = card.dimensions, {"compliance": 40, "script": 30, "soft_skills": 15, "outcome": 15}
    assert card.score == pytest.approx(sum(d[k] * w[k] for k in w) / 100, abs=0.06)
    only_soft = run(GOOD, make_corpus(weights={"compliance": 0, "script": 0, "soft_skills": 1, "outcome": 0}))
    assert only_soft.score == pytest.approx(only_soft.dimensions["soft_skills"], abs=0.06)
    strict = run(GOOD, make_corpus(pass_mark=100))
    assert not strict.passed and strict.fail_reasons


def test_critical_violation_fails_whatever_the_scores():
    turns = GOOD[:-1] + [C("跟您确认一下：15号通过APP还3000元，不还就让你坐牢。感谢您的配合，再见。")]
    card = run(
        turns,
        make_corpus(weights={"compliance": 0, "script": 1, "soft_skills": 0, "outcome": 1}, pass_mark=10),
    )
    assert card.score >= 90 and not card.passed
    v = card.violations[0]
    assert (v.turn, v.category, v.severity, v.quote) == (8, "threat_legal", "critical", "坐牢")
    assert v.rule and v.suggestion
    assert any("坐牢" in r for r in card.fail_reasons)


def test_minor_violation_costs_its_rubric_penalty():
    turns = [C("您好，我是华信银行的小王，工号1234。你真笨。")] + GOOD[1:]
    card = run(turns)
    assert card.dimensions["compliance"] == 90 and card.passed
    assert card.skills["politeness"] < run(GOOD).skills["politeness"]


def test_debtor_words_are_never_charged():
    turns = GOOD[:5] + [D("你这个笨蛋，再打来我让你坐牢！")] + GOOD[6:]
    card = run(turns)
    assert card.violations == [] and card.passed


def test_debt_before_verification_is_an_order_mistake():
    turns = [C("您好，我是华信银行的小王，工号1234，您的欠款已经逾期了。")] + GOOD[1:]
    card = run(turns)
    assert [(o.turn, o.kind) for o in card.order_issues] == [(0, "debt_before_verification")]
    assert card.order_issues[0].suggestion.startswith("请问您是")
    assert card.dimensions["script"] < 100
    # the same words after verification are fine
    assert run(GOOD).order_issues == []


def test_debt_to_someone_never_verified_is_also_a_disclosure():
    turns = [
        C("您好，我是华信银行的小王，工号1234，您的欠款已经逾期了。"),
        D("你谁啊？"),
        C("你先还一部分吧，再见。"),
    ]
    card = run(turns)
    assert [(v.turn, v.category, v.severity, v.rule_id) for v in card.violations] == [
        (0, "third_party_disclosure", "major", "unverified_disclosure")
    ]
    assert card.violations[0].suggestion == "请问您是{debtor_name}本人吗？"
    # verified later in the call: an order mistake only
    later = run([C("您好，我是华信银行的小王，工号1234，您的欠款已经逾期了。")] + GOOD[1:])
    assert later.violations == [] and later.order_issues


def test_verification_denied_keeps_the_debtor_unverified():
    turns = [
        C("您好，我是华信银行的小王，工号1234。"),
        D("喂？"),
        C("请问您是张伟先生本人吗？"),
        D("不是，你打错了。"),
        C("您的欠款已经逾期了。"),
    ]
    card = run(turns)
    assert [o.turn for o in card.order_issues] == [4]


def test_ptp_with_amount_date_channel_and_repeated_back():
    out = run(GOOD).outcome
    assert (out.ptp, out.amount, out.date, out.channel) == (True, 3000.0, "15号", "APP")
    assert out.repeated_back and out.turn == 7 and out.repeated_turn == 8
    not_repeated = run(GOOD[:-1] + [C("好的，感谢您的配合，再见。")])
    assert not_repeated.outcome.ptp and not not_repeated.outcome.repeated_back
    assert not_repeated.dimensions["outcome"] < 100


def test_ptp_by_agreeing_to_the_collectors_terms():
    turns = GOOD[:6] + [C("我理解。您看今天能先还，15号通过APP还3000元可以吗？"), D("行，就这样吧。")]
    out = run(turns).outcome
    assert out.ptp and out.amount == 3000 and out.turn == 7
    refused = run(GOOD[:6] + [C("您看15号通过APP还3000元可以吗？"), D("不行，我没钱。")])
    assert not refused.outcome.ptp and refused.dimensions["outcome"] == 0


def test_collector_proposal_alone_is_not_a_promise():
    card = run(GOOD[:6] + [C("您15号通过APP还3000元吧。")])
    assert not card.outcome.ptp


def test_missing_steps_carry_corpus_phrasing_with_known_slots():
    card = run([C("喂，还钱。"), D("谁啊？")], debtor_name="张伟先生", amount_due=5000)
    missing = {s.id: s for s in card.missing_steps}
    assert set(missing) == {
        "greeting_identity",
        "verify_identity",
        "state_purpose",
        "ask_reason",
        "negotiate_plan",
        "confirm_ptp",
        "close",
    }
    assert missing["verify_identity"].suggestion == "请问您是张伟先生本人吗？"
    assert missing["state_purpose"].suggestion == "您的账户欠款5000元已经逾期。"
    assert missing["confirm_ptp"].suggestion == "跟您确认一下：您承诺{date}前还款{amount}元。"
    assert missing["greeting_identity"].why and missing["greeting_identity"].title == "问候并自报家门"
    assert not card.passed


def test_third_party_scenario_sets_the_party():
    SEEN_CONTEXTS.clear()
    turns = [
        C("您好，我是华信银行的小王，工号1234。"),
        {"speaker": "third_party", "text": "他不在。"},
        C("请问您和他是什么关系？麻烦您转告他尽快回电，再见。"),
    ]
    card = run(turns, scenario="third_party")
    assert {c.party for c in SEEN_CONTEXTS} == {"third_party"}
    assert all(s.done for s in card.steps) and card.dimensions["outcome"] == 100
    assert card.order_issues == []  # third parties are never "verified"; disclosure is the analyzer's rule


def test_unknown_scenario_is_a_clear_error():
    with pytest.raises(GradeError, match="unknown scenario 'nope'.*first_contact"):
        run(GOOD, scenario="nope")


def test_dict_input_and_json_dump_shape():
    d = {"id": "x", "locale": "zh-CN", "scenario": "first_contact", "turns": GOOD}
    card = grade(d, make_corpus(), analyzer=fake_analyze, context_factory=ctx_factory)
    dump = card.model_dump()
    for key in ("score", "passed", "violations", "steps", "outcome", "dimensions", "transcript_id", "locale"):
        assert key in dump
    assert 0 <= dump["score"] <= 100 and dump["transcript_id"] == "x"
    assert set(dump["skills"]) == {"empathy", "politeness", "control", "questions", "talk_balance"}


def test_talk_balance_penalises_monologue():
    monologue = [C("您好，我是华信银行的小王，工号1234。" * 20), D("嗯。")]
    assert run(monologue).skills["talk_balance"] < 20
    assert run(GOOD).skills["talk_balance"] > run(monologue).skills["talk_balance"]


# ---------------------------------------------------------------- end to end: shipped corpora, real analyzer

ZH_CALL = [
    C("您好，我是华信银行信用卡中心的客服专员，我姓王，工号1234。"),
    D("喂？谁啊？"),
    C("请问您是陈志远先生本人吗？"),
    D("是我，什么事？"),
    C("今天联系您，是因为您尾号4417的信用卡欠款23600元还没有还上。请问是遇到什么困难了吗？"),
    D("最近生意不好，资金周转不开。你们烦不烦，再打来我就投诉你！"),
    C("我理解您现在的难处。逾期会按合同产生利息和违约金，而且会如实报送征信。您看能不能先还一部分？"),
    D("那我11月28日通过手机银行先还6000吧。"),
    C("跟您确认一下：您11月28日之前通过手机银行还6000元，对吗？"),
    D("对。"),
    C("感谢您的配合，请按约定时间还款，再见。"),
]


@pytest.fixture
def lexical(monkeypatch):
    """The real analyzer without an embedding model: fast, deterministic, no downloads."""
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")


def real(turns, locale="zh-CN", scenario="first_contact", **extra):
    return grade(Transcript(id="real", locale=locale, scenario=scenario, turns=turns, **extra))


def test_real_zh_call_passes_with_promise_repeated_back(lexical):
    card = real(ZH_CALL, started_at="2026-11-20T10:00:00")
    assert card.passed and card.violations == []  # the debtor's complaint is not charged
    assert card.outcome.ptp and card.outcome.amount == 6000 and card.outcome.channel == "手机银行"
    assert card.outcome.date == "2026-11-28" and card.outcome.repeated_back
    required = [s for s in card.steps if s.required]
    assert all(s.done for s in required)
    assert card.analyzer.startswith("lexical only")


def test_real_zh_threat_fails_the_call(lexical):
    turns = ZH_CALL[:-1] + [C("你要是再不还钱，就等着坐牢吧！再见。")]
    card = real(turns)
    assert not card.passed
    v = next(v for v in card.violations if v.severity == "critical")
    assert v.turn == 10 and v.category == "threat_legal" and v.quote in turns[10]["text"]
    assert v.rule and v.suggestion


def test_real_zh_debt_before_verification(lexical):
    turns = [C("您好，我是华信银行的小王，工号1234。您的信用卡已经逾期38天了。")] + ZH_CALL[1:]
    card = real(turns)
    issue = card.order_issues[0]
    assert issue.turn == 0 and issue.kind == "debt_before_verification" and "逾期" in issue.quote
    assert card.dimensions["script"] < real(ZH_CALL).dimensions["script"]


def test_real_unverified_disclosure_cites_the_corpus_rule(lexical):
    turns = [
        D("喂？"),
        C("喂，周建国是吧？你信用卡欠款一万二千元，已经逾期四十天了，什么时候还？"),
        D("你谁啊？"),
    ]
    card = real(turns)
    v = next(v for v in card.violations if v.category == "third_party_disclosure")
    assert v.turn == 1 and v.severity == "major" and "个人信息保护法" in v.rule
    assert v.quote in turns[1]["text"]


def test_real_third_party_disclosure_fails(lexical):
    turns = [
        C(
            "您好，我是华信银行的小王。请问您是陈志远先生的什么人？他在我们银行的信用卡欠款23600元已经逾期了。"
        ),
        {"speaker": "third_party", "text": "我是他老婆。"},
        C("麻烦您转告陈先生，请他方便时回电4008001234，找王专员。谢谢，再见。"),
    ]
    card = real(turns, scenario="third_party")
    assert not card.passed
    assert [(v.turn, v.category, v.severity) for v in card.violations] == [
        (0, "third_party_disclosure", "critical")
    ]
    assert card.order_issues == []  # a third party is reported as disclosure, not as an order mistake
    assert card.dimensions["outcome"] == 100


def test_real_missing_steps_use_corpus_phrasing(lexical):
    from simulator.loader import load_corpus

    corpus = load_corpus("zh-CN")
    card = real([C("喂，陈志远吗？赶紧还钱。"), D("你谁啊？")])
    missing = {s.id: s for s in card.missing_steps}
    assert {"greeting_identity", "confirm_ptp", "close"} <= set(missing)
    for sid in ("greeting_identity", "confirm_ptp"):
        assert missing[sid].suggestion == corpus.step(sid).phrasings[0]
    assert not card.passed and card.outcome.ptp is False


def test_real_en_call(lexical):
    turns = [
        C("Hi, this is Sam Miller calling from Acme Recovery Services."),
        D("Hello?"),
        C("Am I speaking with John Smith?"),
        D("Yes, this is John."),
        C(
            "This is an attempt to collect a debt and any information obtained will be used for that purpose. "
            "I'm calling about your Visa account, which is 45 days past due with a balance of $1,250."
        ),
        D("I lost my job last month, you idiots keep calling."),
        C("I'm sorry to hear that. Can you tell me what's changed with your income?"),
        D("I can pay $300 on March 15 by debit card."),
        C("So to confirm, $300 on March 15 by debit card, is that right?"),
        D("Yes."),
        C("Thank you for your time, John. Have a good day."),
    ]
    card = real(turns, locale="en-US", started_at="2026-03-01")
    assert card.violations == [] and card.order_issues == []
    assert (card.outcome.amount, card.outcome.date, card.outcome.channel) == (300, "2026-03-15", "debit card")
    assert card.outcome.repeated_back
    mm = next(s for s in card.steps if s.id == "mini_miranda")
    assert mm.done and mm.turn == 4
