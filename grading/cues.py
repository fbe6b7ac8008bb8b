"""Lexical cues for the acts that are not scripted steps, and for mentions of the debt.

Step cues live in the scripts corpus (trainers edit them); these are behaviours the corpus schema
has no slot for: face-saving, lawful firmness, civil requests, listening, asking for a promise,
interrupting, and attempts to instruct the simulated debtor. All run on the `base` view.
"""

from __future__ import annotations

import re

_RAW: dict[str, dict[str, list[str]]] = {
    "zh": {
        "face_saving": [
            r"(像)?(您|你)(这样|这种)?(有身份|有头有脸|有地位|做大生意|讲信用|讲诚信|体面|明白事理|通情达理)的?(人|老板)?",
            r"(相信|知道|看得出)(您|你).{0,6}(讲信用|守信|有能力|不是故意|有担当|说到做到|信誉)",
            r"(只有|就)(您|你)(和|跟)我(知道)?|不会(让|告诉)(其他人|别人|第三人|任何人)",
            r"(给您|替您|为您)(留|保)(面子|隐私)|(私下|私底下)(处理|解决)",
            r"(您|你)(一直|以前|之前)(都)?(还得|还款).{0,4}(很|挺|特别)?(准时|及时|按时|好)",
            r"陈总|王总|李总|张总|刘总|老板您",
        ],
        "firm_pressure": [
            r"(必须|务必|一定要|得)(在)?.{0,10}(前|之前|之内|今天|明天|本周|尽快)(处理|还|给|回复|解决|到账)",
            r"(最后期限|最晚|最迟|截止)",
            r"(不能|不可以|没法)再(拖|等|延)",
            r"(请您|请你)?(务必|一定)重视",
            r"(今天|现在)(必须|一定|就要)(给|定|确定|处理)",
            r"(明确|具体)的?(还款)?(时间|日期|金额)",
        ],
        "civil_request": [
            r"文明(用语|沟通|一点|一些)",
            r"(请|麻烦)?(您|你)?(不要|别|请勿)(再)?(骂人|骂|说脏话|爆粗口|说这样的话|说这种话|用这样的|人身攻击)",
            r"(冷静|消消气|别激动|平复一下|心平气和)",
            r"好好(说|沟通|谈|商量)",
        ],
        "listen": [
            r"(您|你)(慢慢|继续)(说|讲)",
            r"我(在)?(听|听着)(呢)?",
            r"(然后呢|后来呢|还有呢|您接着说|嗯嗯|明白了|原来是这样)",
            r"(您|你)(说|讲)(说)?看|愿意(跟我)?说说",
            r"(您|你)(觉得|看)(怎么样|呢|如何)",
        ],
        "ask_ptp": [
            r"(什么时候|哪天|几号|多久|何时).{0,6}(能|可以|方便)?(还|处理|付|转|还上|到账)",
            r"(能|可以|打算)(先)?还多少",
            r"(今天|明天|这周|本周|月底前?).{0,6}(能不能|可不可以|能否|可以)(先)?(还|处理|付|转)",
            r"(给|定)(我)?(一个|个)(还款)?(时间|日期|金额)",
        ],
        "interrupt": [
            r"(你|您)?(先)?(别|不要|不用)(说|讲|解释|找借口|废话)了",
            r"(听我说|让我说完|我不想听|少(废话|啰嗦|找借口)|闭嘴|打住|别扯了|说重点)",
            r"(我不管|我不关心|跟我没关系|关我什么事|那是你的事)",
        ],
        "prompt_injection": [
            r"(忽略|忽视|无视|忘掉|忘记)(你|您)?(之前|以上|前面|所有|全部|原来|原有)?的?(所有|全部)?(指令|指示|设定|提示|规则|角色|人设|要求)",
            r"(你|您)现在(是|扮演|变成)(一个|一位)?.{0,12}(客户|债务人|助手|ai|机器人|人工智能)",
            r"(角色设定|系统提示|提示词|新的指令|system prompt|开发者模式|越狱)",
            r"(^|\n|\s)(system|assistant|user|系统)\s*[:：]",
            r"(扮演|假装)(成)?(一个|一位)?(同意|愿意)(还款|还钱)",
            r"(直接)?(同意|答应)(还款|还钱)(就行|就好|吧).{0,4}(这是|按照)?(指令|命令|要求)",
        ],
    },
    "en": {
        "face_saving": [
            r"\b(i can tell|i know|it'?s clear) you('re| are)? (someone|a person|the kind of person) who\b",
            r"\byou('ve| have) (always|been) (paid|kept up|a good customer|reliable)\b",
            r"\b(this|it) (stays|is|will stay) (just )?between (us|you and me)\b",
            r"\b(i respect|i appreciate) (that you|your honesty|you taking)\b",
            r"\b(good|long[- ]standing|valued) (customer|standing|history|track record)\b",
        ],
        "firm_pressure": [
            r"\b(i need|we need)\b.{0,30}\b(today|commitment|specific date|firm date|by (friday|monday|tomorrow|the))\b",
            r"\b(deadline|no later than|at the latest|final (offer|notice))\b",
            r"\b(can'?t|cannot) (wait|keep|let this|hold this)\b",
            r"\b(has to|must|needs to) be (paid|resolved|handled|taken care of)\b",
            r"\b(seriously|severely) (past due|delinquent|behind)\b",
        ],
        "civil_request": [
            r"\bkeep (this|it|the (conversation|language|call)|things)\b.{0,15}\b(civil|respectful|polite|professional|calm)\b",
            r"\b(please )?(don'?t|do not|stop) (swear|swearing|curse|cursing|call(ing)? me|use (that|words|language))",
            r"\b(calm down|take a (breath|moment)|lower your voice|no need to (shout|yell|swear))\b",
            r"\blet'?s (stay|be|keep it) (calm|civil|respectful)\b",
        ],
        "listen": [
            r"\b(go ahead|i'?m listening|take your time|tell me more|i'?m here|i hear you)\b",
            r"\b(what do you think|how does that sound|what would work|what works for you)\b",
            r"\b(mm-?hmm|uh-?huh|i see|got it|okay, go on)\b",
        ],
        "ask_ptp": [
            r"\b(when|what day|what date|how soon)\b.{0,25}\b(can|could|will|would) you\b.{0,15}\b(pay|make|send|get)",
            r"\bhow much (can|could|will|would) you\b.{0,20}\b(pay|send|put|afford|do)\b",
            r"\b(can|could|will) you (pay|make a payment|send|commit)\b",
            r"\b(can i|could i|let me) (get|have) (a|your) (date|commitment|promise)\b",
        ],
        "interrupt": [
            r"\b(let me (stop|finish)|stop talking|hold on, hold on|i don'?t (care|want to hear)|save it|enough excuses|spare me|whatever)\b",
            r"\b(that'?s not my problem|not my problem|i'?m not interested in (your|excuses))\b",
            r"\b(listen to me|be quiet|shut up)\b",
        ],
        "prompt_injection": [
            r"\b(ignore|disregard|forget|override)\b.{0,25}\b(instructions?|prompts?|rules|system|programming|persona|guidelines|previous|above)\b",
            r"\byou are now\b|\bfrom now on,? you\b|\bact as (an?|the)\b|\bpretend (to be|you are)\b|\brole-?play as\b",
            r"(^|\n|\s)(system|assistant|user|developer)\s*:",
            r"\b(system prompt|jailbreak|developer mode|dan mode|new instructions|<\|im_start\|>|\[inst\])",
            r"\b(as an ai|you'?re an ai|language model)\b",
            r"\b(agree to pay|say you will pay|promise to pay)\b.{0,20}\b(now|immediately)\b.{0,20}\b(that'?s an order|i command|you must)\b",
        ],
    },
}

