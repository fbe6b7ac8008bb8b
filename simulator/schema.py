"""JSON schemas generated from the pydantic models, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.loader import CORPUS_SCHEMA, PERSONA_SCHEMA, data_root
from simulator.models import Persona, ScriptsCorpus


def schema_of(model) -> dict:
    s = model.model_json_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return s


def render(model) -> str:
    return json.dumps(schema_of(model), ensure_ascii=False, indent=2) + "\n"


def write_schemas(out: Path | None = None) -> list[Path]:
    """Write persona.schema.json into personas/ and corpus.schema.json into scripts_corpus/."""
    targets = [
        ((out or data_root("personas")) / PERSONA_SCHEMA, Persona),
        ((out or data_root("scripts_corpus")) / CORPUS_SCHEMA, ScriptsCorpus),
    ]
    for path, model in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(model), encoding="utf-8")
    return [p for p, _ in targets]
