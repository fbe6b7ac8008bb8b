"""Chat messages for LLM backends, built from a Realisation, and the shaping of what the model says back.

The model never decides anything: the state model picked the move and its facts, the prompt only asks
for them in the persona's voice. The system prompt depends on the persona and scenario alone, and past
turns are rendered without directions, so the token prefix of one turn is the prefix of the next and a
local backend can keep its KV cache. The per-turn direction (mood, move, facts) rides at the end of the
last user message. Prompt wording lives in simulator/prompts/debtor.yaml, not here.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import yaml

from simulator.backends.base import Realisation

PROMPTS_FILE = Path(__file__).resolve().parent.parent / "prompts" / "debtor.yaml"
LOCALES = ("zh-CN", "en-US")
MAX_SENTENCES = 3
COLLECTOR = "collector"


@lru_cache(maxsize=4)
def load_prompts(path: str | None = None) -> dict:
    """The prompt YAML (cached): one section per locale."""
    with open(path or PROMPTS_FILE, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    missing = [loc for loc in LOCALES if loc not in data]
    if missing:
        raise ValueError(f"{path or PROMPTS_FILE}: missing locale section(s) {missing}")
    return data


class _Blank(dict):
    """format_map helper: unknown placeholders render as empty text instead of raising."""

    def __missing__(self, key: str) -> str:
        return ""


def fill(template: str, values: dict) -> str:
    return string.Formatter().vformat(
        template, (), _Blank({k: "" if v is None else v for k, v in values.items()})
    )


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def locale_of(persona) -> str:
    loc = getattr(persona, "locale", None) or "en-US"
    return loc if loc in LOCALES else ("zh-CN" if loc.startswith("zh") else "en-US")


def section(persona) -> dict:
    return load_prompts()[locale_of(persona)]


def max_sentences(persona, cap: int = MAX_SENTENCES) -> int:
    style = getattr(persona, "style", None)
    return max(1, min(cap, getattr(style, "max_sentences", cap) or cap))


def _persona_values(persona, p: dict) -> dict:
    """Stable facts about the persona that templates may use."""
    account = getattr(persona, "account", None)
    finances = getattr(persona, "finances", None)
    role = getattr(persona, "role", None)
    gender = p["genders"].get(getattr(persona, "gender", "unspecified"), "")
    age = getattr(persona, "age", None)
    age_gender = fill(p["age_gender"], {"age": age, "gender": gender}) if age else gender
    debtor_name = getattr(persona, "debtor_name", None) or ""
    return {
        "name": persona.name,
        "age_gender": age_gender.strip(" ,，") or persona.name,
        "background": _join_lines(str(getattr(persona, "background", ""))),
        "creditor": getattr(account, "creditor", ""),
        "product": getattr(account, "product", ""),
        "real_reason": getattr(finances, "real_reason", ""),
        "relation": _relation(p, getattr(role, "relation", None), getattr(persona, "gender", "unspecified")),
        "debtor_name": debtor_name,
    }


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"


def _join_lines(text: str) -> str:
    """Undo YAML line folding: no space between two Chinese characters, one space elsewhere."""
    text = re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])", "", text.strip())
    return " ".join(text.split())


def _relation(p: dict, relation: str | None, gender: str) -> str:
    word = p["relations"].get(relation or "", "")
    return word.get(gender) or word.get("unspecified", "") if isinstance(word, dict) else word


def _quoted(items: list[str], p: dict) -> str:
    return ("" if p["quote"].startswith("“") else p["list_joiner"]).join(
        fill(p["quote"], {"text": i}) for i in items
    )


def _number(n: int, p: dict) -> str:
    words = p.get("numbers") or []
    return words[n] if 0 <= n < len(words) else str(n)


def _trait_words(persona, p: dict) -> str:
    traits = getattr(persona, "traits", None)
    words = []
    for name, (low, high) in p["traits"].items():
        value = getattr(traits, name, None)
        if value is None:
            continue
        if value < 0.35 and low:
            words.append(low)
        elif value > 0.65 and high:
            words.append(high)
    return p["joiner"].join(words) or p["no_traits"]


def system_prompt(persona, scenario: str = "first_contact", slots: dict | None = None) -> str:
    """Who the persona is and how they talk. Stable for the whole call: only persona + scenario go in.

    `slots` may supply `debtor_name` for third parties (the name of the person they are asked about);
    it is a fact of the call, not of the turn, so it does not break the cache.
    """
    p = section(persona)
    values = _persona_values(persona, p)
    if slots and slots.get("debtor_name"):
        values["debtor_name"] = slots["debtor_name"]
    if not values["debtor_name"]:
        values["debtor_name"] = "他" if locale_of(persona) == "zh-CN" else "the account holder"
    style = getattr(persona, "style", None)
    catch = list(getattr(style, "catchphrases", []) or [])
    is_debtor = getattr(getattr(persona, "role", None), "kind", "debtor") == "debtor"
    knows = str(bool(getattr(getattr(persona, "role", None), "knows_debt", False))).lower()
    values.update(
        traits=_trait_words(persona, p),
        style=getattr(style, "description", ""),
        catchphrases=fill(p["catchphrases"], {"items": _quoted(catch, p)}) if catch else "",
        max_sentences=_number(max_sentences(persona), p),
        scenario=p["scenarios"].get(scenario, ""),
    )
    values["knows_debt"] = fill(p["knows_debt"][knows], values)
    text = fill(p["system_debtor" if is_debtor else "system_third_party"], values)
    return "\n".join(line for line in text.splitlines() if line.strip())


def _level(value, thresholds=(0.3, 0.65)) -> int | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return 0 if value < thresholds[0] else (1 if value >= thresholds[1] else None)


def mood_words(state: dict, p: dict) -> list[str]:
    """The debtor state in words: a named mood plus the extreme levels of anger, trust ..."""
    words = []
    mood = state.get("mood")
    if isinstance(mood, str) and mood.strip():
        words.append(p["moods"].get(mood, mood.replace("_", " ")))  # "" in the YAML: not worth saying
    for key, pair in p["state"].items():
        lvl = _level(state.get(key))
        if lvl is not None and pair[lvl]:
            words.append(pair[lvl])
    seen: list[str] = []
    return [w for w in words if w and not (w in seen or seen.append(w))]


def _fill_example(line: str, values: dict) -> str | None:
    """A sample line with its slots filled, or None when a slot it needs is unknown."""
    need = _placeholders(line)
    if any(not values.get(k) for k in need):
        return None
    return fill(line, values)


def direction(req: Realisation, heard: str = "", with_example: bool = True) -> str:
    """The last user message: what was just heard, then mood, move, facts and one of the persona's lines."""
    persona = req.persona
    p = section(persona)
    values = {**_persona_values(persona, p), **{k: v for k, v in req.slots.items() if v not in (None, "")}}
    instruction = fill(p["moves"].get(req.move, req.move.replace("_", " ")), values)
    mood = mood_words(req.state or {}, p)
    wanted = load_prompts().get("move_facts", {}).get(req.move, [])
    facts = [
        fill(p["fact"], {"label": p["fact_labels"].get(k, k.replace("_", " ")), "value": req.slots[k]})
        for k in wanted
        if req.slots.get(k) not in (None, "")
    ]
    samples = (getattr(persona, "sample_lines", {}) or {}).get(req.move, [])
    usable = [e for e in (_fill_example(s, values) for s in samples) if e]
    # one line, varied by seed and turn (a plain turn counter would keep the parity and repeat one line)
    example = random.Random(f"{req.seed}:{len(req.history)}:{req.move}").choice(usable) if usable else ""
    ask = p["ask_example"] if example and with_example else p["ask"]
    limit = _number(max_sentences(persona), p)
    text = fill(
        p["turn"],
        {
            "heard": heard,
            "mood": fill(p["mood"], {"items": p["list_joiner"].join(mood)}) if mood else "",
            "instruction": instruction,
            "facts": fill(p["facts"], {"items": p["joiner"].join(facts)}) if facts else "",
            "name": persona.name,
            "max_sentences": _number(max_sentences(persona), p),
            "ask": fill(ask, {"name": persona.name, "line": example, "max_sentences": limit}),
            "retry": fill(p["retry"], {"name": persona.name})
            if (req.state or {}).get("guard_feedback")
            else "",
        },
    )
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def echo_lines(req: Realisation) -> list[str]:
    """The direction's own lines, which a small model sometimes repeats before (or instead of) replying."""
    p = section(req.persona)
    lines = [line.strip() for line in direction(req, with_example=False).splitlines() if line.strip()]
    ask = fill(p["ask_example"], {"name": req.persona.name, "line": "\x00"}).split("\x00")[0].strip()
    return lines + [ask]