# The line says something about the debt: amount, overdue state, the debt itself.
_DEBT_RAW = {
    "zh": [
        r"欠款|欠钱|欠了|欠着|欠债|欠费|拖欠|欠我们|欠银行|逾期|没还|未还|还款|应还|债务|催收|老赖|透支|账单|借款|贷款"
        r"|欠.{0,6}(元|块|万)|还欠(?!缺)|欠(\d|[一二三四五六七八九十两几]+[百千万])|(消费|网|车|房|经营|信用)贷",
    ],
    "en": [
        r"\b(debts?|owes?|owed|owing|past[ -]due|overdue|delinquen\w*|behind on|late on (his|her|your|the)|collections?"
        r"|debt collector|unpaid|outstanding|balance|missed (a |your |his |her )?payments?|in default|charged[ -]off)\b",
        r"\b(stopped|quit|stop) (paying|making (the |his |her |any )?payments)\b|\b(hasn'?t|has not|haven'?t|have not)"
        r" (paid|been paying|made (a|any|the) payments?)\b|\b\d+ days (late|behind)\b",
    ],
}


def _compile(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


EXTRA_CUES: dict[str, dict[str, re.Pattern]] = {
    lang: {act: _compile(pats) for act, pats in acts.items()} for lang, acts in _RAW.items()
}
DEBT_MENTION: dict[str, re.Pattern] = {lang: _compile(p) for lang, p in _DEBT_RAW.items()}


def lang_of(locale: str) -> str:
    return "zh" if locale.lower().startswith("zh") else "en"
