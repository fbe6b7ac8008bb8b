"""The debtor engine: one simulated person on one call.

Each collector line goes through the shared analyzer (the same one the grader uses, so
what the debtor reacts to and what the scorecard says never disagree), the persona
policy updates the state and picks a move, a backend words it, and the guard keeps the
words in character. Everything needed to continue a call lives in `state` and `history`,
so a stored call can be resumed exactly.
"""

from __future__ import annotations

import copy
import logging
import os
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from simulator import guard
from simulator.backends.base import Backend, Realisation
from simulator.backends.scripted import ScriptedBackend, pieces, sample_line
from simulator.policy import Decision, account_slots, decide, money, say_date
from simulator.state import DebtorState, initial_state

log = logging.getLogger(__name__)


@dataclass
class Reply:
    """One debtor turn: what was said, the move behind it, and the state after it."""

    text: str
    move: str
    state: dict
    analysis: object = None  # grading.analyze.Analysis of the collector line (None for the opening)
    ended: bool = False
    notice: str | None = None  # backend fell back, a line was replaced, the call is over ...
    why: str = ""  # why the policy chose the move (for trainers)
    guard: list[str] = field(default_factory=list)  # reasons the guard rejected backend output


def resolve_today(today: date | str | None = None) -> date:
    """The call's clock: explicit, env COLLECTSIM_TODAY (YYYY-MM-DD, for reproducible runs), or today."""
    if isinstance(today, date):
        return today
    value = today or os.environ.get("COLLECTSIM_TODAY")
    return date.fromisoformat(value) if value else date.today()


def prior_from_persona(persona) -> dict | None:
    """The latest unkept promise written into the persona file, as a prior-promise dict."""
    broken = [p for p in persona.prior_promises if not p.kept]
    if not broken:
        return None
    p = max(broken, key=lambda x: x.date)
    return {"amount": p.amount, "date": p.date.isoformat(), "channel": p.channel, "note": p.note}


def analysis_to_dict(a) -> dict | None:
    """A JSON-safe summary of an Analysis, for storage and `selfplay --json`."""
    if a is None:
        return None
    return {
        "acts": {
            k: round(float(getattr(v, "score", 1.0)), 3) for k, v in (getattr(a, "acts", {}) or {}).items()
        },
        "violations": [
            {
                "category": str(getattr(f, "category", "")),
                "severity": str(getattr(f, "severity", "")),
                "quote": getattr(f, "quote", ""),
                "rule_id": getattr(f, "rule_id", ""),
            }
            for f in getattr(a, "violations", []) or []
        ],
        "mentions_debt": bool(getattr(a, "mentions_debt", False)),
        "ptp": getattr(a, "ptp", None),
    }


_COLLECTOR_NAME = [
    re.compile(r"(?:客服|专员|工作人员|催收员|调解员|经理)([\u4e00-\u9fff]{1,3}?)(?:[，,。；;\s]|工号|$)"),
    re.compile(r"我姓([\u4e00-\u9fff])"),
    re.compile(r"\b(?:my name is|this is|I'm|I am) ([A-Z][a-z]+)\b"),
]


