"""Text normalisation that keeps a map back to the original characters.

Rules are written once, in plain simplified / lower-case form; trainees (and people testing the
grader) type full-width letters, traditional characters, `傻 逼`, `f.u.c.k`, `sh!t` or `a$$hole`.
Two views are built, each remembering for every character which span of the original it came from,
so a finding can quote the exact original substring:

- `base`:  NFKC (full-width -> half-width), lower case, traditional -> simplified, look-alike
  Cyrillic letters -> Latin, zero-width characters dropped, whitespace runs collapsed, emoji that
  stand for a word (🔪, 🔥, 👮, 🐷 ...) read as that word.
  Used for acts, amounts and dates.
- `clean`: `base` plus de-obfuscation: spaced or dotted letters and leet / masked tokens that
  spell a word of the profanity lexicon are replaced by that word, and separators wedged between
  Chinese characters are removed. Used for banned-language rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from grading.hanzi import TRAD_TO_SIMP

_DROP = set("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\ufe0e\ufe0f") | {
    chr(c)
    for c in range(0x1F3FB, 0x1F400)  # skin-tone modifiers
}
# Emoji that stand for a word in threats and insults ("your house goes 🔥🔥🔥", "信不信我🔪了你"):
# read as that word, in Chinese when the line has Chinese characters, else in English.
_EMOJI = {
    "🔪": ("knife", "刀"), "🗡": ("knife", "刀"), "🔫": ("gun", "枪"), "💣": ("bomb", "炸弹"),
    "🧨": ("bomb", "炸弹"), "🔥": ("fire", "火"), "🩸": ("blood", "血"), "💀": ("dead", "死"),
    "☠": ("dead", "死"), "⚰": ("coffin", "棺材"), "🪦": ("grave", "坟"), "🚔": ("police", "警察"),
    "🚓": ("police", "警察"), "👮": ("police", "警察"), "🚨": ("police", "警察"), "⚖": ("court", "法院"),
    "⛓": ("jail", "坐牢"), "🏠": ("home", "家"), "🏡": ("home", "家"), "🚗": ("car", "车"),
    "🏫": ("school", "学校"), "👶": ("baby", "孩子"), "🧒": ("kid", "孩子"), "🐷": ("pig", "猪"),
    "🐖": ("pig", "猪"), "🐶": ("dog", "狗"), "🐕": ("dog", "狗"), "🤡": ("clown", "小丑"),
    "💩": ("shit", "屎"), "🐴": ("horse", "马"), "🐎": ("horse", "马"),
}  # fmt: skip
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "`": "'"}
_CYRILLIC = dict(zip("аеорсухіктмвнѕјԁ", "aeopcyxiktmbhsjd", strict=True))
# Pinyin typed with tone marks ("nǎo cán") reads as plain syllables.
_TONES = dict(zip("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ", "aaaaeeeeiiiioooouuuuvvvv", strict=True))

# Words (and pinyin / letter abbreviations) that obfuscated tokens are restored to. Only tokens
# that spell one of these are rewritten, so amounts, times and ordinary words are never touched.
_LEXICON = (
    "fuck fucker fuckers fucking fuckin fucked motherfucker motherfucking shit shitty bullshit bitch bitches "
    "asshole assholes ass dumbass jackass bastard bastards dick dickhead cunt piss pissed whore slut idiot "
    "idiots moron morons retard retarded loser losers deadbeat deadbeats scum scumbag douche douchebag crap "
    "damn goddamn prick twat wanker stupid imbecile freeloader liar "
    "sb shabi nmsl tmd cnm cnmb nmb mdzz wcnm qnmd rnm nnd mlgb caonima nima nimabi tamade wocao "
    # threat, legal, impersonation and waiver words: obfuscated the same way to dodge the same rules
    "kill killed hurt hurts beat stab shoot break legs bleed dead die watch back careful accident accidents "
    "arrest arrested arresting jail jailed prison locked warrant felony fraud crime criminal prosecute prosecution "
    "prosecuted police cops officer officers sheriff deputy detective agent federal court judge lawyer "
    "attorney government irs fbi lawsuit sue sued garnish seize waive waived forgive forgiven delete deleted "
    "remove removed erase forever never call calling boss coworkers colleagues employer contacts family "
    "neighbors you your "
    # debt and credit words, leet-spelled to slip past disclosure and credit-repair rules ("d3bt", "rep0rt")
    "debt debts owe owes owed overdue balance report credit score fee fees late payment payments loan "
    # invented consequences, leet-spelled the same way ("S0cial Security will be st0pped", "sch00l")
    "social security benefits pension stopped cut passport visa school college deported revoked cancelled "
    "canceled served summoned burn burned torch dipshit dumbshit shithead "
    # more insults and the words of fake deals and tax-office posing ("w0rthless b*m", "g0ne 4ever", "t@x")
    "worthless useless pathetic bum gone tax refund scam scammer scammers thief crook "
    # what the debt is and who comes for it ("r3nt", "2 m0nths", "b@iliff")
    "rent months bailiff bailiffs "
    # veiled menace, shaming, jibes and off-the-books deals, leet-spelled ("sh@me if s0mething h@ppened",
    # "h@unt u", "every c0ntact", "the b0ys", "ex-c0n", "a 90% d!sc0unt")
    "shame pity something happened happen happens kids children disgusting haunt hunt contact license "
    "licence suspended night nights twins sleep know boys jailbird con discount "
    # who the caller claims to be and what gets cut off ("the fr@ud desk at ur ph0ne c0mpany", "cut t0night")
    "phone company carrier desk security collection account tonight "
    # posing as a court's helper, and where the children will not get in ("court-app0inted med1ator")
    "appointed mediator arbitrator university college confiscate confiscated work dispatcher double doubles "
    "doubled "
    # maimings, posing as a notary and lists that ground a pilot ("n3w set of kn33caps", "n.o.t.a.r.y", "l1st")
    "new kneecaps knees notary list team grounded "
    # the pinyin of 老赖 leet-spelled ("l@o lai"), a smashed shop and a fake court ("sm@sh", "th1s 1s the C0unty")
    "lao lai smash this is county "
    # crimes and licences of a made-up prosecution ("th3ft of s3rvices", "ur C.D.L. y@nked", "p@y")
    "theft services cdl yanked charged pay "
    # seizures, made-up admin charges, a law office that has filed, a hunt and a wiped balance ("s3ized",
    # "fr0zen", "adm1n", "L@w 0ffice f1led", "U.N.P.A.I.D", "fr0m the IR$", "hunt u d0wn", "z3r0 out")
    "seized frozen admin law office filed unpaid from charge down zero marshals marshal "
    # a drowning, a curse and a slur, leet-spelled ("dr0wn u", "g0 to h3ll", "piece of tr@sh")
    "drown drowned hell go trash garbage "
    # a judge's chambers, a court case, the boss told and a word with her ("ch@mbers", "c@se", "supervis0r", "w0rd")
    "chambers case supervisor word "
    # who the caller says it is not and what it calls the debtor, spelled out or leet-spelled
    # ("not a d e b t c o l l e c t o r", "t@x ev@sion", "th!ef")
    "collector collectors agency evasion thief"
).split()
# Leet characters -> the letter(s) they stand for.
_LEET = dict(zip("@4$5!1|037", ("a", "a", "s", "s", "i", "[il]", "[il]", "o", "e", "t"), strict=True))
_MASK = set("*#%")
# A symbol or digit between two letters, outside the lexicon: read as the letter it looks like.
_INNER_LEET = re.compile(r"(?<=[a-z])[@0134$5](?=[a-z])")
_LEET_PLAIN = {"@": "a", "0": "o", "1": "i", "3": "e", "4": "a", "$": "s", "5": "s"}
_FORMS_COLLAPSED = {re.sub(r"(.)\1+", r"\1", w): w for w in reversed(_LEXICON)}

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Punctuation that carries meaning (clause ends, quotes) and is never stripped between characters.
_KEEP = set("，。！？、；：,!?;:…\"'「」『』《》()（）")
_SPACED = re.compile(r"(?<![a-z0-9])[a-z0-9@$*!](?:[\s.\-_·•/|+~^,]{1,3}[a-z0-9@$*!](?![a-z0-9@$*]))+")
_TOKEN = re.compile(r"[a-z0-9@$!*#%|]+")
# A word cut into hyphenated chunks to dodge a filter: spelled out letter by letter ("b-e-h-i-n-d"),
# always a word, so always rejoined; or cut into up to five chunks ("ar-rest-ed", "a-rested"),
# rejoined only when it spells a lexicon word, so ordinary hyphenated words stay as they are.
_HYPHENATED = re.compile(r"(?<![a-z0-9-])[a-z]+(?:-[a-z]+)+(?![a-z0-9-])")
_SPELLED = re.compile(r"[a-z](?:-[a-z]){2,}")
_SPECIAL = re.compile(r"[@$!*#%|0-9]|([a-z])\1\1")
_WS = re.compile(r"\s+")
# Dotted agency acronyms (d.a., i.r.s.) and chat spellings (u, ur, 2day, 4ever) in Latin-script lines.
_ACRONYMS = {
    "da",
    "irs",
    "fbi",
    "doj",
    "dea",
    "atf",
    "ssa",
    "ftc",
    "cfpb",
    "nypd",
    "lapd",
    "us",
    "dmv",
    "hud",
    "va",
}
_DOTTED = re.compile(r"(?<![a-z0-9])((?:[a-z]\.){2,4})(?![a-z0-9])")
_CHAT = {
    "u": "you", "ur": "your", "ya": "you", "2day": "today", "2nite": "tonight", "2morrow": "tomorrow",
    "tmrw": "tomorrow", "4ever": "forever", "4eva": "forever", "b4": "before", "cuz": "because",
    "ppl": "people", "coz": "because", "pls": "please", "thx": "thanks", "evry1": "everyone",
    "every1": "everyone", "l8": "late", "pmts": "payments", "pmt": "payment", "txt": "text", "evry": "every",
    "chrg": "charge", "bc": "because", "yrs": "years", "acct": "account", "dbt": "debt", "str8": "straight",
    "wut": "what", "sez": "says", "bal": "balance", "stmt": "statement", "mgr": "manager",
    "rn": "right now", "4evr": "forever", "wil": "will", "shld": "should", "kno": "know",
    "suspndd": "suspended", "suspnded": "suspended", "rep'ing": "representing",
    "txting": "texting", "txted": "texted", "amt": "amount", "n": "and", "orig": "original",
    "thats": "that's", "w8": "wait", "w8ing": "waiting", "w8in": "waiting", "h8": "hate", "k33p": "keep",
    "b": "be",
}  # fmt: skip
# "b" is "be" only after a modal or a pronoun ("ill b w8ing", "u will b sorry"), never "plan b"
_BE_BEFORE = re.compile(
    r"(?<![a-z'])(i'?ll|ill|will|gonna|to|u|you|can'?t|won'?t|wont|gotta|must|might|may|could|would|"
    r"should|we'?ll|they'?ll|you'?ll|u'?ll|it'?ll|he'?ll|she'?ll|not|never|wanna)\s+$"
)
_LONE_BEFORE = re.compile(r"(?<![a-z'])[a-z][\s.\-_*]$")
_LONE_AFTER = re.compile(r"[\s.\-_*][a-z](?![a-z0-9'])")
_CHAT_TOKEN = re.compile(r"(?<![a-z0-9'@$*])[a-z0-9]+(?![a-z0-9@$*]|'[a-z])")

# Clause delimiters used to cut quotes and negation windows.
CLAUSE_DELIMS = set("。！？!?；;\n，,、…")


# Sensitive words that people half-type in pinyin ("弄si你", "zha骗", "公an", "jc"). A Latin syllable
# next to Chinese is turned back into a character only when that completes one of these words, so
# ordinary mixed text ("u盘", "ok吗", "app里") is never touched.
_PINYIN_WORDS = (
    "弄死 整死 打死 砍死 杀了 去死 找死 揍你 诈骗 骗子 公安 警察 民警 法院 法官 检察院 坐牢 监狱 拘留 逮捕 "
    "判刑 犯罪 报警 报案 借款 欠款 欠钱 还钱 老赖 傻逼 废物 通讯录 曝光 上门 派出所 律师 黑名单 征信 删除 减免 "
    "打你 砍你 捅你 杀你 弄你 司法 执法 拘你 抓你 局子 被抓 抓走 公安局 同事 领导 全免 政府 信用卡 "
    "杀到 畜生 睡觉 网贷 逾期 欠债 还债 处理费 手续费 违约金 滞纳金 罚款 服务费 "
    "税务局 执行局 扣押 查封 冻结 注销 护照 签证 电费 出国 高考 政审 大学 养老金 失信 经侦 刑侦 纪委 约谈 工商 劳动 监察 贷款 违法 学位 公证 工信 销账 催收 上门费 催收费 "
    "欠了 没还 免掉 智障 脑残 睡不着 砸了 律师费 管理费 老不死 删掉 电话 客服 兄弟 筋骨"
).split()
_PINYIN_OF = {
    "弄": "nong", "死": "si", "整": "zheng", "打": "da", "砍": "kan", "杀": "sha", "了": "le", "去": "qu",
    "找": "zhao", "揍": "zou", "你": "ni", "诈": "zha", "骗": "pian", "子": "zi", "公": "gong", "安": "an",
    "警": "jing", "察": "cha", "民": "min", "法": "fa", "院": "yuan", "官": "guan", "检": "jian",
    "坐": "zuo", "牢": "lao", "监": "jian", "狱": "yu", "拘": "ju", "留": "liu", "逮": "dai", "捕": "bu",
    "判": "pan", "刑": "xing", "犯": "fan", "罪": "zui", "报": "bao", "案": "an", "借": "jie", "款": "kuan",
    "欠": "qian", "钱": "qian", "还": "huan", "老": "lao", "赖": "lai", "傻": "sha", "逼": "bi", "废": "fei",
    "物": "wu", "通": "tong", "讯": "xun", "录": "lu", "曝": "bao", "光": "guang", "上": "shang", "门": "men",
    "派": "pai", "出": "chu", "所": "suo", "律": "lv", "师": "shi", "黑": "hei", "名": "ming", "单": "dan",
    "征": "zheng", "信": "xin", "删": "shan", "除": "chu", "减": "jian", "免": "mian", "捅": "tong",
    "执": "zhi", "抓": "zhua", "局": "ju", "被": "bei", "走": "zou", "同": "tong", "事": "shi",
    "领": "ling", "导": "dao", "全": "quan", "政": "zheng", "府": "fu", "用": "yong", "卡": "ka",
    "畜": "chu", "生": "sheng", "睡": "shui", "觉": "jiao", "网": "wang", "贷": "dai", "逾": "yu",
    "期": "qi", "债": "zhai", "处": "chu", "理": "li", "费": "fei", "手": "shou",
    "续": "xu", "违": "wei", "约": "yue", "金": "jin", "滞": "zhi", "纳": "na", "罚": "fa", "服": "fu",
    "客": "ke", "兄": "xiong", "弟": "di", "筋": "jin", "骨": "gu",
    "务": "wu", "税": "shui", "行": "xing", "扣": "kou", "押": "ya", "查": "cha", "封": "feng",
    "冻": "dong", "结": "jie", "注": "zhu", "销": "xiao", "护": "hu", "照": "zhao", "签": "qian",
    "证": "zheng", "电": "dian", "国": "guo", "高": "gao", "考": "kao", "审": "shen", "大": "da",
    "学": "xue", "养": "yang", "失": "shi", "经": "jing", "侦": "zhen", "纪": "ji", "委": "wei", "谈": "tan",
    "工": "gong", "商": "shang", "劳": "lao", "动": "dong", "位": "wei", "账": "zhang", "催": "cui",
    "收": "shou", "没": "mei", "掉": "diao", "智": "zhi", "障": "zhang", "脑": "nao", "残": "can",
    "不": "bu", "着": "zhao", "砸": "za", "管": "guan", "话": "hua",
}  # fmt: skip
_PINYIN_ABBR = {
    "jc": "警察",
    "fy": "法院",
    "zp": "诈骗",
    "gaj": "公安局",
    "ld": "领导",
    "pcs": "派出所",
    "zx": "征信",
    "zf": "政府",
    "tm": "他妈",
}
_LATIN_RUN = re.compile(r"[a-z]+")
# a discount spelled in pinyin after its number: "打5 zhe" -> 打5折
_ZHE = re.compile(r"(?<=[0-9一二三四五六七八九])\s?zhe\b")


def _pinyin_variants() -> dict[str, list[tuple[str, str, str]]]:
    """syllable -> [(character, word, word with that character as the syllable)]."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for word in _PINYIN_WORDS:
        for i, ch in enumerate(word):
            syl = _PINYIN_OF.get(ch)
            if syl:
                out.setdefault(syl, []).append((ch, word, word[:i] + "\0" + word[i + 1 :]))
    return out


