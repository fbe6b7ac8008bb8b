"""Amounts, dates and payment channels in a line: the pieces of a promise to pay.

Works on the `base` normalised view (half-width digits, simplified characters, lower case).
Chinese numerals are read the way people say them: 三千五 = 3500, 一万二 = 12000, 两万三千六 = 23600.
Relative dates (明天, 下周五, next Friday, the 15th) are resolved against a reference day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_CN_DIGIT = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_CN_NUM = "零〇一二两三四五六七八九十百千万亿"


def cn_to_number(s: str) -> float | None:
    """'三千五' -> 3500, '一万二' -> 12000, '十五' -> 15, '3.5万' -> 35000, '2千' -> 2000."""
    s = s.strip()
    if not s:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([十百千万亿]*)", s)
    if m:
        value = float(m.group(1))
        for u in m.group(2):
            value *= _CN_UNIT[u]
        return value
    if any(c not in _CN_NUM for c in s):
        return None
    total, section, digit, last_unit = 0, 0, None, 1
    for c in s:
        if c in _CN_DIGIT:
            digit = _CN_DIGIT[c]
        else:
            unit = _CN_UNIT[c]
            if unit >= 10_000:
                section = (section + (digit or 0)) * unit
                total += section
                section, digit = 0, None
            else:
                section += (digit if digit is not None else 1) * unit
                digit = None
            last_unit = unit
    if digit is not None:
        # A trailing digit after a unit means the next unit down: 三千五 = 3000 + 500.
        section += digit * (last_unit // 10 if last_unit >= 10 and s[-2] in _CN_UNIT else 1)
    return float(total + section)


_EN_NUM = {
    w: i + 1
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split()
    )
}
_EN_NUM.update(
    {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
)
_EN_NUM["a"] = 1


def en_words_to_number(s: str) -> float | None:
    """'two hundred and fifty' -> 250, 'a thousand' -> 1000."""
    total, current = 0, 0
    seen = False
    for w in re.split(r"[\s-]+", s.strip()):
        if w == "and":
            continue
        if w in _EN_NUM:
            current += _EN_NUM[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    return float(total + current) if seen else None


@dataclass(frozen=True)
class Amount:
    value: float
    start: int
    end: int


_ZH_AMOUNT = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?[万千]?|[零〇一二两三四五六七八九十百千万]+)\s*(?P<unit>元|块钱|块|圆|人民币)?"
)
_ZH_NOT_MONEY = re.compile(r"^\s*(号|日|月|天|期|点|年|个|周|次|遍|%|分|岁|位|小时|楼|倍|成)")
_ZH_PAY_BEFORE = re.compile(r"(还|付|转|交|存|打|先还|还款|金额|欠款|欠|一共|总共|是)\s*$")
_ZH_ID_BEFORE = re.compile(r"(工号|电话|号码|尾号|卡号|后四位|后4位|编号|分机)\s*$")
_EN_AMOUNT = re.compile(
    r"\$\s?(?P<d>\d[\d,]*(?:\.\d+)?)\s*(?P<k>k|thousand)?\b"
    r"|(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?:dollars|bucks|usd)\b"
    r"|(?P<w>(?:(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety)[\s-]+)+(?:hundred|thousand)(?:[\s-]+(?:and[\s-]+)?[a-z]+)*?)\s+(?:dollars|bucks)\b"
    r"|\b(?:pay|send|put down|payment of|paying)\s+(?P<p>\d[\d,]*(?:\.\d+)?)\b(?!\s*(?:am|pm|a\.m|p\.m|days?|weeks?|months?|%|times))"
)


def amounts(text: str, locale: str) -> list[Amount]:
    """Money amounts in a `base` view string, with their positions."""
    out: list[Amount] = []
    if locale.startswith("zh"):
        for m in _ZH_AMOUNT.finditer(text):
            raw, unit = m.group("num"), m.group("unit")
            after, before = text[m.end() :], text[: m.start()]
            if _ZH_NOT_MONEY.match(after) or _ZH_ID_BEFORE.search(before):
                continue
            digits = re.sub(r"[^\d]", "", raw)
            if len(digits) >= 7 and not unit:
                continue
            is_cn = not raw[0].isdigit()
            if not unit and not raw.endswith(("万", "千")) and not _ZH_PAY_BEFORE.search(before):
                continue
            if is_cn and len(raw) == 1 and raw not in "万千" and not unit:
                continue
            value = cn_to_number(raw.replace(",", ""))
            if value and value > 0:
                out.append(Amount(value, m.start(), m.end()))
        return out
    for m in _EN_AMOUNT.finditer(text):
        if m.group("d"):
            v = float(m.group("d").replace(",", ""))
            if m.group("k"):
                v *= 1000
        elif m.group("n"):
            v = float(m.group("n").replace(",", ""))
        elif m.group("w"):
            v = en_words_to_number(m.group("w")) or 0
        else:
            v = float(m.group("p").replace(",", ""))
        if v > 0:
            out.append(Amount(v, m.start(), m.end()))
    return out


# ---------------------------------------------------------------- dates

_WEEKDAY_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS_EN = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_NUM = r"(\d{1,2}|[一二三四五六七八九十两]{1,3})"
_ZH_DATE = re.compile(
    r"(?P<iso>\d{4}-\d{1,2}-\d{1,2})"
    r"|(?:(?P<y>\d{4})年)?(?P<m>" + _NUM + r")月(?P<d>" + _NUM + r")(?:日|号)?"
    r"|(?P<rel>大后天|后天|明天|明早|明晚|今天|今晚|今日)"
    r"|(?P<wk>这|本|下下|下)?(?:个)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天末1-7])"
    r"|(?P<mo>这个月|本月|下个月|下月)?(?P<dom>" + _NUM + r")(?:号|日)"
    r"|(?P<eom>(?:这个|本|下个|下)?月(?:底|末|初|中))"
    r"|(?P<ndays>" + _NUM + r")天(?:内|之内|以内|后)"
)
_EN_DATE = re.compile(
    r"(?P<iso>\d{4}-\d{1,2}-\d{1,2})"
    r"|\b(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?P<md>\d{1,2})(?:st|nd|rd|th)?\b"
    r"|\b(?P<sm>\d{1,2})/(?P<sd>\d{1,2})(?:/(?P<sy>\d{2,4}))?\b"
    r"|\b(?P<rel>today|tonight|tomorrow|day after tomorrow)\b"
    r"|\b(?P<wk>this|next|coming)?\s*(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\bthe\s+(?P<dom>\d{1,2})(?:st|nd|rd|th)\b"
    r"|\b(?P<eom>end of (?:the |this |next )?month)\b"
    r"|\bin\s+(?P<ndays>\d{1,2}|two|three|four|five|six|seven|ten)\s+days\b"
    r"|\b(?P<nw>next week|payday|next paycheck)\b"
)


def _n(s: str) -> int:
    return int(s) if s.isdigit() else int(cn_to_number(s) or en_words_to_number(s) or 0)


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _month_end(day: date) -> date:
    return _next_month(day) - timedelta(days=1)


def find_date(text: str, locale: str, today: date | None = None) -> tuple[str, int, int] | None:
    """(ISO date or phrase, start, end) of the first date said in `text`."""
    today = today or date.today()
    rx = _ZH_DATE if locale.startswith("zh") else _EN_DATE
    for m in rx.finditer(text):
        g = m.groupdict()
        resolved = _resolve_zh(g, today) if rx is _ZH_DATE else _resolve_en(g, today)
        if resolved is False:
            continue
        value = resolved.isoformat() if isinstance(resolved, date) else m.group().strip()
        return value, m.start(), m.end()
    return None


def _resolve_zh(g: dict, today: date) -> date | None | bool:
    if g["iso"]:
        y, mo, d = (int(x) for x in g["iso"].split("-"))
        return _safe(y, mo, d)
    if g["m"]:
        y = int(g["y"]) if g["y"] else today.year
        cand = _safe(y, _n(g["m"]), _n(g["d"]))
        if cand and not g["y"] and cand < today - timedelta(days=60):
            cand = _safe(y + 1, cand.month, cand.day)
        return cand
    if g["rel"]:
        off = {"今天": 0, "今晚": 0, "今日": 0, "明天": 1, "明早": 1, "明晚": 1, "后天": 2, "大后天": 3}[
            g["rel"]
        ]
        return today + timedelta(days=off)
    if g["wd"]:
        wd = int(g["wd"]) - 1 if g["wd"].isdigit() else _WEEKDAY_ZH[g["wd"]]
        monday = today - timedelta(days=today.weekday())
        weeks = {"下": 1, "下下": 2}.get(g["wk"] or "", 0)
        cand = monday + timedelta(days=7 * weeks + wd)
        if not g["wk"] and cand < today:
            cand += timedelta(days=7)
        return cand
    if g["dom"]:
        d = _n(g["dom"])
        if not 1 <= d <= 31:
            return False
        base = _next_month(today) if g["mo"] in ("下个月", "下月") else today
        cand = _safe(base.year, base.month, d)
        if cand and not g["mo"] and cand < today:
            nm = _next_month(today)
            cand = _safe(nm.year, nm.month, d)
        return cand
    if g["eom"]:
        base = _next_month(today) if g["eom"].startswith("下") else today
        if g["eom"].endswith(("底", "末")):
            return _month_end(base)
        return base.replace(day=1 if g["eom"].endswith("初") else 15)
    if g["ndays"]:
        return None
    return None


def _resolve_en(g: dict, today: date) -> date | None | bool:
    if g["iso"]:
        y, mo, d = (int(x) for x in g["iso"].split("-"))
        return _safe(y, mo, d)
    if g["mon"]:
        cand = _safe(today.year, _MONTHS_EN.index(g["mon"][:3]) + 1, int(g["md"]))
        if cand and cand < today - timedelta(days=60):
            cand = _safe(today.year + 1, cand.month, cand.day)
        return cand
    if g["sm"]:
        y = int(g["sy"]) if g["sy"] else today.year
        y = y + 2000 if y < 100 else y
        return _safe(y, int(g["sm"]), int(g["sd"])) or False
    if g["rel"]:
        return today + timedelta(days={"today": 0, "tonight": 0, "tomorrow": 1}.get(g["rel"], 2))
    if g["wd"]:
        wd = _WEEKDAYS_EN.index(g["wd"])
        ahead = (wd - today.weekday()) % 7
        if g["wk"] == "next":
            monday = today - timedelta(days=today.weekday())
            return monday + timedelta(days=7 + wd)
        return today + timedelta(days=ahead)
    if g["dom"]:
        d = int(g["dom"])
        cand = _safe(today.year, today.month, d)
        if cand and cand < today:
            nm = _next_month(today)
            cand = _safe(nm.year, nm.month, d)
        return cand or False
    if g["eom"]:
        return _month_end(_next_month(today) if "next" in g["eom"] else today)
    if g["ndays"]:
        return today + timedelta(days=_n(g["ndays"]))
    return None


# ---------------------------------------------------------------- channels and the promise

_CHANNELS = {
    "zh": [
        ("手机银行", r"手机银行|掌上银行|银行app|手机app"),
        ("网上银行", r"网银|网上银行"),
        ("支付宝", r"支付宝"),
        ("微信", r"微信"),
        ("云闪付", r"云闪付"),
        ("银行柜台", r"柜台|网点|营业厅"),
        ("自动扣款", r"自动扣款|自动还款|代扣|绑卡扣款|自动划扣"),
        ("银行转账", r"转账|汇款|打款|转到还款账户"),
        ("app", r"(?<![a-z])app(?![a-z])"),
    ],
    "en": [
        ("online portal", r"online portal|website|online|web portal"),
        ("app", r"\bapp\b"),
        ("bank transfer", r"bank transfer|ach|wire|direct transfer|from (my|your) (checking|savings)"),
        ("debit card", r"debit card"),
        ("credit card", r"credit card payment|by credit card|with (a|my|your) credit card"),
        ("check", r"\b(by|with|via|mail|send|a|personal|paper) (a )?(check|cheque)\b|\bcheque\b"),
        ("money order", r"money order"),
        ("autopay", r"auto-?pay|automatic payment|auto debit"),
        ("phone", r"over the phone|by phone|phone payment"),
        ("Zelle", r"\bzelle\b"),
        ("PayPal", r"paypal|venmo|cash app"),
        ("cash", r"\bin cash\b|\bcash\b"),
    ],
}
_CHANNEL_RX = {k: [(name, re.compile(p)) for name, p in v] for k, v in _CHANNELS.items()}
_PAY_VERB = {
    "zh": re.compile(r"还|付|转|交|存|打款|结清"),
    "en": re.compile(r"\b(pay|paying|payment|send|sending|deposit|transfer|put down|make it|settle|cover)\b"),
}
_COMMIT = {
    "zh": re.compile(
        r"我会|我下|我先|我明|我今|我这|我争取|保证|承诺|能不能|可以|行不行|好吗|对吗|没问题|确认|约定|之前|以前|前还"
    ),
    "en": re.compile(
        r"\b(i'll|i will|i can|i could|can you|could you|will you|you'll|you will|let's|commit|promise|by|on|confirm|so that's)\b"
    ),
}
_PAST = {
    "zh": re.compile(r"上次|上回|之前(您|你)?(答应|承诺|说)|已经逾期|到期的|逾期了"),
    "en": re.compile(
        r"\b(last time|previously|you promised|was supposed to|were supposed to|was due|past due)\b"
    ),
}


def channel(text: str, locale: str) -> str | None:
    for name, rx in _CHANNEL_RX["zh" if locale.startswith("zh") else "en"]:
        if rx.search(text):
            return name
    return None


def extract_ptp(text: str, locale: str, today: date | None = None) -> dict | None:
    """{"amount", "date", "channel"} when the line states a payment with a when or a how; else None."""
    lang = "zh" if locale.startswith("zh") else "en"
    if _PAST[lang].search(text):
        return None
    amts = amounts(text, locale)
    found = find_date(text, locale, today)
    chan = channel(text, locale)
    pay = bool(_PAY_VERB[lang].search(text))
    amount = amts[0].value if amts else None
    if found and (amount or chan or pay):
        return {"amount": amount, "date": found[0], "channel": chan}
    if amount and chan and pay:
        return {"amount": amount, "date": None, "channel": chan}
    if amount and pay and _COMMIT[lang].search(text):
        return {"amount": amount, "date": None, "channel": chan}
    return None
