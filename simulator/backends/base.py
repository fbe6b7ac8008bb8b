"""The one interface every backend implements: turn a chosen debtor move into a line of speech.

The state model has already decided *what* the debtor does (the move and its facts);
a backend only decides *how it sounds*. That is what lets a tiny model, or no model,
still give a believable call.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Realisation:
    """Everything a backend needs to voice one debtor turn."""

    persona: object  # simulator.models.Persona
    move: str  # one of grading.acts.DEBTOR_MOVES / THIRD_PARTY_MOVES
    slots: dict[str, str] = field(default_factory=dict)  # facts the line may state: amount, date, channel ...
    history: list[dict] = field(default_factory=list)  # transcript turns so far: {"speaker", "text"}
    state: dict = field(default_factory=dict)  # debtor state summary (mood, trust ...) for the prompt
    seed: int = 0
    scenario: str = "first_contact"


class Backend(ABC):
    """A way to word a debtor move. Subclasses: scripted, transformers, openai."""

    name: str = "base"

    @abstractmethod
    def stream(self, req: Realisation) -> Iterator[str]:
        """Yield the reply in pieces as they are produced (tokens or whole lines)."""

    def realise(self, req: Realisation) -> str:
        """The whole reply as one string."""
        return "".join(self.stream(req)).strip()

    def prefill(self, req: Realisation) -> None:  # noqa: B027 - optional hook
        """Encode `req`'s prompt ahead of time without generating (the line a trainee is still typing).

        A hint, never a promise: a newer prefill or a real request supersedes it, and a request that
        differs only reuses what the two share. Default: nothing to prepare.
        """

    def describe(self) -> str:
        """One line for notices and logs: which model, which settings."""
        return self.name

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release model memory; default: nothing to release."""


class BackendUnavailable(RuntimeError):
    """Raised when a backend cannot load; the message says what failed and how to fix it."""
