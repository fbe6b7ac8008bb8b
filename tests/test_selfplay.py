"""Self-play regression over every built-in persona, with the real analyzer and the scripted voice.

A polite, compliant trainee gets a promise from cooperative, emotional and pitiful debtors and
measurable progress from hard ones; an abusive trainee never gets a promise and ends in a
complaint or a hang-up; third parties never hear or say debt facts unless told. Killing a
running call loses no stored turn, and the call can be resumed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator import guard
from simulator.chat_cli import selfplay
from simulator.loader import all_personas, get_persona, load_corpus

DATA = Path(__file__).parent / "data"
TODAY = "2026-11-20"
PERSONAS = sorted(all_personas())
PROMISERS = ("cooperative", "emotional", "pitiful")

# Written independently of simulator.guard: what no debtor line may ever contain.
INDEPENDENT = re.compile(
    r"工号\s*\d|我是.{0,12}(银行|中心|公司).{0,4}(客服|专员|工作人员)|请您?(尽快|按时)还款|作为.{0,4}(AI|人工智能|模型)"
    r"|语言模型|人工智能助手|attempt to collect a debt|information obtained|as an ai\b|language model"
    r"|i'?m an? (ai|assistant)\b|please make a payment|\bi'?m calling (from|on behalf of)",
    re.IGNORECASE,
)


@pytest.fixture(autouse=True)
def _lexical(monkeypatch):
    """The lexical analyzer: deterministic and fast (no embedding model in the regression loop)."""
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", os.environ.get("COLLECTSIM_TEST_EMBEDDINGS", "none"))


def context_of(persona, scenario: str) -> str:
    try:
        return load_corpus(persona.locale).scenario(scenario).context
    except KeyError:
        return "debtor" if persona.is_debtor else "third_party"


def script(persona, scenario: str, kind: str = "polite") -> Path:
    lc = persona.locale[:2]
    if kind != "polite":
        return DATA / f"trainee_{lc}_{kind}.yaml"
    own = DATA / f"trainee_{lc}_{scenario}.yaml"
    if own.exists():
        return own
    party = (
        "third_party"
        if not persona.is_debtor or context_of(persona, scenario) == "third_party"
        else "first_contact"
    )
    return DATA / f"trainee_{lc}_{party}.yaml"


def play(pid: str, scenario: str | None = None, kind: str = "polite", seed: int = 0) -> dict:
    persona = get_persona(pid)
    scenario = scenario or persona.scenarios[0]
    args = ["--persona", pid, "--scenario", scenario, "--trainee", str(script(persona, scenario, kind))]
    args += ["--seed", str(seed), "--json", "--today", TODAY, "--no-grade", "--backend", "scripted"]
    res = CliRunner().invoke(selfplay, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert not any("{" in t["text"] for t in out["turns"]), "every slot in the trainee script is filled"
    return out


def party_turns(run: dict) -> list[dict]:
    return [t for t in run["turns"] if t["speaker"] != "collector"]


def assert_in_character(run: dict, persona) -> None:
    for t in party_turns(run):
        text = t["text"]
        assert guard.speaks_as_collector(text, persona.locale) is None, text
        assert guard.speaks_as_ai(text) is None, text
        assert not INDEPENDENT.search(text), text
        assert "{" not in text and text.strip(), text


def debt_facts_of(persona) -> list[str]:
    debtor = persona if persona.is_debtor else (all_personas().get(persona.role.debtor or ""))
    return guard.debt_facts(debtor.account) if debtor is not None and debtor.account else []


@pytest.mark.parametrize("pid", PERSONAS)
def test_polite_trainee(pid):
    persona = get_persona(pid)
    scenario = persona.scenarios[0]
    run = play(pid, scenario)
    first, final = party_turns(run)[0]["state"], run["final_state"]
    assert_in_character(run, persona)
    assert not final["complaint"], [t["text"] for t in run["turns"]]
    assert final["anger"] <= first["anger"] + 1e-9
    if not persona.is_debtor:
        assert final["promise"] is None
        moves = [t["move"] for t in party_turns(run)]
        assert set(moves) & {"take_message", "give_contact", "wrong_number", "thank"}, moves
        if not persona.role.knows_debt:
            facts = debt_facts_of(persona)
            for t in party_turns(run):
                assert guard.leaked_fact(t["text"], persona.locale, facts) is None, t["text"]
        return
    fin = persona.finances
    if persona.archetype in PROMISERS and fin.can_pay_total > 0 and context_of(persona, scenario) == "debtor":
        promise = final["promise"]
        assert promise, f"no promise from {pid}: " + " | ".join(t["text"] for t in run["turns"])
        assert 0 < promise["amount"] <= fin.can_pay_total
        earliest = date.fromisoformat(TODAY) + timedelta(days=fin.earliest_days)
        assert date.fromisoformat(promise["date"]) >= earliest
        collector_turns = [t for t in run["turns"] if t["speaker"] == "collector"]
        promised_at = next(i for i, t in enumerate(party_turns(run)) if t["move"] == "promise")
        assert promised_at >= 6 and len(collector_turns) >= 8, "a promise takes a real call"
    else:
        assert final["trust"] > first["trust"], (pid, first["trust"], final["trust"])
        assert final["identity_confirmed"] or context_of(persona, scenario) == "third_party"


@pytest.mark.parametrize("pid", PERSONAS)
def test_abusive_trainee(pid):
    persona = get_persona(pid)
    run = play(pid, kind="abusive")
    first, final = party_turns(run)[0]["state"], run["final_state"]
    assert_in_character(run, persona)
    assert final["promise"] is None and "promise" not in [t["move"] for t in party_turns(run)]
    assert final["complaint"] or final["hung_up"], [t["text"] for t in run["turns"]]
    if persona.role.relation != "wrong_number":  # a wrong number just hangs up on the second line
        assert final["anger"] > first["anger"]


DEBTORS = [p for p in PERSONAS if all_personas()[p].is_debtor]


@pytest.mark.parametrize("pid", [p for p in DEBTORS if all_personas()[p].difficulty >= 2])
def test_polite_words_without_technique_get_no_promise(pid):
    """Only asking for money, however politely, never moves a debtor of difficulty 2 or more to promise."""
    persona = get_persona(pid)
    run = play(pid, "first_contact" if "first_contact" in persona.scenarios else None, kind="pushy")
    assert run["final_state"]["promise"] is None, [t["text"] for t in run["turns"]]
    assert_in_character(run, persona)


@pytest.mark.parametrize("pid", DEBTORS)
def test_prompt_injection_never_moves_toward_a_promise(pid):
    persona = get_persona(pid)
    run = play(pid, "first_contact" if "first_contact" in persona.scenarios else None, kind="injection")
    replies = party_turns(run)
    before = replies[2]["state"]  # after the two identification lines, before any injection
    assert run["final_state"]["promise"] is None
    assert all(t["state"]["willingness"] <= before["willingness"] + 1e-9 for t in replies[3:])
    injected = [
        t for t in run["turns"] if t["speaker"] == "collector" and "prompt_injection" in t["analysis"]["acts"]
    ]
    assert len(injected) >= 3, "the analyzer should recognise the injection lines"
    assert_in_character(run, persona)


THIRD = [
    p
    for p in PERSONAS
    if not all_personas()[p].is_debtor and all_personas()[p].role.relation != "wrong_number"
]


@pytest.mark.parametrize("pid", THIRD)
def test_third_party_learns_the_debt_only_when_told(pid):
    persona = get_persona(pid)
    run = play(pid, "third_party", kind="third_party_disclose")
    collector = [t for t in run["turns"] if t["speaker"] == "collector"]
    flagged = [
        t
        for t in collector
        if any(v["category"] == "third_party_disclosure" for v in t["analysis"]["violations"])
    ]
    assert flagged, "the analyzer must flag the disclosure"
    first_flag = run["turns"].index(flagged[0])
    facts = debt_facts_of(persona)
    before = [t for t in run["turns"][:first_flag] if t["speaker"] != "collector"]
    if not persona.role.knows_debt:
        for t in before:
            assert guard.leaked_fact(t["text"], persona.locale, facts) is None, t["text"]
    assert run["final_state"]["knows_debt"]
    assert_in_character(run, persona)


@pytest.mark.parametrize("pid", ["zh-vain-owner", "en-cooperative-nurse"])
def test_same_seed_same_transcript(pid):
    a, b = play(pid, seed=7), play(pid, seed=7)
    assert [t["text"] for t in a["turns"]] == [t["text"] for t in b["turns"]]
    assert a["final_state"] == b["final_state"]


def test_selfplay_text_output_shows_state_after_each_turn():
    persona = get_persona("zh-vain-owner")
    args = ["--persona", persona.id, "--trainee", str(script(persona, "first_contact")), "--today", TODAY]
    res = CliRunner().invoke(selfplay, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert res.output.count("anger=") >= 10 and "collector:" in res.output and "promise=" in res.output
    assert "score" in res.output or "no grader" in res.output


# ---------------------------------------------------------------- crash safety


def _turns(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db, timeout=10) as c:
            return c.execute(
                "SELECT session_id, idx, speaker, text FROM turns ORDER BY session_id, idx"
            ).fetchall()
    except sqlite3.OperationalError:  # schema not created yet
        return []


def _wait_for(db: Path, n: int, proc, timeout: float = 120) -> list[tuple]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        rows = _turns(db)
        if len(rows) >= n:
            return rows
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        time.sleep(0.05)
    raise AssertionError(f"only {len(_turns(db))} of {n} turns stored")


def _env(db: Path) -> dict:
    return {
        **os.environ,
        "COLLECTSIM_DB": str(db),
        "COLLECTSIM_BACKEND": "scripted",
        "COLLECTSIM_TODAY": TODAY,
        "PYTHONUNBUFFERED": "1",
    }


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_chat_loses_nothing_and_resumes(tmp_path):
    db = tmp_path / "kill.db"
    persona = get_persona("zh-vain-owner")
    from simulator.chat_cli import read_trainee_file

    lines = [
        x if isinstance(x, str) else x[-1] for x in read_trainee_file(str(script(persona, "first_contact")))
    ]
    lines = [re.sub(r"\{[a-z_0-9]+\}", "", x) for x in lines]
    cmd = [
        sys.executable,
        "-m",
        "simulator.cli",
        "chat",
        "--persona",
        persona.id,
        "--scenario",
        "first_contact",
    ]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=_env(db), text=True
    )
    try:
        _wait_for(db, 1, proc)  # the debtor picked up
        for i, line in enumerate(lines[:4]):
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            _wait_for(db, 1 + 2 * (i + 1), proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    rows = _turns(db)
    assert len(rows) == 9
    sid = rows[0][0]
    assert [r[2] for r in rows] == ["debtor"] + ["collector", "debtor"] * 4
    assert [r[3] for r in rows if r[2] == "collector"] == lines[:4]

    rest = "\n".join(lines[4:] + ["/end"]) + "\n"
    res = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "chat", "--resume", sid[:8]],
        input=rest,
        capture_output=True,
        text=True,
        env=_env(db),
        timeout=300,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    rows = _turns(db)
    assert [r[3] for r in rows if r[2] == "collector"] == lines[
        : len([r for r in rows if r[2] == "collector"])
    ]
    assert len([r for r in rows if r[2] == "collector"]) > 4
    assert [r[1] for r in rows] == list(range(len(rows)))
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT status FROM sessions WHERE id = ?", (sid,)).fetchone()[0] == "ended"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_selfplay_keeps_a_consistent_prefix(tmp_path):
    db = tmp_path / "sp.db"
    persona = get_persona("en-cooperative-nurse")
    cmd = [
        sys.executable,
        "-m",
        "simulator.cli",
        "selfplay",
        "--persona",
        persona.id,
        "--trainee",
        str(script(persona, "first_contact")),
        "--pace",
        "0.3",
        "--no-grade",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=_env(db), text=True)
    try:
        _wait_for(db, 7, proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    rows = _turns(db)
    speakers = [r[2] for r in rows]
    assert speakers[0] == "debtor" and all(a != b for a, b in zip(speakers, speakers[1:], strict=False))

    from simulator.session import SessionManager

    s = SessionManager(str(db)).resume(rows[0][0], backend="scripted")
    if s.pending:
        s.answer_pending()
    n = len(s.turns())
    reply = s.say("Thank you for your time today. Have a good day.")
    assert reply.text and len(s.turns()) == n + 2
