"""The scripted backend: the persona's own sample lines, slot-filled, chosen with the seed.

Always available (no model, no network), so it is what tests use and what every other
backend falls back to. It words a move in the trainer's own phrasing; the policy has
already decided the move and its facts.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from simulator.backends.base import Backend, Realisation

# When a persona has no line for a move, the nearest move it does have lines for.
FALLBACK_MOVES: dict[str, tuple[str, ...]] = {
    "greet": ("ask_who",),
    "deny_identity": ("stall", "ask_who"),
    "confirm_identity": ("greet",),
    "stall": ("excuse",),
    "disclose_reason": ("excuse",),
    "downplay": ("excuse", "vent"),
    "plead": ("excuse",),
    "question": ("ask_who", "excuse"),
    "confirm_promise": ("promise",),
    "thank": ("confirm_promise", "hang_up"),
    "ask_what_about": ("ask_who",),
    "refuse_info": ("ask_what_about", "hang_up"),
    "take_message": ("thank", "hang_up"),
    "give_contact": ("take_message", "thank"),
    "wrong_number": ("hang_up",),
    "complain": ("vent", "hang_up"),
    "vent": ("refuse", "complain"),
    "excuse": ("stall", "vent", "refuse"),
    "bargain": ("promise",),
    "refuse": ("vent", "hang_up"),
    "ask_who": ("greet",),
}

_SLOT = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def lines_for(persona, move: str) -> list[str]:
    """The persona's sample lines for `move`, following FALLBACK_MOVES when a move has none."""
    seen, queue = set(), [move]
    while queue:
        m = queue.pop(0)
        if m in seen:
            continue
        seen.add(m)
        lines = persona.sample_lines.get(m) or []
        if lines:
            return list(lines)
        queue += FALLBACK_MOVES.get(m, ())
    for m in ("hang_up", "greet", "ask_who"):
        if persona.sample_lines.get(m):
            return list(persona.sample_lines[m])
    return ["..."]


def fill(line: str, slots: dict[str, str]) -> str:
    """Replace {slot} with its value; an unknown slot becomes empty rather than raw braces."""
    return _SLOT.sub(lambda m: str(slots.get(m.group(1), "")), line)


def usable(line: str, slots: dict[str, str]) -> bool:
    """A line is usable when every slot it names has a value (no '先还元' gaps)."""
    return all(slots.get(name) for name in _SLOT.findall(line))


def sample_line(req: Realisation, avoid: set[str] | None = None) -> str:
    """The seeded, slot-filled sample line for the move, avoiding lines already said."""
    lines = lines_for(req.persona, req.move)
    said = {t.get("text", "") for t in req.history} | (avoid or set())
    filled = [fill(ln, req.slots) for ln in lines if usable(ln, req.slots)] or [
        fill(ln, req.slots) for ln in lines
    ]
    fresh = [ln for ln in filled if ln not in said] or filled
    rng = random.Random(f"{req.seed}:{len(req.history)}:{req.move}")
    return rng.choice(fresh)


def pieces(text: str, zh: bool) -> Iterator[str]:
    """Split text into small pieces so the scripted voice streams like a model does."""
    if zh:
        for i in range(0, len(text), 4):
            yield text[i : i + 4]
    else:
        for m in re.finditer(r"\S+\s*", text):
            yield m.group(0)


class ScriptedBackend(Backend):
    """Voices a move with the persona's sample lines (no model)."""

    name = "scripted"

    def stream(self, req: Realisation) -> Iterator[str]:
        yield from pieces(sample_line(req), getattr(req.persona, "locale", "") == "zh-CN")

    def describe(self) -> str:
        return "scripted (persona sample lines)"


class FunctionBackend(Backend):
    """Words moves with a plain function `fn(req) -> str` (or an iterator of pieces): a test double,
    and a quick way for a trainer to try other wordings without a model."""

    name = "function"

    def __init__(self, fn, name: str = "function"):
        self.fn = fn
        self.name = name

    def stream(self, req: Realisation) -> Iterator[str]:
        out = self.fn(req)
        if isinstance(out, str):
            yield out
        else:
            yield from out
