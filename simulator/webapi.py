"""The web app's service layer: who is calling, what they may do, and the calls into the engine.

app.py only draws widgets and forwards to a `Service`. Every public method takes the caller
(resolved here from a signed token, never from the browser's say-so) and checks the role and,
for stored records, the owner, so a crafted request gets the same refusal as a hidden button.
"""

from __future__ import annotations

import difflib
import json
import logging
import random
import shutil
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from simulator import studio
from simulator.auth import LOCAL_USER, PermissionDenied, User, UserDB, can_see_record, require
from simulator.loader import DataError, load_corpus, validate_personas
from simulator.models import Persona

log = logging.getLogger("collectsim.web")

EXPORT_FORMATS: dict[str, str] = {
    "csv_calls": ".csv",
    "csv_findings": ".csv",
    "json": ".json",
    "pdf": ".pdf",
    "html": ".html",
}
MAX_LIVE_SESSIONS = 256


class UserError(ValueError):
    """Something the user can fix (unknown persona, empty line ...).

    The message is a UI text key (`err.*`, translated on screen) or, for details such as a
    "did you mean", plain text shown as is. PermissionDenied messages follow the same rule.
    """


@dataclass
class Turn:
    """One streamed reply, finished: what the debtor said and what the screen should show."""

    text: str
    ended: bool = False
    notice: str | None = None
    state: dict = field(default_factory=dict)
    acts: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- personas and scenarios


_persona_cache: dict[str, Any] = {"key": None, "value": {}}
_persona_lock = threading.Lock()


def personas() -> dict[str, Persona]:
    """Every valid persona, rescanned whenever a file changes; broken files are skipped, not fatal."""
    from simulator.loader import _dir_key

    key = _dir_key()
    with _persona_lock:
        if _persona_cache["key"] != key:
            good, problems = validate_personas(None)
            for p in problems:
                log.warning("persona skipped: %s", p)
            _persona_cache.update(key=key, value=good)
        return _persona_cache["value"]


def scenarios(locale: str) -> list[tuple[str, str]]:
    """(id, display name) of the scenarios of a locale, from its scripts corpus."""
    try:
        return [(s.id, s.name) for s in load_corpus(locale).scenarios]
    except (DataError, FileNotFoundError, KeyError) as e:
        log.warning("no scripts corpus for %s: %s", locale, e)
        found: list[str] = []
        for p in personas().values():
            if p.locale == locale:
                found += [s for s in p.scenarios if s not in found]
        return [(s, s) for s in found]


def personas_for(locale: str, scenario: str | None) -> list[Persona]:
    """Personas of a locale written for a scenario, easiest first."""
    out = [p for p in personas().values() if p.locale == locale and (not scenario or scenario in p.scenarios)]
    return sorted(out, key=lambda p: (p.difficulty, p.id))


# ---------------------------------------------------------------- the service


