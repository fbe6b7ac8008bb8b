"""A quantized .gguf model run by llama.cpp voices the debtor: the fast local choice on a small CPU box.

Why a second local backend beside transformers: at 4-bit a 0.5B model decodes several times faster on
two AVX2 cores than in fp32, in a fraction of the memory. The prompt and the reply shaping are the
transformers backend's (prompting.py), so the guard and reply rules behave the same; only the model
runtime differs. Between turns the KV cache of the persona prompt and the call so far stays in the
llama.cpp context and only the new tail of the prompt is evaluated. When several calls share one
model (two trainees), the KV cache of a call that gives way to another is kept as a saved sequence
state and loaded back on its next turn, so alternating calls do not re-encode each other's history.

llama-cpp-python is an optional extra (it compiles llama.cpp on install) and is imported only when
the backend is built.
"""

from __future__ import annotations

import codecs
import ctypes
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from simulator.backends.base import BackendUnavailable, Realisation
from simulator.backends.local import LocalBackend
from simulator.backends.prompting import ReplyShaper, build_messages, locale_of
from simulator.backends.transformers import STOP_TOKENS, _common_prefix, _flag, cpu_cores
from simulator.hub import downloads_allowed, hub_cached, torch_threads

DEFAULT_MODEL = "Qwen/Qwen2.5-0.5B-Instruct-GGUF#qwen2.5-0.5b-instruct-q4_k_m.gguf"
INSTALL_HINT = "pip install 'collectsim[llamacpp]' (it compiles llama.cpp from source: several minutes)"
GET_MODEL_HINT = (
    "give a .gguf file (--backend llamacpp:/path/model.gguf or COLLECTSIM_MODEL), for example "
    "qwen2.5-0.5b-instruct-q4_k_m.gguf from the Qwen/Qwen2.5-0.5B-Instruct-GGUF hub repo, "
    "or a hub file as REPO#FILE.gguf fetched once with COLLECTSIM_DOWNLOAD=1"
)
log = logging.getLogger(__name__)
SWITCH_MARGIN = 16  # a saved call is loaded back only when it covers this many more tokens than the live one


def _tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False) -> str:
    """The `tojson` filter as chat templates expect it (unescaped non-ASCII, like transformers)."""
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


@dataclass
class _Saved:
    """The KV cache of a call that gave way to another, and the exact tokens it holds."""

    ids: list[int]
    data: bytes
    anchor: int  # the stable prefix of that call: its next turn reuses at least this
    used: float


