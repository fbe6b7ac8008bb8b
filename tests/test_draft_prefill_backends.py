"""Draft prefill in the local-model backends: the prompt of a line still being typed goes into the KV
cache, and the real turn then encodes only what the draft did not already cover.

llama.cpp runs against the stand-in module of tests/test_backend_llamacpp.py (and a tiny real GGUF
when llama_cpp is installed); transformers runs on the tiny random model.
"""

from __future__ import annotations

import threading

import pytest
import test_backend_llamacpp as llama_tests
from test_backend_llamacpp import COLLECTOR_LINES, MOVES, backend, real
from test_engine import GOOD, TODAY, analyzer

from simulator.backends.base import Realisation
from simulator.engine import DebtorEngine

# the stand-in llama_cpp module, a placeholder .gguf, the persona and a tiny real GGUF
fake, gguf, persona, real_gguf = (
    llama_tests.fake,
    llama_tests.gguf,
    llama_tests.persona,
    llama_tests.real_gguf,
)


def request(who, i: int, history: list[dict], line: str | None = None) -> Realisation:
    """Turn i of the call: the collector's line i-1 (or `line`, a draft of it) after `history`."""
    said = [*history, {"speaker": "collector", "text": line or COLLECTOR_LINES[i - 1]}] if i else history
    return Realisation(persona=who, move=MOVES[i], history=said, state={"mood": "wary"})


def call(b, who, turns: int = 4, draft=None, raw: bool = False):
    """Play a call; with `draft` (final line -> draft line) the draft is prefilled before each turn."""
    history, texts, stats, drafts = [], [], [], []
    for i in range(turns):
        if i and draft is not None:
            b.prefill(request(who, i, history, draft(COLLECTOR_LINES[i - 1])))
            b.wait_prefill()
            drafts.append(dict(b.draft_stats))
        req = request(who, i, history)
        if raw:
            with b._lock:
                text = "".join(b._raw_pieces(req))
        else:
            text = b.realise(req)
            b.wait_prefill()
        texts.append(text)
        stats.append(dict(b.last_stats))
        history = [*req.history, {"speaker": "debtor", "text": text.strip() or "嗯。"}]
    return texts, stats, drafts


def retyped(line: str) -> str:
    """The draft a trainee sent after changing its last few characters."""
    return line[:-3] + "吧？"


# ---------------------------------------------------------------- llama.cpp (stand-in module)


def test_llamacpp_a_line_sent_as_drafted_starts_at_once(fake, gguf, persona):
    plain, plain_stats, _ = call(backend(gguf), persona)
    b = backend(gguf)
    texts, stats, drafts = call(b, persona, draft=lambda line: line)
    assert texts == plain
    for s, p, d in zip(stats[1:], plain_stats[1:], drafts, strict=True):
        assert s["prompt_tokens"] == p["prompt_tokens"] == d["prompt_tokens"]
        assert d["done"] and d["new_tokens"] > 40  # the line and the direction were encoded ahead
        assert s["new_tokens"] == 1  # the last prompt token only: its logits start the reply


def test_llamacpp_an_edited_line_reuses_what_it_shares_with_the_draft(fake, gguf, persona):
    plain, plain_stats, _ = call(backend(gguf), persona)
    b = backend(gguf)
    texts, stats, drafts = call(b, persona, draft=retyped)
    assert texts == plain
    history = [{"speaker": "debtor", "text": texts[0]}]
    for i, (s, p) in enumerate(zip(stats[1:], plain_stats[1:], strict=True), start=1):
        final = b.encode(request(persona, i, history))
        draft = b.encode(request(persona, i, history, retyped(COLLECTOR_LINES[i - 1])))
        shared = next(n for n, (x, y) in enumerate(zip(final, draft, strict=False)) if x != y)
        assert s["reused_tokens"] == shared and 1 < s["new_tokens"] < p["new_tokens"]
        history = [*request(persona, i, history).history, {"speaker": "debtor", "text": texts[i]}]


