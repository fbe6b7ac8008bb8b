"""Prompt building for LLM backends and the shaping of what a model says back."""

import pytest

from grading.acts import DEBTOR_MOVES, THIRD_PARTY_MOVES
from simulator.backends.base import Realisation
from simulator.backends.prompting import (
    ReplyShaper,
    build_messages,
    instructions,
    load_prompts,
    make_shaper,
    role_labels,
    shape_stream,
    system_prompt,
)
from simulator.loader import load_persona
from simulator.models import Persona


@pytest.fixture(scope="module")
def zh():
    return load_persona("personas/zh-vain-owner.yaml")


@pytest.fixture(scope="module")
def spouse():
    return load_persona("personas/zh-spouse-of-vain-owner.yaml")


@pytest.fixture(scope="module")
def en(zh):
    data = zh.model_dump()
    data.update(
        id="en-test-owner",
        locale="en-US",
        name="Mark Hollis",
        summary="Owner of a small remodeling firm.",
        background="Mark runs a remodeling company.\nTwo clients are paying late.",
        style={
            "description": "Brisk and proud.",
            "catchphrases": ["Do you know who I am?"],
            "max_sentences": 2,
        },
        sample_lines={
            **{m: [f"Line for {m}."] for m in data["sample_lines"]},
            "promise": ["Fine, {amount} by {date} through {channel}."],
        },
    )
    data["account"].update(creditor="Acme Bank", product="charge card", currency="USD")
    return Persona.model_validate(data)


SLOTS = {
    "name": "陈志远",
    "amount": "6000元",
    "date": "10月23日",
    "channel": "手机银行转账",
    "amount_due": "23600元",
    "creditor": "华信银行",
}
HISTORY = [
    {"speaker": "debtor", "text": "喂？"},
    {"speaker": "collector", "text": "您好，请问是陈志远先生吗？"},
    {"speaker": "debtor", "text": "是我，什么事？"},
    {"speaker": "collector", "text": "您的信用卡逾期了，今天能还吗？"},
]


def req(persona, move="excuse", history=HISTORY, state=None, slots=SLOTS, **kw):
    return Realisation(
        persona=persona, move=move, slots=dict(slots), history=list(history), state=state or {}, **kw
    )


def test_every_move_has_an_instruction_in_both_locales():
    prompts = load_prompts()
    for locale in ("zh-CN", "en-US"):
        moves = prompts[locale]["moves"]
        missing = [m for m in set(DEBTOR_MOVES) | set(THIRD_PARTY_MOVES) if not moves.get(m)]
        assert not missing, f"{locale}: no instruction for {missing}"


def test_system_prompt_describes_the_persona_in_its_language(zh, en):
    text = system_prompt(zh)
    assert "陈志远" in text and "装修公司" in text and "要面子" in text and "我陈某人" in text
    assert "AI" in text and "催收员" in text
    text = system_prompt(en)
    assert (
        "Mark Hollis" in text
        and "remodeling company. Two clients" in text
        and '"Do you know who I am?"' in text
    )
    assert "at most two" in text and "English" in text


def test_system_prompt_and_history_stay_stable_across_turns(zh):
    """Only the last message changes with move, mood and facts: the token prefix stays reusable."""
    first = build_messages(req(zh, "excuse", state={"mood": "calm"}))
    later_history = HISTORY + [
        {"speaker": "debtor", "text": "最近太忙了。"},
        {"speaker": "collector", "text": "理解，那今天能先还一部分吗？"},
    ]
    second = build_messages(
        req(
            zh,
            "bargain",
            history=later_history,
            state={"mood": "angry", "anger": 0.9},
            slots={**SLOTS, "amount": "1"},
        )
    )
    assert first[0] == second[0]
    assert first[:-1] == second[: len(first) - 1]
    assert second[len(first) - 1] == {"role": "user", "content": "您的信用卡逾期了，今天能还吗？"}


