"""Accounts, password hashing, signed tokens and role checks behind every web handler."""

import base64
import json
import sqlite3

import pytest
from click.testing import CliRunner

from simulator import auth
from simulator.auth import LOCAL_USER, AuthError, PermissionDenied, User, UserDB, can_see_record, require
from simulator.cli import main


@pytest.fixture
def db(tmp_path):
    return UserDB(tmp_path / "users.db")


def test_password_hash_is_salted_and_verifies():
    h1, h2 = auth.hash_password("s3cret"), auth.hash_password("s3cret")
    assert h1 != h2 and h1.startswith("scrypt$")
    assert "s3cret" not in h1
    assert auth.verify_password("s3cret", h1) and auth.verify_password("s3cret", h2)
    assert not auth.verify_password("S3cret", h1)
    assert not auth.verify_password("s3cret", "garbage")


def test_empty_password_refused(db):
    with pytest.raises(AuthError):
        db.add("alice", "trainee", "")


def test_add_list_authenticate_remove(db):
    db.add("alice", "trainee", "pw-a")
    db.add("eva", "evaluator", "pw-e")
    assert [r["username"] for r in db.list()] == ["alice", "eva"]
    assert db.authenticate("alice", "pw-a") == User("alice", "trainee")
    assert db.authenticate("alice", "pw-e") is None
    assert db.authenticate("nobody", "pw-a") is None
    with pytest.raises(AuthError, match="already exists"):
        db.add("alice", "trainer", "x")
    db.remove("alice")
    assert db.authenticate("alice", "pw-a") is None
    with pytest.raises(AuthError):
        db.remove("alice")


def test_passwords_stored_hashed(db):
    db.add("alice", "trainee", "plain-text-pw")
    raw = sqlite3.connect(db.path).execute("SELECT password_hash FROM users").fetchone()[0]
    assert "plain-text-pw" not in raw


@pytest.mark.parametrize("name,role", [("bad name", "trainee"), ("local", "trainee"), ("bob", "admin")])
def test_bad_accounts_refused(db, name, role):
    with pytest.raises(AuthError):
        db.add(name, role, "pw")


def test_token_roundtrip_and_forgery(db):
    db.add("alice", "trainee", "pw")
    token = db.issue_token(User("alice", "trainee"))
    assert db.user_from_token(token) == User("alice", "trainee")
    payload, sig = token.rsplit(".", 1)
    # Claiming another role with the old signature fails.
    body = json.loads(base64.urlsafe_b64decode(payload))
    body["r"] = "evaluator"
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).decode() + "." + sig
    assert db.user_from_token(forged) is None
    assert db.user_from_token(payload + "." + "0" * len(sig)) is None
    assert db.user_from_token("") is None and db.user_from_token(None) is None
    assert db.user_from_token("not-a-token") is None


def test_token_expires(db):
    db.add("alice", "trainee", "pw")
    assert db.user_from_token(db.issue_token(User("alice", "trainee"), ttl_s=-1)) is None


def test_password_or_role_change_invalidates_tokens(db):
    db.add("alice", "trainee", "pw")
    token = db.issue_token(User("alice", "trainee"))
    db.set_password("alice", "new")
    assert db.user_from_token(token) is None
    token = db.issue_token(User("alice", "trainee"))
    db.set_role("alice", "evaluator")
    assert db.user_from_token(token) is None
    token = db.issue_token(User("alice", "evaluator"))
    db.remove("alice")
    assert db.user_from_token(token) is None


def test_secret_is_stable_per_database(db, tmp_path, monkeypatch):
    monkeypatch.delenv("COLLECTSIM_SECRET", raising=False)
    db.add("alice", "trainee", "pw")
    token = db.issue_token(User("alice", "trainee"))
    assert UserDB(db.path).user_from_token(token) == User("alice", "trainee")
    other = UserDB(tmp_path / "other.db")
    other.add("alice", "trainee", "pw")
    assert other.user_from_token(token) is None


def test_permissions_by_role():
    trainee, trainer, evaluator = User("a", "trainee"), User("t", "trainer"), User("e", "evaluator")
    assert require(trainee, "practice") is trainee
    with pytest.raises(PermissionDenied):
        require(trainee, "studio")
    with pytest.raises(PermissionDenied):
        require(trainee, "scorecards")
    require(trainer, "studio")
    with pytest.raises(PermissionDenied):
        require(trainer, "scorecards")
    require(evaluator, "scorecards")
    require(evaluator, "grade_upload")
    with pytest.raises(PermissionDenied):
        require(evaluator, "studio")
    with pytest.raises(PermissionDenied):
        require(None, "practice")
    for perm in auth.PERMISSIONS:
        require(LOCAL_USER, perm)


def test_record_visibility():
    alice, bob, eva = User("alice", "trainee"), User("bob", "trainee"), User("eva", "evaluator")
    assert can_see_record(alice, "alice")
    assert not can_see_record(alice, "bob")
    assert not can_see_record(bob, "alice")
    assert not can_see_record(alice, None)
    assert can_see_record(eva, "alice")
    assert can_see_record(LOCAL_USER, "anyone")
    assert not can_see_record(None, "alice")


def test_users_cli(tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["users", "add", "alice", "--role", "trainee", "--password", "pw1"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["users", "add", "eva", "--role", "evaluator"], input="pw2\npw2\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["users", "list"])
    assert "alice" in r.output and "trainee" in r.output and "evaluator" in r.output
    db = UserDB()
    assert db.authenticate("eva", "pw2") == User("eva", "evaluator")
    r = runner.invoke(main, ["users", "passwd", "alice", "--password", "pw3"])
    assert r.exit_code == 0 and db.authenticate("alice", "pw3")
    r = runner.invoke(main, ["users", "add", "alice", "--role", "trainee", "--password", "x"])
    assert r.exit_code != 0 and "already exists" in r.output
    r = runner.invoke(main, ["users", "add", "zed", "--role", "boss", "--password", "x"])
    assert r.exit_code != 0
    r = runner.invoke(main, ["users", "remove", "alice"])
    assert r.exit_code == 0 and db.get("alice") is None


def test_serve_mode_follows_accounts(tmp_path):
    from simulator.serve_cli import decide_mode

    db = UserDB(tmp_path / "m.db")
    assert decide_mode(None, db) == "single"
    assert decide_mode(False, db) == "login"
    db.add("eva", "evaluator", "pw")
    assert decide_mode(None, db) == "login"
    assert decide_mode(True, db) == "single"


def test_serve_login_without_accounts_is_an_error():
    r = CliRunner().invoke(main, ["serve", "--login"])
    assert r.exit_code != 0 and "users add" in r.output


def test_serve_refuses_share_links():
    r = CliRunner().invoke(main, ["serve", "--share"])
    assert r.exit_code != 0 and "share links are disabled" in r.output
