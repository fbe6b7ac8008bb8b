"""Text normalisation that keeps a map back to the original characters.

Rules are written once, in plain simplified / lower-case form; trainees (and people testing the
grader) type full-width letters, traditional characters, `傻 逼`, `f.u.c.k`, `sh!t` or `a$$hole`.
Two views are built, each remembering for every character which span of the original it came from,
so a finding can quote the exact original substring:

- `base`:  NFKC (full-width -> half-width), lower case, traditional -> simplified, look-alike
  Cyrillic letters -> Latin, zero-width characters dropped, whitespace runs collapsed.
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

_DROP = set("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f")
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "`": "'"}
_CYRILLIC = dict(zip("аеорсухіктмвнѕјԁ", "aeopcyxiktmbhsjd", strict=True))

# Words (and pinyin / letter abbreviations) that obfuscated tokens are restored to. Only tokens
# that spell one of these are rewritten, so amounts, times and ordinary words are never touched.
_LEXICON = (
    "fuck fucker fuckers fucking fuckin fucked motherfucker motherfucking shit shitty bullshit bitch bitches "
    "asshole assholes ass dumbass jackass bastard bastards dick dickhead cunt piss pissed whore slut idiot "
    "idiots moron morons retard retarded loser losers deadbeat deadbeats scum scumbag douche douchebag crap "
    "damn goddamn prick twat wanker stupid imbecile freeloader liar "
    "sb shabi nmsl tmd cnm cnmb nmb mdzz wcnm qnmd rnm nnd mlgb caonima nima nimabi tamade wocao"
).split()
# Leet characters -> the letter(s) they stand for.
_LEET = dict(zip("@4$5!1|037", ("a", "a", "s", "s", "i", "[il]", "[il]", "o", "e", "t"), strict=True))
_MASK = set("*#%")
_FORMS_COLLAPSED = {re.sub(r"(.)\1+", r"\1", w): w for w in reversed(_LEXICON)}

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Punctuation that carries meaning (clause ends, quotes) and is never stripped between characters.
_KEEP = set("，。！？、；：,!?;:…\"'「」『』《》()（）")
_SPACED = re.compile(r"(?<![a-z0-9])[a-z0-9@$*!](?:[\s.\-_·•/|+~^,]{1,3}[a-z0-9@$*!](?![a-z0-9@$*]))+")
_TOKEN = re.compile(r"[a-z0-9@$!*#%|]+")
_SPECIAL = re.compile(r"[@$!*#%|0-9]|([a-z])\1\1")
_WS = re.compile(r"\s+")

# Clause delimiters used to cut quotes and negation windows.
CLAUSE_DELIMS = set("。！？!?；;\n，,、…")


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
        out.append(_CYRILLIC.get(c, c))
    return "".join(out)


def _base(text: str) -> View:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        for c in _fold(ch):
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


def _deobfuscate(view: View) -> View:
    text = view.text
    edits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _SPACED.finditer(text):
        joined = re.sub(r"[\s.\-_·•/|+~^,]", "", m.group())
        word = lexicon_word(joined) or lexicon_word(joined.rstrip("!"))
        if word:
            edits.append((m.start(), m.end(), word))
            taken.append((m.start(), m.end()))
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if not _SPECIAL.search(tok) or any(a <= m.start() < b for a, b in taken):
            continue
        core = tok.rstrip("!")
        word = lexicon_word(tok) or (lexicon_word(core) if core != tok else None)
        if word and word != tok:
            end = m.end() if lexicon_word(tok) else m.start() + len(core)
            edits.append((m.start(), end, word))
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
        if 0 < i and j < n and j - i <= 3:
            left, right = text[i - 1], text[j]
            if (_CJK.match(left) and (right.isalnum() or _CJK.match(right))) or (
                _CJK.match(right) and left.isalnum()
            ):
                edits.append((i, j, ""))
        i = j
    return _drop(view, edits)


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
    clean = _strip_between_cjk(_deobfuscate(base))
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