def instructions(req: Realisation) -> str:
    """Everything the model is told that is not the call itself: what a reply must never echo.

    The quoted persona line is left out: saying it is allowed, it is the persona's own wording.
    """
    return "\n".join([system_prompt(req.persona, req.scenario, req.slots), *echo_lines(req)])


def build_messages(req: Realisation, direction_role: str = "user") -> list[dict]:
    """System prompt, the call so far as plain user/assistant turns, and the per-turn direction last.

    `req.history` may or may not end with the collector's latest line; either way the last message is a
    user message quoting it with the direction. Past turns carry no directions, so one turn's prompt is
    the prefix of the next one up to the last exchange. A call where the debtor speaks first (the
    opening "hello?") starts with a fixed pickup line, so the roles still alternate.
    """
    p = section(req.persona)
    messages: list[dict] = [
        {"role": "system", "content": system_prompt(req.persona, req.scenario, req.slots)}
    ]
    spoken = [t for t in req.history if str(t.get("text", "")).strip()]
    opens_with_collector = bool(spoken) and spoken[0].get("speaker") == COLLECTOR
    turns = [] if opens_with_collector else [{"role": "user", "content": p["pickup"]}]
    for t in spoken:
        text = str(t.get("text", "")).strip()
        if not text:
            continue
        role = "user" if t.get("speaker") == COLLECTOR else "assistant"
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"] += "\n" + text
        else:
            turns.append({"role": role, "content": text})
    if direction_role == "system":
        if turns[-1]["role"] == "assistant":
            turns.append({"role": "user", "content": p["silence"]})
        return messages + turns + [{"role": "system", "content": direction(req, "")}]
    if turns[-1]["role"] == "assistant":
        heard = p["silence"]
    else:
        last = turns.pop()["content"]
        heard = p["pickup"] if not spoken else fill(p["heard"], {"text": last})
    return messages + turns + [{"role": "user", "content": direction(req, heard)}]


