"""`collectsim chat`, `collectsim selfplay` and `collectsim sessions`: practice calls in the terminal.

Every turn is stored as it happens (COLLECTSIM_DB), so Ctrl-C, a closed terminal or a crash
keeps the call; `chat --resume ID` continues it. Self-play runs a scripted trainee (a YAML
or JSON list of collector lines) against a persona: the regression harness for personas.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import click

STATE_KEYS = ("mood", "anger", "trust", "willingness", "patience", "stage")
_SLOT = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def _manager(db: str | None):
    from simulator.session import SessionManager

    return SessionManager(db)


def _fail(e: Exception) -> None:
    raise click.ClickException(str(e).strip("'\"")) from None


# ---------------------------------------------------------------- formatting


def state_line(state: dict, move: str | None = None) -> str:
    """'[move] mood=calm anger=0.20 ... promise=6000 2026-11-23 手机银行转账' for transcripts."""
    parts = [f"[{move}]"] if move else []
    for k in STATE_KEYS:
        v = state.get(k)
        parts.append(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}")
    p = state.get("promise")
    if p:
        parts.append(f"promise={p.get('amount'):g} {p.get('date')} {p.get('channel')}")
    for flag in ("hung_up", "complaint"):
        if state.get(flag):
            parts.append(flag)
    return " ".join(parts)


def account_card(persona, scenario: str) -> str:
    """What the collector sees on screen before dialling."""
    lines = [f"{persona.name} ({persona.archetype}, difficulty {persona.difficulty}) - {persona.summary}"]
    if persona.role.kind == "debtor" and persona.account:
        a = persona.account
        lines.append(
            f"account: {a.creditor} / {a.product} / due {a.amount_due:g} {a.currency} / "
            f"{a.days_past_due} days past due ({a.bucket})"
            + (f" / card ...{a.card_last4}" if a.card_last4 else "")
            + (f" / ID ...{a.id_last4}" if a.id_last4 else "")
        )
    else:
        lines.append(f"third party ({persona.role.relation}); do not disclose the debt")
    lines.append(f"scenario: {scenario}")
    return "\n".join(lines)


def scorecard_summary(card) -> str:
    """A few lines of the scorecard for the terminal."""
    if card is None:
        return "(no grader available: the session is stored ungraded)"
    d = card.model_dump(mode="json") if hasattr(card, "model_dump") else dict(card)
    out = [f"score {d.get('score', 0):.0f}/100 - {'PASSED' if d.get('passed') else 'NOT PASSED'}"]
    for v in d.get("violations", []):
        out.append(f'  ! turn {v.get("turn")}: {v.get("category")} ({v.get("severity")}) "{v.get("quote")}"')
        if v.get("suggestion"):
            out.append(f"    say instead: {v['suggestion']}")
    missed = [s.get("id") for s in d.get("steps", []) if not s.get("done") and s.get("required", True)]
    if missed:
        out.append("  missed steps: " + ", ".join(str(m) for m in missed))
    o = d.get("outcome") or {}
    if o.get("ptp"):
        out.append(f"  promise to pay: {o.get('amount')} on {o.get('date')} via {o.get('channel')}")
    else:
        out.append("  no promise to pay")
    dims = d.get("dimensions") or {}
    if dims:
        out.append("  " + "  ".join(f"{k} {v:.0f}" for k, v in dims.items() if isinstance(v, int | float)))
    return "\n".join(out)


def trainee_slots(session) -> dict[str, str]:
    """What a scripted trainee may say: account facts from the persona's file (the collector's screen),
    and what the debtor promised or offered (promise_*) or broke before (prior_*), to repeat it back."""
    from simulator.policy import account_slots, money, say_date

    persona, engine = session.persona, session.engine
    dp = engine.debtor_persona
    values = {"debtor_name": dp.name if dp else "", "name": persona.name}
    if dp is not None and dp.account:
        values.update(account_slots(dp))
    for key, terms in (
        ("promise", engine.state.promise or engine.state.offer),
        ("prior", engine.state.prior_promise),
    ):
        if terms:
            values[f"{key}_amount"] = money(terms.get("amount"), persona)
            values[f"{key}_date"] = say_date(terms.get("date"), persona, engine.today)
            values[f"{key}_channel"] = str(terms.get("channel") or "")
    return {k: v for k, v in values.items() if v}


def fill_trainee_line(item: str | list[str], session) -> str:
    """Fill {slot}s in a scripted collector line; for a list of alternatives, the first whose slots are known."""
    values = trainee_slots(session)
    options = [item] if isinstance(item, str) else list(item)
    for opt in options:
        if all(name in values for name in _SLOT.findall(opt)):
            return _SLOT.sub(lambda m: values[m.group(1)], opt)
    return _SLOT.sub(lambda m: values.get(m.group(1), ""), options[-1])


def read_trainee_file(path: str) -> list[str | list[str]]:
    """A YAML/JSON list of collector lines (or a mapping with a `lines` list); an item may be a list
    of alternatives."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise click.ClickException(f"{path}: {e}") from None
    if isinstance(data, dict):
        data = data.get("lines")

    def ok(x) -> bool:
        return isinstance(x, str) or (isinstance(x, list) and x and all(isinstance(y, str) for y in x))

    if not isinstance(data, list) or not all(ok(x) for x in data):
        raise click.ClickException(
            f"{path}: expected a list of collector lines (strings, or lists of alternatives)"
        )
    return [x.strip() if isinstance(x, str) else [y.strip() for y in x] for x in data if x]


