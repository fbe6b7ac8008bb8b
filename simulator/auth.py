"""Web app accounts: salted scrypt password hashes, roles, signed login tokens, permission checks.

Every web handler resolves the caller from a signed token on the server and calls `require`,
so hiding a tab in the browser is cosmetic: a crafted request is refused all the same.
Accounts live in the same SQLite file as sessions (COLLECTSIM_DB) so one backup holds both.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

ROLES: tuple[str, ...] = ("trainee", "trainer", "evaluator")

# permission -> roles that hold it. The local single-user account holds every permission.
PERMISSIONS: dict[str, frozenset[str]] = {
    "practice": frozenset({"trainee", "trainer"}),  # run practice calls, see one's own history
    "studio": frozenset({"trainer"}),  # list, edit, preview and save personas
    "scorecards": frozenset({"evaluator"}),  # every trainee's graded calls, exports, charts
    "grade_upload": frozenset({"evaluator"}),  # grade uploaded transcripts of real calls
}

LOCAL_USERNAME = "local"
TOKEN_TTL_S = 12 * 3600
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

# The `users` table comes with the store's first migration; the token secret needs a home too.
WEB_MIGRATION = (
    "web_001_app_settings",
    "CREATE TABLE IF NOT EXISTS app_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
)


class AuthError(ValueError):
    """Bad input to an account operation (unknown role, taken name ...); the message is for the user."""


class PermissionDenied(PermissionError):
    """The caller is not allowed to do this; raised by `require` and record-level checks."""


@dataclass(frozen=True)
class User:
    username: str
    role: str  # one of ROLES, or "all" for the local single-user account
    local: bool = False

    def can(self, permission: str) -> bool:
        return self.local or self.role in PERMISSIONS.get(permission, frozenset())

    @property
    def roles(self) -> tuple[str, ...]:
        return ROLES if self.local else (self.role,)


LOCAL_USER = User(LOCAL_USERNAME, "all", local=True)


def require(user: User | None, permission: str) -> User:
    """Return `user` if it holds `permission`, else raise PermissionDenied (also for no user)."""
    if user is None:
        raise PermissionDenied("err.not_signed_in")
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not user.can(permission):
        # args: (UI text key, role, permission) - the key is what the page shows, translated
        raise PermissionDenied("err.role_denied", user.role, permission)
    return user


def can_see_record(user: User | None, owner: str | None) -> bool:
    """A stored session or scorecard: evaluators see all, everyone else only their own."""
    if user is None:
        return False
    return user.local or user.can("scorecards") or (owner is not None and owner == user.username)


# ---------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash` (base64), so parameters can be raised later without breaking old hashes."""
    if not password:
        raise AuthError("password must not be empty")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


# ---------------------------------------------------------------- the account store


class UserDB:
    """Accounts and the token-signing secret, in the app's SQLite store (COLLECTSIM_DB)."""

    def __init__(self, path: str | Path | None = None):
        from simulator.store import Store, add_migration

        add_migration(*WEB_MIGRATION)
        self.store = Store(path)
        self.path = self.store.path
        self._secret: bytes | None = None

    def add(self, username: str, role: str, password: str) -> User:
        if not _NAME_RE.match(username or ""):
            raise AuthError(f"invalid user name {username!r}: letters, digits and _ . @ - only (max 64)")
        if username == LOCAL_USERNAME:
            raise AuthError(f"'{LOCAL_USERNAME}' is reserved for single-user mode")
        if role not in ROLES:
            raise AuthError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
        pw_hash = hash_password(password)
        try:
            self.store.execute(
                "INSERT INTO users (username, role, password_hash) VALUES (?, ?, ?)",
                (username, role, pw_hash),
            )
        except sqlite3.IntegrityError:
            raise AuthError(f"user {username!r} already exists") from None
        return User(username, role)

    def _row(self, username: str) -> tuple[str, str, str] | None:
        rows = self.store.query(
            "SELECT username, role, password_hash FROM users WHERE username = ?", (username,)
        )
        return (rows[0]["username"], rows[0]["role"], rows[0]["password_hash"]) if rows else None

    def get(self, username: str) -> User | None:
        row = self._row(username)
        return User(row[0], row[1]) if row else None

    def list(self) -> list[dict]:
        return self.store.query("SELECT username, role, created_at FROM users ORDER BY username")

    def count(self) -> int:
        return self.store.query("SELECT COUNT(*) AS n FROM users")[0]["n"]

    def set_password(self, username: str, password: str) -> None:
        pw_hash = hash_password(password)
        cur = self.store.execute("UPDATE users SET password_hash = ? WHERE username = ?", (pw_hash, username))
        if cur.rowcount == 0:
            raise AuthError(f"no such user {username!r}")

    def set_role(self, username: str, role: str) -> None:
        if role not in ROLES:
            raise AuthError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
        cur = self.store.execute("UPDATE users SET role = ? WHERE username = ?", (role, username))
        if cur.rowcount == 0:
            raise AuthError(f"no such user {username!r}")

    def remove(self, username: str) -> None:
        cur = self.store.execute("DELETE FROM users WHERE username = ?", (username,))
        if cur.rowcount == 0:
            raise AuthError(f"no such user {username!r}")

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password matches; None otherwise (same answer for unknown names)."""
        row = self._row((username or "").strip())
        if row is None:
            verify_password(password or "", hash_password("timing-equaliser"))
            return None
        return User(row[0], row[1]) if verify_password(password or "", row[2]) else None

    # ---------------------------------------------------------------- signed tokens

    def secret(self) -> bytes:
        """Signing key: COLLECTSIM_SECRET, else one generated once and kept in the database."""
        env = os.environ.get("COLLECTSIM_SECRET")
        if env:
            return env.encode("utf-8")
        if self._secret is None:
            self.store.execute(
                "INSERT OR IGNORE INTO app_settings (key, value) VALUES ('token_secret', ?)",
                (secrets.token_hex(32),),
            )
            row = self.store.query("SELECT value FROM app_settings WHERE key = 'token_secret'")[0]
            self._secret = row["value"].encode()
        return self._secret

    def issue_token(self, user: User, ttl_s: int = TOKEN_TTL_S) -> str:
        """`payload.signature`; the payload pins the password hash so a password change logs others out."""
        row = self._row(user.username)
        if row is None:
            raise AuthError(f"no such user {user.username!r}")
        body = {"u": row[0], "r": row[1], "e": int(time.time()) + ttl_s, "p": _fingerprint(row[2])}
        payload = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()
        return payload + "." + self._sign(payload)

    def user_from_token(self, token: str | None) -> User | None:
        """The signed-in user, or None for a missing, forged, expired or outdated token."""
        if not token or not isinstance(token, str) or "." not in token:
            return None
        payload, sig = token.rsplit(".", 1)
        if not hmac.compare_digest(sig, self._sign(payload)):
            return None
        try:
            body = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except (ValueError, TypeError):
            return None
        if not isinstance(body, dict) or body.get("e", 0) < time.time():
            return None
        row = self._row(str(body.get("u", "")))
        if row is None or row[1] != body.get("r") or _fingerprint(row[2]) != body.get("p"):
            return None
        return User(row[0], row[1])

    def _sign(self, payload: str) -> str:
        return hmac.new(self.secret(), payload.encode(), hashlib.sha256).hexdigest()


def _fingerprint(pw_hash: str) -> str:
    return hashlib.sha256(pw_hash.encode()).hexdigest()[:12]