# ---------------------------------------------------------------- shaping the model's output

_TERMINATORS = "。！？!?"
_LOOP = re.compile(r"(\S.{1,15}?)\1{2,}", re.DOTALL)  # the same 2-16 characters three times running
_CLOSERS = "”’\"'）)」』"
_LEAD_JUNK = re.compile(
    r"^(?:\s+|[（(][^（()）\n]{0,30}[）)]|\*[^*\n]{1,30}\*(?!\*)|\*{2,}|[\"“”'‘’「」『』]+)"
)


def _repeat_tail(body: str) -> int:
    """How much of the end to hold back because it repeats the 2-16 characters before it.

    The text may be a model starting to loop; the first copy is shown, the repeats wait. A tail
    that stops repeating is released at the next piece, so ordinary text is only delayed.
    """
    n, hold = len(body), 0
    for period in range(2, 17):
        start = n - period
        while start > 0 and body[start - 1] == body[start - 1 + period]:
            start -= 1
        if start < n - period:  # body[start:] repeats with this period for more than one period
            hold = max(hold, n - (start + period))
    return hold


def _tidy(body: str) -> str:
    """Trim spaces and a closing quote that has no opening one (the leading quote was stripped)."""
    body = body.strip()
    while body and body[-1] in "”\"'’" and not any(q in body[:-1] for q in "“\"'‘"):
        body = body[:-1].rstrip()
    return body