class Service:
    """One per running app; safe to share between the queue's worker threads."""

    def __init__(self, mode: str = "single", db_path: str | Path | None = None):
        if mode not in ("single", "login"):
            raise ValueError("mode must be 'single' or 'login'")
        self.mode = mode
        self.users = UserDB(db_path)
        self._mgr = None
        self._mgr_lock = threading.Lock()
        self._backend = None
        self._backend_notice: str | None = None
        self._backend_lock = threading.Lock()
        self._live: OrderedDict[str, Any] = OrderedDict()
        self._live_lock = threading.Lock()
        self._export_dir: Path | None = None
        self._export_lock = threading.Lock()

    @property
    def export_dir(self) -> Path:
        """A private folder for export downloads, made on the first export and removed with the service
        (or when the process exits), so restarts and test runs leave nothing behind in the temp folder."""
        with self._export_lock:
            if self._export_dir is None:
                path = Path(tempfile.mkdtemp(prefix="collectsim-exports-"))
                weakref.finalize(self, shutil.rmtree, path, True)
                self._export_dir = path
            return self._export_dir

    # ------------------------------------------------------------ identity

    def user(self, token: str | None) -> User | None:
        """The caller: the local account in single-user mode, else whoever the signed token names."""
        if self.mode == "single":
            return LOCAL_USER
        return self.users.user_from_token(token)

    def browser_secret(self) -> str:
        """Key for gr.BrowserState's obfuscation; stable across restarts so a reload keeps the language."""
        import hashlib
        import hmac

        return hmac.new(self.users.secret(), b"browser-state", hashlib.sha256).hexdigest()[:24]

    def login(self, username: str, password: str) -> tuple[User, str] | None:
        if self.mode == "single":
            return LOCAL_USER, ""
        user = self.users.authenticate(username, password)
        return (user, self.users.issue_token(user)) if user else None

    # ------------------------------------------------------------ engine plumbing

    @property
    def mgr(self):
        with self._mgr_lock:
            if self._mgr is None:
                from simulator.session import SessionManager

                self._mgr = SessionManager()
            return self._mgr

    def backend_ready(self) -> bool:
        return self._backend is not None

    def backend(self) -> tuple[Any, str | None]:
        """The shared backend, loaded once (slow for a local model); falls back to scripted with a notice."""
        with self._backend_lock:
            if self._backend is None:
                from simulator.backends import get_backend

                try:
                    self._backend, self._backend_notice = get_backend()
                except Exception as e:  # a broken model must not take the app down
                    log.exception("backend failed to load")
                    from simulator.backends.scripted import ScriptedBackend

                    self._backend = ScriptedBackend()
                    self._backend_notice = f"backend failed to load ({e}); using the scripted backend"
            return self._backend, self._backend_notice

    def warm_up(self) -> None:
        """Load the backend and the analyzer's embedding model before the first trainee needs them.

        Run in a background thread at start-up; a trainee who starts earlier sees the loading
        notice (the backend lock makes them wait for this load rather than start a second one).
        """
        try:
            self.backend()
            from grading.analyze import Context, analyze

            analyze("您好", Context(locale="zh-CN"))
            analyze("Hello", Context(locale="en-US"))
        except Exception:  # noqa: BLE001 - the first real call reports the problem properly
            log.exception("warm-up failed")

    def _remember(self, session) -> None:
        with self._live_lock:
            self._live[session.id] = session
            self._live.move_to_end(session.id)
            while len(self._live) > MAX_LIVE_SESSIONS:
                self._live.popitem(last=False)

    def _owned_session(self, user: User, session_id: str):
        """A live session the caller owns (rebuilt from the store after a restart)."""
        require(user, "practice")
        with self._live_lock:
            s = self._live.get(session_id or "")
        if s is None:
            from simulator.session import SessionError

            row = self.mgr.get(session_id) if session_id else None
            if row is None:
                raise UserError("err.no_session")
            if row["trainee"] != user.username:
                raise PermissionDenied("err.not_your_call")
            try:
                s = self.mgr.resume(row["id"], backend=self.backend()[0])
            except SessionError:
                raise UserError("err.no_session") from None
            self._remember(s)
        if s.trainee != user.username:
            raise PermissionDenied("err.not_your_call")
        return s

    # ------------------------------------------------------------ practice

    def start_call(
        self,
        user: User,
        persona_id: str,
        scenario: str,
        prior_session_id: str | None = None,
        seed: int | None = None,
    ) -> dict:
        """Open a call; returns session id, the debtor's first line and any backend notice."""
        require(user, "practice")
        persona = personas().get(persona_id)
        if persona is None:
            hint = difflib.get_close_matches(persona_id or "", list(personas()), n=1)
            raise UserError(
                f"unknown persona {persona_id!r}" + (f"; did you mean '{hint[0]}'?" if hint else "")
            )
        if scenario not in persona.scenarios:
            raise UserError(f"{persona_id} is not written for scenario {scenario!r}")
        if prior_session_id:
            prior = self.record(user, prior_session_id)  # refuses another trainee's session
            if prior["transcript"]["persona"] != persona_id:
                raise UserError("err.other_persona")
        backend, notice = self.backend()
        seed = random.randrange(1_000_000) if seed is None else seed
        s = self.mgr.start(
            persona_id,
            scenario,
            trainee=user.username,
            backend=backend,
            seed=seed,
            prior_session_id=prior_session_id,
        )
        self._remember(s)
        opening = s.last_reply  # the session has already picked up
        text = opening.text if opening is not None else _first_debtor_line(s)
        notices = [n for n in (notice, getattr(opening, "notice", None)) if n]
        prior = (s.row.get("meta") or {}).get("prior_promise")
        return {
            "session_id": s.id,
            "opening": text,
            "notice": " ".join(notices) or None,
            "seed": seed,
            "prior_promise": prior,  # the broken promise this follow-up call is about (case notes)
        }

    def say_stream(
        self, user: User, session_id: str, text: str, done: Callable[[Turn], None]
    ) -> Iterator[str]:
        """Stream the debtor's reply in pieces; `done` gets the finished Turn.

        A model that fails mid-reply is handled by the engine (the persona's own line, with a
        notice). Anything else becomes a message, never a traceback: the live call is dropped
        from memory and the next line rebuilds it from the store, where every turn already is.
        """
        text = (text or "").strip()
        if not text:
            raise UserError("err.empty_line")
        s = self._owned_session(user, session_id)
        pieces: list[str] = []
        try:
            for piece in s.say_stream(text):
                pieces.append(piece)
                yield piece
        except Exception as e:
            log.exception("reply failed")
            with self._live_lock:
                self._live.pop(s.id, None)
            raise UserError("err.reply_failed") from e
        reply = s.last_reply
        analysis = getattr(reply, "analysis", None)
        done(
            Turn(
                text="".join(pieces),
                ended=bool(getattr(reply, "ended", False)),
                notice=getattr(reply, "notice", None),
                state=_state_dict(getattr(reply, "state", None)),
                acts=sorted(getattr(analysis, "acts", {}) or {}),
            )
        )

    def prefill_draft(self, user: User, session_id: str | None, draft: str) -> bool:
        """Let the model encode the line the trainee is typing, so the reply starts sooner once sent.

        Same ownership rule as every practice call (another trainee's session is refused). Only a
        live call on a local model backend does anything; the call itself never changes.
        """
        require(user, "practice")
        if not session_id or not (draft or "").strip():
            return False
        return self._owned_session(user, session_id).prefill_draft(draft)

    def end_call(self, user: User, session_id: str) -> dict:
        """Grade and store the call; returns {'scorecard', 'transcript'} as plain dicts."""
        s = self._owned_session(user, session_id)
        if s.row.get("status") == "ended":
            raise UserError("err.already_ended")
        card = s.end()
        with self._live_lock:
            self._live.pop(session_id, None)
        return {"scorecard": _dump(card), "transcript": _dump(s.transcript())}

    def coach(
        self, user: User, session_id: str | None, draft: str, done_acts: list[str] | None = None
    ) -> dict:
        """Live coach: the next expected step and any violation in the line being typed.

        The draft goes through the same analyzer, with the same context, as the debtor engine
        and the grader, so what the coach flags is exactly what the scorecard would charge.
        Nothing is read from the database: this runs on every keystroke.
        """
        require(user, "practice")
        if not session_id:
            return {"next": None, "violations": []}
        s = self._owned_session(user, session_id)
        nxt = None
        try:
            corpus = load_corpus(s.row["locale"])
            done = set(done_acts or [])
            for step_id in corpus.scenario(s.scenario).steps:
                if step_id not in done:
                    st = corpus.step(step_id)
                    nxt = {"id": st.id, "title": st.title, "why": st.why, "say": st.phrasings[0]}
                    break
        except (DataError, FileNotFoundError, KeyError):
            pass
        violations = []
        if draft and draft.strip():
            from grading.analyze import analyze

            violations = findings(analyze(draft, s.engine.context()))
        return {"next": nxt, "violations": violations}

    # ------------------------------------------------------------ records

    def history(self, user: User) -> list[dict]:
        """The caller's own past calls (evaluators use `calls`)."""
        require(user, "practice")
        return self._rows(trainee=user.username)

    def record(self, user: User | None, session_id: str) -> dict:
        """One stored call with its scorecard; refused unless the caller owns it or is an evaluator."""
        if user is None:
            raise PermissionDenied("err.not_signed_in")
        session_id = (session_id or "").strip()
        rec = self.mgr.get(session_id) if len(session_id) >= 6 else None  # no fishing with short prefixes
        if rec is None:
            raise UserError("err.no_session")
        if not can_see_record(user, rec["trainee"]):
            raise PermissionDenied("err.not_your_record")
        transcript = {
            "id": rec["id"],
            "locale": rec["locale"],
            "scenario": rec["scenario"],
            "persona": rec["persona"],
            "turns": [{"speaker": t["speaker"], "text": t["text"]} for t in rec["turns"]],
            "trainee": rec["trainee"],
            "started_at": rec["created_at"],
        }
        return {"transcript": transcript, "scorecard": rec["scorecard"], "owner": rec["trainee"]}

    def followups(self, user: User, persona_id: str) -> list[tuple[str, str]]:
        """(label, session id) of the caller's earlier calls with this persona, newest first."""
        rows = [r for r in self.history(user) if r["persona"] == persona_id]
        return [
            (f"{r['started'][:16].replace('T', ' ')} · {r['scenario']} · {r['id']}", r["id"]) for r in rows
        ]

    def calls(self, user: User, **filters: Any) -> list[dict]:
        """Graded calls of every trainee, filtered (trainee, persona, scenario, date_from, date_to, passed)."""
        require(user, "scorecards")
        return filter_rows([r for r in self._rows() if r.get("score") is not None], **filters)

    def _rows(self, trainee: str | None = None) -> list[dict]:
        cards = {c.get("session_id"): c for c in self.mgr.scorecards(trainee=trainee, limit=100_000)}
        return [_row(s, cards.get(s["id"])) for s in self.mgr.list(trainee=trainee, limit=100_000)]

    def export(self, user: User, session_ids: list[str], fmt: str) -> Path:
        """Write the selected scorecards as one file and return its path (for a download)."""
        require(user, "scorecards")
        if fmt not in EXPORT_FORMATS:
            raise UserError(f"unknown export format {fmt!r}")
        if not session_ids:
            raise UserError("err.select_calls")
        from grading import export
        from grading.scorecard import Scorecard
        from grading.transcript import Transcript

        cards, transcripts = [], []
        for sid in session_ids:
            rec = self.record(user, sid)
            if rec["scorecard"]:
                cards.append(Scorecard.model_validate(rec["scorecard"]))
                transcripts.append(Transcript.model_validate(rec["transcript"]))
        if not cards:
            raise UserError("err.not_graded")
        self._prune_exports()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.export_dir / f"scorecards-{stamp}-{len(cards)}{EXPORT_FORMATS[fmt]}"
        if fmt == "csv_calls":
            path.write_text(export.to_csv_calls(cards), encoding="utf-8-sig")
        elif fmt == "csv_findings":
            path = path.with_name(path.stem + "-findings.csv")
            path.write_text(export.to_csv_findings(cards), encoding="utf-8-sig")
        elif fmt == "json":
            path.write_text(export.to_json(cards), encoding="utf-8")
        elif fmt == "html":
            path.write_text(export.to_html(cards, transcripts), encoding="utf-8")
        else:
            path.write_bytes(export.to_pdf(cards, transcripts))
        return path

    def _prune_exports(self, max_age_s: float = 3600) -> None:
        """Exports are one-off downloads: drop files older than an hour so the folder stays small."""
        import time

        cutoff = time.time() - max_age_s
        for f in self.export_dir.glob("*"):
            try:
                if f.stat().st_mtime < cutoff:
                    f.unlink()
            except OSError:
                pass

    def grade_uploads(self, user: User, paths: list[str], scenario: str | None = None) -> list[dict]:
        """Grade transcripts of real calls; returns {'name', 'scorecard', 'transcript'} or {'name', 'error'}."""
        require(user, "grade_upload")
        from grading.readers import ReadError, read_file
        from grading.scorecard import grade

        out: list[dict] = []
        for p in paths:
            name = Path(p).name
            for _source, got in read_file(p, scenario=scenario or None):
                if isinstance(got, ReadError):
                    out.append({"name": name, "error": str(got).replace(str(p), name)})
                    continue
                try:
                    card = grade(got)
                except Exception as e:  # noqa: BLE001 - a bad upload is reported, not raised
                    out.append({"name": name, "error": str(e)})
                    continue
                out.append({"name": name, "scorecard": _dump(card), "transcript": _dump(got)})
        return out

    # ------------------------------------------------------------ persona studio

    def studio_list(self, user: User, query: str = "") -> list[studio.Entry]:
        require(user, "studio")
        return studio.list_personas(query)

    def studio_read(self, user: User, persona_id: str) -> str:
        require(user, "studio")
        return studio.read_text(persona_id)

    def studio_validate(self, user: User, text: str) -> tuple[Persona | None, list[str]]:
        require(user, "studio")
        return studio.validate(text)

    def studio_save(self, user: User, text: str) -> tuple[Path | None, list[str]]:
        require(user, "studio")
        path, problems = studio.save(text)
        if path:
            log.info("persona saved by %s: %s", user.username, path)
        return path, problems

    def preview_engine(self, user: User, text: str, scenario: str, seed: int = 0):
        """A throw-away debtor engine for the persona being edited (nothing is stored)."""
        require(user, "studio")
        persona, problems = studio.validate(text)
        if persona is None:
            raise UserError("\n".join(problems))
        if scenario not in persona.scenarios:
            scenario = persona.scenarios[0]
        from simulator.engine import DebtorEngine

        backend, _ = self.backend()
        return DebtorEngine(persona, scenario, backend=backend, seed=seed)