def test_llamacpp_a_send_stops_the_draft_after_one_step(fake, gguf, persona):
    plain, _, _ = call(backend(gguf), persona, turns=2)
    b = backend(gguf, draft_chunk=8)
    first = b.realise(request(persona, 0, []))
    b.wait_prefill()
    llm_eval = b.llm.eval

    def eval_then_send(tokens):
        llm_eval(tokens)
        if threading.current_thread().name == "llamacpp-draft":
            b._epoch = next(b._epochs)  # what stream() does as a real request arrives

    b.llm.eval = eval_then_send
    history = [{"speaker": "debtor", "text": first}]
    b.prefill(request(persona, 1, history))
    b.wait_prefill()
    assert b.draft_stats["new_tokens"] == 8 and not b.draft_stats["done"]
    assert [first, b.realise(request(persona, 1, history))] == plain


def test_llamacpp_a_newer_draft_supersedes_an_older_one(fake, gguf, persona):
    b = backend(gguf)
    first = b.realise(request(persona, 0, []))
    b.wait_prefill()
    history = [{"speaker": "debtor", "text": first}]
    evals = len(b.llm.evals)
    with b._lock:  # a turn is running: both drafts wait, then only the newer one is encoded
        b.prefill(request(persona, 1, history, "您好"))
        older = b._draft_thread
        b.prefill(request(persona, 1, history))
    older.join()
    b.wait_prefill()
    newest = b.encode(request(persona, 1, history))
    assert b.draft_stats["prompt_tokens"] == len(newest) and b.draft_stats["done"]
    assert sum(len(e) for e in b.llm.evals[evals:]) == b.draft_stats["new_tokens"]
    b.realise(request(persona, 1, history))
    assert b.last_stats["new_tokens"] == 1


def test_llamacpp_engine_drafts_leave_one_token_for_the_turn(fake, gguf, persona):
    def play(typing: bool):
        b = backend(gguf)
        eng = DebtorEngine(persona, backend=b, seed=2, today=TODAY, analyzer=analyzer)
        out, encoded = [eng.opening().text], []
        for line in GOOD[:5]:
            b.wait_prefill()
            if typing:
                eng.prefill_draft(line[:6])
                eng.prefill_draft(line)
                b.wait_prefill()
            out.append(eng.respond(line).text)
            encoded.append(b.last_stats["new_tokens"])
        return out, encoded

    (plain, plain_new), (typed, typed_new) = play(False), play(True)
    assert typed == plain
    assert typed_new == [1] * 5 and min(plain_new) > 20


# ---------------------------------------------------------------- llama.cpp (a real tiny GGUF)


def test_real_llamacpp_draft_prefill_gives_the_same_greedy_text(real_gguf, persona):
    fresh, _, _ = call(real(real_gguf, kv_cache=False), persona, turns=3, raw=True)
    texts, stats, drafts = call(real(real_gguf), persona, turns=3, draft=lambda line: line, raw=True)
    assert texts == fresh and all(d["done"] for d in drafts)
    assert [s["new_tokens"] for s in stats[1:]] == [1, 1]
    edited, stats, _ = call(real(real_gguf), persona, turns=3, draft=retyped, raw=True)
    assert edited == fresh and all(1 < s["new_tokens"] < s["prompt_tokens"] / 3 for s in stats[1:])


# ---------------------------------------------------------------- transformers (tiny random model)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from simulator.backends.transformers import build_tiny_model

    torch.set_num_threads(1)
    return str(build_tiny_model(tmp_path_factory.mktemp("tiny") / "model"))


@pytest.mark.slow
def test_transformers_draft_prefill_gives_the_same_greedy_text(tiny, persona):
    from simulator.backends.transformers import TransformersBackend

    def tb():
        return TransformersBackend(model=tiny, threads=1)

    plain, plain_stats, _ = call(tb(), persona)
    texts, stats, drafts = call(tb(), persona, draft=lambda line: line)
    assert texts == plain and all(d["done"] for d in drafts)
    assert [s["new_tokens"] for s in stats[1:]] == [1, 1, 1]
    edited, stats, _ = call(tb(), persona, draft=retyped)
    assert edited == plain
    assert all(1 < s["new_tokens"] < p["new_tokens"] for s, p in zip(stats[1:], plain_stats[1:], strict=True))