def test_history_maps_speakers_and_opens_with_the_pickup(zh):
    msgs = build_messages(req(zh))
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert msgs[1]["content"] == load_prompts()["zh-CN"]["pickup"]
    assert msgs[2]["content"] == "喂？" and msgs[4]["content"] == "是我，什么事？"
    assert "您的信用卡逾期了，今天能还吗？" in msgs[-1]["content"]


def test_first_turn_and_silence(zh):
    msgs = build_messages(req(zh, "greet", history=[]))
    assert [m["role"] for m in msgs] == ["system", "user"]
    assert "电话响了" in msgs[-1]["content"] and "接起电话" in msgs[-1]["content"]
    msgs = build_messages(req(zh, "stall", history=HISTORY[:3]))
    assert msgs[-2]["role"] == "assistant" and "没有说话" in msgs[-1]["content"]


def test_consecutive_lines_of_one_speaker_merge(zh):
    history = [{"speaker": "collector", "text": "喂？"}, {"speaker": "collector", "text": "听得到吗？"}]
    msgs = build_messages(req(zh, "greet", history=history))
    assert [m["role"] for m in msgs] == ["system", "user"]  # the collector spoke first: no pickup line
    assert "喂？\n听得到吗？" in msgs[-1]["content"] and "电话响了" not in msgs[-1]["content"]


def test_direction_states_the_move_mood_and_only_its_facts(zh):
    last = build_messages(req(zh, "promise", state={"mood": "angry", "anger": 0.9, "trust": 0.1}))[-1][
        "content"
    ]
    assert "答应还款" in last and "很生气" in last and "不信任对方" in last
    assert "6000元" in last and "10月23日" in last and "手机银行转账" in last
    vent = build_messages(req(zh, "vent"))[-1]["content"]
    assert "发牢骚" in vent and "6000元" not in vent and "23600元" not in vent


def test_direction_quotes_a_persona_line_with_its_slots_filled(zh, en):
    last = build_messages(req(zh, "promise"))[-1]["content"]
    assert "6000元" in last and "{" not in last
    last = build_messages(req(en, "promise", slots={"amount": "$500", "date": "Friday", "channel": "Zelle"}))[
        -1
    ]
    assert "Fine, $500 by Friday through Zelle." in last["content"]
    assert "Promise to pay" in last["content"]


def test_instructions_hold_what_a_reply_must_not_echo_but_not_the_persona_line(zh):
    text = instructions(req(zh, "promise"))
    assert text.startswith(system_prompt(zh)) and "答应还款" in text
    line = zh.sample_lines["promise"][0].format(**SLOTS)
    assert line not in text


def test_the_quoted_line_varies_across_turns(zh):
    seen = set()
    for n in range(8):
        history = (
            HISTORY + [{"speaker": "debtor", "text": "嗯。"}, {"speaker": "collector", "text": "好的。"}] * n
        )
        seen.add(build_messages(req(zh, "vent", history=history))[-1]["content"].rsplit("“", 1)[1])
    assert len(seen) == len(zh.sample_lines["vent"]) == 2


def test_retry_feedback_adds_a_warning(zh):
    plain = build_messages(req(zh))[-1]["content"]
    retry = build_messages(req(zh, state={"guard_feedback": ["repeats its instructions"]}))[-1]["content"]
    assert "不要重复提示" in retry and "不要重复提示" not in plain


def test_third_party_prompt_names_the_relation_and_the_debtor(spouse):
    text = system_prompt(spouse, "third_party", {"debtor_name": "陈志远"})
    assert "林秀梅" in text and "陈志远的妻子" in text and "不知道陈志远有欠款" in text
    last = build_messages(req(spouse, "take_message", slots={"debtor_name": "陈志远"}))[-1]["content"]
    assert "转告陈志远" in last


def test_system_direction_role_puts_the_collector_line_plain(zh):
    msgs = build_messages(req(zh), direction_role="system")
    assert msgs[-2] == {"role": "user", "content": "您的信用卡逾期了，今天能还吗？"}
    assert msgs[-1]["role"] == "system" and "借口" in msgs[-1]["content"]