class LlamaCppBackend(LocalBackend):
    """Words debtor moves with a .gguf model through llama.cpp; see __init__ for the options."""

    name = "llamacpp"
    draft_thread_name = "llamacpp-draft"

    def __init__(
        self,
        model: str | None = None,
        *,
        gguf_file: str | None = None,
        threads: int | None = None,
        n_ctx: int = 4096,
        n_batch: int = 512,
        max_new_tokens: int = 96,
        temperature: float = 0.0,
        top_p: float = 0.9,
        repetition_penalty: float = 1.0,
        seed: int | None = None,
        kv_cache: bool = True,
        cache_slots: int = 4,
        prefill: bool = True,
        max_sentences: int = 3,
        draft_chunk: int = 16,
    ):
        """
        model: a .gguf file, or a hub repo id with `gguf_file` (or written 'REPO#FILE.gguf'), loaded
            offline-first: a hub file must already be cached unless COLLECTSIM_DOWNLOAD=1.
        threads: llama.cpp threads for prompt and decode; default and upper bound = the cores this
            process may use (COLLECTSIM_TORCH_THREADS caps it, as for the transformers backend).
        n_ctx: context window in tokens; old turns are dropped from the prompt if a call outgrows it.
        max_new_tokens: cap per reply; higher than the transformers backend's 60 because decoding is
            cheap here and a small model may first repeat its direction (50+ tokens) before the line.
        temperature: 0 = greedy (reproducible); > 0 samples with top_p, seeded by `seed` or the request seed.
        repetition_penalty: on the tokens generated so far (1.0 = none; a .gguf carries no generation config).
        kv_cache: keep the KV cache between turns (off = re-encode the whole prompt, the baseline).
        cache_slots: calls whose KV caches are kept at once (the live one plus saved ones).
        prefill: once a reply is complete, evaluate it (and the collector line before it) in a
            background thread while the trainee reads and types, so the next turn starts sooner.
        max_sentences: upper bound on sentences per reply (the persona's own limit may be lower).
        draft_chunk: tokens per step when a draft line is prefilled (`prefill(req)`): between steps a
            newer draft or a real turn takes over, so a send waits for one step at most (~0.1 s).
        """
        spec = str(model or os.environ.get("COLLECTSIM_MODEL") or DEFAULT_MODEL)
        if "#" in spec and not gguf_file:
            spec, _, gguf_file = spec.partition("#")
        self.model_id = spec
        self.gguf_file = gguf_file or None
        self.n_ctx = int(n_ctx)
        self.n_batch = int(n_batch)
        self.max_new_tokens = int(max_new_tokens)
        self.temperature = float(temperature)
        self.top_p = float(top_p)
        self.repetition_penalty = float(repetition_penalty if repetition_penalty is not None else 1.0)
        self.seed = seed
        self.kv_cache = _flag(kv_cache)
        self.cache_slots = max(1, int(cache_slots))
        self.prefill_replies = _flag(prefill)  # `prefill` itself is the draft method
        self.max_sentences = int(max_sentences)
        self.last_stats: dict = {}
        self.system_prompt: str | None = None  # instructions of the last request, for the echo check
        self._saved: list[_Saved] = []
        self._anchor = 0  # stable prefix of the call that used the live context last
        self._init_local(draft_chunk)
        self._turn = 0  # counts requests: a prefill meant for one turn never runs after the next began
        self._prefill_thread: threading.Thread | None = None
        try:
            import llama_cpp
        except ImportError as e:
            raise BackendUnavailable(f"llamacpp backend needs llama-cpp-python ({e}); {INSTALL_HINT}") from e
        self._lib = llama_cpp
        cores = cpu_cores()
        self.threads = max(1, min(int(threads or torch_threads(cores)), cores))
        self.path = self._resolve()
        try:
            self.llm = llama_cpp.Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_batch=self.n_batch,
                n_threads=self.threads,
                n_threads_batch=self.threads,
                seed=int(seed or 0) & 0xFFFFFFFF,
                logits_all=False,
                verbose=False,
            )
        except Exception as e:
            why = f"{type(e).__name__}: {str(e).strip()[:200]}"
            raise BackendUnavailable(
                f"cannot load gguf file {str(self.path)!r} ({why}); it must be a complete GGUF model "
                "of an architecture this llama.cpp build supports"
            ) from e
        self.n_ctx = int(self.llm.n_ctx())
        meta = dict(getattr(self.llm, "metadata", {}) or {})
        self.chat_template = meta.get("tokenizer.chat_template") or None
        self._bos_id = int(self.llm.token_bos())
        self._eos_id = int(self.llm.token_eos())
        self._add_bos = str(meta.get("tokenizer.ggml.add_bos_token", "false")).lower() == "true"
        self._bos_text = self._token_text(self._bos_id)
        self._eos_text = self._token_text(self._eos_id)
        self._template = self._compile(self.chat_template) if self.chat_template else None
        self._stop_ids = self._find_stop_ids()

    # ------------------------------------------------------------ loading

    def _resolve(self) -> Path:
        """The .gguf file to load: a local path as given, or a hub file from the local cache."""
        spec = self.model_id
        path = Path(os.path.expanduser(spec))
        if self.gguf_file and (path.is_dir() or not spec.startswith((".", "/", "~"))):
            if path.is_dir():
                path = path / self.gguf_file
            else:
                return self._from_hub(spec, self.gguf_file)
        if path.is_dir():
            found = sorted(path.glob("*.gguf"))
            if len(found) != 1:
                raise BackendUnavailable(
                    f"folder {spec!r} holds {len(found)} .gguf files; name one (gguf_file or FOLDER#FILE)"
                )
            path = found[0]
        if not path.is_file():
            raise BackendUnavailable(f"model file {str(path)!r} does not exist; {GET_MODEL_HINT}")
        return path

    def _from_hub(self, repo: str, filename: str) -> Path:
        if not downloads_allowed() and not hub_cached(repo, (filename,)):
            raise BackendUnavailable(
                f"gguf file {filename!r} of {repo!r} is not in the local Hugging Face cache (models load "
                "offline); download it once with COLLECTSIM_DOWNLOAD=1 (needs the network), or give a local "
                ".gguf file (--backend llamacpp:/path/model.gguf or COLLECTSIM_MODEL)"
            )
        try:
            from huggingface_hub import hf_hub_download

            return Path(hf_hub_download(repo, filename, local_files_only=not downloads_allowed()))
        except Exception as e:
            raise BackendUnavailable(
                f"cannot fetch {filename!r} from {repo!r} ({type(e).__name__}: {str(e)[:200]}); {GET_MODEL_HINT}"
            ) from e

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self.llm.detokenize([token], special=True).decode("utf-8", errors="replace")

    @staticmethod
    def _compile(template: str):
        """The GGUF's chat template in a sandboxed jinja2 environment set up as transformers does."""
        import jinja2
        import jinja2.ext
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        env = ImmutableSandboxedEnvironment(
            loader=jinja2.BaseLoader(),
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=[jinja2.ext.loopcontrols],
        )
        env.filters["tojson"] = _tojson
        return env.from_string(template)

    def _is_special(self, text: str) -> int | None:
        """The id of `text` when it is one special token (it tokenizes differently as plain text)."""
        raw = text.encode("utf-8")
        ids = self.llm.tokenize(raw, add_bos=False, special=True)
        if len(ids) == 1 and self.llm.tokenize(raw, add_bos=False, special=False) != ids:
            return int(ids[0])
        return None

    def _find_stop_ids(self) -> set[int]:
        ids = {self._eos_id} if self._eos_id >= 0 else set()
        ids.update(i for i in (self._is_special(t) for t in STOP_TOKENS) if i is not None)
        return ids

    # ------------------------------------------------------------ prompt

    def render(self, messages: list[dict], persona, open_reply: bool = True) -> str:
        """Chat messages as the model's prompt text: its own template, else a plain transcript."""
        if self._template is not None:

            def raise_exception(message: str):
                raise ValueError(message)

            return self._template.render(
                messages=messages,
                add_generation_prompt=open_reply,
                bos_token=self._bos_text,
                eos_token=self._eos_text,
                raise_exception=raise_exception,
                strftime_now=lambda f: datetime.now().strftime(f),
            )
        # a base model: a plain transcript the shaper can cut at the next line
        zh = locale_of(persona) == "zh-CN"
        who = {"system": "", "user": "催收员：" if zh else "Collector: ", "assistant": f"{persona.name}: "}
        text = "\n".join(who[m["role"]] + m["content"] for m in messages)
        return text + f"\n{persona.name}:" if open_reply else text

    def tokenize(self, text: str) -> list[int]:
        """Prompt text to ids; special tokens written by the template are parsed as such.

        BOS is added only when the model asks for it and the template did not write it already
        (Llama 3 templates start with `{{ bos_token }}`; Qwen adds none).
        """
        ids = [int(t) for t in self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)]
        if self._add_bos and self._bos_id >= 0 and ids[:1] != [self._bos_id]:
            ids.insert(0, self._bos_id)
        return ids

    def encode(self, req: Realisation) -> list[int]:
        """Prompt token ids for a request."""
        return self._encode(req)[0]

    def _encode(self, req: Realisation) -> tuple[list[int], int]:
        """Token ids, and how many of them a later turn of the same call will start with.

        Everything before the last message (the per-turn direction) is the call so far: a later
        turn of the same call shares at least that prefix, which tells its cache apart from others.
        """
        messages = build_messages(req)
        ids = self.tokenize(self.render(messages, req.persona, True))
        if not self.kv_cache:
            return ids, 0
        head = self.render(messages[:-1], req.persona, False)
        stable = len(self.tokenize(head)) if head else 0
        return ids, min(stable, len(ids))

    def _fit(self, req: Realisation) -> Realisation:
        """Drop the oldest turns while the prompt and the reply would not fit in the context.

        A token is at least one byte, so a prompt whose text is short enough is not tokenized here.
        """
        while len(req.history) > 2:
            text = self.render(build_messages(req), req.persona, True)
            budget = self.n_ctx - self.max_new_tokens - 1
            if len(text.encode("utf-8")) <= budget or len(self.tokenize(text)) <= budget:
                break
            req = replace(req, history=req.history[2:])
        return req

    # ------------------------------------------------------------ the KV cache

    def reset_cache(self) -> None:
        """Forget every cached prefix (the next turn re-encodes its whole prompt)."""
        self._saved.clear()
        self.llm.n_tokens = 0
        self._anchor = 0

    def _live_ids(self) -> list[int]:
        return [int(t) for t in self.llm.input_ids[: self.llm.n_tokens]]

    def _park(self, ids: list[int]) -> None:
        """Save the live call's KV cache before another call overwrites it (oldest saved one goes)."""
        if self.cache_slots < 2 or not ids:
            return
        lib, ctx = self._lib, self.llm.ctx
        size = int(lib.llama_state_seq_get_size(ctx, 0))
        buf = (ctypes.c_uint8 * size)()
        n = int(lib.llama_state_seq_get_data(ctx, buf, size, 0))
        if n <= 0:
            return
        self._saved = [s for s in self._saved if s.ids[: len(ids)] != ids]  # a stale copy of the same call
        data = ctypes.string_at(ctypes.addressof(buf), n)  # slicing a ctypes array would build a list of ints
        self._saved.append(_Saved(ids, data, self._anchor, time.monotonic()))
        while len(self._saved) > self.cache_slots - 1:
            self._saved.remove(min(self._saved, key=lambda s: s.used))

    def _restore(self, saved: _Saved) -> bool:
        data = saved.data
        buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        if not int(self._lib.llama_state_seq_set_data(self.llm.ctx, buf, len(data), 0)):
            self.llm.n_tokens = 0  # the context may be half written: start over
            return False
        self.llm.input_ids[: len(saved.ids)] = saved.ids
        self.llm.n_tokens = len(saved.ids)
        self._anchor = saved.anchor
        return True

    def _prepare(self, ids: list[int], stable: int) -> int:
        """Bring the context to the longest cached prefix of `ids`; returns its length.

        The live context is extended in place when the request continues the call that used it
        last (it covers that call's stable prefix). Otherwise another call is taking over: the live
        KV cache is parked first, and a parked call that covers more of `ids` is loaded back.
        """
        keep = len(ids) - 1  # the last prompt token is always evaluated: its logits start the reply
        if not self.kv_cache:
            self._saved.clear()
            self._anchor = 0
            return 0
        live = self._live_ids()
        reuse = min(_common_prefix(live, ids), keep)
        best = max(self._saved, key=lambda s: _common_prefix(s.ids, ids), default=None)
        best_n = min(_common_prefix(best.ids, ids), keep) if best else 0
        other_call = reuse < self._anchor - 2 and len(live) - reuse > SWITCH_MARGIN
        if best is not None and best_n > reuse + SWITCH_MARGIN:
            self._saved.remove(best)  # it becomes the live context; parking must not evict it first
            if len(live) - reuse > SWITCH_MARGIN:
                self._park(live)
            reuse = best_n if self._restore(best) else 0
        elif other_call:
            self._park(live)
        self._anchor = stable
        return reuse

    # ------------------------------------------------------------ generation

    def _raw_pieces(self, req: Realisation) -> Iterator[str]:
        """Decoded text as it grows, token by token; holds back an unfinished UTF-8 character."""
        llm = self.llm
        ids, stable = self._encode(req)
        reuse = self._prepare(ids, stable)
        stats = {"prompt_tokens": len(ids), "reused_tokens": reuse, "new_tokens": len(ids) - reuse}
        stats.update(generated_tokens=0, ttft_s=None, total_s=None)
        self.last_stats = stats
        if self.temperature > 0:
            seed = self.seed if self.seed is not None else req.seed
            llm.set_seed((int(seed) * 1_000_003 + len(req.history)) & 0xFFFFFFFF)
        llm.n_tokens = reuse  # eval() drops the KV cells from here on before it evaluates the tail
        tokens = llm.generate(
            ids[reuse:],
            temp=self.temperature if self.temperature > 0 else 0.0,
            top_p=self.top_p,
            top_k=0,
            min_p=0.0,
            repeat_penalty=self.repetition_penalty,
            reset=False,
        )
        generated: list[int] = []
        sent = b""
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        ok = False
        try:
            for token in tokens:
                token = int(token)
                if token in self._stop_ids or len(generated) >= self.max_new_tokens:
                    break
                generated.append(token)
                stats["generated_tokens"] = len(generated)
                raw = llm.detokenize(generated, special=False)
                new, sent = (raw[len(sent) :], raw) if raw.startswith(sent) else (b"", sent)
                text = decoder.decode(new)
                if text:
                    yield text
            ok = True
        except GeneratorExit:
            ok = True
            raise
        finally:
            tokens.close()
            if not ok:  # an error half way: the context may not match its bookkeeping
                self.reset_cache()

    # stream() is LocalBackend's: _fit before the shaper, these two hooks around the turn

    def _turn_started(self) -> None:
        self._turn += 1

    def _reply_done(self, req: Realisation, shaper: ReplyShaper) -> None:
        self._start_prefill(req, shaper.text)

    # ------------------------------------------------------------ prefill between turns

    def _start_prefill(self, req: Realisation, reply: str) -> None:
        """Evaluate the next turn's known head in the background: the call so far plus this reply.

        The next prompt starts with these tokens when the engine keeps the reply as it was said;
        if it does not (the guard replaced it), the prefix match simply stops earlier.
        """
        if not (self.prefill_replies and self.kv_cache and reply.strip()):
            return
        nxt = replace(
            req,
            history=[
                *req.history,
                {"speaker": "debtor", "text": reply},
                {"speaker": "collector", "text": "..."},
            ],
        )
        head = self.render(build_messages(nxt)[:-1], req.persona, False)
        ids = self.tokenize(head)
        if len(ids) + self.max_new_tokens >= self.n_ctx:
            return
        turn = self._turn
        self._prefill_thread = threading.Thread(
            target=self._prefill, args=(ids, turn), name="llamacpp-prefill", daemon=True
        )
        self._prefill_thread.start()

    def _prefill(self, ids: list[int], turn: int) -> None:
        with self._lock:
            if turn != self._turn or self.llm is None:  # the next turn came first: it encodes for itself
                return
            live = self._live_ids()
            n = min(_common_prefix(live, ids), len(ids))
            if n >= len(ids) or n < self._anchor - 2:
                return
            try:
                self.llm.n_tokens = n  # eval() drops the cells from here on (the last direction)
                self.llm.eval(ids[n:])
            except Exception:  # nothing is lost but time: the next turn encodes its prompt itself
                self.reset_cache()

    def _loaded(self) -> bool:
        return self.llm is not None

    def _prefill_draft(self, req: Realisation, epoch: int) -> None:
        """A draft (`prefill(req)`) goes into the slot the real request would use; another call is parked."""
        with self._lock:
            if epoch != self._epoch or self.llm is None:  # superseded before it began
                return
            llm = self.llm
            try:
                ids, stable = self._encode(self._fit(req))
                if len(ids) + self.max_new_tokens >= self.n_ctx:
                    return
                reuse, end = self._prepare(ids, stable), len(ids) - 1
                stats = {"prompt_tokens": len(ids), "reused_tokens": reuse, "new_tokens": 0, "done": False}
                self.draft_stats = stats
                llm.n_tokens = reuse  # eval() drops the cells from here on
                pos = reuse
                while pos < end and epoch == self._epoch:
                    step = ids[pos : min(end, pos + self.draft_chunk)]
                    llm.eval(step)
                    pos += len(step)
                    stats["new_tokens"] = pos - reuse
                stats["done"] = pos >= end
            except Exception:  # only time is lost: the real turn encodes its prompt itself
                log.exception("draft prefill failed")
                self.reset_cache()

    def wait_prefill(self, timeout: float | None = None) -> None:
        """Block until background prefills (the last reply, a draft) have finished (tests, benchmarks)."""
        for thread in (self._prefill_thread, self._draft_thread):
            if thread is not None:
                thread.join(timeout)

    # ------------------------------------------------------------ the rest of the interface

    def describe(self) -> str:
        mode = "greedy" if self.temperature <= 0 else f"sampled t={self.temperature} top_p={self.top_p}"
        cache = "kv cache on" if self.kv_cache else "kv cache off"
        cache += ", prefill" if self.kv_cache and self.prefill_replies else ""
        return f"llamacpp {self.path.name} (threads={self.threads}, n_ctx={self.n_ctx}, {cache}, {mode})"

    def close(self) -> None:
        self.wait_prefill()
        self._saved.clear()
        llm, self.llm = getattr(self, "llm", None), None
        if llm is not None and hasattr(llm, "close"):
            llm.close()
