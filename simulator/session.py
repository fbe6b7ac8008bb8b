"""Practice sessions: a persona, a scenario, a trainee, a backend and the turns, stored as they happen.

The collector's line is committed before the debtor answers and the debtor's reply (with
the state after it) right after, so a crash loses at most the reply being generated; on
resume that pending line is answered. A follow-up call can name an earlier session, and
the promise made there becomes the debtor's prior (broken) promise.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date

from grading.transcript import Transcript, Turn
from simulator.backends import get_backend
from simulator.backends.base import Backend
from simulator.engine import DebtorEngine, Reply, analysis_to_dict, resolve_today
from simulator.store import Store


class SessionError(KeyError):
    """Unknown session id (a KeyError, so `except KeyError` callers keep working)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown session"


@dataclass
class SessionRecord:
    """A stored session, read-only: row fields as attributes (and `rec["field"]`), turns, scorecard."""

    id: str
    created_at: str
    updated_at: str
    status: str
    persona: str
    scenario: str
    locale: str
    trainee: str
    backend: str
    seed: int
    ended_at: str | None = None
    today: str | None = None
    prior_session_id: str | None = None
    meta: dict = field(default_factory=dict)
    n_turns: int | None = None
    score: float | None = None
    passed: bool | None = None
    scorecard: dict | None = None  # the latest scorecard JSON
    turns: list[dict] | None = None  # loaded by SessionManager.get (and lazily by transcript())
    _store: Store | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_row(cls, row: dict, store: Store | None = None, **extra) -> SessionRecord:
        names = {f.name for f in fields(cls)}
        rec = cls(**{k: v for k, v in {**row, **extra}.items() if k in names}, _store=store)
        if rec.passed is not None:
            rec.passed = bool(rec.passed)
        if rec.scorecard is not None and rec.score is None:
            rec.score, rec.passed = rec.scorecard.get("score"), rec.scorecard.get("passed")
        return rec

    @property
    def persona_id(self) -> str:
        return self.persona

    @property
    def started_at(self) -> str:
        return self.created_at

    def __getitem__(self, key: str):
        return getattr(self, key)

    def get(self, key: str, default=None):
        return getattr(self, key, default)

    def transcript(self) -> Transcript:
        if self.turns is None and self._store is not None:
            self.turns = self._store.turns(self.id)
        return Transcript(
            id=self.id,
            locale=self.locale,
            scenario=self.scenario,
            persona=self.persona,
            turns=[Turn(speaker=t["speaker"], text=t["text"]) for t in self.turns or []],
            trainee=self.trainee,
            backend=self.backend,
            seed=self.seed,
            started_at=self.created_at,
        )

    def to_dict(self) -> dict:
        """JSON-ready: every field but the store handle."""
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


