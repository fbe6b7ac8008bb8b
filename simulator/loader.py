"""Find, parse and validate persona and scripts-corpus files, with errors a trainer can act on.

Every problem becomes one line `FILE: FIELD.PATH - what is wrong`, the same text in the
CLI, the loader and the web app's persona studio.
"""

from __future__ import annotations

import difflib
import os
import sys
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from simulator.models import LOCALES, Persona, ScriptsCorpus

PERSONA_SCHEMA = "persona.schema.json"
CORPUS_SCHEMA = "corpus.schema.json"


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where} - {self.message}"


class DataError(ValueError):
    """One or more problems in data files; str() is the one-line-per-problem report."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---------------------------------------------------------------- where the data lives


def data_root(kind: str) -> Path:
    """Folder of `personas` or `scripts_corpus`: env override, repo checkout, or installed copy."""
    env = os.environ.get("COLLECTSIM_" + kind.upper() + "_DIR")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parent.parent / kind
    if repo.is_dir():
        return repo
    for base in (sys.prefix, sys.base_prefix, os.path.expanduser("~/.local")):
        p = Path(base) / "share" / "collectsim" / kind
        if p.is_dir():
            return p
    raise FileNotFoundError(f"cannot find the '{kind}' data folder; set COLLECTSIM_{kind.upper()}_DIR")


def persona_dirs() -> list[Path]:
    """Built-in personas first, then trainer-authored ones (COLLECTSIM_USER_PERSONAS)."""
    dirs = [data_root("personas")]
    extra = os.environ.get("COLLECTSIM_USER_PERSONAS")
    if extra:
        dirs.append(Path(extra))
    return dirs


# ---------------------------------------------------------------- parsing


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse_yaml(text: str, name: str) -> Any:
    """YAML -> Python, turning syntax errors into a Problem with the line number."""
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise DataError([Problem(name, line, f"YAML syntax error: {e.problem or e}")]) from None
    except yaml.YAMLError as e:
        raise DataError([Problem(name, "", f"YAML syntax error: {e}")]) from None


def validate_text(text: str, model: type[BaseModel], name: str) -> Any:
    """Parse YAML text and validate it against `model`; raise DataError listing every problem."""
    data = parse_yaml(text, name)
    if not isinstance(data, dict):
        raise DataError(
            [Problem(name, "", f"expected a mapping of fields at the top, got {type(data).__name__}")]
        )
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise DataError(explain(e, model, name, data)) from None


def load_persona(path: str | Path) -> Persona:
    path = Path(path)
    return validate_text(path.read_text(encoding="utf-8"), Persona, _display(path))


def load_corpus_file(path: str | Path) -> ScriptsCorpus:
    path = Path(path)
    return validate_text(path.read_text(encoding="utf-8"), ScriptsCorpus, _display(path))


# ---------------------------------------------------------------- pydantic errors -> trainer's words


def explain(err: ValidationError, model: type[BaseModel], name: str, data: Any = None) -> list[Problem]:
    out = []
    for e in err.errors(include_url=False):
        loc = [str(x) for x in e["loc"]]
        field = ".".join(loc)
        out.append(Problem(name, field, _message(e, model, e["loc"], data)))
    return out


def _message(e: dict, model: type[BaseModel], loc: tuple, data: Any) -> str:
    typ, ctx, val = e["type"], e.get("ctx") or {}, e.get("input")
    if typ == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.5)
        msg = f"unknown field '{loc[-1]}'"
        if hint:
            return msg + f"; did you mean '{hint[0]}'?"
        return msg + (f"; allowed: {', '.join(sorted(known))}" if known else "")
    if typ == "missing":
        return "required field is missing"
    if typ in ("literal_error", "enum"):
        expected = _literal_values(ctx.get("expected", ""))
        what = "value" if not loc else (str(loc[-1]) if isinstance(loc[-1], str) else str(loc[-2]))
        msg = f"unknown {what} {val!r}"
        hint = difflib.get_close_matches(str(val), expected, n=1, cutoff=0.6) if expected else []
        if hint:
            msg += f"; did you mean '{hint[0]}'?"
        return msg + (f" (expected one of: {', '.join(expected)})" if expected else "")
    if typ in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[typ]
        bound = next(iter(ctx.values()), "?")
        return f"must be {op} {bound} (got {val!r})"
    if typ in ("float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"):
        return f"expected a number, got {val!r}"
    if typ in ("string_type",):
        return f"expected text, got {type(val).__name__} {val!r}"
    if typ in ("list_type",):
        return f"expected a list, got {type(val).__name__}"
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {type(val).__name__}"
    if typ == "string_pattern_mismatch":
        return f"{val!r} does not match the required pattern {ctx.get('pattern')}"
    if typ == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if typ in ("string_too_short",):
        return "must not be empty"
    if typ in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"expected a date like 2026-11-30, got {val!r}"
    if typ == "bool_parsing":
        return f"expected true or false, got {val!r}"
    if typ == "value_error":
        return str(ctx.get("error") or e["msg"]).removeprefix("Value error, ")
    return e["msg"]


def _literal_values(expected: str) -> list[str]:
    return [p.strip().strip("'\"") for p in expected.replace(" or ", ",").split(",") if p.strip()]


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the nested model reached by `loc`, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        current = _unwrap(current)
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        f = current.model_fields.get(str(part))
        if f is None:
            return []
        current = f.annotation
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    """list[X] / X | None / dict[K, X] -> X."""
    for _ in range(4):
        args = typing.get_args(tp)
        if not args:
            return tp
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if models:
            return models[0]
        nested = [a for a in args if typing.get_args(a)]
        if not nested:
            return tp
        tp = nested[-1]
    return tp


# ---------------------------------------------------------------- collections and cross-file checks


def persona_files(paths: Iterable[str | Path] | None = None) -> list[Path]:
    roots = [Path(p) for p in paths] if paths else [d for d in persona_dirs() if d.is_dir()]
    files: list[Path] = []
    for r in roots:
        if r.is_dir():
            files += sorted(p for p in r.glob("*.yaml") if p.is_file())
        else:
            files.append(r)
    return files


def validate_personas(paths: Iterable[str | Path] | None = None) -> tuple[dict[str, Persona], list[Problem]]:
    """Validate persona files (default: all known); returns good personas and every problem."""
    files = persona_files(paths)
    personas: dict[str, Persona] = {}
    where: dict[str, str] = {}
    problems: list[Problem] = []
    for f in files:
        name = _display(f)
        if not f.exists():
            problems.append(Problem(name, "", "no such file"))
            continue
        try:
            p = load_persona(f)
        except DataError as e:
            problems += e.problems
            continue
        if p.id in personas:
            problems.append(Problem(name, "id", f"duplicate persona id {p.id!r} (also in {where[p.id]})"))
            continue
        if f.stem != p.id:
            problems.append(Problem(name, "id", f"id {p.id!r} must match the file name ({f.stem}.yaml)"))
        personas[p.id] = p
        where[p.id] = name
    # Cross-file: references must resolve, against the whole library when checking a subset.
    known = dict(personas)
    if paths:
        try:
            known = {**all_personas(), **personas}
        except DataError:
            pass
    for pid, p in personas.items():
        for i, tp in enumerate(p.third_parties):
            other = known.get(tp)
            if other is None:
                hint = difflib.get_close_matches(tp, list(known), n=1)
                msg = f"third party {tp!r} does not exist" + (f"; did you mean '{hint[0]}'?" if hint else "")
                problems.append(Problem(where[pid], f"third_parties.{i}", msg))
            elif other.is_debtor:
                problems.append(
                    Problem(where[pid], f"third_parties.{i}", f"{tp!r} is a debtor, not a third party")
                )
        if p.role.debtor and p.role.debtor not in known:
            problems.append(
                Problem(where[pid], "role.debtor", f"debtor persona {p.role.debtor!r} does not exist")
            )
        if p.role.debtor and p.role.debtor in known and known[p.role.debtor].locale != p.locale:
            problems.append(Problem(where[pid], "role.debtor", "the debtor persona has a different locale"))
        scenario_ids = _scenario_ids(p.locale)
        for i, sc in enumerate(p.scenarios):
            if scenario_ids and sc not in scenario_ids:
                hint = difflib.get_close_matches(sc, scenario_ids, n=1)
                msg = f"unknown scenario {sc!r}" + (f"; did you mean '{hint[0]}'?" if hint else "")
                problems.append(
                    Problem(where[pid], f"scenarios.{i}", msg + f" (defined: {', '.join(scenario_ids)})")
                )
    return personas, problems


def _scenario_ids(locale: str) -> list[str]:
    """Scenario ids of a locale's corpus; empty when the corpus is missing or broken (reported on its own)."""
    try:
        return [s.id for s in load_corpus(locale).scenarios]
    except (DataError, FileNotFoundError, KeyError):
        return []


