"""The reply guard: a debtor line that breaks character never reaches the trainee.

Small models swap roles ("please repay by Friday"), admit to being a model, echo their
instructions or the caller's own line back, drift into another language, ramble, or let a spouse recite the debt they
were never told about. Each check here names what went wrong so the engine can retry
once and then fall back to the persona's own sample line for the move.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Lines only a collector says: identifying as the creditor, demanding payment, the mini-Miranda.
COLLECTOR_PATTERNS: dict[str, list[str]] = {
    "zh-CN": [
        r"我是.{0,15}(银行|信用卡中心|金融|催收|贷款|资产管理|公司|中心).{0,6}(客服|专员|工作人员|催收员|调解员|法务)",
        r"(我的)?工号(是|为)?[:：]?\s*[0-9A-Za-z]{2,}",
        r"请您?(尽快|按时|马上|立即|务必)(还款|还钱|还上|处理|缴清|结清)",
        r"请您?还款",
        r"您的(信用卡|账户|贷款|账单|欠款).{0,10}(逾期|欠款|未还|到期)",
        r"(这是|本次通话是?).{0,6}(催收|收债)",
        r"我们(银行|中心|公司)?(将|会)(依法|采取|上报|起诉|委托)",
        r"您(需要|必须)(在|于)?.{0,8}(还款|还清|还上|结清)",
    ],
    "en-US": [
        r"this is an attempt to collect a debt",
        r"information obtained will be used for that purpose",
        r"\bplease (make a |submit a |send a |remit )?pay(ment)?\b",
        r"\byou owe (us|the|a |\$|\d)",
        r"\bI(?:'m| am) calling (from|on behalf of)\b",
        r"\byour (account|balance|card|loan) is (now )?(past due|overdue|delinquent)",
        r"\bthis is \w+( \w+)? (from|with) .{0,40}(collections?|bank|recovery|credit)",
        r"\bmy (employee |agent )?id (number )?is\b",
        r"\bwe (will|may) (take legal action|report (this|you)|refer (this|your))",
        r"\byou (need|have) to pay\b",
    ],
}

AI_PATTERNS: list[str] = [
    r"作为(一个|一名)?(AI|人工智能|语言模型|大模型|智能助手|AI助手|机器人|助手)",
    r"我是(一个|一名)?(AI|人工智能|语言模型|大模型|智能助手|AI助手|聊天机器人|虚拟助手)",
    r"(语言模型|人工智能助手|角色扮演|扮演(这个|该)?角色|无法扮演)",
    r"\bas an? (AI|artificial intelligence|language model|assistant|chatbot|virtual assistant)\b",
    r"\bI(?:'m| am) (just )?(an? )?(AI|artificial intelligence|(large )?language model|virtual assistant|assistant|chatbot)\b",
    r"\b(language model|role-?play(ing)?)\b",
    r"\b(OpenAI|ChatGPT|Qwen|Llama|GPT-?\d)\b|通义千问",
]

# Prompt scaffolding that must never be spoken: role labels, template markers, unfilled slots.
PROMPT_PATTERNS: list[str] = [
    r"(^|\n)\s*(催收员|催收方|客服|债务人|collector|agent|trainee|debtor|user|assistant|system)\s*[:：]",
    r"<\|[a-z_]+\|>|\[/?INST\]|<<SYS>>",
    r"\{[a-z_][a-z0-9_]*\}",
    r"(system prompt|系统提示|提示词|sample_lines|\bpersona\b|\bmove\s*[:=]|你扮演|you are playing)",
]

# Words that reveal there is a debt (for third parties who were never told).
DEBT_WORDS: dict[str, str] = {
    "zh-CN": r"(欠.{0,4}?(款|钱|债|账)|欠(你们|银行|人家)|逾期|还款|还钱|催收|信用卡|贷款|账单|债务|透支|分期|违约金|利息)",
    "en-US": r"\b(debts?|owes?|owed|owing|overdue|past[- ]due|balance|collections?|loans?|credit card|payments?"
    r"|delinquen\w*|arrears|interest)\b",
}

_SENT_END = {
    "zh-CN": re.compile(r"[。！？!?…]+[”\"』」]?|(?<![A-Za-z0-9])\.(?=\s|$)"),
    "en-US": re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\bSt)[.!?…]+[\"')]?(?=\s|$)"),
}
CHARS_PER_SENTENCE = {"zh-CN": 50, "en-US": 170}


@dataclass
class Verdict:
    """ok, or the reasons a line was rejected (one short phrase each)."""

    ok: bool
    reasons: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.ok


def _first(patterns: list[str], text: str) -> str | None:
    for p in patterns:
        m = re.search(p, text, flags=re.IGNORECASE)
        if m:
            return m.group(0)
    return None


def speaks_as_collector(text: str, locale: str) -> str | None:
    """The part of `text` that only the collector would say, or None."""
    return _first(COLLECTOR_PATTERNS.get(locale, []) + COLLECTOR_PATTERNS["en-US"], text)


def speaks_as_ai(text: str) -> str | None:
    return _first(AI_PATTERNS, text)


def prompt_residue(
    text: str, system_prompt: str | None = None, allowed: list[str] | None = None
) -> str | None:
    """Role labels, template tokens, unfilled slots, or a long stretch copied from the prompt."""
    hit = _first(PROMPT_PATTERNS, text)
    if hit:
        return hit
    if not system_prompt:
        return None
    prompt = system_prompt
    for line in allowed or []:  # the persona's own sample lines may be echoed on purpose
        prompt = prompt.replace(line, " ")
    span = 14 if _CJK.search(text) else 40
    compact = re.sub(r"\s+", " ", text)
    for i in range(0, max(0, len(compact) - span) + 1, max(1, span // 3)):
        piece = compact[i : i + span]
        if len(piece) == span and piece in prompt:
            return piece
    return None


_TO_PLAIN_YOU = str.maketrans({"您": "你"})


def echoes_caller(text: str, heard: str | None, locale: str) -> str | None:
    """The stretch of the caller's last line that makes up most of the reply, or None.

    A small model given "您先别着急，我理解您……" tends to answer "我先别着急，我理解您……". Repeating
    a date or an amount back ("10月23日前，6000元") is normal on the phone, so digits and
    punctuation do not count towards the copied length, and the copy must be most of the reply.
    """
    if not heard or not text.strip():
        return None
    zh = locale == "zh-CN"
    a = text.translate(_TO_PLAIN_YOU)
    b = heard.translate(_TO_PLAIN_YOU)
    if not zh:
        a, b = a.lower(), b.lower()
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    copied = a[m.a : m.a + m.size]
    core = re.sub(r"[\W\d_]+", "", copied)
    body = re.sub(r"[\W_]+", "", a)
    if len(core) >= (6 if zh else 16) and len(re.sub(r"[\W_]+", "", copied)) >= 0.5 * len(body):
        return text[m.a : m.a + m.size].strip()
    return None


def off_language(text: str, locale: str) -> bool:
    """A zh persona answering in English, or an en persona answering in Chinese."""
    cjk = len(_CJK.findall(text))
    if locale == "en-US":
        return cjk > 0
    latin = sum(len(w) for w in _LATIN_WORD.findall(text))
    return latin >= 12 and latin > cjk


def sentences(text: str, locale: str) -> list[str]:
    """Split a reply into sentences (Chinese and English punctuation)."""
    splitter = _SENT_END.get(locale, _SENT_END["en-US"])
    out, start = [], 0
    for m in splitter.finditer(text):
        piece = text[start : m.end()].strip()
        if re.search(r"\w", piece):
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if re.search(r"\w", tail):
        out.append(tail)
    return out


def too_long(text: str, persona) -> str | None:
    limit = persona.style.max_sentences
    n = len(sentences(text, persona.locale))
    if n > limit:
        return f"{n} sentences (limit {limit})"
    max_chars = CHARS_PER_SENTENCE.get(persona.locale, 170) * limit
    if len(text) > max_chars:
        return f"{len(text)} characters (limit {max_chars})"
    return None


def leaked_fact(text: str, locale: str, facts: list[str] | None = None) -> str | None:
    """Debt words or account facts (amount, creditor, card digits) in the text."""
    m = re.search(DEBT_WORDS.get(locale, DEBT_WORDS["en-US"]), text, flags=re.IGNORECASE)
    if m:
        return m.group(0)
    digits = re.sub(r"[,\s]", "", text)
    for f in facts or []:
        if f and (f in text or (f.isdigit() and len(f) >= 3 and f in digits)):
            return f
    return None


def debt_facts(account) -> list[str]:
    """Strings that identify a debtor's account: amount due (several spellings), creditor, product, digits."""
    if account is None:
        return []
    out = [account.creditor, account.product]
    amount = account.amount_due
    out += (
        [f"{amount:.0f}", f"{amount:,.0f}"]
        if float(amount).is_integer()
        else [f"{amount:.2f}", f"{amount:,.2f}"]
    )
    if amount >= 10000:
        out.append(f"{amount / 10000:g}万")
    out += [x for x in (account.card_last4, account.id_last4) if x]
    return out


