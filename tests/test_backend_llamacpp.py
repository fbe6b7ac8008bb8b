"""The llama.cpp backend against a stand-in `llama_cpp` module: no compiled extension, no model file.

The stand-in models what the backend relies on: a KV cache that `eval` truncates at `n_tokens` and
extends, a byte-level vocabulary with ChatML special tokens, a chat template in the metadata, and
per-sequence state save/load. Its "model" picks a reply from a hash of everything in its KV cache
when the reply starts, so a prefix that was reused wrongly gives a different reply.
"""

from __future__ import annotations

import ctypes
import os
import sys
import types
import zlib

import pytest
from doubles import FakeAnalysis

from simulator.backends import get_backend, parse_spec
from simulator.backends.base import BackendUnavailable, Realisation
from simulator.backends.prompting import build_messages
from simulator.backends.transformers import cpu_cores
from simulator.loader import load_persona

SPECIAL = {"<|endoftext|>": 256, "<|im_start|>": 257, "<|im_end|>": 258}
CHATML = (
    "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
REPLIES = ["我这两天手头紧，下周再说吧。", "你们怎么老打电话？我在开会。", "行，我知道了，月底前处理。"]
COLLECTOR_LINES = [
    "您好，我是华信银行信用卡中心的小王，请问是陈志远先生吗？",
    "陈先生，您的信用卡已经逾期38天了，请问是什么原因呢？",
    "我理解您生意忙，今天能先还一部分吗？",
    "那您看三天后先还6000元可以吗？",
]
MOVES = ["greet", "confirm_identity", "excuse", "bargain", "promise"]


class FakeLlama:
    """Quacks like llama_cpp.Llama for the calls the backend makes."""

    replies = REPLIES
    metadata_default = {"tokenizer.chat_template": CHATML, "tokenizer.ggml.add_bos_token": "false"}
    instances: list[FakeLlama] = []

    def __init__(self, model_path: str, n_ctx: int = 512, **kwargs):
        self.model_path, self.kwargs, self._n_ctx = model_path, kwargs, n_ctx
        self.metadata = dict(self.metadata_default)
        self.input_ids = [0] * n_ctx
        self.n_tokens = 0
        self.kv: list[int] = []  # what the "model" has really seen, position by position
        self.evals: list[list[int]] = []
        self.generate_calls: list[dict] = []
        self.seeds: list[int] = []
        self.ctx = types.SimpleNamespace(llama=self)
        self.closed = False
        FakeLlama.instances.append(self)

    def n_ctx(self) -> int:
        return self._n_ctx

    def token_bos(self) -> int:
        return 256

    def token_eos(self) -> int:
        return 258

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        out, i = [], 0
        while i < len(text):
            hit = next((s for s in SPECIAL if special and text.startswith(s.encode(), i)), None)
            if hit:
                out.append(SPECIAL[hit])
                i += len(hit)
            else:
                out.append(text[i])
                i += 1
        return out

    def detokenize(self, tokens, prev_tokens=None, special: bool = False) -> bytes:
        names = {v: k for k, v in SPECIAL.items()}
        return b"".join(bytes([t]) if t < 256 else (names[t].encode() if special else b"") for t in tokens)

    def set_seed(self, seed: int) -> None:
        self.seeds.append(seed)

    def eval(self, tokens) -> None:
        tokens = list(tokens)
        assert self.n_tokens + len(tokens) <= self._n_ctx, "context overflow"
        self.kv = self.kv[: self.n_tokens] + tokens  # llama.cpp drops the cells from n_tokens on
        self.input_ids[self.n_tokens : self.n_tokens + len(tokens)] = tokens
        self.n_tokens += len(tokens)
        self.evals.append(tokens)

    def generate(
        self, tokens, temp=0.8, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.0, reset=True, **kw
    ):
        self.generate_calls.append({"temp": temp, "top_p": top_p, "reset": reset, "n": len(tokens)})
        if reset:
            self.n_tokens = 0
        tokens = list(tokens)
        self.eval(tokens)
        prompt = bytes(t % 256 for t in self.kv)
        reply = self.tokenize(self.replies[zlib.crc32(prompt) % len(self.replies)].encode(), special=True)
        start = len(self.kv)
        while True:
            done = len(self.kv) - start
            yield reply[done] if done < len(reply) else 258
            self.eval([reply[done] if done < len(reply) else 258])

    def close(self) -> None:
        self.closed = True


def _seq_get_size(ctx, seq_id):
    return 4 * len(ctx.llama.kv)


def _seq_get_data(ctx, dst, size, seq_id):
    data = b"".join(t.to_bytes(4, "little") for t in ctx.llama.kv)
    ctypes.memmove(dst, data, len(data))
    return len(data)


def _seq_set_data(ctx, src, size, seq_id):
    data = bytes(src)[:size]
    ctx.llama.kv = [int.from_bytes(data[i : i + 4], "little") for i in range(0, size, 4)]
    return size


@pytest.fixture
def fake(monkeypatch):
    mod = types.ModuleType("llama_cpp")
    mod.Llama = FakeLlama
    mod.llama_state_seq_get_size = _seq_get_size
    mod.llama_state_seq_get_data = _seq_get_data
    mod.llama_state_seq_set_data = _seq_set_data
    monkeypatch.setitem(sys.modules, "llama_cpp", mod)
    FakeLlama.instances.clear()
    monkeypatch.setattr(FakeLlama, "replies", REPLIES)
    return mod


@pytest.fixture
def gguf(tmp_path):
    path = tmp_path / "toy.gguf"
    path.write_bytes(b"GGUF")
    return str(path)


@pytest.fixture(scope="module")
def persona():
    return load_persona("personas/zh-vain-owner.yaml")


def backend(path, **kw):
    from simulator.backends.llamacpp import LlamaCppBackend

    kw.setdefault("threads", 1)
    kw.setdefault("n_ctx", 65536)  # byte tokens: prompts are about three times longer than with BPE
    return LlamaCppBackend(path, **kw)


def conversation(b, persona, turns=4):
    """Play a call: the history grows with the backend's own replies, like the engine does."""
    history, replies, stats = [], [], []
    for i in range(turns):
        if i:
            history.append({"speaker": "collector", "text": COLLECTOR_LINES[i - 1]})
        req = Realisation(persona=persona, move=MOVES[i], history=list(history), state={"mood": "wary"})
        text = b.realise(req)
        b.wait_prefill()  # the trainee takes a while to type: the background prefill has finished
        replies.append(text)
        stats.append(dict(b.last_stats))
        history.append({"speaker": "debtor", "text": text or "嗯。"})
    return replies, stats


def test_prompt_is_rendered_with_the_gguf_chat_template(fake, gguf, persona):
    b = backend(gguf)
    ids = b.encode(Realisation(persona=persona, move="greet"))
    text = b.llm.detokenize(ids, special=True).decode()
    assert text.startswith("<|im_start|>system\n你在电话催收培训里扮演陈志远")
    assert text.endswith("<|im_end|>\n<|im_start|>assistant\n")
    assert ids[0] == 257 and ids[-11:] == [257, *b"assistant\n"]  # template markers are one token each
    assert 258 in ids and b"<|im" not in bytes(t for t in ids if t < 256)
    assert {256, 258} <= b._stop_ids
    assert "llamacpp toy.gguf" in b.describe() and "threads=1" in b.describe()


def test_plain_transcript_when_the_file_has_no_template(fake, gguf, persona, monkeypatch):
    monkeypatch.setattr(FakeLlama, "metadata_default", {})
    b = backend(gguf)
    history = [{"speaker": "collector", "text": COLLECTOR_LINES[0]}]
    text = b.llm.detokenize(b.encode(Realisation(persona=persona, move="ask_who", history=history))).decode()
    assert "<|im_start|>" not in text and text.endswith("\n陈志远:")
    assert b.realise(Realisation(persona=persona, move="ask_who", history=history)) in REPLIES


def test_bos_is_added_once_when_the_model_asks_for_it(fake, gguf, persona, monkeypatch):
    meta = {"tokenizer.chat_template": "{{ bos_token }}" + CHATML, "tokenizer.ggml.add_bos_token": "true"}
    monkeypatch.setattr(FakeLlama, "metadata_default", meta)
    ids = backend(gguf).encode(Realisation(persona=persona, move="greet"))
    assert ids[0] == 256 and ids[1] == 257  # written by the template, not doubled
    monkeypatch.setattr(FakeLlama, "metadata_default", {**meta, "tokenizer.chat_template": CHATML})
    ids = backend(gguf).encode(Realisation(persona=persona, move="greet"))
    assert ids[:2] == [256, 257]


def test_later_turns_evaluate_only_the_new_tokens(fake, gguf, persona):
    b = backend(gguf)
    replies, stats = conversation(b, persona)
    assert all(r in REPLIES for r in replies)
    assert stats[0]["reused_tokens"] == 0 and stats[0]["new_tokens"] == stats[0]["prompt_tokens"]
    system_len = len(b.tokenize(b.render([{"role": "system", "content": "x"}], persona, False)))
    for s in stats[1:]:
        assert s["new_tokens"] == s["prompt_tokens"] - s["reused_tokens"]
        assert s["new_tokens"] < s["prompt_tokens"] / 3 and s["reused_tokens"] > system_len
    assert stats[-1]["reused_tokens"] > stats[1]["reused_tokens"]  # history is never re-encoded
    calls = b.llm.generate_calls
    assert [c["n"] for c in calls] == [s["new_tokens"] for s in stats]  # what the model really evaluated
    assert all(c["reset"] is False and c["temp"] == 0.0 for c in calls)
    assert all(s["generated_tokens"] == len(r.encode()) for s, r in zip(stats, replies, strict=True))


def test_prefill_encodes_the_reply_before_the_next_turn_arrives(fake, gguf, persona):
    plain, plain_stats = conversation(backend(gguf, prefill=False), persona)
    b = backend(gguf)
    early, stats = conversation(b, persona)
    assert early == plain and "prefill" in b.describe()
    for s, p in zip(stats[1:], plain_stats[1:], strict=True):
        assert s["prompt_tokens"] == p["prompt_tokens"]
        assert s["new_tokens"] < p["new_tokens"] - len("我这两天手头紧".encode())  # the reply was already in
    # the next turn reuses everything up to the end of the reply said before it
    history = [{"speaker": "debtor", "text": early[0]}, {"speaker": "collector", "text": COLLECTOR_LINES[0]}]
    messages = build_messages(Realisation(persona=persona, move="confirm_identity", history=history))
    assert stats[1]["reused_tokens"] >= len(b.tokenize(b.render(messages[:-1], persona, False)))


def test_a_prefill_never_runs_after_the_next_turn_began(fake, gguf, persona):
    b = backend(gguf)
    req = Realisation(persona=persona, move="greet")
    with b._lock:  # a turn is running: the prefill waits, then sees it is stale
        b._start_prefill(req, "喂？")
        b._turn += 1
    b.wait_prefill()
    assert b.llm.evals == []


def test_kv_cache_off_reencodes_everything_and_says_the_same(fake, gguf, persona):
    cached, _ = conversation(backend(gguf), persona)
    b = backend(gguf, kv_cache="off")
    full, stats = conversation(b, persona)
    assert full == cached
    assert all(s["reused_tokens"] == 0 and s["new_tokens"] == s["prompt_tokens"] for s in stats)
    assert "kv cache off" in b.describe()


def test_chinese_streams_without_broken_characters(fake, gguf, persona, monkeypatch):
    line = "我这两天手头紧，下周再说吧。"
    monkeypatch.setattr(FakeLlama, "replies", [line])
    b = backend(gguf)
    req = Realisation(persona=persona, move="excuse", history=[{"speaker": "collector", "text": "您好"}])
    raw = list(b._raw_pieces(req))  # every byte is its own token: 3 tokens per character
    assert len(raw) == len(line) and all("\ufffd" not in p and len(p) == 1 for p in raw)
    pieces = list(b.stream(req))
    assert "".join(pieces) == line and len(pieces) > 1
    assert b.last_stats["generated_tokens"] == len(line.encode())
    assert 0 < b.last_stats["ttft_s"] <= b.last_stats["total_s"]


def test_generation_stops_at_an_end_token(fake, gguf, persona, monkeypatch):
    monkeypatch.setattr(FakeLlama, "replies", ["我知道了<|endoftext|>催收员：请还款"])
    b = backend(gguf, max_sentences=5)
    assert b.realise(Realisation(persona=persona, move="stall")) == "我知道了"
    assert b.last_stats["generated_tokens"] == len("我知道了".encode())
    monkeypatch.setattr(FakeLlama, "replies", ["嗯" * 100])
    b = backend(gguf, max_new_tokens=9, max_sentences=5)
    assert b.realise(Realisation(persona=persona, move="stall")).startswith("嗯")
    assert b.last_stats["generated_tokens"] == 9


def test_the_shaper_cuts_a_reply_that_goes_on_as_the_collector(fake, gguf, persona, monkeypatch):
    monkeypatch.setattr(FakeLlama, "replies", ["陈志远：我现在没钱。\n催收员：请您尽快还款，否则后果自负。"])
    assert backend(gguf).realise(Realisation(persona=persona, move="excuse")) == "我现在没钱。"


def test_the_guard_replaces_a_reply_spoken_as_the_collector(fake, gguf, persona, monkeypatch):
    from simulator.engine import DebtorEngine

    monkeypatch.setattr(FakeLlama, "replies", ["您好，我是华信银行信用卡中心的客服小王，工号1234。"])
    eng = DebtorEngine(
        persona, backend=backend(gguf), analyzer=lambda text, ctx: FakeAnalysis(), today="2026-11-20"
    )
    shown = "".join(eng.respond_stream(COLLECTOR_LINES[0]))
    r = eng.last_reply
    assert "华信银行" not in shown and shown.strip() == r.text and r.text
    assert r.guard  # the backend's line was rejected, and why is on record
    assert r.text in {x for v in persona.sample_lines.values() for x in v}  # the persona's own line instead


def test_two_calls_alternating_keep_their_caches(fake, gguf, persona):
    spouse = load_persona("personas/zh-spouse-of-vain-owner.yaml")
    b = backend(gguf, cache_slots=2)
    alone = {"a": backend(gguf, kv_cache=False), "b": backend(gguf, kv_cache=False)}
    calls = {"a": (persona, "first_contact", []), "b": (spouse, "third_party", [])}
    for i in range(3):
        for key, (who, scenario, history) in calls.items():
            if i:
                history.append({"speaker": "collector", "text": COLLECTOR_LINES[i - 1]})
            req = Realisation(persona=who, move=MOVES[i], history=list(history), scenario=scenario)
            text = b.realise(req)
            assert text == alone[key].realise(req)  # the same words as a fresh model on this prompt alone
            if i:
                s = b.last_stats
                assert s["new_tokens"] < s["prompt_tokens"] / 3, (key, i, s)
            history.append({"speaker": "debtor", "text": text})
    assert len(b._saved) == 1  # the call that gave way last is parked, the other one is live


def test_one_cache_slot_still_gives_correct_replies(fake, gguf, persona):
    spouse = load_persona("personas/zh-spouse-of-vain-owner.yaml")
    b, fresh = backend(gguf, cache_slots=1), backend(gguf, kv_cache=False)
    for who, scenario in ((persona, "first_contact"), (spouse, "third_party"), (persona, "first_contact")):
        req = Realisation(persona=who, move="greet", scenario=scenario)
        assert b.realise(req) == fresh.realise(req)
    assert b._saved == []


def test_old_turns_are_dropped_when_the_context_is_full(fake, gguf, persona):
    history = []
    for i in range(12):
        history += [
            {"speaker": "collector", "text": COLLECTOR_LINES[i % 4]},
            {"speaker": "debtor", "text": REPLIES[i % 3]},
        ]
    req = Realisation(persona=persona, move="stall", history=history)
    full = len(backend(gguf).encode(req))
    b = backend(gguf, n_ctx=full - 200, max_new_tokens=60)
    assert b.realise(req) in REPLIES
    assert b.last_stats["prompt_tokens"] + 60 <= full - 200


def test_sampling_is_seeded_and_options_may_be_strings(fake, gguf, persona):
    b = backend(gguf, temperature="0.7", top_p="0.8", kv_cache="1", seed=None)
    req = Realisation(persona=persona, move="vent", seed=7)
    b.realise(req)
    b.realise(req)
    assert b.llm.seeds[0] == b.llm.seeds[1] and b.llm.generate_calls[0]["temp"] == 0.7
    assert b.llm.generate_calls[0]["top_p"] == 0.8


def test_threads_never_exceed_the_cores(fake, gguf):
    b = backend(gguf, threads=999)
    assert b.threads == cpu_cores() and b.llm.kwargs["n_threads"] == b.threads


def test_close_releases_the_model(fake, gguf):
    b = backend(gguf)
    llm = b.llm
    b.close()
    assert llm.closed and b.llm is None


def test_registered_under_its_names(fake, gguf):
    for name in ("llamacpp", "llama.cpp", "llama", "gguf", "LlamaCpp"):
        assert parse_spec(f"{name}:{gguf}") == ("llamacpp", gguf)
    be, notice = get_backend(f"llama.cpp:{gguf}", n_ctx=65536)
    assert notice is None and be.name == "llamacpp"


def test_missing_llama_cpp_falls_back_to_scripted_naming_the_extra(monkeypatch, gguf):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import fails as if not installed
    be, notice = get_backend(f"llamacpp:{gguf}")
    assert be.name == "scripted"
    assert "collectsim[llamacpp]" in notice and "compiles" in notice


def test_missing_model_file_names_the_path(fake, tmp_path):
    missing = str(tmp_path / "nowhere" / "model.gguf")
    with pytest.raises(BackendUnavailable) as e:
        backend(missing)
    assert missing in str(e.value) and ".gguf" in str(e.value) and "COLLECTSIM_MODEL" in str(e.value)
    be, notice = get_backend(f"llamacpp:{missing}")
    assert be.name == "scripted" and missing in notice


def test_uncached_hub_file_is_refused_offline(fake, tmp_path, monkeypatch):
    pytest.importorskip("huggingface_hub")
    import huggingface_hub.constants as c

    monkeypatch.setattr(c, "HF_HUB_CACHE", str(tmp_path))
    monkeypatch.delenv("COLLECTSIM_DOWNLOAD", raising=False)
    with pytest.raises(BackendUnavailable) as e:
        backend("acme/tiny-GGUF#tiny-q4_k_m.gguf")
    assert "not in the local Hugging Face cache" in str(e.value) and "COLLECTSIM_DOWNLOAD=1" in str(e.value)


# ---------------------------------------------------------------- the real llama.cpp on a tiny random model


def _byte_symbols() -> list[str]:
    """GPT-2's printable stand-ins for the 256 bytes, the alphabet of a byte-level BPE vocabulary."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    chars, n = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + n)
            n += 1
    return [chars[b] for b in range(256)]


def build_tiny_gguf(path, seed: int = 0, hidden: int = 64, layers: int = 2) -> str:
    """Write a random-weight llama-architecture GGUF with a byte-level BPE vocabulary and ChatML.

    It loads in llama.cpp like any chat model and speaks gibberish; it exercises the same template,
    tokenizer, KV cache and state paths as a real model, in a few hundred kilobytes.
    """
    gguf = pytest.importorskip("gguf")
    np = pytest.importorskip("numpy")

    symbols = _byte_symbols()
    pairs = [("Ġ", "t"), ("h", "e"), ("i", "n"), ("e", "r"), ("a", "n"), ("o", "n"), ("Ġ", "a"), ("r", "e")]
    tokens = symbols + [a + b for a, b in pairs] + list(SPECIAL)
    types_ = [1] * (len(tokens) - len(SPECIAL)) + [3] * len(SPECIAL)  # 3: control tokens
    ids = {t: i for i, t in enumerate(tokens)}
    heads, kv_heads, ff = 4, 2, hidden * 2
    head_dim = hidden // heads
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("tiny-random-chat")
    w.add_context_length(8192)
    w.add_embedding_length(hidden)
    w.add_block_count(layers)
    w.add_feed_forward_length(ff)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(10000.0)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types(types_)
    w.add_token_merges([f"{a} {b}" for a, b in pairs])
    w.add_bos_token_id(ids["<|endoftext|>"])
    w.add_eos_token_id(ids["<|im_end|>"])
    w.add_pad_token_id(ids["<|endoftext|>"])
    w.add_add_bos_token(False)
    w.add_chat_template(CHATML)
    rng = np.random.default_rng(seed)

    def rand(*shape):  # well separated logits: greedy decoding is stable under float rounding
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    w.add_tensor("token_embd.weight", rand(len(tokens), hidden))
    for i in range(layers):
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(hidden, dtype=np.float32))
        w.add_tensor(f"blk.{i}.attn_q.weight", rand(heads * head_dim, hidden))
        w.add_tensor(f"blk.{i}.attn_k.weight", rand(kv_heads * head_dim, hidden))
        w.add_tensor(f"blk.{i}.attn_v.weight", rand(kv_heads * head_dim, hidden))
        w.add_tensor(f"blk.{i}.attn_output.weight", rand(hidden, heads * head_dim))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(hidden, dtype=np.float32))
        w.add_tensor(f"blk.{i}.ffn_gate.weight", rand(ff, hidden))
        w.add_tensor(f"blk.{i}.ffn_up.weight", rand(ff, hidden))
        w.add_tensor(f"blk.{i}.ffn_down.weight", rand(hidden, ff))
    w.add_tensor("output_norm.weight", np.ones(hidden, dtype=np.float32))
    w.add_tensor("output.weight", rand(len(tokens), hidden))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return str(path)


@pytest.fixture(scope="module")
def real_gguf(tmp_path_factory):
    """A GGUF for the real-runtime tests: COLLECTSIM_TEST_GGUF if set, else a tiny random one."""
    pytest.importorskip("llama_cpp")
    given = os.environ.get("COLLECTSIM_TEST_GGUF")
    return given or build_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


def real(path, **kw):
    from simulator.backends.llamacpp import LlamaCppBackend

    kw.setdefault("threads", 1)
    kw.setdefault("n_ctx", 8192)
    kw.setdefault("max_new_tokens", 24)
    return LlamaCppBackend(path, **kw)


def raw_call(b, persona, turns=4):
    """A call whose history is the model's raw text (before shaping), compared token for token."""
    history, texts, stats = [], [], []
    for i in range(turns):
        if i:
            history.append({"speaker": "collector", "text": COLLECTOR_LINES[i - 1]})
        req = Realisation(persona=persona, move=MOVES[i], history=list(history))
        with b._lock:
            text = "".join(b._raw_pieces(req))
        texts.append(text)
        stats.append(dict(b.last_stats))
        history.append({"speaker": "debtor", "text": text.strip() or "嗯。"})
    return texts, stats


def test_real_model_loads_streams_and_uses_its_template(real_gguf, persona):
    b = real(real_gguf)
    assert b.chat_template and "threads=1" in b.describe()
    text = b.llm.detokenize(b.encode(Realisation(persona=persona, move="greet")), special=True).decode()
    assert text.startswith("<|im_start|>system\n") and text.endswith("<|im_start|>assistant\n")
    req = Realisation(persona=persona, move="excuse", history=[{"speaker": "collector", "text": "您好"}])
    with b._lock:
        pieces = list(b._raw_pieces(req))
    assert pieces and all(isinstance(p, str) and p for p in pieces)
    assert b.last_stats["generated_tokens"] > 0
    list(b.stream(req))  # shaped: may be empty for gibberish, but runs end to end
    assert 0 < b.last_stats["ttft_s"] <= b.last_stats["total_s"]
    b.close()


def test_real_kv_reuse_gives_the_same_greedy_text_as_full_reencoding(real_gguf, persona):
    cached, cached_stats = raw_call(real(real_gguf), persona)
    full, full_stats = raw_call(real(real_gguf, kv_cache=False), persona)
    assert cached == full and all(cached)
    assert all(s["reused_tokens"] == 0 for s in full_stats)
    for s in cached_stats[1:]:
        assert (
            s["reused_tokens"] > s["new_tokens"]
            and s["new_tokens"] == s["prompt_tokens"] - s["reused_tokens"]
        )


def test_real_alternating_calls_are_restored_from_saved_states(real_gguf, persona):
    spouse = load_persona("personas/zh-spouse-of-vain-owner.yaml")
    b, fresh = real(real_gguf, cache_slots=2), real(real_gguf, kv_cache=False)
    calls = {"a": (persona, "first_contact", []), "b": (spouse, "third_party", [])}
    for i in range(3):
        for who, scenario, history in calls.values():
            if i:
                history.append({"speaker": "collector", "text": COLLECTOR_LINES[i - 1]})
            req = Realisation(persona=who, move=MOVES[i], history=list(history), scenario=scenario)
            with b._lock:
                text = "".join(b._raw_pieces(req))
            stats = dict(b.last_stats)
            with fresh._lock:
                assert text == "".join(fresh._raw_pieces(req))
            if i:
                assert stats["reused_tokens"] > stats["new_tokens"], stats
            history.append({"speaker": "debtor", "text": text.strip() or "嗯。"})


def test_real_prefill_is_reused_and_changes_nothing(real_gguf, persona):
    b, fresh = real(real_gguf), real(real_gguf, kv_cache=False)
    first = Realisation(persona=persona, move="greet")
    with b._lock:
        "".join(b._raw_pieces(first))
    b._start_prefill(first, "喂，哪位？")
    b.wait_prefill()
    history = [
        {"speaker": "debtor", "text": "喂，哪位？"},
        {"speaker": "collector", "text": COLLECTOR_LINES[0]},
    ]
    req = Realisation(persona=persona, move="ask_who", history=history)
    head = b.tokenize(b.render(build_messages(req)[:-1], persona, False))
    with b._lock:
        text = "".join(b._raw_pieces(req))
    assert b.last_stats["reused_tokens"] >= len(head)
    with fresh._lock:
        assert text == "".join(fresh._raw_pieces(req))
