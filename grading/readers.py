"""Read transcripts from JSON, JSONL, plain-text call logs and folders of them.

Evaluators hand the grader whatever their recording system exports, so every reader
problem becomes one `ReadError` that names the file, the line and how to fix it, and a
batch keeps going past a broken file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from grading.transcript import Transcript, Turn

SUFFIXES: tuple[str, ...] = (".json", ".jsonl", ".txt")

# Speaker prefixes of plain-text transcripts (half- or full-width colon).
SPEAKER_PREFIXES: dict[str, str] = {
    "坐席": "collector",
    "催收员": "collector",
    "催收": "collector",
    "客服": "collector",
    "客户": "debtor",
    "债务人": "debtor",
    "持卡人": "debtor",
    "第三方": "third_party",
    "agent": "collector",
    "collector": "collector",
    "customer": "debtor",
    "debtor": "debtor",
    "consumer": "debtor",
    "third party": "third_party",
    "third-party": "third_party",
    "third_party": "third_party",
}
_PREFIX_RE = re.compile(
    r"^\s*("
    + "|".join(sorted((re.escape(k) for k in SPEAKER_PREFIXES), key=len, reverse=True))
    + r")\s*[:：]\s*",
    re.IGNORECASE,
)
_HEADER_RE = re.compile(r"^\s*#\s*(id|locale|scenario|persona)\s*[:：]\s*(\S+)\s*$", re.IGNORECASE)
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
TEXT_FIX = "start each turn with '坐席:' / '客户:' (or 'Agent:' / 'Customer:', '第三方:' / 'Third party:')"


@dataclass
class ReadError(Exception):
    """One unreadable input: `FILE:LINE: what is wrong - how to fix it`."""

    file: str
    line: int | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}" + (f" - {self.fix}" if self.fix else "")


@dataclass
class Source:
    """Where a transcript came from, for error messages and output file names."""

    file: str
    line: int | None = None


def detect_locale(text: str) -> str:
    """zh-CN when the text contains CJK characters, else en-US."""
    return "zh-CN" if _CJK_RE.search(text) else "en-US"


def parse_transcript_dict(data: object, file: str, line: int | None = None) -> Transcript:
    """Validate one transcript object; pydantic errors become one ReadError naming the field."""
    if not isinstance(data, dict):
        raise ReadError(
            file,
            line,
            f"expected a transcript object, got {type(data).__name__}",
            'use {"id": ..., "locale": "zh-CN", "scenario": ..., "turns": [...]}',
        )
    try:
        return Transcript.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors(include_url=False):
            field = ".".join(str(x) for x in err["loc"]) or "(top)"
            problems.append(f"{field}: {err['msg']}")
        fix = "see the transcript format in DESIGN.md: speaker is collector, debtor or third_party"
        raise ReadError(file, line, "invalid transcript: " + "; ".join(problems), fix) from None


def parse_text(
    text: str,
    file: str = "<text>",
    *,
    tid: str | None = None,
    locale: str | None = None,
    scenario: str | None = None,
) -> Transcript:
    """A plain-text call log: one turn per prefixed line; unprefixed lines continue the previous turn.

    Optional header lines `# scenario: broken_promise` (also id, locale, persona) set the
    metadata; the --locale/--scenario arguments win over them.
    """
    meta: dict[str, str] = {}
    turns: list[dict] = []
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        h = _HEADER_RE.match(line)
        if h:
            meta[h.group(1).lower()] = h.group(2)
            continue
        if line.startswith("#"):
            continue
        m = _PREFIX_RE.match(line)
        if m:
            speaker = SPEAKER_PREFIXES[m.group(1).lower()]
            turns.append({"speaker": speaker, "text": line[m.end() :].strip(), "line": no})
        elif turns:
            turns[-1]["text"] = (turns[-1]["text"] + " " + line).strip()
        else:
            raise ReadError(file, no, f"no speaker prefix on {line[:30]!r}", TEXT_FIX)
    if not turns:
        raise ReadError(file, None, "no turns found", TEXT_FIX)
    for t in turns:
        if not t["text"]:
            raise ReadError(file, t["line"], "empty turn", "write what was said after the speaker prefix")
    data = {
        "id": tid or meta.get("id") or Path(file).stem or "transcript",
        "locale": locale or meta.get("locale") or detect_locale(text),
        "scenario": scenario or meta.get("scenario") or "first_contact",
        "persona": meta.get("persona"),
        "turns": [Turn(speaker=t["speaker"], text=t["text"]) for t in turns],
    }
    try:
        return Transcript.model_validate(data)
    except ValidationError as e:
        msg = "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors(include_url=False))
        raise ReadError(file, None, msg, "use --locale zh-CN or en-US") from None


def _fill(data: object, default_id: str, locale: str | None, scenario: str | None) -> object:
    """Fill what a JSON transcript leaves out (id, locale, scenario); never contradict what it states."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    data.setdefault("id", default_id)
    if scenario:
        data.setdefault("scenario", scenario)
    if "locale" not in data:
        turns = data.get("turns")
        text = (
            " ".join(str(t.get("text", "")) for t in turns if isinstance(t, dict))
            if isinstance(turns, list)
            else ""
        )
        data["locale"] = locale or detect_locale(text)
    return data


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); else GB18030, which Chinese Windows call systems often export."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as first:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise first from None


