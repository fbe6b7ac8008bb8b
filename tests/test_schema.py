"""Generated JSON schemas: committed copies are current, and shipped files satisfy them."""

import json
from pathlib import Path

import jsonschema
import yaml

from simulator.models import Persona, ScriptsCorpus
from simulator.schema import render, write_schemas

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schemas_are_up_to_date():
    assert (ROOT / "personas" / "persona.schema.json").read_text(encoding="utf-8") == render(Persona)
    assert (ROOT / "scripts_corpus" / "corpus.schema.json").read_text(encoding="utf-8") == render(
        ScriptsCorpus
    )


def test_shipped_files_point_at_and_satisfy_their_schema():
    for folder, name in (("personas", "persona.schema.json"), ("scripts_corpus", "corpus.schema.json")):
        schema = json.loads((ROOT / folder / name).read_text(encoding="utf-8"))
        files = sorted((ROOT / folder).glob("*.yaml"))
        assert files
        for f in files:
            text = f.read_text(encoding="utf-8")
            assert text.startswith(f"# yaml-language-server: $schema={name}"), f
            # YAML reads dates as date objects; JSON tools see them as strings.
            jsonschema.validate(json.loads(json.dumps(yaml.safe_load(text), default=str)), schema)


def test_schema_round_trip(tmp_path):
    """A persona dumped by the model validates against the schema and loads back equal."""
    paths = write_schemas(tmp_path)
    schema = json.loads(paths[0].read_text(encoding="utf-8"))
    src = yaml.safe_load((ROOT / "personas" / "zh-vain-owner.yaml").read_text(encoding="utf-8"))
    p = Persona.model_validate(src)
    dumped = p.model_dump(mode="json", exclude_none=True)
    jsonschema.validate(dumped, schema)
    assert Persona.model_validate(dumped) == p


def test_schema_rejects_unknown_field():
    schema = json.loads((ROOT / "personas" / "persona.schema.json").read_text(encoding="utf-8"))
    src = yaml.safe_load((ROOT / "personas" / "zh-vain-owner.yaml").read_text(encoding="utf-8"))
    src["mood"] = "angry"
    try:
        jsonschema.validate(src, schema)
    except jsonschema.ValidationError as e:
        assert "mood" in str(e)
    else:
        raise AssertionError("schema accepted an unknown field")