class DebtorEngine:
    """A persona on a call: `opening()`, then `respond(line)` / `respond_stream(line)` per collector line."""

    def __init__(
        self,
        persona,
        scenario_id: str = "first_contact",
        backend: Backend | None = None,
        seed: int = 0,
        locale: str | None = None,
        prior: dict | None = None,
        today: date | str | None = None,
        analyzer: Callable | None = None,
        state: DebtorState | dict | None = None,
        history: list[dict] | None = None,
    ):
        if isinstance(persona, str):
            from simulator.loader import get_persona

            persona = get_persona(persona)
        self.persona = persona
        self.scenario = scenario_id
        self.seed = int(seed)
        self.locale = locale or persona.locale
        self.today = resolve_today(today)
        self.notice: str | None = None
        if backend is None:
            from simulator.backends import get_backend

            backend, self.notice = get_backend()
        self.backend = backend
        self._analyze = analyzer
        self.debtor_persona = self._debtor_persona()
        if prior is None and scenario_id == "broken_promise" and persona.role.kind == "debtor":
            prior = prior_from_persona(persona)
        if isinstance(state, dict):
            state = DebtorState.from_dict(state)
        self.state: DebtorState = state or initial_state(persona, scenario_id, prior)
        self.history: list[dict] = [dict(t) for t in history or []]
        self.collector_name = self._find_collector_name()
        self.last_reply: Reply | None = None
        self._notice_shown = False
        self._prompt: str | None = None  # the model's system prompt for this turn, to catch echoes

    # ------------------------------------------------------------ public

    @property
    def speaker(self) -> str:
        return "debtor" if self.persona.role.kind == "debtor" else "third_party"

    @property
    def ended(self) -> bool:
        return self.state.hung_up or self.state.stage == "ended"

    def context(self):
        """The analyzer Context for the next collector line (verified once the debtor confirmed)."""
        try:
            from grading.analyze import Context
        except ImportError:  # an injected analyzer still gets the same fields
            from types import SimpleNamespace as Context

        acct = self.persona.account if self.persona.role.kind == "debtor" else None
        dp = self.debtor_persona
        return Context(
            locale=self.locale,
            party=self.speaker,
            verified=self.state.identity_confirmed,
            scenario=self.scenario,
            turn=self.state.turn,
            debtor_name=dp.name if dp else None,
            amount_due=acct.amount_due if acct else None,
            today=self.today,
        )

    @property
    def prefills(self) -> bool:
        """The backend can encode a prompt ahead of time (a local model; not scripted or a remote API)."""
        own = getattr(type(self.backend), "prefill", None)
        return own is not None and own is not Backend.prefill

    def opening(self) -> Reply:
        """The debtor picks up the phone."""
        for _ in self.opening_stream():
            pass
        return self.last_reply

    def opening_stream(self) -> Iterator[str]:
        dec = Decision("greet", why="picks up")
        self.state.moves.append("greet")
        yield from self._voice(dec, None)

    def respond(self, text: str) -> Reply:
        """Answer one collector line; the backend's whole reply is checked before it is used."""
        if self.ended:
            return self.ended_reply()
        dec, analysis = self._decide(text)
        req = self._request(dec)
        said, reasons, notice = self._realise_checked(req)
        return self._finish(dec, analysis, said, reasons, notice)

    def respond_stream(self, text: str) -> Iterator[str]:
        """Answer one collector line piece by piece; afterwards `last_reply` holds the Reply."""
        if self.ended:
            self.ended_reply()
            return
        dec, analysis = self._decide(text)
        yield from self._voice(dec, analysis)

    def draft_request(self, text: str) -> Realisation | None:
        """The Realisation `respond(text)` would hand the backend now, worked out on copies.

        Same analysis, same move (the turn's rng is seeded from seed, turn and persona, so a copy of
        the state draws exactly what the real turn will), same facts, history and direction. Nothing
        the real turn reads is touched. None once the call is over.
        """
        text = (text or "").strip()
        if not text or self.ended:
            return None
        shadow = copy.copy(self)
        shadow.state = copy.deepcopy(self.state)
        shadow.history = [dict(t) for t in self.history]
        dec, _ = shadow._decide(text)
        return shadow._request(dec)

    def prefill_draft(self, text: str) -> Realisation | None:
        """Let a model backend encode the prompt for a line the trainee is still typing.

        When the line is sent unchanged, the real turn finds its prompt already in the KV cache and
        only starts generating; an edited line still reuses the part the two share. No effect on the
        call at all; the scripted backend has nothing to prepare; a failure is logged, never raised.
        """
        if not self.prefills:
            return None
        try:
            req = self.draft_request(text)
            if req is not None:
                self.backend.prefill(req)
            return req
        except Exception:  # a draft is only a hint: the trainee must never see it fail
            log.exception("draft prefill failed")
            return None

    # ------------------------------------------------------------ steps

    def _decide(self, text: str) -> tuple[Decision, object]:
        analyzer = self._analyze
        if analyzer is None:
            from grading.analyze import analyze as analyzer
        analysis = analyzer(text, self.context())
        self.history.append({"speaker": "collector", "text": text})
        self.collector_name = self.collector_name or self._find_collector_name()
        rng = random.Random(f"{self.seed}:{self.state.turn}:{self.persona.id}")
        dec = decide(self.persona, self.scenario, self.state, analysis, rng, self.today)
        return dec, analysis

    def _request(self, dec: Decision) -> Realisation:
        req = Realisation(
            persona=self.persona,
            move=dec.move,
            slots=self._slots(dec),
            history=[dict(t) for t in self.history],
            state=self.state.summary(),
            seed=self.seed * 7919 + self.state.turn,
            scenario=self.scenario,
        )
        self._prompt = None if isinstance(self.backend, ScriptedBackend) else _prompt_of(self.backend, req)
        return req

    def _voice(self, dec: Decision, analysis) -> Iterator[str]:
        """Stream a move: scripted lines stream directly; model output streams sentence by sentence,
        each checked before it is shown, so nothing out of character is ever displayed."""
        req = self._request(dec)
        if isinstance(self.backend, ScriptedBackend):
            said = sample_line(req)
            yield from pieces(said, self.locale == "zh-CN")
            self._finish(dec, analysis, said, [], None)
            return
        emitted, reasons, notice = "", [], None
        try:
            stream = self.backend.stream(req)
            buf = ""
            for piece in stream:
                buf += piece
                done, buf = _split_done(buf, self.locale)
                if not done:
                    continue
                verdict = self._check(emitted + done)
                if not verdict.ok:  # a bad or one-too-many sentence: stop here, keep what was shown
                    reasons += verdict.reasons
                    break
                emitted += done
                yield done
            else:
                if buf.strip():
                    verdict = self._check(emitted + buf)
                    if verdict.ok:
                        emitted += buf
                        yield buf
                    else:
                        reasons += verdict.reasons
            close = getattr(stream, "close", None)
            if close:
                close()
        except Exception as e:  # a server that went away mid-call must not end the practice
            notice = f"{self.backend.describe()} failed ({e}); this reply uses the persona's sample line."
        if not emitted.strip():
            said, more, fb_notice = self._realise_checked(req, first_done=bool(reasons) or notice is not None)
            reasons += more
            notice = notice or fb_notice
            yield from pieces(said, self.locale == "zh-CN")
            emitted = said
        self._finish(dec, analysis, emitted.strip(), reasons, notice)

    def _realise_checked(
        self, req: Realisation, first_done: bool = False
    ) -> tuple[str, list[str], str | None]:
        """Backend output that passes the guard: one try, one retry, then the persona's sample line."""
        if isinstance(self.backend, ScriptedBackend):
            return sample_line(req), [], None
        reasons: list[str] = []
        for attempt in range(1 if first_done else 0, 2):
            try:
                text = self.backend.realise(req if attempt == 0 else self._retry(req, reasons)).strip()
            except Exception as e:
                return (
                    sample_line(req),
                    reasons,
                    f"{self.backend.describe()} failed ({e}); used the sample line.",
                )
            v = self._check(text)
            if v.ok:
                return text, reasons, None
            reasons += v.reasons
        return sample_line(req), reasons, None

    def _retry(self, req: Realisation, reasons: list[str]) -> Realisation:
        return replace(req, seed=req.seed + 1000, state={**req.state, "guard_feedback": list(reasons)})

    def _check(self, text: str) -> guard.Verdict:
        facts = guard.debt_facts(self.debtor_persona.account if self.debtor_persona else None)
        return guard.check(
            text,
            self.persona,
            knows_debt=self.state.knows_debt,
            facts=facts,
            system_prompt=self._prompt,
            heard=next((t["text"] for t in reversed(self.history) if t["speaker"] == "collector"), None),
        )

    def _finish(self, dec: Decision, analysis, text: str, reasons: list[str], notice: str | None) -> Reply:
        self.history.append({"speaker": self.speaker, "text": text})
        if not self._notice_shown and self.notice:
            notice = self.notice + (f" {notice}" if notice else "")
            self._notice_shown = True
        reply = Reply(
            text=text,
            move=dec.move,
            state=self.state.to_dict(),
            analysis=analysis,
            ended=self.ended,
            notice=notice,
            why=dec.why,
            guard=reasons,
        )
        self.last_reply = reply
        return reply

    def ended_reply(self) -> Reply:
        """What `respond` returns once the call is over: no text, ended=True, a notice."""
        zh = self.locale == "zh-CN"
        reply = Reply(
            text="",
            move="hang_up" if self.state.hung_up else "thank",
            state=self.state.to_dict(),
            ended=True,
            notice="（对方已挂断）" if zh else "(the call has ended)",
        )
        self.last_reply = reply
        return reply

    # ------------------------------------------------------------ facts

    def _debtor_persona(self):
        if self.persona.role.kind == "debtor":
            return self.persona
        if not self.persona.role.debtor:
            return None
        try:
            from simulator.loader import get_persona

            return get_persona(self.persona.role.debtor)
        except Exception:  # a missing or broken debtor file: the third party simply knows less
            return None

    def _find_collector_name(self) -> str | None:
        for turn in self.history:
            if turn["speaker"] != "collector":
                continue
            for rx in _COLLECTOR_NAME:
                m = rx.search(turn["text"])
                if m:
                    return m.group(1)
        return None

    def _slots(self, dec: Decision) -> dict[str, str]:
        """Facts a line may state. A third party only gets debt facts once the collector disclosed them."""
        p, st, zh = self.persona, self.state, self.locale == "zh-CN"
        slots = {"name": p.name, "collector": self.collector_name or ("你" if zh else "you")}
        dp = self.debtor_persona
        slots["debtor_name"] = dp.name if dp else ""
        if dp is not None and (p.role.kind == "debtor" or st.knows_debt):
            slots.update(account_slots(dp))
        fin = p.finances if p.role.kind == "debtor" else None
        if fin is not None:
            slots["can_pay_now"] = money(fin.can_pay_now or fin.can_pay_total, p)
        terms = None
        if st.promise and dec.move in ("promise", "confirm_promise", "thank"):
            terms = st.promise
        elif st.offer and dec.move in ("bargain", "stall", "question", "plead"):
            terms = st.offer
        elif st.prior_promise:
            terms = st.prior_promise
        elif fin is not None:
            earliest = (self.today + timedelta(days=fin.earliest_days)).isoformat()
            terms = {
                "amount": fin.can_pay_now or fin.can_pay_total,
                "date": earliest,
                "channel": fin.preferred_channel,
            }
        if terms:
            slots.update(
                amount=money(terms.get("amount"), p),
                date=say_date(terms.get("date"), p, self.today),
                channel=str(terms.get("channel") or ""),
            )
        if st.prior_promise:
            pp = st.prior_promise
            slots.update(
                prior_amount=money(pp.get("amount"), p),
                prior_date=say_date(pp.get("date"), p, self.today),
                prior_channel=str(pp.get("channel") or ""),
            )
        return {k: v for k, v in slots.items() if v is not None}


def _prompt_of(backend: Backend, req: Realisation) -> str | None:
    """The system prompt a model backend sees for `req` (the guard rejects replies that echo it)."""
    own = getattr(backend, "system_prompt", None)
    if isinstance(own, str):
        return own
    try:
        from simulator.backends.prompting import system_prompt

        return system_prompt(req.persona, req.scenario, req.slots)
    except Exception:  # a backend with its own prompting: no echo check beyond the generic markers
        return None


def _split_done(buf: str, locale: str) -> tuple[str, str]:
    """(complete sentences, unfinished rest) of a streaming buffer."""
    last = None
    for m in guard._SENT_END.get(locale, guard._SENT_END["en-US"]).finditer(buf):
        last = m
    if last is None or (last.end() == len(buf) and locale == "en-US"):
        # in English a '.' at the very end may still grow ("$6." -> "$6.50"): wait for more
        if last is None:
            return "", buf
        prev = None
        for m in guard._SENT_END["en-US"].finditer(buf[: last.start()]):
            prev = m
        return (buf[: prev.end()], buf[prev.end() :]) if prev else ("", buf)
    return buf[: last.end()], buf[last.end() :]