# ---------------------------------------------------------------- chat


@click.command()
@click.option("--persona", "persona_id", help="persona id (see `collectsim personas list`)")
@click.option("--scenario", default=None, help="scenario id (default: the persona's first)")
@click.option(
    "--backend",
    default=None,
    help="scripted | transformers[:MODEL] | llamacpp:FILE.gguf | openai:URL#MODEL (env COLLECTSIM_BACKEND)",
)
@click.option("--model", default=None, help="model id, path or URL (env COLLECTSIM_MODEL)")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--trainee", default=None, help="your name for the records (default: $USER)")
@click.option(
    "--prior", "prior_id", default=None, help="earlier session whose promise was broken (follow-up call)"
)
@click.option("--resume", "resume_id", default=None, help="continue a stored session")
@click.option("--db", default=None, help="database path or sqlite:/// URL (env COLLECTSIM_DB)")
@click.option("--today", default=None, help="the call's date, YYYY-MM-DD (env COLLECTSIM_TODAY)")
def chat(persona_id, scenario, backend, model, seed, trainee, prior_id, resume_id, db, today) -> None:
    """Practise a call in the terminal. /end grades the call, /state shows the debtor state, Ctrl-C keeps it."""
    from simulator.backends import get_backend
    from simulator.session import SessionError

    mgr = _manager(db)
    try:
        be, notice = get_backend(backend, model)
    except ValueError as e:
        _fail(e)
    try:
        if resume_id:
            session = mgr.resume(resume_id, backend=be)
        else:
            if not persona_id:
                raise click.UsageError("--persona is required (or --resume SESSION_ID)")
            from simulator.loader import get_persona

            persona = get_persona(persona_id)
            session = mgr.start(
                persona.id,
                scenario or persona.scenarios[0],
                trainee=trainee or os.environ.get("USER") or "trainee",
                backend=be,
                seed=seed,
                prior_session_id=prior_id,
                today=today,
                opening=False,
            )
    except (KeyError, SessionError, ValueError) as e:
        _fail(e)
    echo = click.echo
    echo(account_card(session.persona, session.scenario))
    echo(f"session {session.id} (backend: {be.describe()}) - /end to finish, /state, /help")
    if notice:
        echo(f"[notice] {notice}")
    label = session.engine.speaker
    try:
        if resume_id:
            for t in session.turns():
                echo(f"{t['speaker']}: {t['text']}")
            pending = session.answer_pending()
            if pending:
                echo(f"{label}: {pending.text}")
        else:
            echo(f"{label}: ", nl=False)
            _stream(session.opening_stream())
        while not session.ended:
            try:
                line = input("collector> ")
            except EOFError:
                raise KeyboardInterrupt from None
            line = line.strip()
            if not line:
                continue
            if line in ("/end", "/quit", "/q"):
                break
            if line == "/state":
                echo(state_line(session.state.to_dict()))
                continue
            if line == "/help":
                echo("/end grade and finish; /state debtor state; Ctrl-C leave (resume later)")
                continue
            echo(f"{label}: ", nl=False)
            _stream(session.say_stream(line))
            reply = session.last_reply
            if reply and reply.notice:
                echo(f"[notice] {reply.notice}")
        if session.engine.ended:
            echo("(the call has ended)")
        card = session.end()
        echo(scorecard_summary(card))
    except KeyboardInterrupt:
        echo("")
        echo(f"Session {session.id} is stored. Resume with: collectsim chat --resume {session.id}")