def read_file(
    path: str | Path, *, locale: str | None = None, scenario: str | None = None
) -> Iterator[tuple[Source, Transcript | ReadError]]:
    """Yield (source, transcript or error) for every transcript in one file; never raises for bad content."""
    path = Path(path)
    name = str(path)
    try:
        raw = _decode(path.read_bytes())
    except UnicodeDecodeError as e:
        yield (
            Source(name),
            ReadError(name, None, f"not UTF-8 or GB18030 text ({e.reason})", "save the file as UTF-8"),
        )
        return
    except OSError as e:
        yield Source(name), ReadError(name, None, f"cannot read: {e.strerror or e}", "check the path")
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(raw, name, locale, scenario)
    elif suffix == ".json" or (suffix != ".txt" and raw.lstrip()[:1] in ("{", "[")):
        yield from _read_json(raw, name, locale, scenario)
    else:
        try:
            yield Source(name), parse_text(raw, name, locale=locale, scenario=scenario)
        except ReadError as e:
            yield Source(name, e.line), e


def _read_json(raw: str, name: str, locale: str | None, scenario: str | None):
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        yield (
            Source(name, e.lineno),
            ReadError(
                name,
                e.lineno,
                f"invalid JSON: {e.msg} (column {e.colno})",
                "fix the JSON syntax; one transcript per file or use .jsonl",
            ),
        )
        return
    items = data if isinstance(data, list) else [data]
    stem = Path(name).stem
    for i, item in enumerate(items):
        single = len(items) == 1
        label = name if single else f"{name}[{i}]"
        item = _fill(item, stem if single else f"{stem}-{i + 1}", locale, scenario)
        try:
            yield Source(name, None if single else i + 1), parse_transcript_dict(item, label)
        except ReadError as e:
            yield Source(name), e


def _read_jsonl(raw: str, name: str, locale: str | None, scenario: str | None):
    for no, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as e:
            yield (
                Source(name, no),
                ReadError(
                    name,
                    no,
                    f"invalid JSON: {e.msg} (column {e.colno})",
                    "each line of a .jsonl file must be one complete transcript object",
                ),
            )
            continue
        data = _fill(data, f"{Path(name).stem}-{no}", locale, scenario)
        try:
            yield Source(name, no), parse_transcript_dict(data, name, no)
        except ReadError as e:
            yield Source(name, no), e


def expand_paths(paths: list[str | Path]) -> tuple[list[Path], list[ReadError], bool]:
    """Files to read (folders searched recursively), errors for missing paths, and whether a folder was given."""
    files: list[Path] = []
    errors: list[ReadError] = []
    folder = False
    for p in map(Path, paths):
        if p.is_dir():
            folder = True
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
            if not found:
                errors.append(ReadError(str(p), None, "folder has no .json, .jsonl or .txt transcripts"))
            files += found
        elif p.is_file():
            files.append(p)
        else:
            errors.append(ReadError(str(p), None, "no such file or folder", "check the path"))
    return files, errors, folder


def read_paths(
    paths: list[str | Path], *, locale: str | None = None, scenario: str | None = None
) -> Iterator[tuple[Source, Transcript | ReadError]]:
    """Every transcript (or error) from files and folders, in a stable order."""
    files, errors, _ = expand_paths(paths)
    for e in errors:
        yield Source(e.file), e
    for f in files:
        yield from read_file(f, locale=locale, scenario=scenario)