class ReplyShaper:
    """Turns raw model text into a clean phone line while streaming.

    Strips a leading speaker label ("陈志远：", "Debtor:") and stage directions, stops at a newline or
    at another speaker's label (the model starting to write the collector's part), and stops after
    `max_sentences` sentences. Text that might still turn into a label is held back, so what has been
    emitted is never taken back. `feed` returns the text safe to show now; `done` says generation can stop.
    """

    def __init__(
        self,
        labels: Iterable[str],
        max_sentences: int = MAX_SENTENCES,
        names: Iterable[str] = (),
        echoes: Iterable[str] = (),
    ):
        labels = sorted({lab.strip() for lab in labels if lab and lab.strip()}, key=len, reverse=True)
        names = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
        alt = "|".join(re.escape(lab) for lab in labels) or r"(?!)"
        self._lead = re.compile(rf"^(?:\*\*)?(?:{alt})(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*", re.IGNORECASE)
        ends = re.escape(_TERMINATORS + _CLOSERS + ".")
        self._mid = re.compile(rf"(?<=[{ends}])\s*\**(?:{alt})\**\s*[:：]", re.IGNORECASE)
        self._prefixes = [lab.lower() + sep for lab in labels for sep in (":", "：")]
        own = "|".join(re.escape(n) for n in names) if names else r"(?!)"
        self._vocative = re.compile(rf"^(?:{own})[，,]\s*")  # "陈志远，我..." : the model naming itself
        self._prefixes += [n.lower() + sep for n in names for sep in ("，", ",")]
        self._echoes = sorted({e.strip() for e in echoes if e and e.strip()}, key=len, reverse=True)
        self.max_sentences = max_sentences
        self.raw = ""
        self.emitted = ""
        self.done = False

    def _could_become_label(self, tail: str) -> bool:
        tail = tail.strip()
        if tail and not tail.strip("*"):
            return True  # "**" may open "**Debtor:**"
        tail = tail.lstrip("*").lower()
        return bool(tail) and any(p.startswith(tail) for p in self._prefixes)

    def _shape(self, final: bool) -> tuple[str, bool]:
        """(clean text so far, whether the reply is complete) for the raw text received so far."""
        text = self.raw
        while True:  # leading junk and labels, repeatedly ("**Debtor:** (sighs) ...")
            echo = next((e for e in self._echoes if text.startswith(e)), None)
            if echo:  # the model repeated its direction first: what follows may still be the line
                text = text[len(echo) :]
                continue
            m = _LEAD_JUNK.match(text) or self._lead.match(text) or self._vocative.match(text)
            if not m or not m.group(0):
                break
            text = text[m.end() :]
        if not final:
            if text[:1] in ("（", "(", "*") and len(text) < 40 and not re.search(r"[）)*]", text[1:]):
                return "", False  # an unfinished stage direction
            if self._could_become_label(text) or any(
                e.startswith(text.rstrip()) for e in self._echoes if text.strip()
            ):
                return "", False
        body, complete = text, False
        nl = body.find("\n")
        if nl >= 0:
            body, complete = body[:nl], True
        m = self._mid.search(body)
        if m:
            body, complete = body[: m.start()], True
        m = _LOOP.search(body)
        if m:  # a small model stuck in a loop ("催收员，催收员，催收员，"): keep the first one
            body, complete = body[: m.start() + len(m.group(1))], True
        count, i = 0, 0
        while i < len(body):
            if body[i] not in _TERMINATORS and body[i] != ".":
                i += 1
                continue
            j = i
            while j < len(body) and body[j] in _TERMINATORS + _CLOSERS + ".":
                j += 1
            run = body[i:j]
            if j == len(body):
                boundary = final or complete
            elif any(c in _TERMINATORS for c in run):
                boundary = True
            else:  # only dots: a sentence end in English when a space follows ("1.5", "a.m." are not)
                boundary = body[j].isspace()
            if boundary:
                count += 1
                if count >= self.max_sentences:
                    return _tidy(body[:j]), True
            i = j
        if not (final or complete):
            hold = _repeat_tail(body)  # may be the start of a loop: wait and see
            body = body[: len(body) - hold]
            for k in range(min(len(body), 24), 0, -1):  # hold a tail that may become another speaker's label
                before = body[:-k].rstrip()
                if (
                    before
                    and before[-1] in _TERMINATORS + _CLOSERS + "."
                    and self._could_become_label(body[-k:])
                ):
                    body = before
                    break
        return _tidy(body), complete

    def _emit(self, final: bool) -> str:
        if self.done:
            return ""
        body, complete = self._shape(final)
        if not body.startswith(self.emitted):  # never take text back; stop instead
            self.done = True
            return ""
        piece, self.emitted = body[len(self.emitted) :], body
        self.done = complete or final
        return piece

    def feed(self, piece: str) -> str:
        self.raw += piece
        return self._emit(final=False)

    def finish(self) -> str:
        return self._emit(final=True)

    @property
    def text(self) -> str:
        return self.emitted


def shape_stream(pieces: Iterable[str], shaper: ReplyShaper) -> Iterator[str]:
    """Shape an iterator of raw pieces; stops pulling from it once the reply is complete."""
    for raw in pieces:
        out = shaper.feed(raw)
        if out:
            yield out
        if shaper.done:
            return
    out = shaper.finish()
    if out:
        yield out


def persona_names(persona) -> list[str]:
    """The persona's full name and the short form a model may use (given name, first name)."""
    names = [persona.name]
    if locale_of(persona) == "zh-CN" and len(persona.name) == 3:
        names.append(persona.name[1:])
    elif " " in persona.name:
        names.append(persona.name.split()[0])
    return names


def role_labels(persona) -> list[str]:
    """Speaker labels a model may prefix its line with; the shaper strips or cuts at them."""
    return persona_names(persona) + list(section(persona)["labels"])


def make_shaper(persona, cap: int = MAX_SENTENCES, req: Realisation | None = None) -> ReplyShaper:
    """A shaper with this persona's labels and sentence limit (and the request's direction to strip)."""
    echoes = echo_lines(req) if req is not None else ()
    # "陈志远，..." opening a line is the model addressing itself; "Vanessa Whitaker, Lone Star" is a greeting
    names = persona_names(persona) if locale_of(persona) == "zh-CN" else ()
    return ReplyShaper(role_labels(persona), max_sentences(persona, cap), names=names, echoes=echoes)
