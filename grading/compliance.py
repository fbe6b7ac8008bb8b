"""Banned-language detection for collector lines: rules from the scripts corpus, plus context.

Patterns run on the `clean` normalised view, so obfuscated, full-width or traditional spellings
match the plain rule; each match is mapped back to the original text and quoted exactly.
A match is dropped when the line negates it ("nobody is going to arrest you", "不会坐牢") or,
for insults, when the word is only reported or quoted in a civil request ("please don't use words
like 'idiot'", "请不要说'傻逼'这种话"). Context adds what patterns cannot see: debt talk to a
third party, and an amount stated above the real balance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from grading.acts import Category
from grading.cues import DEBT_MENTION, lang_of
from grading.normalize import CLAUSE_DELIMS, Normalized, quote_for
from grading.ptp import amounts
from grading.results import Context, Finding, severity_rank

_FILLERS = (
    r"be|being|been|going|go|to|get|gets|getting|have|has|ever|you|we|i|anyone|anybody|any|a|an|the|your|call|"
    r"calling|contact|contacting|come|coming|send|sending|threaten|threatening|tell|telling|say|saying|use|using|"
    r"file|filing|as|from|that|this|it|is|are|will|would|gonna|one|actually|really|let|show|up|at|us|me|them|him|"
    r"her|considered|treated|charged|with|want|wanting|mean|trying|try|intend|plan|planning|here|about|like|"
    r"something|anything|for|by|over|on|of|in|make|making|put|putting|allowed|able|legally|could|can|should|need|"
    r"and|or|so|afraid|worried|worry|ask|asking|someone|somebody|anybody|in|jail|sent|taken"
)
_NEG = {
    "zh": re.compile(
        r"(不会|不用|不必|不是|并非|并不|没有|没|绝不|绝对不|从来不|永远不|不至于|不可能|不存在|无需|不涉及|不构成|"
        r"不属于|不算|谈不上|不需要|别担心|不要担心|不担心|不得|严禁|禁止|不能|不允许|不|免得)"
        r"(会|被|去|要|用|真的|再|存在|涉及|构成|属于|因此|让|派|来|对您|对你|你|您|人|把你|会被|会去|会让|会派|会对您|会对你)?"
        r"(被|去|要|来)?$"
    ),
    "en": re.compile(
        r"(?<!if you )(?<!unless you )(?<!if u )\b(not|never|no one|nobody|no|won'?t|will not|don'?t|do not|doesn'?t|"
        r"didn'?t|isn'?t|aren'?t|cannot|can'?t|couldn'?t|wouldn'?t|shouldn'?t|neither|nor|without|nothing|"
        r"no need to|none of)\b(?:\s+(?:" + _FILLERS + r")\b)*\s*$"
    ),
}
# Insult words that are only reported or quoted: "you called me a liar", "请不要说'傻逼'".
_REPORTED = {
    "zh": re.compile(
        r"((不要|别|不能|请勿|不许|不该|不准|不可以)(再)?(说|讲|骂|叫|喊|称呼|用)(我|人|别人|我们|对方|您|你)?(是)?(个)?"
        r"|(说|骂|叫|喊)(我|我们)(是)?(个)?|这样的?字眼|像)\s*[\"'「『]?$"
    ),
    "en": re.compile(
        r"(\b(don'?t|do not|never|stop|no need to|not going to|won'?t|didn'?t|please don'?t|not)\s+"
        r"(call(ing)?|use|using|say|saying|swear(ing)?( at)?)(\s+(me|us|anyone|people|him|her|them|that|this|it|"
        r"words?|names?|language|like|an?|the|word|other|others|staff))*"
        r"|\b(words?|names?|language|terms?|things)\s+like|\bcalled\s+(me|us)(\s+an?)?"
        r"|\b(you|he|she|they)\s+(said|say|called me|call me)(\s+(that|i'?m|i am|we'?re|we are|an?))*|\bthe word)"
        r"\s*['\"]?\s*$"
    ),
}
_CIVIL = {
    "zh": re.compile(
        r"(不要|别|请勿|不许|不能|请).{0,8}(说|讲|骂|用|叫)|这(样|种|类)的?(话|字眼|词|字|说法)|文明"
    ),
    "en": re.compile(
        r"\b(words? like|language like|names? like|don'?t (say|use|call)|please|civil|respectful|language|not to|that way)\b"
    ),
}
# Enforcement described as the outcome of a court process is truthful, not a fake threat.
_LEGAL_PROCESS = {
    "zh": re.compile(r"依法|经法院|法院判决|判决后|生效判决|申请(法院)?(强制)?执行|由法院|法院裁定|诉讼程序"),
    "en": re.compile(
        r"\b(judgment|court order|if (a|the) court|permitted by law|allowed by law|lawful|through the courts?|"
        r"after a lawsuit|a court (could|may|would))\b"
    ),
}
_PROCESS_RULES = ("fake_enforcement", "false_action")
_OPEN_Q = set("\"'「『《")
_CLOSE_Q = set("\"'」』》")
_OWED = {
    "zh": re.compile(r"(欠|应还|欠款|金额|一共|总共|要还|得还|共计|合计)[^，。！？,!?]{0,8}$"),
    "en": re.compile(r"\b(owe|owes|balance|total|due|amount|debt)\b[^.,!?]{0,20}$"),
}


@dataclass(frozen=True)
class CompiledRule:
    id: str
    category: str
    severity: str
    citation: str
    context: str
    suggestion: str
    description: str
    patterns: tuple[re.Pattern, ...]
    examples: tuple[str, ...]


class RuleSet:
    """The rules of one locale, compiled once."""

    def __init__(self, locale: str):
        from simulator.loader import load_corpus

        corpus = load_corpus(locale)
        self.locale = locale
        self.lang = lang_of(locale)
        self.rules = [
            CompiledRule(
                r.id,
                str(r.category),
                str(r.severity),
                r.citation,
                r.context,
                r.suggestion,
                r.description,
                tuple(re.compile(p) for p in r.patterns),
                tuple(r.examples),
            )
            for r in corpus.rules
        ]
        self.by_id = {r.id: r for r in self.rules}
        self.lawful = list(corpus.lawful_firm)

    def first(self, category: str, suffix: str = "") -> CompiledRule | None:
        """The first rule of a category (optionally whose id ends with `suffix`)."""
        for r in self.rules:
            if r.category == category and r.id.endswith(suffix):
                return r
        return None


@lru_cache(maxsize=8)
def ruleset(locale: str) -> RuleSet:
    return RuleSet(locale)


def _clause_prefix(text: str, start: int, limit: int = 40) -> str:
    a = start
    while a > 0 and text[a - 1] not in CLAUSE_DELIMS and not (text[a - 1] == "." and start - a > 0):
        a -= 1
    return text[max(a, start - limit) : start]


def _quoted(text: str, start: int, end: int, reach: int = 12) -> bool:
    """Is [start, end) inside a short quotation? (An apostrophe in "don't" is not a quote mark.)"""
    for i in range(start - 1, max(-1, start - reach - 1), -1):
        ch = text[i]
        if ch in CLAUSE_DELIMS and ch not in ",，":
            return False
        if ch in _OPEN_Q and (ch != "'" or i == 0 or not text[i - 1].isalnum()):
            break
    else:
        return False
    for j in range(end, min(len(text), end + reach)):
        ch = text[j]
        if ch in _CLOSE_Q and (ch != "'" or j + 1 == len(text) or not text[j + 1].isalnum()):
            return True
        if ch in CLAUSE_DELIMS and ch not in ",，":
            return False
    return False


def suppressed(text: str, start: int, end: int, category: str, lang: str) -> bool:
    """True when a match is negated, or (insults) only reported or quoted in a civil request."""
    if category == Category.third_party_disclosure:
        return False
    pre = _clause_prefix(text, start)
    if _NEG[lang].search(pre):
        return True
    if category == Category.insult:
        if _REPORTED[lang].search(pre):
            return True
        if _quoted(text, start, end) and _CIVIL[lang].search(text):
            return True
    return False


def _finding(rule: CompiledRule, norm: Normalized, s: int, e: int, method: str = "lexical") -> Finding:
    """A finding for the original span [s, e), quoting the clause around it."""
    quote = quote_for(norm.original, s, e)
    qs = norm.original.find(quote, max(0, s - len(quote)))
    qs = qs if qs >= 0 else norm.original.find(quote)
    return Finding(
        category=rule.category,
        severity=rule.severity,
        quote=quote,
        rule_id=rule.id,
        rule=rule.citation,
        suggestion=rule.suggestion,
        description=rule.description,
        method=method,
        start=max(qs, 0),
        end=max(qs, 0) + len(quote),
    )


def lexical_findings(norm: Normalized, ctx: Context) -> list[Finding]:
    """Every rule that matches the line (one finding per rule), negations and quotations removed."""
    rs = ruleset(ctx.locale)
    text = norm.clean.text
    out: list[Finding] = []
    for rule in rs.rules:
        if rule.context not in ("any", ctx.party):
            continue
        if rule.id.endswith(_PROCESS_RULES) and _LEGAL_PROCESS[rs.lang].search(text):
            continue
        hit = None
        for rx in rule.patterns:
            for m in rx.finditer(text):
                if m.end() > m.start() and not suppressed(text, m.start(), m.end(), rule.category, rs.lang):
                    hit = m
                    break
            if hit:
                break
        if hit:
            out.append(_finding(rule, norm, *norm.clean.original_span(hit.start(), hit.end())))
    return out


def context_findings(
    norm: Normalized, ctx: Context, mentions_debt: bool, found: list[Finding]
) -> list[Finding]:
    """Violations that depend on who is listening or on the account, not on wording alone."""
    rs = ruleset(ctx.locale)
    out: list[Finding] = []
    cats = {f.category for f in found}
    if ctx.party == "third_party" and mentions_debt and Category.third_party_disclosure not in cats:
        rule = rs.first(Category.third_party_disclosure)
        m = DEBT_MENTION[rs.lang].search(norm.base.text)
        if rule and m:
            out.append(_finding(rule, norm, *norm.base.original_span(m.start(), m.end()), method="context"))
    if ctx.amount_due and Category.misrepresentation not in cats:
        rule = rs.first(Category.misrepresentation, "inflated_amount")
        base = norm.base.text
        for amt in amounts(base, ctx.locale):
            if amt.value > ctx.amount_due * 1.1 and _OWED[rs.lang].search(base[: amt.start]) and rule:
                f = _finding(rule, norm, *norm.base.original_span(amt.start, amt.end), method="context")
                f.description = f"{rule.description} (stated {amt.value:g}, balance {ctx.amount_due:g})"
                out.append(f)
                break
    return out


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per category: the most severe (the first of equals)."""
    best: dict[str, Finding] = {}
    for f in findings:
        cur = best.get(f.category)
        if cur is None or severity_rank(f.severity) > severity_rank(cur.severity):
            best[f.category] = f
    return sorted(best.values(), key=lambda f: (-severity_rank(f.severity), f.start))