class Session:
    """One stored call. say()/say_stream() talk; end() grades and stores the scorecard."""

    def __init__(self, store: Store, row: dict, engine: DebtorEngine, notice: str | None = None):
        self.store = store
        self.row = row
        self.engine = engine
        self.notice = notice
        self.last_reply: Reply | None = None
        self._draft_lock = threading.Lock()  # a draft never reads a state that a turn is changing
        self._answering = False

    # ------------------------------------------------------------ facts

    @property
    def id(self) -> str:
        return self.row["id"]

    @property
    def persona(self):
        return self.engine.persona

    @property
    def scenario(self) -> str:
        return self.row["scenario"]

    @property
    def trainee(self) -> str:
        return self.row["trainee"]

    @property
    def state(self):
        return self.engine.state

    @property
    def ended(self) -> bool:
        """The debtor ended the call or the session was ended (graded)."""
        return self.engine.ended or self.row.get("status") == "ended"

    @property
    def pending(self) -> str | None:
        """A stored collector line that has no stored reply yet (the process stopped in between)."""
        h = self.engine.history
        return h[-1]["text"] if h and h[-1]["speaker"] == "collector" else None

    def turns(self) -> list[dict]:
        return self.store.turns(self.id)

    def transcript(self) -> Transcript:
        """The DESIGN.md transcript of this call (plus trainee and session metadata)."""
        return SessionRecord.from_row(self.store.get_session(self.id) or self.row, self.store).transcript()

    # ------------------------------------------------------------ talking

    def opening(self) -> Reply:
        """The debtor picks up; stored as the first turn. Called again, it returns that first reply."""
        return self._consume(self.opening_stream())

    def opening_stream(self) -> Iterator[str]:
        if self.engine.history:  # already picked up (also after a resume): repeat, do not store again
            first = self.engine.history[0]
            self.last_reply = Reply(first["text"], "greet", self.engine.state.to_dict(), ended=self.ended)
            yield first["text"]
            return
        yield from self.engine.opening_stream()
        self._store_reply(self.engine.last_reply)

    def say(self, text: str) -> Reply:
        """One collector line and the debtor's reply, each committed as soon as it exists."""
        return self._consume(self.say_stream(text))

    def say_stream(self, text: str) -> Iterator[str]:
        """Like say(), yielding the reply in pieces; afterwards `last_reply` holds the Reply."""
        text = (text or "").strip()
        if not text:
            raise ValueError("empty line")
        if self.ended:
            self.last_reply = self.engine.ended_reply()  # nothing is stored after the end
            return
        self.store.add_turn(self.id, "collector", text)
        yield from self._answer(text)

    def prefill_draft(self, text: str) -> bool:
        """Prepare the model for a line still being typed (see DebtorEngine.prefill_draft).

        Skipped while a reply is being produced or after the end; True when a prefill was handed over.
        """
        if self.ended or not self.engine.prefills:
            return False
        with self._draft_lock:  # quick: the backend encodes in its own thread
            return not self._answering and self.engine.prefill_draft(text) is not None

    def answer_pending(self) -> Reply | None:
        """Answer a collector line stored before a crash; None when nothing is pending."""
        text = self.pending
        if text is None:
            return None
        self.engine.history.pop()  # the engine appends it again while answering
        return self._consume(self._answer(text))

    def _answer(self, text: str) -> Iterator[str]:
        with self._draft_lock:  # a draft being worked out finishes first (milliseconds)
            self._answering = True
        try:
            yield from self.engine.respond_stream(text)
        finally:
            self._answering = False
        reply = self.engine.last_reply
        self._store_reply(reply, collector_analysis=analysis_to_dict(reply.analysis))

    def _consume(self, pieces: Iterator[str]) -> Reply:
        for _ in pieces:
            pass
        return self.last_reply

    def _store_reply(self, reply: Reply, collector_analysis: dict | None = None) -> Reply:
        meta = {"why": reply.why}
        if reply.guard:
            meta["guard"] = reply.guard
        if reply.notice:
            meta["notice"] = reply.notice
        if collector_analysis is not None:
            meta["collector_analysis"] = collector_analysis
        self.store.add_turn(
            self.id, self.engine.speaker, reply.text, move=reply.move, state=reply.state, meta=meta
        )
        self.last_reply = reply
        return reply

    def end(self, grade: bool = True):
        """Mark the session ended, then grade it (grading.scorecard.grade) and store the scorecard.

        Returns the Scorecard; None when grade=False or the grader is not installed. The session
        is marked ended first, so a grader failure never leaves a finished call looking open.
        """
        self.store.set_status(self.id, "ended")
        self.row = self.store.get_session(self.id) or self.row
        if not grade:
            return None
        try:
            from grading.scorecard import grade as grade_fn

            kwargs = {"analyzer": self.engine._analyze} if self.engine._analyze else {}
            card = grade_fn(self.transcript(), **kwargs)
        except ImportError:
            return None
        dumped = card.model_dump(mode="json") if hasattr(card, "model_dump") else dict(card)
        self.store.save_scorecard(self.id, dumped)
        return card

    @property
    def scorecard(self) -> dict | None:
        """The latest stored scorecard JSON (None before end())."""
        return self.store.scorecard(self.id)


