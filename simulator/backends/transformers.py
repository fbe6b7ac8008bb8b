"""A local causal LM voices the debtor: hub id, model folder or .gguf file, tuned for a few CPU cores.

Why a hand-written decode loop instead of `model.generate`: it keeps the KV cache of the persona
prompt and the call so far between turns (only the new tail of the prompt is encoded), it streams
text as it is decoded, it stops as soon as the reply is a complete phone line, and it runs in the
calling thread (a worker thread ran about 30% slower on a small CPU box). torch and transformers are
imported only when the backend is built, so the scripted path never pays for them.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from simulator.backends.base import BackendUnavailable, Realisation
from simulator.backends.local import LocalBackend
from simulator.backends.prompting import build_messages, locale_of
from simulator.hub import downloads_allowed, hub_cached, torch_threads

log = logging.getLogger(__name__)
DEFAULT_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"
INSTALL_HINT = "pip install 'collectsim[ml]' (and a CPU build of torch, see requirements.txt)"
STOP_TOKENS = ("<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<end_of_turn>", "</s>")


def _flag(value) -> bool:
    """Options may arrive as strings from the environment or a command line."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def _release_memory() -> None:
    """Collect, then ask glibc to return freed heap pages (it keeps ~1 GB after an int8 conversion)."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def cpu_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def converted_root() -> Path:
    """Where .gguf files are saved once as safetensors folders (dequantizing a gguf takes ~1 minute)."""
    base = os.environ.get("COLLECTSIM_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "collectsim"
    )
    return Path(base) / "converted"


@dataclass
class _Slot:
    """One KV cache and the exact tokens it holds."""

    cache: object
    ids: list[int] = field(default_factory=list)
    anchor: int = 0  # the stable prefix of the call that used it last: its next turn reuses at least this
    used: float = 0.0


def _common_prefix(a, b) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class TransformersBackend(LocalBackend):
    """Words debtor moves with a local model; see __init__ for the options."""

    name = "transformers"
    draft_thread_name = "transformers-draft"

    def __init__(
        self,
        model: str | None = None,
        *,
        threads: int | None = None,
        int8: bool = False,
        device: str = "cpu",
        dtype: str | None = None,
        max_new_tokens: int = 60,
        temperature: float = 0.0,
        top_p: float = 0.9,
        repetition_penalty: float | None = None,
        seed: int | None = None,
        kv_cache: bool = True,
        cache_slots: int = 4,
        max_sentences: int = 3,
        gguf_file: str | None = None,
        trust_remote_code: bool = False,
        draft_chunk: int = 16,
    ):
        """
        model: hub id, local folder, or a .gguf file (converted once to ~/.cache/collectsim/converted/<name>).
        threads: torch CPU threads (process-wide), default and upper bound = the cores this process may use.
        int8: dynamic int8 quantization of Linear layers (CPU; faster, but the wording changes).
        repetition_penalty: on tokens already generated; None = the model's generation_config (or none).
        dtype: "float32" (CPU default: bf16 is slow on most CPUs), "bfloat16" or "float16".
        temperature: 0 = greedy (reproducible); > 0 samples with top_p, seeded by `seed` or the request seed.
        kv_cache: keep the KV cache between turns (off = re-encode the whole prompt, the baseline).
        cache_slots: calls whose caches are kept at once (several trainees on one server).
        max_sentences: upper bound on sentences per reply (the persona's own limit may be lower).
        gguf_file: file name inside a hub repo or folder given as `model`, for gguf repos.
        draft_chunk: tokens per step when a draft line is prefilled (`prefill(req)`); a newer draft or
            a real turn takes over between steps.
        """
        self.model_id = str(model or os.environ.get("COLLECTSIM_MODEL") or DEFAULT_MODEL)
        self.gguf_file = gguf_file
        self.int8 = _flag(int8)
        self.device = device
        self.max_new_tokens = int(max_new_tokens)
        self.temperature = float(temperature)
        self.top_p = float(top_p)
        self.repetition_penalty = repetition_penalty
        self.seed = seed
        self.kv_cache = _flag(kv_cache)
        self.cache_slots = max(1, int(cache_slots))
        self.max_sentences = int(max_sentences)
        self.trust_remote_code = _flag(trust_remote_code)
        self.last_stats: dict = {}
        self.system_prompt: str | None = None  # instructions of the last request, for the echo check
        self.source = self.model_id  # what was actually loaded (the converted folder for a .gguf)
        self._slots: list[_Slot] = []
        self._init_local(draft_chunk)
        try:
            import torch
            import transformers  # noqa: F401
        except ImportError as e:
            raise BackendUnavailable(
                f"transformers backend needs torch and transformers ({e}); {INSTALL_HINT}"
            ) from e
        self._torch = torch
        cores = cpu_cores()
        self.threads = max(1, min(int(threads or torch_threads(cores)), cores))
        if device == "cpu":
            torch.set_num_threads(self.threads)
        default_dtype = "float32" if device == "cpu" else "bfloat16"
        self.dtype = dtype or default_dtype
        self.tokenizer, self.model = self._load()
        self._stop_ids = self._find_stop_ids()
        if self.repetition_penalty is None:
            config = getattr(self.model, "generation_config", None)
            self.repetition_penalty = getattr(config, "repetition_penalty", None) or 1.0
        self.repetition_penalty = float(self.repetition_penalty)

    # ------------------------------------------------------------ loading

    def _load(self):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch = self._torch
        path = Path(os.path.expanduser(self.model_id))
        looks_local = (
            path.exists() or self.model_id.startswith((".", "/", "~")) or self.model_id.endswith(".gguf")
        )
        if looks_local and not path.exists():
            raise BackendUnavailable(
                f"model path {self.model_id!r} does not exist; give a hub id like {DEFAULT_MODEL}, "
                "a folder with config.json and weights, or a .gguf file (COLLECTSIM_MODEL or --model)"
            )
        if not looks_local and not downloads_allowed() and not hub_cached(self.model_id):
            # Decided from the local cache: offline, a hub lookup would retry for a minute first.
            raise BackendUnavailable(
                f"model {self.model_id!r} is not in the local Hugging Face cache (models load offline); "
                "download it once with COLLECTSIM_DOWNLOAD=1 (needs the network), or give a local folder or .gguf file "
                "(COLLECTSIM_MODEL or --model)"
            )
        if path.is_file() and path.suffix == ".gguf":
            source, kwargs = str(self._converted(path)), {}
        elif self.gguf_file:
            source, kwargs = self.model_id, {"gguf_file": self.gguf_file}
        else:
            source, kwargs = self.model_id, {}
        if not looks_local and not downloads_allowed():
            kwargs["local_files_only"] = True
        self.source = source
        if self.trust_remote_code:
            kwargs["trust_remote_code"] = True
        try:
            tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
            model = AutoModelForCausalLM.from_pretrained(source, dtype=getattr(torch, self.dtype), **kwargs)
        except Exception as e:
            raise BackendUnavailable(self._load_error(source, e)) from e
        model.to(self.device)
        model.eval()
        if self.int8:
            if self.device != "cpu":
                raise BackendUnavailable(
                    "int8 dynamic quantization is CPU-only; drop int8 or use device='cpu'"
                )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from torch.ao.quantization import quantize_dynamic

                quantized = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
            del model  # drop the float weights now and hand the freed memory back to the system
            _release_memory()
            model = quantized
        return tokenizer, model

    def _load_error(self, source: str, e: Exception) -> str:
        why = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"[:300]
        if Path(source).is_dir():
            fix = "the folder needs config.json, tokenizer files and weights (save_pretrained output)"
        elif os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE"):
            fix = "it is not in the local Hugging Face cache and offline mode is on; download it once or give a path"
        else:
            fix = "check the hub id and the network, or give a local folder or .gguf file"
        return f"cannot load model {source!r} ({why}); {fix} (COLLECTSIM_MODEL or --model)"

    def _converted(self, gguf: Path) -> Path:
        """A safetensors copy of a .gguf model, made once: reloading it takes seconds, not a minute."""
        from transformers import AutoModelForCausalLM, AutoTokenizer

        stat = gguf.stat()
        marker = {"source": str(gguf.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        target = converted_root() / gguf.stem
        try:
            if json.loads((target / "collectsim-source.json").read_text()) == marker:
                return target
        except (OSError, ValueError):
            pass
        tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            kwargs = {"gguf_file": gguf.name}
            tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), **kwargs)
            try:  # transformers >= 5 may keep gguf blocks; a plain dense copy is what we save
                from transformers import GgufConfig

                kwargs["quantization_config"] = GgufConfig(dequantize=True)
            except ImportError:
                pass
            model = AutoModelForCausalLM.from_pretrained(
                str(gguf.parent), dtype=self._torch.float32, **kwargs
            )
            model.hf_quantizer = None  # the weights are dense now: save them as an ordinary model
            if hasattr(model.config, "quantization_config"):
                del model.config.quantization_config
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            (tmp / "collectsim-source.json").write_text(json.dumps(marker))
        except Exception as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise BackendUnavailable(
                f"cannot read gguf file {str(gguf)!r} ({type(e).__name__}: {str(e)[:200]}); "
                "transformers gguf loading needs the gguf package (pip install gguf) and a supported architecture"
            ) from e
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
        return target

    def _find_stop_ids(self) -> set[int]:
        tok = self.tokenizer
        ids: set[int] = set()
        eos = getattr(getattr(self.model, "generation_config", None), "eos_token_id", None)
        for value in (eos, tok.eos_token_id):
            ids.update(value if isinstance(value, list | tuple) else [value] if value is not None else [])
        special = tok.get_added_vocab()  # only special tokens: "</s>" is ordinary text in some vocabularies
        ids.update(special[t] for t in STOP_TOKENS if t in special)
        return ids

    # ------------------------------------------------------------ prompt and cache

    def encode(self, req: Realisation) -> list[int]:
        """Prompt token ids for a request: the chat template when the tokenizer has one."""
        return self._encode(req)[0]

    def _render(self, messages: list[dict], persona, open_reply: bool) -> str:
        tok = self.tokenizer
        if getattr(tok, "chat_template", None):
            return tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=open_reply)
        # a base model: a plain transcript the shaper can cut at the next line
        zh = locale_of(persona) == "zh-CN"
        who = {"system": "", "user": "催收员：" if zh else "Collector: ", "assistant": f"{persona.name}: "}
        text = "\n".join(who[m["role"]] + m["content"] for m in messages)
        return text + f"\n{persona.name}:" if open_reply else text

    def _encode(self, req: Realisation) -> tuple[list[int], int]:
        """Token ids, and how many of them a later turn of the same call will start with.

        Everything before the last message (the per-turn direction) is the call so far: a later
        turn of the same call shares at least that prefix, which tells its cache apart from others.
        """
        messages = build_messages(req)
        ids = self.tokenizer(self._render(messages, req.persona, True), add_special_tokens=False)["input_ids"]
        if not self.kv_cache or self.cache_slots == 1:
            return ids, 0
        head = self._render(messages[:-1], req.persona, False)
        stable = len(self.tokenizer(head, add_special_tokens=False)["input_ids"]) if head else 0
        return ids, min(stable, len(ids))

    def reset_cache(self) -> None:
        """Forget every cached prefix (the next turn re-encodes its whole prompt)."""
        self._slots.clear()

    def _slot_for(self, ids: list[int], stable: int) -> tuple[_Slot, int]:
        """The cache to extend and how many of `ids` it already holds.

        A later turn of the call that last used a cache covers that call's stable prefix and crops
        the cache in place. Another call that shares only part of it (a second trainee on the same
        persona) gets a copy of the shared part, so both calls keep their caches.
        """
        from transformers import DynamicCache

        keep = len(ids) - 1  # the last prompt token is always fed: its logits start the reply
        if not self.kv_cache:
            self._slots.clear()
        best, reuse = None, 0
        for slot in self._slots:
            n = min(_common_prefix(slot.ids, ids), keep)
            if n > reuse or (n == reuse and best is not None and slot.used > best.used):
                best, reuse = slot, n
        if best is None or reuse == 0:
            slot = _Slot(DynamicCache(config=self.model.config))
            self._slots.append(slot)
            reuse = 0
        elif reuse >= best.anchor - 2 or len(self._slots) >= self.cache_slots and best is self._lru():
            slot = best
            if reuse < len(slot.ids):
                slot.cache.crop(reuse - len(slot.ids))
            slot.ids = slot.ids[:reuse]
        else:
            layers = [(k[..., :reuse, :], v[..., :reuse, :]) for k, v, *_ in best.cache]
            slot = _Slot(DynamicCache(ddp_cache_data=layers, config=self.model.config), ids[:reuse])
            self._slots.append(slot)
        while len(self._slots) > self.cache_slots:
            self._slots.remove(self._lru(exclude=slot))
        slot.anchor, slot.used = stable, time.monotonic()
        return slot, reuse

    def _lru(self, exclude: _Slot | None = None) -> _Slot:
        return min((s for s in self._slots if s is not exclude), key=lambda s: s.used)

    # ------------------------------------------------------------ generation

    def _pick(self, logits, generated: list[int], rng) -> int:
        """Next token: greedy, or sampled with temperature and top-p; optional repetition penalty."""
        torch = self._torch
        with torch.inference_mode():
            logits = logits.float().clone()
            if self.repetition_penalty != 1.0 and generated:
                idx = torch.tensor(sorted(set(generated)), dtype=torch.long, device=logits.device)
                vals = logits[idx]
                penalty = self.repetition_penalty
                logits[idx] = torch.where(vals > 0, vals / penalty, vals * penalty)
            if self.temperature <= 0:
                return int(torch.argmax(logits))
            probs = torch.softmax(logits / self.temperature, dim=-1)
            if self.top_p < 1.0:
                sorted_p, order = torch.sort(probs, descending=True)
                sorted_p[torch.cumsum(sorted_p, dim=-1) - sorted_p > self.top_p] = 0.0
                probs = torch.zeros_like(probs).scatter_(0, order, sorted_p)
            return int(torch.multinomial(probs.cpu(), 1, generator=rng))

    def _feed(self, slot: _Slot, ids: list[int]):
        """Run `ids` through the model on top of the slot's cache; logits for the next token."""
        torch = self._torch
        try:
            with torch.inference_mode():
                x = torch.tensor([ids], dtype=torch.long, device=self.model.device)
                out = self.model(input_ids=x, past_key_values=slot.cache, use_cache=True, logits_to_keep=1)
        except BaseException:
            self._slots = [s for s in self._slots if s is not slot]  # the cache may be half updated
            raise
        slot.ids.extend(ids)
        return out.logits[0, -1]

    def _raw_pieces(self, req: Realisation) -> Iterator[str]:
        """Decoded text as it grows, token by token; updates the cache bookkeeping as it goes."""
        torch = self._torch
        ids, stable = self._encode(req)
        slot, reuse = self._slot_for(ids, stable)
        stats = {"prompt_tokens": len(ids), "reused_tokens": reuse, "new_tokens": len(ids) - reuse}
        stats.update(generated_tokens=0, ttft_s=None, total_s=None)
        self.last_stats = stats
        rng = None
        if self.temperature > 0:
            seed = self.seed if self.seed is not None else req.seed
            rng = torch.Generator().manual_seed(int(seed) * 1_000_003 + len(req.history))
        logits = self._feed(slot, ids[reuse:])
        generated: list[int] = []
        text = ""
        for _ in range(self.max_new_tokens):
            token = self._pick(logits, generated, rng)
            if token in self._stop_ids:
                break
            generated.append(token)
            stats["generated_tokens"] = len(generated)
            new = self.tokenizer.decode(
                generated, skip_special_tokens=True, clean_up_tokenization_spaces=False
            )
            if not new.endswith("\ufffd"):  # wait for the rest of a multi-byte character
                yield new[len(text) :] if new.startswith(text) else new[_common_prefix(text, new) :]
                text = new
            logits = self._feed(slot, [token])

    # stream() and prefill() are LocalBackend's

    # ------------------------------------------------------------ a draft line, ahead of time

    def _loaded(self) -> bool:
        return self.model is not None

    def _prefill_draft(self, req: Realisation, epoch: int) -> None:
        with self._lock:
            if epoch != self._epoch or self.model is None:  # superseded before it began
                return
            try:
                ids, stable = self._encode(req)
                slot, reuse = self._slot_for(ids, stable)
                stats = {"prompt_tokens": len(ids), "reused_tokens": reuse, "new_tokens": 0, "done": False}
                self.draft_stats = stats
                pos, end = reuse, len(ids) - 1
                while pos < end and epoch == self._epoch:
                    step = ids[pos : min(end, pos + self.draft_chunk)]
                    self._feed(slot, step)
                    pos += len(step)
                    stats["new_tokens"] = pos - reuse
                stats["done"] = pos >= end
            except Exception:  # only time is lost: the real turn encodes its prompt itself
                log.exception("draft prefill failed")

    def wait_prefill(self, timeout: float | None = None) -> None:
        """Block until a background draft prefill has finished (tests and benchmarks)."""
        if self._draft_thread is not None:
            self._draft_thread.join(timeout)

    # ------------------------------------------------------------ the rest of the interface

    def describe(self) -> str:
        mode = "greedy" if self.temperature <= 0 else f"sampled t={self.temperature} top_p={self.top_p}"
        extras = ", int8" if self.int8 else ""
        cache = "kv cache on" if self.kv_cache else "kv cache off"
        return f"transformers {self.model_id} ({self.device}, {self.dtype}{extras}, threads={self.threads}, {cache}, {mode})"

    def close(self) -> None:
        self.wait_prefill()
        self._slots.clear()
        self.model = None
        _release_memory()


# ---------------------------------------------------------------- a tiny model for tests and benchmarks

_TINY_TEMPLATE = (
    "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def build_tiny_model(folder: str | os.PathLike, seed: int = 0, layers: int = 2, hidden: int = 64) -> Path:
    """Save a random-weight Qwen2 model with a byte-level BPE tokenizer and a ChatML template.

    The test double for this backend: it loads like any hub model, speaks gibberish, needs no
    download, and exercises the same cache, template and streaming paths as a real model.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    from simulator.backends.prompting import load_prompts

    folder = Path(folder)
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    corpus = [json.dumps(load_prompts(), ensure_ascii=False)] * 3 + [
        "Hello, who is this? I can pay 500 dollars on Friday."
    ]
    trainer = trainers.BpeTrainer(
        vocab_size=1500,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(corpus, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        bos_token=None,
        unk_token=None,
    )
    tokenizer.chat_template = _TINY_TEMPLATE
    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=8192,
        initializer_range=0.2,  # well separated logits: greedy decoding is stable under float rounding
        tie_word_embeddings=True,
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        pad_token_id=tokenizer.convert_tokens_to_ids("<|endoftext|>"),
    )
    model = Qwen2ForCausalLM(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