@lru_cache(maxsize=4)
def _cached_personas(key: tuple) -> dict[str, Persona]:
    personas, problems = validate_personas(None)
    if problems:
        raise DataError(problems)
    return personas


def _dir_key() -> tuple:
    """Cache key that changes when any persona file is added, removed or edited."""
    key = []
    for d in persona_dirs():
        if d.is_dir():
            key += [(str(p), p.stat().st_mtime_ns) for p in sorted(d.glob("*.yaml"))]
    return tuple(key)


def all_personas() -> dict[str, Persona]:
    """Every persona (built-in + trainer folder), validated; raises DataError if any is broken."""
    return _cached_personas(_dir_key())


def get_persona(persona_id: str) -> Persona:
    personas = all_personas()
    if persona_id not in personas:
        hint = difflib.get_close_matches(persona_id, list(personas), n=1)
        raise KeyError(f"unknown persona {persona_id!r}" + (f"; did you mean '{hint[0]}'?" if hint else ""))
    return personas[persona_id]


@lru_cache(maxsize=8)
def load_corpus(locale: str) -> ScriptsCorpus:
    """The scripts corpus for a locale (`scripts_corpus/<locale>.yaml`)."""
    if locale not in LOCALES:
        hint = difflib.get_close_matches(locale, LOCALES, n=1)
        raise KeyError(f"unknown locale {locale!r}" + (f"; did you mean '{hint[0]}'?" if hint else ""))
    return load_corpus_file(data_root("scripts_corpus") / f"{locale}.yaml")


def corpus_files() -> list[Path]:
    return sorted(data_root("scripts_corpus").glob("*.yaml"))
