"""The local-model backend on a tiny random-weight Qwen2 model built here: no download, one CPU thread."""

import json
import os

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from simulator.backends.base import BackendUnavailable, Realisation  # noqa: E402
from simulator.backends.transformers import TransformersBackend, build_tiny_model, cpu_cores  # noqa: E402
from simulator.loader import load_persona  # noqa: E402

pytestmark = pytest.mark.slow
COLLECTOR_LINES = [
    "您好，我是华信银行信用卡中心的小王，请问是陈志远先生吗？",
    "陈先生，您的信用卡已经逾期38天了，请问是什么原因呢？",
    "我理解您生意忙，今天能先还一部分吗？",
    "那您看三天后先还6000元可以吗？",
]
MOVES = ["greet", "confirm_identity", "excuse", "bargain", "promise"]


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(1)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return str(build_tiny_model(tmp_path_factory.mktemp("tiny") / "model"))


@pytest.fixture(scope="module")
def persona():
    return load_persona("personas/zh-vain-owner.yaml")


def backend(path, **kw):
    kw.setdefault("threads", 1)
    return TransformersBackend(model=path, **kw)


def conversation(b, persona, turns=5):
    """Play a call: the history grows with the backend's own replies, like the engine does."""
    history, replies, stats = [], [], []
    for i in range(turns):
        if i:
            history.append({"speaker": "collector", "text": COLLECTOR_LINES[i - 1]})
        req = Realisation(persona=persona, move=MOVES[i], history=list(history), state={"mood": "wary"})
        text = b.realise(req)
        replies.append(text)
        stats.append(dict(b.last_stats))
        history.append({"speaker": "debtor", "text": text or "嗯。"})
    return replies, stats


def test_loads_from_a_folder_and_uses_its_chat_template(tiny, persona):
    b = backend(tiny)
    assert "transformers" in b.describe() and "float32" in b.describe() and "threads=1" in b.describe()
    req = Realisation(persona=persona, move="greet")
    text = b.tokenizer.decode(b.encode(req))
    assert text.startswith("<|im_start|>system\n你在电话催收培训里扮演陈志远")
    assert text.endswith("<|im_end|>\n<|im_start|>assistant\n")
    assert b.tokenizer.convert_tokens_to_ids("<|im_end|>") in b._stop_ids


def test_stream_yields_pieces_that_join_to_the_reply(tiny, persona):
    b = backend(tiny, max_sentences=5)
    req = Realisation(
        persona=persona, move="excuse", history=[{"speaker": "collector", "text": COLLECTOR_LINES[1]}]
    )
    pieces = list(b.stream(req))
    assert len(pieces) > 1 and all(isinstance(p, str) and p for p in pieces)
    assert "".join(pieces).strip() == backend(tiny, max_sentences=5).realise(req)
    stats = b.last_stats
    assert stats["generated_tokens"] > 0 and 0 < stats["ttft_s"] <= stats["total_s"]


def test_kv_reuse_gives_the_same_text_as_full_reencoding(tiny, persona):
    cached, cached_stats = conversation(backend(tiny), persona)
    full, full_stats = conversation(backend(tiny, kv_cache=False), persona)
    assert cached == full
    assert all(s["reused_tokens"] == 0 for s in full_stats)
    assert cached_stats[0]["reused_tokens"] == 0


def test_after_the_first_turn_only_the_new_tail_is_encoded(tiny, persona):
    _, stats = conversation(backend(tiny), persona)
    system_len = len(backend(tiny).encode(Realisation(persona=persona, move="greet"))) // 2
    for s in stats[1:]:
        assert s["reused_tokens"] >= system_len
        assert s["new_tokens"] == s["prompt_tokens"] - s["reused_tokens"]
        assert s["new_tokens"] < s["prompt_tokens"] / 2
    # the reused part grows with the call: history is never re-encoded
    assert stats[-1]["reused_tokens"] > stats[1]["reused_tokens"]


def test_two_calls_keep_their_own_caches(tiny, persona):
    b = backend(tiny, cache_slots=2)
    spouse = load_persona("personas/zh-spouse-of-vain-owner.yaml")
    a1 = Realisation(persona=persona, move="greet")
    b.realise(a1)
    b.realise(Realisation(persona=spouse, move="greet", scenario="third_party"))
    history = [{"speaker": "debtor", "text": "喂？"}, {"speaker": "collector", "text": COLLECTOR_LINES[0]}]
    b.realise(Realisation(persona=persona, move="confirm_identity", history=history))
    assert b.last_stats["reused_tokens"] > len(b.encode(a1)) // 2


def test_sampling_is_reproducible_with_a_seed(tiny, persona):
    req = Realisation(persona=persona, move="vent", seed=7)
    one = backend(tiny, temperature=0.9).realise(req)
    assert one == backend(tiny, temperature=0.9).realise(req)


def test_int8_option_loads_and_generates(tiny, persona):
    b = backend(tiny, int8=True)
    assert "int8" in b.describe()
    assert isinstance(b.realise(Realisation(persona=persona, move="greet")), str)
    assert b.last_stats["generated_tokens"] > 0


def test_options_given_as_strings(tiny):
    b = backend(tiny, int8="false", kv_cache="0", threads="1")
    assert b.int8 is False and b.kv_cache is False and b.threads == 1 and b.repetition_penalty == 1.0


def test_threads_never_exceed_the_cores(tiny):
    b = backend(tiny, threads=10_000)
    assert b.threads == cpu_cores() == torch.get_num_threads()


def test_bad_model_path_says_what_failed(tmp_path):
    with pytest.raises(BackendUnavailable, match="does not exist.*folder with config.json"):
        TransformersBackend(model=str(tmp_path / "no-such-model"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BackendUnavailable, match="cannot load model.*config.json"):
        TransformersBackend(model=str(empty))


def test_unknown_hub_id_offline_says_how_to_fix(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(BackendUnavailable, match="offline"):
        TransformersBackend(model="nobody/no-such-model-xyz")


def test_gguf_is_converted_once_and_reused(tmp_path, tiny, monkeypatch, persona):
    """A converted folder whose marker matches the .gguf file is loaded without touching the file."""
    monkeypatch.setenv("COLLECTSIM_CACHE_DIR", str(tmp_path / "cache"))
    gguf = tmp_path / "tiny-model.gguf"
    gguf.write_bytes(b"GGUF not really")
    target = tmp_path / "cache" / "converted" / "tiny-model"
    target.parent.mkdir(parents=True)
    import shutil

    shutil.copytree(tiny, target)
    st = gguf.stat()
    marker = {"source": str(gguf.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    (target / "collectsim-source.json").write_text(json.dumps(marker))
    b = backend(str(gguf))
    assert b.source == str(target)
    assert b.realise(Realisation(persona=persona, move="greet")) is not None
    os.utime(gguf, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # a changed file is converted again
    with pytest.raises(BackendUnavailable, match="cannot read gguf file"):
        backend(str(gguf))