# ---------------------------------------------------------------- shaping


def shape(persona, raw, n=3, step=1):
    pieces = [raw[i : i + step] for i in range(0, len(raw), step)]
    return "".join(shape_stream(pieces, make_shaper(persona, n)))


@pytest.mark.parametrize("step", [1, 2, 5, 100])
def test_shaper_strips_labels_and_stage_directions(zh, en, step):
    assert shape(zh, "陈志远：我现在没钱。", step=step) == "我现在没钱。"
    assert shape(zh, "（叹气）我现在没钱。", step=step) == "我现在没钱。"
    assert shape(zh, "“我现在没钱。”", step=step) == "我现在没钱。"
    assert shape(zh, "陈志远，你是谁？", step=step) == "你是谁？"  # the model addressing itself
    assert shape(en, "**Debtor:** I can't pay right now.", step=step) == "I can't pay right now."
    assert shape(en, "Mark: *sighs* Fine.", step=step) == "Fine."
    assert shape(en, "Mark Hollis, Hollis Remodeling.", step=step) == "Mark Hollis, Hollis Remodeling."


@pytest.mark.parametrize("step", [1, 3, 100])
def test_shaper_stops_at_the_other_speaker_and_at_new_lines(zh, en, step):
    assert shape(zh, "我现在没钱。催收员：那您什么时候能还？", step=step) == "我现在没钱。"
    assert shape(zh, "我现在没钱。\n\n好的。", step=step) == "我现在没钱。"
    assert shape(en, "I can't. Collector: Why not?", step=step) == "I can't."


@pytest.mark.parametrize("step", [1, 4, 100])
def test_shaper_limits_sentences(zh, en, step):
    assert (
        shape(zh, "行。我先还六千。剩下的下个月。你记一下。", n=3, step=step)
        == "行。我先还六千。剩下的下个月。"
    )
    assert shape(zh, "真的吗？！我不信。", n=1, step=step) == "真的吗？！"
    assert (
        shape(en, "I can pay $1.50 today. Maybe more. Not sure.", n=2, step=step)
        == "I can pay $1.50 today. Maybe more."
    )


@pytest.mark.parametrize("step", [1, 3, 100])
def test_shaper_cuts_a_model_stuck_in_a_loop(zh, step):
    assert shape(zh, "我挺生气的，催收员，催收员，催收员，催收员，催", step=step) == "我挺生气的，催收员"
    assert shape(zh, "好好好，我知道了。", step=step) == "好好好，我知道了。"


@pytest.mark.parametrize("step", [1, 4, 100])
def test_shaper_strips_an_echoed_direction_and_keeps_the_line(zh, step):
    r = req(zh, "excuse")
    echo = build_messages(r)[-1]["content"].split("\n", 1)[1]  # the direction without the collector's line
    raw = echo + "\n"
    raw = echo.replace("\n", "") if step == 4 else raw
    pieces = [raw[i : i + step] for i in range(0, len(raw), step)]
    out = "".join(shape_stream(pieces, make_shaper(zh, 3, r)))
    line = echo.rsplit("“", 1)[1].rstrip("”")
    assert out == line
    assert "请用陈志远的口吻把这句话换个说法说出来" in instructions(r)


def test_shaper_keeps_ordinary_text_and_never_takes_text_back(en):
    shaper = ReplyShaper(role_labels(en), 3)
    out = ""
    for ch in "Me and my wife: we will pay.":
        out += shaper.feed(ch)
        assert "Me and my wife: we will pay.".startswith(out)
    out += shaper.finish()
    assert out == "Me and my wife: we will pay."


def test_shaper_reports_done_so_generation_can_stop(zh):
    shaper = ReplyShaper(role_labels(zh), 1)
    shaper.feed("好的。")
    assert not shaper.done  # a closing quote or "！" may still follow
    shaper.feed("我")
    assert shaper.done and shaper.text == "好的。"
