"""Persona studio: list, search, clone, edit and save persona YAML into the trainer folder.

Validation goes through `loader.validate_text` and `loader.validate_personas`, and problems are
printed against the file the studio would write, so a trainer sees exactly the lines that
`collectsim personas validate FILE` prints. A file with any problem is never written: one
broken trainer file would otherwise take every persona out of Practice.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from simulator.loader import (
    DataError,
    Problem,
    _display,
    data_root,
    load_persona,
    parse_yaml,
    persona_files,
    validate_personas,
    validate_text,
)
from simulator.models import Persona

# Fields the studio form edits; everything else is edited in the YAML view.
FORM_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "locale",
    "archetype",
    "difficulty",
    "summary",
    "background",
    "scenarios",
    "style.description",
    "traits.hostility",
    "traits.face_sensitivity",
    "traits.emotionality",
    "traits.honesty",
    "traits.evasiveness",
    "traits.patience",
)
_ID_LINE = re.compile(r"^id:[ \t]*.*$", re.MULTILINE)
_HEADER = "# yaml-language-server: $schema=persona.schema.json\n"


def user_dir() -> Path:
    """Where trainer personas are written (COLLECTSIM_USER_PERSONAS, default ~/.collectsim/personas)."""
    env = os.environ.get("COLLECTSIM_USER_PERSONAS")
    return Path(env) if env else Path.home() / ".collectsim" / "personas"


def _builtin_dir() -> Path:
    return data_root("personas")


@dataclass
class Entry:
    """One row of the studio list; `problems` is non-empty for a file that does not validate."""

    id: str
    name: str
    locale: str
    kind: str
    archetype: str
    difficulty: int | None
    summary: str
    source: str  # "built-in" | "trainer"
    path: Path
    problems: list[str]

    @property
    def editable(self) -> bool:
        return self.source == "trainer"


def _all_files() -> list[Path]:
    dirs = [_builtin_dir(), user_dir()]
    return persona_files([d for d in dirs if d.is_dir()]) if any(d.is_dir() for d in dirs) else []


def list_personas(query: str = "", locale: str | None = None) -> list[Entry]:
    """Every persona file, broken ones included (so they can be fixed), filtered by a free-text query."""
    out: list[Entry] = []
    trainer = user_dir().resolve()
    for f in _all_files():
        source = "trainer" if f.resolve().parent == trainer else "built-in"
        try:
            p = load_persona(f)
        except DataError as e:
            out.append(Entry(f.stem, f.stem, "", "", "", None, "", source, f, [str(x) for x in e.problems]))
            continue
        out.append(
            Entry(p.id, p.name, p.locale, p.role.kind, p.archetype, p.difficulty, p.summary, source, f, [])
        )
    if locale:
        out = [e for e in out if e.locale in (locale, "")]
    q = (query or "").strip().lower()
    if q:
        out = [
            e
            for e in out
            if any(q in str(v).lower() for v in (e.id, e.name, e.archetype, e.summary, e.locale))
        ]
    return out


def find(persona_id: str) -> Entry | None:
    """The file holding `persona_id` (trainer copy wins over a built-in only if ids clash, which save forbids)."""
    for e in list_personas():
        if e.id == persona_id:
            return e
    return None


def read_text(persona_id: str) -> str:
    e = find(persona_id)
    if e is None:
        raise KeyError(f"unknown persona {persona_id!r}")
    return e.path.read_text(encoding="utf-8")


def target_path(persona_id: str) -> Path:
    return user_dir() / f"{persona_id}.yaml"


def _peek_id(text: str) -> str | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    pid = data.get("id") if isinstance(data, dict) else None
    return pid if isinstance(pid, str) and re.fullmatch(r"[a-z]{2}-[a-z0-9-]+", pid) else None


def display_name(text: str) -> str:
    """The file name problems are reported against: the trainer file this text would be saved to."""
    pid = _peek_id(text)
    return _display(target_path(pid) if pid else user_dir() / "untitled.yaml")


def validate(text: str) -> tuple[Persona | None, list[str]]:
    """(persona, problem lines); lines read exactly as the CLI prints them for the target file."""
    name = display_name(text)
    try:
        persona = validate_text(text, Persona, name)
    except DataError as e:
        return None, [str(p) for p in e.problems]
    problems = _cross_file(text, persona, name)
    return (persona if not problems else None), problems


def _cross_file(text: str, persona: Persona, name: str) -> list[str]:
    """Checks that need the rest of the library: duplicate ids and references to other personas.

    The text is validated as the last file of the whole library (minus the file it replaces),
    so duplicates and references resolve even when some other file is broken.
    """
    target = target_path(persona.id).resolve()
    others = [f for f in _all_files() if f.resolve() != target]
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / f"{persona.id}.yaml"
        f.write_text(text, encoding="utf-8")
        _, found = validate_personas([*others, f])
        tmp_name = _display(f)
    return [str(Problem(name, p.field, p.message)) for p in found if p.file == tmp_name]


def save(text: str) -> tuple[Path | None, list[str]]:
    """Write `text` to the trainer folder as `<id>.yaml`; refuse (return the problems) if it has any."""
    persona, problems = validate(text)
    if problems or persona is None:
        return None, problems
    path = target_path(persona.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".saving-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")
    os.replace(tmp, path)
    return path, []


def delete(persona_id: str) -> Path:
    """Remove a trainer persona file; built-in personas cannot be deleted from the studio."""
    path = target_path(persona_id)
    if not path.exists():
        raise KeyError(f"no trainer persona {persona_id!r}")
    path.unlink()
    return path


def clone_text(text: str, new_id: str, new_name: str | None = None) -> str:
    """The same YAML under a new id (comments and layout kept); the name too when given."""
    if not re.fullmatch(r"[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*", new_id or ""):
        raise ValueError(f"{new_id!r} is not a persona id like zh-my-persona")
    if _ID_LINE.search(text):
        out = _ID_LINE.sub(f"id: {new_id}", text, count=1)
    else:
        out = f"id: {new_id}\n" + text
    if new_name:
        out = re.sub(r"^name:[ \t]*.*$", f"name: {_scalar(new_name)}", out, count=1, flags=re.MULTILINE)
    return out


def _scalar(value: str) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip()
    return dumped.removesuffix("\n...").removesuffix("...").strip()


# ---------------------------------------------------------------- form <-> YAML


def form_values(text: str) -> dict[str, Any]:
    """Values of FORM_FIELDS read from YAML text (None where missing or unreadable)."""
    try:
        data = parse_yaml(text, "persona")
    except DataError:
        data = None
    if not isinstance(data, dict):
        data = {}
    out: dict[str, Any] = {}
    for key in FORM_FIELDS:
        cur: Any = data
        for part in key.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        out[key] = cur
    return out


def apply_form(text: str, values: dict[str, Any]) -> str:
    """Merge form values into the YAML; fields left empty in the form are left as they are.

    The YAML is re-dumped (comments are lost), so this runs only when the trainer applies the form.
    """
    data = parse_yaml(text, "persona") if text.strip() else {}
    if not isinstance(data, dict):
        raise DataError([Problem(display_name(text), "", "expected a mapping of fields at the top")])
    for key, value in values.items():
        if key not in FORM_FIELDS or value is None or value == "":
            continue
        if key == "scenarios" and isinstance(value, str):
            value = [s.strip() for s in re.split(r"[,\s，]+", value) if s.strip()]
        if key == "difficulty":
            value = int(value)
        if key.startswith("traits."):
            value = round(float(value), 2)
        parts = key.split(".")
        cur = data
        for part in parts[:-1]:
            if not isinstance(cur.get(part), dict):
                cur[part] = {}
            cur = cur[part]
        cur[parts[-1]] = value
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return _HEADER + body


def blank_template(locale: str = "zh-CN") -> str:
    """A starting point for a new persona: the first built-in persona of the locale, under a new id."""
    for e in list_personas(locale=locale):
        if e.source == "built-in" and not e.problems and e.kind == "debtor":
            return clone_text(e.path.read_text(encoding="utf-8"), f"{locale[:2].lower()}-new-persona")
    return _HEADER + f"id: {locale[:2].lower()}-new-persona\nlocale: {locale}\n"