def check(
    text: str,
    persona,
    *,
    knows_debt: bool = True,
    facts: list[str] | None = None,
    system_prompt: str | None = None,
    heard: str | None = None,
) -> Verdict:
    """Every reason `text` cannot be said by this persona (empty reasons = fine).

    heard: the caller's last line, which the reply must not simply repeat.
    """
    reasons = []
    locale = persona.locale
    if not text.strip():
        return Verdict(False, ["empty reply"])
    hit = speaks_as_collector(text, locale)
    if hit:
        reasons.append(f"speaks as the collector: {hit!r}")
    hit = speaks_as_ai(text)
    if hit:
        reasons.append(f"speaks as an AI: {hit!r}")
    allowed = [ln for lines in persona.sample_lines.values() for ln in lines] + list(
        persona.style.catchphrases
    )
    hit = prompt_residue(text, system_prompt, allowed)
    if hit:
        reasons.append(f"repeats its instructions: {hit!r}")
    hit = echoes_caller(text, heard, locale)
    if hit:
        reasons.append(f"repeats the caller's line: {hit!r}")
    if off_language(text, locale):
        reasons.append(f"not in {locale}")
    long = too_long(text, persona)
    if long:
        reasons.append("too long: " + long)
    if persona.role.kind == "third_party" and not knows_debt:
        hit = leaked_fact(text, locale, facts)
        if hit:
            reasons.append(f"third party mentions a debt they were never told about: {hit!r}")
    return Verdict(not reasons, reasons)


def trim(text: str, persona) -> str:
    """The first max_sentences sentences (used when a streamed reply runs long)."""
    sep = "" if persona.locale == "zh-CN" else " "
    return sep.join(sentences(text, persona.locale)[: persona.style.max_sentences])
