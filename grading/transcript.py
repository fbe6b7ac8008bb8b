"""The transcript format other tools rely on (DESIGN.md), and readers for it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Speaker = Literal["collector", "debtor", "third_party"]


class Turn(BaseModel):
    model_config = ConfigDict(extra="allow")

    speaker: Speaker
    text: str


class Transcript(BaseModel):
    """One call. `persona` is optional; extra keys (trainee, started_at ...) are kept."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    locale: Literal["zh-CN", "en-US"]
    scenario: str = "first_contact"
    persona: str | None = None
    turns: list[Turn]