# ---------------------------------------------------------------- helpers (no gradio here)


def findings(analysis) -> list[dict]:
    """The violations of one analysed line, with the rule and the compliant alternative."""
    return [
        {
            "category": str(f.category),
            "severity": str(f.severity),
            "quote": f.quote,
            "rule": getattr(f, "rule", ""),
            "suggestion": getattr(f, "suggestion", ""),
        }
        for f in getattr(analysis, "violations", []) or []
    ]


def filter_rows(
    rows: list[dict],
    trainee: str | None = None,
    persona: str | None = None,
    scenario: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    passed: bool | None = None,
) -> list[dict]:
    """Filters of the scorecards table; dates are inclusive YYYY-MM-DD."""
    lo, hi = _day(date_from), _day(date_to)
    out = []
    for r in rows:
        day = _day(r.get("started"))
        if trainee and r.get("trainee") != trainee:
            continue
        if persona and r.get("persona") != persona:
            continue
        if scenario and r.get("scenario") != scenario:
            continue
        if lo and (day is None or day < lo):
            continue
        if hi and (day is None or day > hi):
            continue
        if passed is not None and r.get("passed") is not passed:
            continue
        out.append(r)
    return out


def _day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise UserError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


def _dump(obj: Any) -> Any:
    if obj is None or isinstance(obj, dict):
        return obj
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    return json.loads(json.dumps(obj, default=str))


def _state_dict(state: Any) -> dict:
    if state is None:
        return {}
    if isinstance(state, dict):
        return state
    from dataclasses import asdict, is_dataclass

    return asdict(state) if is_dataclass(state) else dict(vars(state))


def _first_debtor_line(s) -> str:
    for turn in s.transcript().turns:
        if turn.speaker != "collector":
            return turn.text
    return ""


def _when(stamp: Any) -> str:
    """'2026-11-23T05:46:34+00:00' -> '2026-11-23 05:46' (the store keeps UTC)."""
    text = str(stamp or "")
    return text[:16].replace("T", " ")


def _row(s: dict, card: dict | None) -> dict:
    """One table row for a stored session (the store's row and its latest scorecard, if any)."""
    violations = (card or {}).get("violations") or []
    return {
        "id": s["id"],
        "started": _when(s.get("created_at")),
        "trainee": s.get("trainee") or "",
        "persona": s.get("persona") or "",
        "scenario": s.get("scenario") or "",
        "status": s.get("status") or "",
        "score": card.get("score") if card else None,
        "passed": bool(card.get("passed")) if card else None,
        "violations": len(violations) if card else None,
        "categories": [v.get("category") for v in violations],
    }
