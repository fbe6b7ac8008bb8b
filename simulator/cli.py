"""`collectsim` command line: one entry point, subcommands loaded only when used.

Subcommands live next to the code they drive (grading/cli.py, simulator/chat_cli.py ...);
this module only maps names to them so `collectsim --help` imports nothing heavy.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click

# name -> ("module:attribute", one-line help). Each attribute is a click.Command.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "grade": ("grading.cli:grade", "Grade transcript files and write scorecards (json/csv/html/pdf)."),
    "check": ("grading.cli:check", "Check one collector line for banned language; prints JSON findings."),
    "chat": ("simulator.chat_cli:chat", "Practise a call in the terminal against a persona."),
    "selfplay": (
        "simulator.chat_cli:selfplay",
        "Play a scripted trainee against a persona; print the transcript.",
    ),
    "serve": ("simulator.serve_cli:serve", "Run the web app."),
    "users": ("simulator.serve_cli:users", "Manage web app accounts (trainee, trainer, evaluator)."),
    "sessions": ("simulator.chat_cli:sessions", "List or export stored practice sessions."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = super().get_command(ctx, name)
        if cmd is not None or name not in LAZY_COMMANDS:
            return cmd
        target, _ = LAZY_COMMANDS[name]
        mod, attr = target.split(":")
        try:
            return getattr(importlib.import_module(mod), attr)
        except (ImportError, AttributeError) as e:
            help_text, why = LAZY_COMMANDS[name][1], str(e)

            @click.command(name=name, help=help_text)
            def unavailable() -> None:
                raise click.ClickException(f"'{name}' is not available in this install: {why}")

            return unavailable

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS and name not in self.commands:
                rows.append((name, LAZY_COMMANDS[name][1]))
            else:
                cmd = self.commands[name]
                rows.append((name, cmd.get_short_help_str(80)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx, args):  # type: ignore[override]
        cmd_name = args[0] if args else None
        if cmd_name and self.get_command(ctx, cmd_name) is None and not cmd_name.startswith("-"):
            import difflib

            hint = difflib.get_close_matches(cmd_name, self.list_commands(ctx), n=1)
            ctx.fail(f"No such command '{cmd_name}'." + (f" Did you mean '{hint[0]}'?" if hint else ""))
        return super().resolve_command(ctx, args)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="collectsim", message="collectsim %(version)s")
def main() -> None:
    """CollectSim: practise debt-collection calls against simulated debtors and get graded."""


@main.group()
def personas() -> None:
    """Validate and list persona files."""


@personas.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
def personas_validate(paths: tuple[str, ...]) -> None:
    """Validate persona files (default: all built-in and trainer personas) and the scripts corpora.

    Prints one line per problem, `FILE: FIELD - what is wrong`; exit code 1 on any problem.
    """
    from simulator.loader import DataError, corpus_files, load_corpus_file, validate_personas

    persona_paths = [p for p in paths if not _is_corpus(p)]
    corpus_paths = [Path(p) for p in paths if _is_corpus(p)] if paths else corpus_files()
    problems = []
    good: dict = {}
    if persona_paths or not paths:
        good, problems = validate_personas(persona_paths or None)
    n_corpus = 0
    for cp in corpus_paths:
        try:
            load_corpus_file(cp)
            n_corpus += 1
        except DataError as e:
            problems += e.problems
        except FileNotFoundError:
            from simulator.loader import Problem

            problems.append(Problem(str(cp), "", "no such file"))
    for p in problems:
        click.echo(str(p), err=False)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(good)} persona(s), {n_corpus} scripts corpus file(s) valid.")


def _is_corpus(path: str) -> bool:
    p = Path(path)
    return p.parent.name == "scripts_corpus" or p.stem in ("zh-CN", "en-US")


@personas.command("list")
@click.option("--locale", default=None, help="zh-CN or en-US")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def personas_list(locale: str | None, as_json: bool) -> None:
    """List personas with archetype and difficulty."""
    from simulator.loader import DataError, all_personas

    try:
        ps = [p for p in all_personas().values() if locale in (None, p.locale)]
    except DataError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps([_card(p) for p in ps], ensure_ascii=False, indent=2))
        return
    for p in ps:
        click.echo(
            f"{p.id:32} {p.locale:6} {p.role.kind:12} {p.archetype:16} difficulty {p.difficulty}  {p.name}"
        )


def _card(p) -> dict:
    return {
        "id": p.id,
        "locale": p.locale,
        "role": p.role.kind,
        "name": p.name,
        "archetype": p.archetype,
        "difficulty": p.difficulty,
        "summary": p.summary,
        "scenarios": p.scenarios,
    }


@personas.command("schema")
@click.option(
    "--out", type=click.Path(file_okay=False), default=None, help="folder (default: the data folders)"
)
def personas_schema(out: str | None) -> None:
    """Regenerate the JSON schemas for persona and scripts-corpus files."""
    from simulator.schema import write_schemas

    for path in write_schemas(Path(out) if out else None):
        click.echo(str(path))


if __name__ == "__main__":
    main()
