"""SQLite storage for sessions, turns (with the debtor state after each), scorecards and users.

Every turn is committed as it happens (WAL journal), so a crash or a closed browser loses
nothing and a call can be resumed. The schema grows by named migrations recorded in a
`_migrations` table: other modules append `(name, sql)` to MIGRATIONS (or call
`add_migration`) and the next `Store()` applies what is new.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_sessions_turns_scorecards",
        """
        CREATE TABLE IF NOT EXISTS sessions (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL DEFAULT 'active',  -- active | ended
            persona TEXT NOT NULL,
            scenario TEXT NOT NULL,
            locale TEXT NOT NULL,
            trainee TEXT NOT NULL DEFAULT '',
            backend TEXT NOT NULL DEFAULT 'scripted',
            seed INTEGER NOT NULL DEFAULT 0,
            today TEXT,                              -- the call's clock (promise dates are relative to it)
            prior_session_id TEXT REFERENCES sessions(id),
            meta TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX IF NOT EXISTS sessions_trainee ON sessions(trainee, created_at);
        CREATE TABLE IF NOT EXISTS turns (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            speaker TEXT NOT NULL,                  -- collector | debtor | third_party
            text TEXT NOT NULL,
            move TEXT,
            state TEXT,                             -- debtor state JSON after a debtor turn
            analysis TEXT,                          -- analyzer summary JSON of a collector turn
            meta TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            UNIQUE (session_id, idx)
        );
        CREATE TABLE IF NOT EXISTS scorecards (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            score REAL,
            passed INTEGER,
            grader_version TEXT,
            json TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS scorecards_session ON scorecards(session_id);
        CREATE TABLE IF NOT EXISTS users (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT UNIQUE NOT NULL,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        """,
    ),
    (
        "002_states_view",
        "CREATE VIEW IF NOT EXISTS states AS "
        "SELECT session_id, idx, move, state, created_at FROM turns WHERE state IS NOT NULL;",
    ),
]


SCORE_COLS = (("score", "score"), ("passed", "passed"), ("json", "scorecard_json"))


def add_migration(name: str, sql: str) -> None:
    """Register a named migration (idempotent by name); applied by the next Store() or store.migrate()."""
    if name not in {n for n, _ in MIGRATIONS}:
        MIGRATIONS.append((name, sql))


def db_path(url: str | os.PathLike | None = None) -> Path:
    """File path from 'sqlite:///path', a plain path, env COLLECTSIM_DB, or ~/.collectsim/collectsim.db."""
    raw = str(url) if url else os.environ.get("COLLECTSIM_DB") or ""
    if raw.startswith(("postgres://", "postgresql://", "mysql://")):
        raise ValueError(
            f"{raw.split(':')[0]} databases are not supported yet; use a sqlite:/// URL or a file path"
        )
    if raw.startswith("sqlite:///"):
        raw = raw[len("sqlite:///") :]
    elif raw.startswith("sqlite://"):
        raw = raw[len("sqlite://") :]
    return Path(raw).expanduser() if raw else Path.home() / ".collectsim" / "collectsim.db"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _loads(text: str | None) -> Any:
    return json.loads(text) if text else None


def _dumps(obj: Any) -> str | None:
    return None if obj is None else json.dumps(obj, ensure_ascii=False, default=str)


class Store:
    """One SQLite database; thread-safe (one connection behind a lock); every write commits at once."""

    def __init__(self, url: str | os.PathLike | None = None):
        self.path = db_path(url)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")  # with WAL: a process crash loses no committed turn
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=30000")
        self.migrate()

    # ------------------------------------------------------------ plumbing

    def migrate(self) -> list[str]:
        """Apply migrations not yet recorded in `_migrations`; returns the names applied."""
        applied = []
        with self._lock:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {r[0] for r in self.conn.execute("SELECT name FROM _migrations")}
            for name, sql in list(MIGRATIONS):
                if name in done:
                    continue
                with self.transaction() as c:
                    for stmt in _statements(sql):
                        c.execute(stmt)
                    c.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, now()))
                applied.append(name)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error), holding the lock."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.conn.execute(sql, params)

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    # ------------------------------------------------------------ sessions and turns

    def create_session(
        self,
        persona: str,
        scenario: str,
        locale: str,
        trainee: str = "",
        backend: str = "scripted",
        seed: int = 0,
        today: str | None = None,
        prior_session_id: str | None = None,
        meta: dict | None = None,
        session_id: str | None = None,
    ) -> str:
        sid = session_id or uuid.uuid4().hex[:12]
        t = now()
        self.execute(
            "INSERT INTO sessions (id, created_at, updated_at, persona, scenario, locale, trainee, backend, seed,"
            " today, prior_session_id, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                sid,
                t,
                t,
                persona,
                scenario,
                locale,
                trainee,
                backend,
                seed,
                today,
                prior_session_id,
                _dumps(meta or {}),
            ),
        )
        return sid

    def add_turn(
        self,
        session_id: str,
        speaker: str,
        text: str,
        move: str | None = None,
        state: dict | None = None,
        analysis: dict | None = None,
        meta: dict | None = None,
    ) -> int:
        """Append a turn (committed before returning); returns its index in the session."""
        with self.transaction() as c:
            row = c.execute(
                "SELECT COALESCE(MAX(idx), -1) + 1 FROM turns WHERE session_id = ?", (session_id,)
            )
            idx = row.fetchone()[0]
            t = now()
            c.execute(
                "INSERT INTO turns (session_id, idx, speaker, text, move, state, analysis, meta, created_at)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    session_id,
                    idx,
                    speaker,
                    text,
                    move,
                    _dumps(state),
                    _dumps(analysis),
                    _dumps(meta or {}),
                    t,
                ),
            )
            c.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (t, session_id))
        return idx

    def turns(self, session_id: str) -> list[dict]:
        rows = self.query("SELECT * FROM turns WHERE session_id = ? ORDER BY idx", (session_id,))
        for r in rows:
            r["state"], r["analysis"], r["meta"] = (
                _loads(r["state"]),
                _loads(r["analysis"]),
                _loads(r["meta"]),
            )
        return rows

    def last_state(self, session_id: str) -> dict | None:
        """Debtor state JSON stored with the latest debtor turn."""
        rows = self.query(
            "SELECT state FROM turns WHERE session_id = ? AND state IS NOT NULL ORDER BY idx DESC LIMIT 1",
            (session_id,),
        )
        return _loads(rows[0]["state"]) if rows else None

    def get_session(self, session_id: str) -> dict | None:
        rows = self.query("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            return None
        row = rows[0]
        row["meta"] = _loads(row["meta"]) or {}
        return row

    def find_sessions(self, prefix: str) -> list[str]:
        """Session ids starting with `prefix` (so a CLI user can type the first few characters)."""
        return [
            r["id"]
            for r in self.query("SELECT id FROM sessions WHERE id LIKE ? ORDER BY id", (prefix + "%",))
        ]

    def list_sessions(
        self,
        trainee: str | None = None,
        persona: str | None = None,
        scenario: str | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict]:
        """Newest first, with turn count and the latest score (if graded)."""
        where, params = [], []
        for col, val in (
            ("trainee", trainee),
            ("persona", persona),
            ("scenario", scenario),
            ("status", status),
        ):
            if val is not None:
                where.append(f"s.{col} = ?")
                params.append(val)
        latest = "(SELECT {} FROM scorecards c WHERE c.session_id = s.id ORDER BY c.id DESC LIMIT 1)"
        sql = (
            "SELECT s.*, (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) AS n_turns, "
            + ", ".join(f"{latest.format(col)} AS {alias}" for col, alias in SCORE_COLS)
            + " FROM sessions s"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY s.created_at DESC, s.rowid DESC LIMIT ? OFFSET ?"
        )
        rows = self.query(sql, (*params, int(limit), int(offset)))
        for r in rows:
            r["meta"] = _loads(r["meta"]) or {}
            r["scorecard"] = _loads(r.pop("scorecard_json"))
        return rows

    def set_status(self, session_id: str, status: str) -> None:
        t = now()
        ended = t if status == "ended" else None
        self.execute(
            "UPDATE sessions SET status = ?, updated_at = ?, ended_at = COALESCE(?, ended_at) WHERE id = ?",
            (status, t, ended, session_id),
        )

    def update_meta(self, session_id: str, **values: Any) -> None:
        with self.transaction() as c:
            row = c.execute("SELECT meta FROM sessions WHERE id = ?", (session_id,)).fetchone()
            meta = {**(_loads(row[0]) or {}), **values} if row else values
            c.execute(
                "UPDATE sessions SET meta = ?, updated_at = ? WHERE id = ?", (_dumps(meta), now(), session_id)
            )

    def delete_session(self, session_id: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM turns WHERE session_id = ?", (session_id,))
            c.execute("DELETE FROM scorecards WHERE session_id = ?", (session_id,))
            c.execute("UPDATE sessions SET prior_session_id = NULL WHERE prior_session_id = ?", (session_id,))
            c.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # ------------------------------------------------------------ scorecards

    def save_scorecard(self, session_id: str | None, card: dict) -> int:
        cur = self.execute(
            "INSERT INTO scorecards (session_id, created_at, score, passed, grader_version, json) VALUES (?,?,?,?,?,?)",
            (
                session_id,
                now(),
                card.get("score"),
                None if card.get("passed") is None else int(bool(card.get("passed"))),
                str(card.get("grader_version") or ""),
                _dumps(card),
            ),
        )
        return int(cur.lastrowid)

    def scorecard(self, session_id: str) -> dict | None:
        """The latest scorecard of a session."""
        rows = self.query(
            "SELECT json FROM scorecards WHERE session_id = ? ORDER BY id DESC LIMIT 1", (session_id,)
        )
        return _loads(rows[0]["json"]) if rows else None

    def scorecards(
        self, trainee: str | None = None, persona: str | None = None, limit: int = 1000
    ) -> list[dict]:
        """Latest scorecard per session, newest first, each with session_id, trainee, persona, created_at."""
        where, params = ["c.id = (SELECT MAX(id) FROM scorecards WHERE session_id = c.session_id)"], []
        if trainee is not None:
            where.append("s.trainee = ?")
            params.append(trainee)
        if persona is not None:
            where.append("s.persona = ?")
            params.append(persona)
        rows = self.query(
            "SELECT c.json, c.session_id, c.created_at, s.trainee, s.persona FROM scorecards c"
            " LEFT JOIN sessions s ON s.id = c.session_id WHERE "
            + " AND ".join(where)
            + " ORDER BY c.id DESC LIMIT ?",
            (*params, int(limit)),
        )
        out = []
        for r in rows:
            card = _loads(r["json"]) or {}
            card.setdefault("session_id", r["session_id"])
            card.setdefault("trainee", r["trainee"])
            card.setdefault("persona", r["persona"])
            card.setdefault("graded_at", r["created_at"])
            out.append(card)
        return out


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (sqlite3.execute runs one at a time inside a transaction)."""
    text = "\n".join(
        line.split("--", 1)[0] for line in sql.splitlines()
    )  # migrations keep '--' out of strings
    out, buf = [], ""
    for piece in text.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \n\t;"):
        out.append(buf.strip())
    return out
