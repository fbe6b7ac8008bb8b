"""`collectsim grade` and `collectsim check`: batch grading and one-line checks from the shell.

Evaluators grade whole folders of exported calls, so one unreadable file is reported
(file, line, fix) and skipped, and the exit code says at the end whether anything was.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

FORMATS = ("json", "csv", "html", "pdf")
LOCALES = ("zh-CN", "en-US")


def _safe_name(name: str, used: set[str]) -> str:
    """A file name from a transcript id, unique within one output folder."""
    base = re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._") or "transcript"
    base = base[:80]
    cand, n = base, 2
    while cand in used:
        cand, n = f"{base}-{n}", n + 1
    used.add(cand)
    return cand


@click.command("grade")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True, help="output format"
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="folder to write to (created if needed); without it JSON/CSV/HTML go to stdout",
)
@click.option(
    "--locale",
    type=click.Choice(LOCALES),
    default=None,
    help="plain-text transcripts: default detected from the text",
)
@click.option("--scenario", default=None, help="transcripts that name none: default first_contact")
def grade(
    files: tuple[str, ...], fmt: str, out: str | None, locale: str | None, scenario: str | None
) -> None:
    """Grade transcript FILEs (JSON, JSONL, plain text, or folders of them) and write scorecards.

    \b
    Plain text: one turn per line, `坐席:`/`客户:` or `Agent:`/`Customer:` (also `第三方:`/`Third party:`);
    lines without a prefix continue the previous turn; `# scenario: broken_promise` sets the scenario.
    Output with --out: json -> ID.json each, csv -> calls.csv + findings.csv, html -> ID.html, pdf -> ID.pdf.
    Without --out, one call prints one JSON object, several print a JSON array (csv prints the per-call CSV).
    Exit code: 0 when every input was graded, 1 when any file could not be read or graded (the rest
    are still graded and written), 2 for usage errors. A failed call is a result, not an error.
    """
    from tqdm import tqdm

    from grading.readers import ReadError, expand_paths, read_file

    if fmt == "pdf" and not out:
        raise click.UsageError("--format pdf needs --out DIR")
    paths, errors, folder = expand_paths(list(files))
    for e in errors:
        click.echo(f"error: {e}", err=True)
    graded: list = []
    bar = tqdm(paths, desc="grading", unit="file", file=sys.stderr, disable=not (folder or len(paths) > 5))
    for path in bar:
        for source, item in read_file(path, locale=locale, scenario=scenario):
            if isinstance(item, ReadError):
                errors.append(item)
                tqdm.write(f"error: {item}", file=sys.stderr)
                continue
            try:
                graded.append((_grade_one(item), item))
            except Exception as e:  # one bad transcript must not stop a batch
                where = f"{source.file}:{source.line}" if source.line else source.file
                err = ReadError(where, None, f"cannot grade transcript {item.id!r}: {e}")
                errors.append(err)
                tqdm.write(f"error: {err}", file=sys.stderr)
    bar.close()
    if graded:
        _write(graded, fmt, out)
    for note in sorted({c.analyzer for c, _ in graded if c.analyzer.startswith("lexical only")}):
        click.echo(f"note: {note}", err=True)
    passed = sum(1 for c, _ in graded if c.passed)
    summary = f"graded {len(graded)} call(s): {passed} passed, {len(graded) - passed} failed"
    if errors:
        summary += f"; {len(errors)} input problem(s) (see above)"
    click.echo(summary, err=True)
    if errors:
        sys.exit(1)


def _grade_one(transcript):
    from grading.scorecard import grade as grade_transcript

    return grade_transcript(transcript)


def _write(graded: list, fmt: str, out: str | None) -> None:
    from grading import export

    cards = [c for c, _ in graded]
    ts = [t for _, t in graded]
    if out is None:
        if fmt == "json":
            click.echo(export.to_json(cards[0] if len(cards) == 1 else cards))
        elif fmt == "csv":
            click.echo(export.to_csv_calls(cards), nl=False)
        else:
            click.echo(export.to_html(cards, ts))
        return
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if fmt == "csv":
        written.append(export.write_csv(folder / "calls.csv", export.to_csv_calls(cards)))
        written.append(export.write_csv(folder / "findings.csv", export.to_csv_findings(cards)))
    else:
        used: set[str] = set()
        for card, t in graded:
            p = folder / f"{_safe_name(card.transcript_id, used)}.{fmt}"
            if fmt == "json":
                p.write_text(export.to_json(card) + "\n", encoding="utf-8")
            elif fmt == "html":
                p.write_text(export.to_html(card, t), encoding="utf-8")
            else:
                try:
                    export.to_pdf(card, t, p)
                except export.FontNotFound as e:
                    raise click.ClickException(str(e)) from None
            written.append(p)
    click.echo(f"wrote {len(written)} file(s) to {folder}", err=True)


@click.command("check")
@click.argument("text")
@click.option("--locale", type=click.Choice(LOCALES), default=None, help="default: detected from the text")
@click.option(
    "--context",
    "party",
    type=click.Choice(["debtor", "third_party"]),
    default="debtor",
    show_default=True,
    help="who the collector is speaking to",
)
@click.option(
    "--unverified", is_flag=True, help="judge the line as said before the debtor's identity was verified"
)
@click.option("--scenario", default="first_contact", show_default=True)
def check(text: str, locale: str | None, party: str, unverified: bool, scenario: str) -> None:
    """Check one collector line (TEXT, or - to read stdin) and print JSON findings: violations and acts.

    \b
    Exit code 0 whenever the findings are printed, violations or not: read `worst_severity`
    (critical, major, minor or null) to decide. 2 for usage errors.
    """
    from grading.analyze import Context, analyze, embedder_status
    from grading.readers import detect_locale

    if text == "-":
        text = sys.stdin.read().strip()
    if not text.strip():
        raise click.UsageError("TEXT is empty")
    locale = locale or detect_locale(text)
    ctx = Context(locale=locale, party=party, verified=not unverified, scenario=scenario)
    a = analyze(text, ctx)
    click.echo(
        json.dumps(
            findings_json(text, a, locale, party, not unverified, embedder_status()),
            ensure_ascii=False,
            indent=2,
        )
    )


def findings_json(text: str, a, locale: str, party: str, verified: bool, analyzer: str = "") -> dict:
    """The `check` output: one line's analysis as plain JSON."""
    return {
        "text": text,
        "locale": locale,
        "context": party,
        "verified": verified,
        "worst_severity": str(a.worst_severity) if a.worst_severity else None,
        "violations": [
            {
                "category": str(f.category),
                "severity": str(f.severity),
                "quote": f.quote,
                "rule_id": getattr(f, "rule_id", None),
                "rule": getattr(f, "rule", ""),
                "suggestion": getattr(f, "suggestion", ""),
                "description": getattr(f, "description", ""),
            }
            for f in a.violations
        ],
        "acts": {
            k: {"score": round(float(h.score), 3), "quote": h.quote, "method": getattr(h, "method", None)}
            for k, h in a.acts.items()
        },
        "mentions_debt": bool(a.mentions_debt),
        "ptp": a.ptp,
        "analyzer": analyzer,
    }
