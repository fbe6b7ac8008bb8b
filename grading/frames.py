"""Lawful frames around a banned word: the words are there, the banned statement is not.

`compliance.suppressed` handles negation, quotation and refuted rumours. These frames are the
ones it cannot see from the clause prefix alone:

- attributed speech: the listener's own words played back ("您说我是骗子", "you asked if I'm the
  police"), or what a previous collector said, apologised for ("the last agent called you a
  deadbeat; that shouldn't have happened"). The name lands on the collector or is disowned.
- a listener's fear answered ("you mentioned being scared of getting arrested; that isn't something
  that happens"): attributed to the listener, then refuted.
- a third party told they owe nothing ("也不会让您替他还钱", "you're not responsible for his bills"),
  or their own question about the debt put back and not answered ("您问他是不是欠钱了，这个我不方便说").
- a warning about scammers ("anyone who claims to be the police is a scammer", "谁让您转'安全账户'都是诈骗").
- a charge grounded in the contract ("a $25 returned-payment fee under your agreement").
- a remedy stated as a possibility that the contract or a court allows, with no date on it ("the
  lender may repossess the vehicle as the contract allows").

Each frame is a family of wordings, checked on the `clean` view around one match.
"""

from __future__ import annotations

import re

from grading.acts import Category
from grading.cues import DEBT_MENTION