_PINYIN_INDEX = _pinyin_variants()
# Whole words spelled syllable by syllable ("zuo lao", "gong an", "zuolao") -> the word.
_PINYIN_WHOLE = {
    "".join(_PINYIN_OF[c] for c in w): w for w in _PINYIN_WORDS if all(c in _PINYIN_OF for c in w)
}
_TWO_LETTER_INITIALS = ("ch", "sh", "zh")
_INITIALS: dict[str, list[tuple[str, str, str]]] = {}
for _syl, _entries in _PINYIN_INDEX.items():
    _INITIALS.setdefault(_syl[0], []).extend(_entries)
    if _syl[:2] in _TWO_LETTER_INITIALS:  # "ch生" -> 畜生
        _INITIALS.setdefault(_syl[:2], []).extend(_entries)
_SYLLABLE_RUN = re.compile(r"[a-z]+(?: [a-z]+)*")


@dataclass(frozen=True)
class View:
    """A normalised string; `starts[i]`/`ends[i]` give the original span of character i."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, a: int, b: int) -> tuple[int, int]:
        """Original [start, end) covering normalised characters [a, b)."""
        if not self.text:
            return 0, 0
        a = min(max(a, 0), len(self.text) - 1)
        b = min(max(b, a + 1), len(self.text))
        return self.starts[a], self.ends[b - 1]


@dataclass(frozen=True)
class Normalized:
    original: str
    base: View
    clean: View


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    ch = _QUOTES.get(ch, ch)
    if ord(ch) > 127:
        ch = unicodedata.normalize("NFKC", ch)
    out = []
    for c in ch.lower():
        c = TRAD_TO_SIMP.get(c, c)
        c = _TONES.get(c, c)
        out.append(_CYRILLIC.get(c, c))
    return "".join(out)


def _base(text: str) -> View:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    zh = _CJK.search(text) is not None
    for i, ch in enumerate(text):
        if ch in _DROP or (ch in "♂♀" and i and text[i - 1] == "\u200d"):
            continue
        word = _EMOJI.get(ch)
        folded = _fold(ch) if word is None else word[1] if zh else f" {word[0]} "
        for c in folded:
            if c.isspace():
                if not chars or chars[-1] == " ":
                    continue
                c = " "
            chars.append(c)
            starts.append(i)
            ends.append(i + 1)
    while chars and chars[-1] == " ":
        chars.pop()
        starts.pop()
        ends.pop()
    return View("".join(chars), tuple(starts), tuple(ends))


@lru_cache(maxsize=2048)
def lexicon_word(token: str) -> str | None:
    """The lexicon word an obfuscated token spells (`sh!t` -> `shit`, `f***` -> `fuck`), or None."""
    if len(token) < 2 or not re.search("[a-z]", token):
        return None
    if token in _LEXICON:
        return token
    if token[0] in _MASK:
        return None
    parts = []
    for ch in token:
        if ch in _MASK:
            parts.append("[a-z]")
        elif ch in _LEET:
            parts.append(_LEET[ch] if len(_LEET[ch]) > 1 else f"[{_LEET[ch]}{re.escape(ch)}]")
        else:
            parts.append(re.escape(ch))
    rx = re.compile("".join(parts))
    for word in _LEXICON:
        if rx.fullmatch(word):
            return word
    collapsed = re.sub(r"(.)\1+", r"\1", token)
    return _FORMS_COLLAPSED.get(collapsed)


def _replace(view: View, edits: list[tuple[int, int, str]]) -> View:
    """Apply non-overlapping (a, b, replacement) edits; replaced text maps to the whole old span."""
    if not edits:
        return view
    chars, starts, ends = [], [], []
    pos = 0
    for a, b, rep in sorted(edits):
        if a < pos:
            continue
        chars.append(view.text[pos:a])
        starts += view.starts[pos:a]
        ends += view.ends[pos:a]
        s, e = view.starts[a], view.ends[b - 1]
        chars.append(rep)
        starts += [s] * len(rep)
        ends += [e] * len(rep)
        pos = b
    chars.append(view.text[pos:])
    starts += view.starts[pos:]
    ends += view.ends[pos:]
    return View("".join(chars), tuple(starts), tuple(ends))


def _spaced_words(run: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """The lexicon words a spaced-out run spells, longest first, then in what is left on either side
    ("such a f u c k i n g": the stray article "a" in front is left alone; "d e b t c o l l e c t o r"
    gives "debt" and "collector"). Returns (start, end, word) within the run, in order."""
    letters = [(m.start(), m.group()) for m in re.finditer(r"[a-z0-9@$*!]", run)]
    n = len(letters)
    for size in range(n, 1, -1):
        for i in range(0, n - size + 1):
            joined = "".join(ch for _, ch in letters[i : i + size])
            word = lexicon_word(joined) or lexicon_word(joined.rstrip("!"))
            if word:
                a, b = letters[i][0], letters[i + size - 1][0] + 1
                return (
                    _spaced_words(run[:a], offset)
                    + [(offset + a, offset + b, word)]
                    + _spaced_words(run[b:], offset + b)
                )
    return []


def _chat(view: View) -> View:
    """Dotted acronyms and chat spellings, only in lines without Chinese ("u" there is not "you")."""
    text = view.text
    if _CJK.search(text) or not re.search("[a-z]", text):
        return view
    edits = []
    for m in _DOTTED.finditer(text):
        word = m.group(1).replace(".", "")
        if word in _ACRONYMS:
            edits.append((m.start(), m.end(), word))
    for m in _CHAT_TOKEN.finditer(text):
        rep = _CHAT.get(m.group())
        if len(m.group()) == 1 and (
            _LONE_BEFORE.search(text, 0, m.start()) or _LONE_AFTER.match(text, m.end())
        ):  # one letter of a spelled-out run, not "you"
            continue
        if m.group() == "n" and text[m.end() : m.end() + 1] in ("/", "."):  # "n/a", "n.y.", not "and"
            continue
        if m.group() == "b" and not _BE_BEFORE.search(text, 0, m.start()):
            continue
        if rep and rep != m.group() and not any(a <= m.start() < b for a, b, _ in edits):
            edits.append((m.start(), m.end(), rep))
    return _replace(view, edits)


def _deobfuscate(view: View) -> View:
    text = view.text
    edits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _SPACED.finditer(text):
        for a, b, word in _spaced_words(m.group()):
            edits.append((m.start() + a, m.start() + b, word))
            taken.append((m.start() + a, m.start() + b))
    for m in _HYPHENATED.finditer(text):
        joined = m.group().replace("-", "")
        # lexicon_word also allows for doubled letters: "a-rested" -> "arrested"
        word = lexicon_word(joined)
        if _SPELLED.fullmatch(m.group()):
            word = word or joined
        elif m.group().count("-") > 4:
            word = None
        if word and not any(a <= m.start() < b for a, b in taken):
            edits.append((m.start(), m.end(), word))
            taken.append((m.start(), m.end()))
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if not _SPECIAL.search(tok) or any(a <= m.start() < b for a, b in taken):
            continue
        start = m.start()
        if tok[0] == "#" and not lexicon_word(tok):  # a hashtag: "#d3adbeat"
            tok, start = tok[1:], start + 1
        core = tok.rstrip("!")
        word = lexicon_word(tok) or (lexicon_word(core) if core != tok else None)
        if word and word != tok:
            end = m.end() if lexicon_word(tok) else start + len(core)
            edits.append((start, end, word))
        elif not word:
            # any other word with a symbol or digit between two letters: "imp0unded", "tr@iler"
            plain = _INNER_LEET.sub(lambda x: _LEET_PLAIN[x.group()], tok)
            if plain != tok:
                edits.append((start, start + len(tok), plain))
    return _replace(view, edits)


def _strip_between_cjk(view: View) -> View:
    """Drop spaces and symbols (runs of at most 3) wedged next to Chinese characters: 傻 * 逼 -> 傻逼."""
    text = view.text
    if not _CJK.search(text):
        return view
    edits = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isalnum() or ch in _KEEP or _CJK.match(ch):
            i += 1
            continue
        j = i
        while j < n and not (text[j].isalnum() or text[j] in _KEEP or _CJK.match(text[j])):
            j += 1
        if 0 < i and j < n and j - i <= 3 and not (text[i] == "%" and text[i - 1].isdigit()):
            left, right = text[i - 1], text[j]
            if (_CJK.match(left) and (right.isalnum() or _CJK.match(right))) or (
                _CJK.match(right) and left.isalnum()
            ):
                edits.append((i, j, ""))
        i = j
    return _drop(view, edits)


def _pinyin(view: View) -> View:
    """Latin syllables or initials inside Chinese that complete a sensitive word: 弄si你 -> 弄死你."""
    text = view.text
    if not _CJK.search(text):
        return view
    edits = []
    whole: list[tuple[int, int]] = []
    for m in _ZHE.finditer(text):
        edits.append((m.start(), m.end(), "折"))
        whole.append((m.start(), m.end()))
    for m in _SYLLABLE_RUN.finditer(text):
        if any(x <= m.start() < y for x, y in whole):
            continue
        a, b = m.start(), m.end()
        word = _PINYIN_WHOLE.get(m.group().replace(" ", ""))
        if word and ((a > 0 and _CJK.match(text[a - 1])) or (b < len(text) and _CJK.match(text[b]))):
            edits.append((a, b, word))
            whole.append((a, b))
    for m in _LATIN_RUN.finditer(text):
        a, b = m.start(), m.end()
        if any(x <= a < y for x, y in whole):
            continue
        left = a > 0 and _CJK.match(text[a - 1])
        right = b < len(text) and _CJK.match(text[b])
        tok = m.group()
        if tok in _PINYIN_ABBR and (left or right or len(text) <= 12):
            edits.append((a, b, _PINYIN_ABBR[tok]))
            continue
        if not (left or right):
            continue
        # a full syllable, or a lone initial ("J察" -> 警察) when the neighbours complete the word
        initial = len(tok) == 1 or tok in _TWO_LETTER_INITIALS
        options = _INITIALS.get(tok, ()) if initial else _PINYIN_INDEX.get(tok, ())
        for ch, word, _ in options:
            window = text[max(0, a - len(word)) : a] + ch + text[b : b + len(word)]
            if word in window:
                edits.append((a, b, ch))
                break
    return _replace(view, edits)


def _drop(view: View, edits: list[tuple[int, int, str]]) -> View:
    if not edits:
        return view
    keep = [True] * len(view.text)
    for a, b, _ in edits:
        for k in range(a, b):
            keep[k] = False
    idx = [k for k, ok in enumerate(keep) if ok]
    return View(
        "".join(view.text[k] for k in idx),
        tuple(view.starts[k] for k in idx),
        tuple(view.ends[k] for k in idx),
    )


@lru_cache(maxsize=8192)
def normalize(text: str) -> Normalized:
    """Both views of `text` (cached: the engine and the grader analyse the same lines)."""
    base = _base(text)
    clean = _pinyin(_strip_between_cjk(_chat(_deobfuscate(base))))
    return Normalized(text, base, clean)


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Expand [start, end) in `text` to the clause(s) containing it (commas inside numbers do not cut)."""

    def is_delim(i: int) -> bool:
        ch = text[i]
        if ch not in CLAUSE_DELIMS and ch != ".":
            return False
        if ch in ",." and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            return False
        if ch == "." and i + 1 < len(text) and not text[i + 1].isspace():
            return False
        return True

    a = start
    while a > 0 and not is_delim(a - 1):
        a -= 1
    b = end
    while b < len(text) and not is_delim(b):
        b += 1
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def quote_for(original: str, start: int, end: int, limit: int = 120) -> str:
    """The exact original substring to quote: the clause around the match, or the match if that is long."""
    a, b = clause_bounds(original, start, end)
    if b - a > limit:
        a, b = start, end
    q = original[a:b].strip()
    return q or original[start:end]


def collapse_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()
