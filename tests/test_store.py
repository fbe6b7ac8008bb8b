"""SQLite store: migrations, WAL, turns committed as they happen, scorecards, URL handling."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from simulator import store as store_mod
from simulator.store import MIGRATIONS, Store, add_migration, db_path


def test_db_location(tmp_path, monkeypatch):
    monkeypatch.setenv("COLLECTSIM_DB", str(tmp_path / "a.db"))
    assert db_path() == tmp_path / "a.db"
    assert db_path(f"sqlite:///{tmp_path}/b.db") == tmp_path / "b.db"
    assert db_path(tmp_path / "c.db") == tmp_path / "c.db"
    monkeypatch.delenv("COLLECTSIM_DB")
    assert db_path().name == "collectsim.db" and db_path().parent.name == ".collectsim"
    with pytest.raises(ValueError, match="not supported"):
        db_path("postgresql://x/y")


def test_schema_wal_and_migrations_recorded(tmp_path):
    s = Store(tmp_path / "x.db")
    assert s.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r["name"] for r in s.query("SELECT name FROM _migrations ORDER BY name")]
    assert names == sorted(n for n, _ in MIGRATIONS)
    tables = {r["name"] for r in s.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert {"sessions", "turns", "scorecards", "users", "states", "_migrations"} <= tables
    cols = {r["name"] for r in s.query("PRAGMA table_info(users)")}
    assert {"id", "username", "role", "password_hash", "created_at"} <= cols
    assert Store(tmp_path / "x.db").migrate() == []  # a second open applies nothing


def test_appended_migration_is_applied_once(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "MIGRATIONS", list(MIGRATIONS))
    s = Store(tmp_path / "m.db")
    add_migration("900_notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);")
    add_migration("900_notes", "CREATE TABLE should_not_exist (x);")
    assert s.migrate() == ["900_notes"]
    assert s.migrate() == []
    s.execute("INSERT INTO notes (body) VALUES ('hi')")
    assert s.query("SELECT body FROM notes") == [{"body": "hi"}]
    assert not s.query("SELECT name FROM sqlite_master WHERE name = 'should_not_exist'")


def test_failed_migration_rolls_back_and_is_not_recorded(tmp_path, monkeypatch):
    monkeypatch.setattr(
        store_mod, "MIGRATIONS", list(MIGRATIONS) + [("901_bad", "CREATE TABLE ok (x); BROKEN SQL;")]
    )
    with pytest.raises(sqlite3.OperationalError):
        Store(tmp_path / "b.db")
    conn = sqlite3.connect(tmp_path / "b.db")
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'ok'").fetchall()
    assert not conn.execute("SELECT name FROM _migrations WHERE name = '901_bad'").fetchall()


def test_turns_are_visible_to_another_connection_at_once(tmp_path):
    s = Store(tmp_path / "t.db")
    sid = s.create_session("zh-vain-owner", "first_contact", "zh-CN", trainee="ann", seed=3)
    assert s.add_turn(sid, "debtor", "喂？", move="greet", state={"anger": 0.2}) == 0
    assert s.add_turn(sid, "collector", "您好", analysis={"acts": {}}) == 1
    other = sqlite3.connect(tmp_path / "t.db")  # what a restarted process would see
    rows = other.execute(
        "SELECT idx, speaker, text FROM turns WHERE session_id = ? ORDER BY idx", (sid,)
    ).fetchall()
    assert rows == [(0, "debtor", "喂？"), (1, "collector", "您好")]
    assert s.last_state(sid) == {"anger": 0.2}
    t = s.turns(sid)
    assert t[0]["state"] == {"anger": 0.2} and t[1]["analysis"] == {"acts": {}}


def test_sessions_list_filters_and_scorecards(tmp_path):
    s = Store(tmp_path / "l.db")
    a = s.create_session("zh-vain-owner", "first_contact", "zh-CN", trainee="ann")
    b = s.create_session("en-cooperative-nurse", "first_contact", "en-US", trainee="bob")
    s.add_turn(a, "collector", "hi")
    s.save_scorecard(a, {"score": 40, "passed": False, "grader_version": "1"})
    s.save_scorecard(a, {"score": 80, "passed": True, "grader_version": "1"})
    rows = s.list_sessions(trainee="ann")
    assert [r["id"] for r in rows] == [a] and rows[0]["n_turns"] == 1 and rows[0]["score"] == 80
    assert {r["id"] for r in s.list_sessions()} == {a, b}
    assert s.scorecard(a)["score"] == 80
    cards = s.scorecards(trainee="ann")
    assert len(cards) == 1 and cards[0]["session_id"] == a and cards[0]["trainee"] == "ann"
    s.set_status(a, "ended")
    assert s.get_session(a)["status"] == "ended" and s.get_session(a)["ended_at"]
    assert s.find_sessions(a[:6]) == [a]
    s.delete_session(a)
    assert s.get_session(a) is None and s.turns(a) == []


def test_concurrent_writers_do_not_lose_turns(tmp_path):
    s = Store(tmp_path / "c.db")
    sid = s.create_session("zh-vain-owner", "first_contact", "zh-CN")

    def write(n):
        for i in range(20):
            s.add_turn(sid, "collector", f"{n}-{i}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    turns = s.turns(sid)
    assert len(turns) == 80 and [t["idx"] for t in turns] == list(range(80))
