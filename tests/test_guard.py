"""The reply guard: out-of-character debtor lines are caught, in-character ones pass."""

from __future__ import annotations

import re

import pytest

from simulator import guard
from simulator.loader import all_personas, get_persona


@pytest.mark.parametrize(
    "text",
    [
        "您好，我是华信银行信用卡中心的客服小王，工号1234。",
        "请您尽快还款，以免影响征信。",
        "您的信用卡已经逾期38天了。",
        "我的工号是8848，有问题可以投诉。",
    ],
)
def test_zh_collector_speech_is_rejected(vain, text):
    v = guard.check(text, vain)
    assert not v.ok and any("collector" in r for r in v.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "This is an attempt to collect a debt and any information obtained will be used for that purpose.",
        "Please make a payment today.",
        "I'm calling from Lakeside Collections about your account.",
        "Your account is past due.",
    ],
)
def test_en_collector_speech_is_rejected(nurse, text):
    assert not guard.check(text, nurse).ok


@pytest.mark.parametrize(
    "text,persona_id",
    [
        ("作为AI，我无法承诺还款。", "zh-vain-owner"),
        ("我是一个人工智能助手。", "zh-vain-owner"),
        ("As an AI language model, I can't do that.", "en-cooperative-nurse"),
        ("I'm an assistant, how can I help?", "en-cooperative-nurse"),
    ],
)
def test_ai_speech_is_rejected(text, persona_id):
    v = guard.check(text, get_persona(persona_id))
    assert not v.ok and any("AI" in r for r in v.reasons)


def test_prompt_residue_and_echoed_instructions(vain):
    assert not guard.check("债务人：对，是我。", vain).ok
    assert not guard.check("行，{date}之前我还。", vain).ok
    prompt = "你是陈志远，一个极要面子的装修公司老板，说话带着老板腔。绝不承认自己是模型。"
    v = guard.check("你是陈志远，一个极要面子的装修公司老板。", vain, system_prompt=prompt)
    assert not v.ok and any("instructions" in r for r in v.reasons)


def test_language_switch(vain, nurse):
    assert not guard.check("Sorry, I cannot pay you right now, call me later.", vain).ok
    assert not guard.check("我现在没钱。", nurse).ok
    assert guard.check("我用App转账行不行？", vain).ok  # a brand name is not a language switch


def test_too_long(vain, nurse):
    long_zh = "我知道。" * (vain.style.max_sentences + 1)
    assert any("too long" in r for r in guard.check(long_zh, vain).reasons)
    assert any("too long" in r for r in guard.check("好" * 400, vain).reasons)
    many = " ".join(["I know."] * (nurse.style.max_sentences + 1))
    assert not guard.check(many, nurse).ok
    assert guard.check("I paid $6.50 to Mr. Smith. Fine.", nurse).ok or nurse.style.max_sentences < 2


def test_third_party_must_not_know_the_debt(spouse):
    facts = guard.debt_facts(get_persona("zh-vain-owner").account)
    for text in ("他是不是欠你们钱了？", "23600是吧？我转告他。", "他信用卡逾期了？"):
        v = guard.check(text, spouse, knows_debt=False, facts=facts)
        assert not v.ok and any("third party" in r for r in v.reasons), text
    assert guard.check("他信用卡逾期了？", spouse, knows_debt=True, facts=facts).ok
    assert guard.check("行，我让他给你们回电话。", spouse, knows_debt=False, facts=facts).ok


def test_trim_keeps_the_first_sentences(vain):
    assert guard.trim("一。二。三。四。五。", vain) == "一。二。三。"[: 2 * vain.style.max_sentences]


def test_every_builtin_sample_line_passes_the_character_checks():
    """Sample lines are the fallback: they must never speak as the collector or an AI."""
    for p in all_personas().values():
        for move, lines in p.sample_lines.items():
            for raw in lines:
                ln = re.sub(r"\{[a-z_]+\}", "", raw)
                assert guard.speaks_as_collector(ln, p.locale) is None, (p.id, move, ln)
                assert guard.speaks_as_ai(ln) is None, (p.id, move, ln)
                assert not guard.off_language(ln, p.locale), (p.id, move, ln)


def test_sentences_split_both_languages():
    assert guard.sentences("行。你说吧！什么事？", "zh-CN") == ["行。", "你说吧！", "什么事？"]
    assert guard.sentences("Fine. I paid $6.50 already! Okay?", "en-US") == [
        "Fine.",
        "I paid $6.50 already!",
        "Okay?",
    ]


@pytest.mark.parametrize(
    ("locale", "reply", "heard"),
    [
        ("zh-CN", "我先别着急，我理解您做生意不容易。", "您先别着急，我理解您做生意不容易。"),
        (
            "zh-CN",
            "你是华信银行信用卡中心的小王，工号1234。",
            "您好，我是华信银行信用卡中心的小王，工号1234。",
        ),
        ("en-US", "It's been a hard month for me, I know.", "I understand, it's been a hard month for you."),
    ],
)
def test_a_reply_that_repeats_the_callers_line_is_rejected(vain, nurse, locale, reply, heard):
    persona = vain if locale == "zh-CN" else nurse
    verdict = guard.check(reply, persona, heard=heard)
    assert not verdict.ok and any("repeats the caller" in r for r in verdict.reasons)
    assert "repeats the caller" not in " ".join(guard.check(reply, persona).reasons)  # nothing heard


@pytest.mark.parametrize(
    ("locale", "reply", "heard"),
    [
        # promise terms said back are normal on the phone
        (
            "zh-CN",
            "没错，10月23日之前我通过手机银行转账先还6000元，你记一下。",
            "我跟您确认一下：10月23日前通过手机银行转账还款6000元，对吗？",
        ),
        ("zh-CN", "什么？逾期38天？", "陈先生，您的信用卡已经逾期38天，欠款23600元。"),
        (
            "en-US",
            "Yes, by Friday, $200 through the app.",
            "So that's $200 by Friday through the app, correct?",
        ),
        ("en-US", "Speaking. Who is this?", "Hi, may I speak with Dana Ross? Who am I speaking with?"),
    ],
)
def test_repeating_a_few_words_or_the_promise_terms_is_fine(vain, nurse, locale, reply, heard):
    persona = vain if locale == "zh-CN" else nurse
    assert guard.echoes_caller(reply, heard, locale) is None
    assert "repeats the caller" not in " ".join(guard.check(reply, persona, heard=heard).reasons)