def _stream(pieces) -> None:
    for piece in pieces:
        click.echo(piece, nl=False)
        sys.stdout.flush()
    click.echo("")


# ---------------------------------------------------------------- selfplay


@click.command()
@click.option("--persona", "persona_id", required=True, help="persona id")
@click.option("--scenario", default=None, help="scenario id (default: the persona's first)")
@click.option(
    "--trainee",
    "trainee_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="YAML/JSON list of collector lines",
)
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--backend", default=None, help="default scripted (env COLLECTSIM_BACKEND)")
@click.option("--model", default=None)
@click.option("--prior", "prior_id", default=None, help="earlier session whose promise was broken")
@click.option("--today", default=None, help="the call's date, YYYY-MM-DD (env COLLECTSIM_TODAY)")
@click.option("--db", default=None, help="database path or sqlite:/// URL (env COLLECTSIM_DB)")
@click.option("--name", "trainee_name", default="selfplay", show_default=True, help="trainee name stored")
@click.option("--pace", default=0.0, type=float, help="seconds to wait between turns (to watch it unfold)")
@click.option("--no-grade", is_flag=True, help="do not grade at the end")
def selfplay(
    persona_id,
    scenario,
    trainee_file,
    seed,
    as_json,
    backend,
    model,
    prior_id,
    today,
    db,
    trainee_name,
    pace,
    no_grade,
) -> None:
    """Play a scripted trainee against a persona; print the transcript with the debtor state after each turn."""
    from simulator.backends import get_backend
    from simulator.loader import get_persona
    from simulator.session import SessionError

    lines = read_trainee_file(trainee_file)
    try:
        persona = get_persona(persona_id)
        be, notice = get_backend(backend, model)
        session = _manager(db).start(
            persona.id,
            scenario or persona.scenarios[0],
            trainee=trainee_name,
            backend=be,
            seed=seed,
            prior_session_id=prior_id,
            today=today,
        )
    except (KeyError, SessionError, ValueError) as e:
        _fail(e)
    out = not as_json
    if out:
        click.echo(
            f"session {session.id}  persona {persona.id}  scenario {session.scenario}  seed {seed}  "
            f"backend {be.describe()}"
        )
        if notice:
            click.echo(f"[notice] {notice}")
    turns = []

    def emit(speaker, text, reply=None):
        item = {"speaker": speaker, "text": text}
        if reply is not None:
            item.update(move=reply.move, state=reply.state, why=reply.why)
            if reply.guard:
                item["guard"] = reply.guard
        turns.append(item)
        if out:
            click.echo(f"{speaker + ':':12} {text}")
            if reply is not None:
                click.echo(" " * 13 + state_line(reply.state, reply.move))
            sys.stdout.flush()

    first = session.last_reply
    emit(session.engine.speaker, first.text, first)
    for raw in lines:
        if session.ended:
            break
        line = fill_trainee_line(raw, session)
        reply = session.say(line)
        emit("collector", line)
        turns[-1]["analysis"] = _analysis(reply)
        emit(session.engine.speaker, reply.text, reply)
        if pace:
            time.sleep(pace)
    card = None if no_grade else session.end()
    if no_grade:
        session.store.set_status(session.id, "ended")
    final = session.state.to_dict()
    if as_json:
        card_d = card.model_dump(mode="json") if hasattr(card, "model_dump") else card
        click.echo(
            json.dumps(
                {
                    "session_id": session.id,
                    "persona": persona.id,
                    "scenario": session.scenario,
                    "locale": persona.locale,
                    "seed": seed,
                    "backend": be.describe(),
                    "notice": notice,
                    "turns": turns,
                    "final_state": final,
                    "transcript": session.transcript().model_dump(mode="json"),
                    "scorecard": card_d,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo("final: " + state_line(final))
    if not no_grade:
        click.echo(scorecard_summary(card))


def _analysis(reply) -> dict | None:
    from simulator.engine import analysis_to_dict

    return analysis_to_dict(reply.analysis)


# ---------------------------------------------------------------- sessions


@click.group()
def sessions() -> None:
    """List, show or export stored practice sessions."""


@sessions.command("list")
@click.option("--trainee", default=None)
@click.option("--persona", default=None)
@click.option("--limit", default=50, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
@click.option("--db", default=None)
def sessions_list(trainee, persona, limit, as_json, db) -> None:
    """Stored sessions, newest first."""
    rows = _manager(db).list(trainee=trainee, persona=persona, limit=limit)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        score = "-" if r.get("score") is None else f"{r['score']:.0f}"
        click.echo(
            f"{r['id']}  {r['created_at']}  {r['status']:7} {r['trainee'] or '-':12} {r['persona']:30} "
            f"{r['scenario']:15} turns {r['n_turns']:3}  score {score}"
        )
    if not rows:
        click.echo("no sessions stored")


@sessions.command("show")
@click.argument("session_id")
@click.option("--json", "as_json", is_flag=True)
@click.option("--db", default=None)
def sessions_show(session_id, as_json, db) -> None:
    """One session: turns with the debtor state after each, and the scorecard."""
    rec = _manager(db).get(session_id)
    if rec is None:
        raise click.ClickException(f"no such session: {session_id!r}")
    if as_json:
        click.echo(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"session {rec['id']}  {rec['persona']}  {rec['scenario']}  trainee {rec['trainee']}  "
        f"status {rec['status']}  backend {rec['backend']}  seed {rec['seed']}"
    )
    for t in rec["turns"]:
        click.echo(f"{t['idx']:3} {t['speaker'] + ':':12} {t['text']}")
        if t.get("state"):
            click.echo(" " * 17 + state_line(t["state"], t.get("move")))
    if rec.get("scorecard"):
        click.echo(scorecard_summary(rec["scorecard"]))


@sessions.command("export")
@click.argument("session_ids", nargs=-1)
@click.option("--trainee", default=None, help="all sessions of a trainee (default: all sessions)")
@click.option("--scorecards", is_flag=True, help="export the scorecards (JSON list) instead of transcripts")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="file (default: stdout)")
@click.option("--db", default=None)
def sessions_export(session_ids, trainee, scorecards, out, db) -> None:
    """Transcripts as JSONL (one DESIGN.md transcript per line, readable by `collectsim grade`)."""
    from simulator.session import SessionError

    mgr = _manager(db)
    ids = list(session_ids) or [r["id"] for r in mgr.list(trainee=trainee, limit=100000)]
    try:
        if scorecards:
            cards = [c for c in (mgr.scorecard(i) for i in ids) if c]
            text = json.dumps(cards, ensure_ascii=False, indent=2) + "\n"
        else:
            text = "".join(
                json.dumps(mgr.transcript(i).model_dump(mode="json"), ensure_ascii=False) + "\n" for i in ids
            )
    except SessionError as e:
        _fail(e)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(ids)} session(s) to {out}", err=True)
    else:
        click.echo(text, nl=False)