class SessionManager:
    """Starts, finds and resumes stored sessions (one Store per manager)."""

    def __init__(
        self, db_url: str | None = None, store: Store | None = None, today: date | str | None = None
    ):
        self.store = store or Store(db_url)
        self.today = today

    def start(
        self,
        persona_id: str,
        scenario_id: str = "first_contact",
        trainee: str = "trainee",
        backend: Backend | str | None = None,
        seed: int = 0,
        prior_session_id: str | None = None,
        today: date | str | None = None,
        opening: bool = True,
        meta: dict | None = None,
        analyzer=None,
    ) -> Session:
        """A new stored session; with opening=True the debtor has already picked up (turn 0)."""
        from simulator.loader import get_persona

        persona = get_persona(persona_id)
        backend, notice = self._backend(backend)
        prior = self._prior(prior_session_id) if prior_session_id else None
        when = resolve_today(today or self.today)
        engine = DebtorEngine(
            persona, scenario_id, backend=backend, seed=seed, prior=prior, today=when, analyzer=analyzer
        )
        engine.notice = notice
        sid = self.store.create_session(
            persona.id,
            scenario_id,
            persona.locale,
            trainee=trainee or "",
            backend=backend.describe(),
            seed=seed,
            today=when.isoformat(),
            prior_session_id=prior_session_id,
            meta={**(meta or {}), **({"prior_promise": prior} if prior else {}), "backend_notice": notice},
        )
        session = Session(self.store, self.store.get_session(sid), engine, notice)
        if opening:
            session.opening()
        return session

    def resume(self, session_id: str, backend: Backend | str | None = None, analyzer=None) -> Session:
        """Rebuild a live session from the stored state and turns (exactly where it stopped)."""
        from simulator.loader import get_persona

        row = self._row(session_id)
        turns = self.store.turns(row["id"])
        backend, notice = self._backend(backend)
        state = self.store.last_state(row["id"])
        prior = (row.get("meta") or {}).get("prior_promise")
        engine = DebtorEngine(
            get_persona(row["persona"]),
            row["scenario"],
            backend=backend,
            seed=row["seed"],
            prior=prior,
            today=row.get("today"),
            analyzer=analyzer,
            state=state,
            history=[{"speaker": t["speaker"], "text": t["text"]} for t in turns],
        )
        engine.notice = notice
        return Session(self.store, row, engine, notice)

    def get(self, session_id: str) -> SessionRecord | None:
        """A stored session with its turns and latest scorecard; None when unknown."""
        try:
            row = self._row(session_id)
        except SessionError:
            return None
        return SessionRecord.from_row(
            row, self.store, turns=self.store.turns(row["id"]), scorecard=self.store.scorecard(row["id"])
        )

    def transcript(self, session_id: str) -> Transcript:
        rec = self.get(session_id)
        if rec is None:
            raise SessionError(f"no such session: {session_id!r}")
        return rec.transcript()

    def list(self, trainee: str | None = None, **filters) -> list[SessionRecord]:
        """Stored sessions, newest first (filters: persona, scenario, status, limit, offset)."""
        return [
            SessionRecord.from_row(r, self.store)
            for r in self.store.list_sessions(trainee=trainee, **filters)
        ]

    def scorecard(self, session_id: str) -> dict | None:
        """The latest scorecard JSON of a session."""
        return self.store.scorecard(self._row(session_id)["id"])

    def scorecards(
        self, trainee: str | None = None, persona: str | None = None, limit: int = 1000
    ) -> list[dict]:
        """Latest scorecard per session, newest first (with session_id, trainee, persona, graded_at)."""
        return self.store.scorecards(trainee=trainee, persona=persona, limit=limit)

    # ------------------------------------------------------------ helpers

    def _row(self, session_id: str) -> dict:
        row = self.store.get_session(session_id)
        if row is None:
            ids = self.store.find_sessions(session_id) if session_id else []
            if len(ids) == 1:
                row = self.store.get_session(ids[0])
            else:
                why = "ambiguous prefix" if ids else "no such session"
                raise SessionError(f"{why}: {session_id!r}")
        return row

    def _backend(self, backend: Backend | str | None) -> tuple[Backend, str | None]:
        if isinstance(backend, Backend):
            return backend, None
        return get_backend(backend)

    def _prior(self, session_id: str) -> dict | None:
        """The promise made in an earlier session (now a prior promise), else that session's own prior."""
        row = self._row(session_id)
        state = self.store.last_state(row["id"]) or {}
        promise = state.get("promise") or state.get("prior_promise")
        if not promise:
            return None
        return {**promise, "session_id": row["id"], "kept": False}