_SENT_END = "。！？!?；;\n"


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence(s) holding [start, end)."""
    a = start
    while a > 0 and text[a - 1] not in _SENT_END and not (text[a - 1] == "." and text[a : a + 1] == " "):
        a -= 1
    b = end
    while (
        b < len(text)
        and text[b] not in _SENT_END
        and not (text[b] == "." and text[b + 1 : b + 2] in (" ", ""))
    ):
        b += 1
    return a, b


# The listener's words played back, their subject being the collector side: "您说我(们)…", "您问我是不是…".
_LISTENER_SAID = {
    "zh": re.compile(
        r"(您|你)(刚才|之前|刚刚|一直|是不是)?(是)?(说|讲|提到|问|骂|觉得|认为|以为|怀疑|质疑|投诉)(过)?(的)?"
        r"[^，。！？,]{0,2}(我|我们|咱们|这边|我这边|我们这边)"
    ),
    "en": re.compile(
        r"\byou(?:'ve| have)?\s+(just\s+)?(said|say|asked|ask|mentioned|called|thought|think|accused|"
        r"feel like|felt like|wondered|wonder)\s+(me|us|if i|whether i|if we|whether we|i'?m|i am|we'?re|"
        r"we are|that i|that we|i was|we were)\b"
        r"|\bcall(?:ing|ed)?\s+(me|us)\b"
    ),
}
# Someone else's words disowned: "之前的催收员骂您是老赖，这种说法确实不对", "the last agent called you …".
_OTHERS_SAID = {
    "zh": re.compile(
        r"(之前|以前|上次|上一个|上一位|别的|其他|另一个|另一位)的?(催收员?|同事|工作人员|客服|专员|人)"
        r"[^，。！？]{0,4}(骂|说|叫|称|喊)(您|你)"
    ),
    "en": re.compile(
        r"\b(the\s+(last|previous|other|former|earlier)\s+\w+|another\s+\w+|someone|somebody|they|he|she)\s+"
        r"(called|call|calls|said|told)\s+you\b"
    ),
}
_DISOWNED = {
    "zh": re.compile(r"不对|不应该|不该|不合适|不妥|道歉|抱歉|对不起|核查|核实|投诉|处理|不是真的|不属实"),
    "en": re.compile(
        r"\b(shouldn'?t have|should not have|wasn'?t (okay|right|acceptable|appropriate)|not (okay|right|"
        r"acceptable|appropriate)|sorry|apologi[sz]e|report it|look into|wrong|not true)\b"
    ),
}
# A fear the listener voiced, answered as untrue.
_LISTENER_FEAR = {
    "zh": re.compile(
        r"(您|你)(刚才|之前|一直)?(是不是|可能)?(说|提到|担心|害怕|怕|顾虑|以为|听说|听人说|问)(过)?"
    ),
    "en": re.compile(
        r"\byou(?:'ve| have|'re| are| were)?\s+(just\s+)?(mentioned|said|asked|worried|scared|afraid|"
        r"concerned|heard|read|wondering|fear|feared|think|thought)\b"
    ),
}
_ANSWERED = {
    "zh": re.compile(
        r"不会|不用担心|别担心|放心|不是这样|不是的|不存在|没有这回事|不属于|不构成|不对|不会发生|不可能"
    ),
    "en": re.compile(
        r"\b(isn'?t|is not|aren'?t|won'?t|will not|doesn'?t|does not|not something|no one|nobody|never|"
        r"not how|not true|not going to|can'?t happen|don'?t need to worry|no need to worry)\b"
    ),
}
# A third party told that paying is not theirs to do.
_TP_REASSURE = {
    "zh": re.compile(
        r"(不会|不用|不需要|无需|不必|没有义务|不要求|不应该|不该|没必要)(让|要|要求|请)?(您|你)?(来|去)?"
        r"(替|帮|代|给)(他|她|他们|本人)[^，。！？,]{0,4}(还钱|还款|还|付钱|付款|付|出钱|承担|偿还|垫)[^，。！？,]{0,3}"
        r"|(您|你)(不|没有|无)(需要|用|必|义务|责任)[^，。！？,]{0,4}(替|帮|代|给)(他|她)[^，。！？,]{0,6}"
        r"|(家属|家人|亲属|子女|您|你)(都)?(没有|无|不承担|不负有|不负)(替|帮|代|给)(他|她)[^，。！？,]{0,6}(义务|责任)"
    ),
    "en": re.compile(
        r"\b(you(?:'re| are)\s+not|you\s+aren'?t|nobody(?:'s| is)|no one(?:'s| is)|you\s+don'?t\s+have\s+to|"
        r"you\s+won'?t\s+(have|be asked)\s+to|we\s+(won'?t|will not|don'?t|do not)\s+(ask|expect)\s+you\s+to)"
        r"[^.!?]{0,30}\b(pay|responsible|liable|cover)\b[^.!?]{0,30}"
        r"|\byou\s+(don'?t|do not|won'?t|will not)\s+owe\s+(us\s+)?(anything|a thing|a cent|a dime|any money)\b"
    ),
}
# A charge tied to the signed agreement or to the event that triggers it, not invented.
_CONTRACT = {
    "zh": re.compile(
        r"按(照)?(合同|协议|约定|条款|账单)|(?<!不是)(?<!并不是)(?<!而不是)(合同|协议)(约定|规定|里|上|中)(?!没|未|不|并没|可没)"
        # not when the contract is cited only to be overridden: "合同上写的是每期九百，可是现在调成…"
        r"(?!写的[^。！？]{0,18}(但|可是|不过))|根据(合同|协议|约定)"
        # a fee the bank itself charges, said to be the bank's
        r"|银行(那边|方面|自己)?[^，。！？]{0,10}(规定|收取?的|收一笔)|不是我们(收|加|定)的"
    ),
    "en": re.compile(
        r"(?<!not )(?<!n't )(?<!never )\b(under|per|according to|as (set out|stated|written) in|in)\s+(your|the)\s+(card\s+|loan\s+|"
        r"cardholder\s+)?(agreement|contract|terms)\b|(?<!on top of what )(?<!beyond what )(?<!more than what )"
        r"(?<!2x what )(?<!twice what )(?<!double what )(?<!triple what )"
        r"\b(your|the)\s+(agreement|contract|terms)\s+"
        r"(allows?|provides?|says|sets?)\b"
        # not when the contract is cited only to be overridden: "your contract says $8,600, but I'm rounding it up"
        r"(?![^.!?]{0,25}\b(but|yet|however)\b)"
        # a fee named by the event that triggers it under any card or loan contract
        r"|\b(returned|bounced|dishonou?red|nsf|late|missed)\s+(payment|check|cheque|debit)\b"
        r"|\b(the|your) banks?\s+(charges?|will charge|may charge|adds?)\b|\b(their|the bank's) (own )?(charge|fee)\b"
    ),
}
# A remedy stated as what the contract or a court allows, as a possibility and with no date on it:
# "the lender may repossess the vehicle as the contract allows", "银行可能依法申请法院强制执行".
_DUE_PROCESS = {
    "zh": re.compile(
        r"依法|按(照)?(合同|协议)|(合同|协议)(约定|允许|规定)|经(过)?法院|法院(判决|裁定|依法)|"
        r"通过(法律|司法|诉讼)(途径|程序)|法律程序|司法程序"
    ),
    "en": re.compile(
        r"\b(as|if|where|when)\s+(the|your)\s+(loan\s+|card\s+)?(contract|agreement|law|court|judge)\s+"
        r"(allows?|permits?|provides?|orders?)\b|\b(permitted|allowed|authori[sz]ed)\s+(by|under)\s+"
        r"(law|the (contract|agreement)|your (contract|agreement))\b|\b(court order|through the courts?|"
        r"legal process|due process|after a (court|judge)|state law|notice of default|right[- ]to[- ]cure|"
        r"breach (of )?the peace|notice rules)\b"
    ),
}
_MAY = {
    "zh": re.compile(r"可能|可以|有权|或许|也许"),
    "en": re.compile(
        r"\b(may|might|could|can|has the right to|have the right to|(kept|keeps|retains?|reserves?) the right to|"
        r"is entitled to)\b"
    ),
}
_IMMINENT = {
    "zh": re.compile(r"今天|今晚|明天|马上|立刻|立即|现在就|下午|这就|已经"),
    "en": re.compile(
        r"\b(today|tonight|tomorrow|right now|immediately|this (afternoon|evening|week)|within|already)\b"
    ),
}
_ABSURD = {
    # a daily rate such as 万分之五 or 0.05% a day is how Chinese contracts state late interest
    "zh": re.compile(
        r"翻倍|翻番|翻[一两三几]倍|倍|利滚利|(每天|每日|一天)(?!(按|收|计|收取|按照)?(万分之|千分之|0\.\d+%))"
    ),
    "en": re.compile(r"\b(doubl\w*|tripl\w*|every day|per day|a day|daily|overnight)\b"),
}


# A message the listener is asked to pass on, with no debt in it: a relay, not pressure on the family.
_RELAY = {
    "zh": re.compile(r"麻烦(您|你)|请(您|你)|能不能|可以帮"),
    "en": re.compile(r"\b(please|could you|can you|would you|would you mind)\b"),
}
# A warning about scammers: the crime and the office named belong to the caller being warned about.
_SCAM_WARNING = {
    "zh": re.compile(r"自称|冒充|假冒|骗子|不法分子|诈骗电话|电信诈骗|假的"),
    "en": re.compile(
        r"\b(claim(s|ing)? to be|pretend(s|ing)? to be|impersonat\w*|scam\w*|fraudsters?|fake)\b"
    ),
}
_SCAM_CASE = {
    "zh": re.compile(r"如果|要是|万一|接到|收到|遇到|有人|小心|警惕|注意"),
    "en": re.compile(r"\b(if|when|anyone|someone|somebody|beware|watch out|be careful)\b"),
}
# The same warning put as "whoever asks you to … is": "谁让您转'安全账户'都是诈骗", "说能的都是骗子",
# "anybody who tells you to wire money is a criminal". Read on the words just before the match.
_SCAM_WHO = {
    "zh": re.compile(
        r"谁(让|叫|要|找)(您|你)[^。！？]{0,20}(都|就|一律|肯定)?是?$|(说能|号称能|声称能|说可以)的?(都|就)?是?$"
    ),
    "en": re.compile(
        r"\b(anyone|anybody|whoever|someone|somebody) (who )?(asks|tells|calls|wants|asking|telling) you to\b[^.!?]{0,50}"
        r"\b(is|are|'s)( a| an)?( definitely| always)?\s*$"
    ),
}
# A third party's own question about the debtor put back before a refusal ("您问他是不是欠钱了，这个我不方便
# 说", "you asked if he owes us money"): the listener named the debt, the collector did not confirm it.
_ASKED_ABOUT_HIM = {
    "zh": re.compile(r"(您|你)问(他|她)?(是不是|有没有|是否)[^。！？，,、；;…!?\n.]{0,6}$"),
    "en": re.compile(r"\byou(?:'re| are)? ask(ed|ing)? (me )?(if|whether) (he|she)( still)?\s*$"),
}


# What the police or a court deal with, described: "派出所管的是刑事案件，您这笔是合同纠纷", "the police
# handle crimes; this is a contract". The crime named is their remit, not the listener's act.
_REMIT = {
    "zh": re.compile(
        r"(警察|派出所|公安|民警|刑警|经侦|法院|检察院)[^，。！？,]{0,4}(管|处理|负责|受理|办|查)的(都|只|主要)?(是)?$"
    ),
    "en": re.compile(
        r"\b(police|cops|officers|sheriffs?|prosecutors?|criminal courts?)( only| mainly)? "
        r"(handle|handles|deal with|deals with|investigate|investigates|go after|goes after)\s*$"
    ),
}
# The debtor's written permission for this listener, stated by the collector: a spouse, a relative or
# an attorney the debtor authorised may be told what the debtor may be told ("since Tom signed the
# authorization letting you discuss his account", "他已经签了授权书，委托您代为处理").
_AUTHORIZED = {
    "zh": re.compile(
        r"(他|她|本人|您(家)?(先生|爱人|丈夫|妻子|太太|父亲|母亲|儿子|女儿))(已经|之前|前几天|上周|昨天|早就|都)*"
        r"(签了|签过|签署了|出具了|提交了|给我们发了|在我们这里留了|办了)[^，。！？]{0,6}(授权书|授权委托书|委托书|书面授权)"
        r"|(他|她)(已经)?(书面)?(授权|委托)(了)?(您|你)(代为|代他|代她|来)?(处理|沟通|了解|办理)"
        r"|(您|你)是(他|她)(书面)?(授权|委托)的(代理人|联系人|代表)"
    ),
    "en": re.compile(
        r"\b(signed|gave|given|filed|sent( us)?|provided)\b[^.!?]{0,30}\b(authori[sz]ation|permission|consent|"
        r"power of attorney)\b[^.!?]{0,30}\b((letting|allowing|that lets|that allows|for|naming|to let|to allow)\s+(you|us)"
        r"|to (speak|talk|discuss[^.!?]{0,20}) (with|to) you)\b"
        r"|\b(you'?re|you are) (listed|named|on file) as (his|her|their) (authorized|representative|power of attorney)"
        r"|\b(he|she) (has )?authori[sz]ed (you|us to (speak|talk) (with|to) you)\b"
    ),
}
_DENIED_BEFORE = {
    "zh": re.compile(r"(没有?|不|未|还没|并没)[^，。！？]{0,4}$"),
    "en": re.compile(r"\b(not|never|no|without)\b[^.!?]{0,12}$|n't\b[^.!?]{0,12}$"),
}


def authorized_listener(text: str, lang: str) -> bool:
    """Whether a (clean) line says the debtor has authorised this listener in writing, not denied."""
    for m in _AUTHORIZED[lang].finditer(text):
        if not _DENIED_BEFORE[lang].search(text, max(0, m.start() - 20), m.start() + 8):
            return True
    return False


def framed(text: str, start: int, end: int, category: str, rule_id: str, lang: str) -> bool:
    """True when the match at [start, end) sits in one of the lawful frames above."""
    a, b = _sentence(text, start, end)
    before = text[a:end]
    if category in (Category.threat_legal, Category.impersonation, Category.misrepresentation):
        if _SCAM_WARNING[lang].search(text, a, b) and _SCAM_CASE[lang].search(text, a, b):
            return True
    if category in (Category.threat_violence, Category.threat_legal, Category.misrepresentation):
        if _SCAM_WHO[lang].search(text[max(a, start - 60) : start]):
            return True
    if category in (Category.insult, Category.impersonation):
        if _LISTENER_SAID[lang].search(before):
            return True
        if _OTHERS_SAID[lang].search(before) and _DISOWNED[lang].search(text, end):
            return True
    if category == Category.threat_legal and _REMIT[lang].search(text, a, start):
        return True
    if category in (Category.threat_legal, Category.misrepresentation):
        m = _LISTENER_FEAR[lang].search(text, a, end)
        if m and m.start() <= start and _ANSWERED[lang].search(text, end):
            return True
    if category == Category.third_party_disclosure:
        if _ASKED_ABOUT_HIM[lang].search(text[max(a, start - 40) : start]):
            return True
        for m in _TP_REASSURE[lang].finditer(text):
            if m.start() <= start and end <= m.end():
                return True
    if rule_id.endswith("contacts_pressure") and _RELAY[lang].search(text, a, start):
        if not DEBT_MENTION[lang].search(text, a, b):
            return True
    if rule_id.endswith(("false_action", "fake_enforcement")):
        sentence = text[a:b]
        if (
            _DUE_PROCESS[lang].search(sentence)
            and _MAY[lang].search(text, a, start)
            and not _IMMINENT[lang].search(sentence)
        ):
            return True
    if rule_id.endswith("inflated_amount"):
        if _CONTRACT[lang].search(text, a, b) and not _ABSURD[lang].search(text, a, b):
            return True
    return False
