"""What the in-process model backends (llama.cpp, transformers) do alike around their one model.

Both hold a single model and KV cache that one thread at a time may use, time every reply
(`ttft_s` and `total_s` in `last_stats`), and encode a draft line in a background thread that gives
way to a newer draft or a real turn between steps. Which request is current is an epoch: every
request and every draft takes the next number, and a draft stops once the number moved on. This
lives in one place so that the locking order and the epoch rules cannot drift apart between the
two backends. Each backend brings its decode loop (`_raw_pieces`), its draft encoder
(`_prefill_draft`) and the small hooks below. No model library is imported here.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator

from simulator.backends.base import Backend, Realisation
from simulator.backends.prompting import ReplyShaper, instructions, make_shaper, shape_stream


class LocalBackend(Backend):
    """A backend that runs its model in this process; subclasses set `draft_thread_name`."""

    draft_thread_name = "local-draft"

    def _init_local(self, draft_chunk: int) -> None:
        """The lock, the epoch counter and the draft state; called first thing in __init__."""
        self._lock = threading.Lock()
        self.draft_chunk = max(1, int(draft_chunk))
        self.draft_stats: dict = {}  # the last draft prefill: prompt, reused and newly encoded tokens
        self._epochs = itertools.count(1)
        self._epoch = 0  # set by every request and every draft: an older draft stops between steps
        self._draft_thread: threading.Thread | None = None

    # ------------------------------------------------------------ hooks

    def _loaded(self) -> bool:
        """Whether the model is still there (close() drops it)."""
        raise NotImplementedError

    def _fit(self, req: Realisation) -> Realisation:
        """The request as the model can hold it; default: as it is."""
        return req

    def _turn_started(self) -> None:
        """Called under the model lock as a request begins; default: nothing."""

    def _reply_done(self, req: Realisation, shaper: ReplyShaper) -> None:
        """Called after a reply ran to its end (not when the caller closed it early); default: nothing."""

    def _raw_pieces(self, req: Realisation) -> Iterator[str]:
        """Decoded text as it grows; sets `last_stats` for the request."""
        raise NotImplementedError

    def _prefill_draft(self, req: Realisation, epoch: int) -> None:
        """Encode a draft's prompt in steps while `epoch` is still the current one."""
        raise NotImplementedError

    # ------------------------------------------------------------ shared

    def stream(self, req: Realisation) -> Iterator[str]:
        started = time.perf_counter()
        req = self._fit(req)  # before the shaper: the direction it strips depends on the history kept
        shaper = make_shaper(req.persona, self.max_sentences, req)
        self.system_prompt = instructions(req)
        self._epoch = next(self._epochs)  # a draft being encoded gives way after its current step
        with self._lock:  # one cache, one model: calls from several threads take turns
            self._turn_started()
            try:
                for piece in shape_stream(self._raw_pieces(req), shaper):
                    if self.last_stats.get("ttft_s") is None:
                        self.last_stats["ttft_s"] = time.perf_counter() - started
                    yield piece
            finally:
                total = time.perf_counter() - started
                self.last_stats["total_s"] = total
                if self.last_stats.get("ttft_s") is None:
                    self.last_stats["ttft_s"] = total
        self._reply_done(req, shaper)

    def prefill(self, req: Realisation) -> None:
        """Encode the prompt of a request that may come next (a line still being typed), in the background.

        All but the last prompt token go into the cache the real request would use, in steps of
        `draft_chunk` tokens; a newer draft or a real request stops it between steps. The real
        request then reuses the longest common prefix: all of it when the line was sent as drafted.
        """
        if not self.kv_cache or not self._loaded():
            return
        epoch = self._epoch = next(self._epochs)
        self._draft_thread = threading.Thread(
            target=self._prefill_draft, args=(req, epoch), name=self.draft_thread_name, daemon=True
        )
        self._draft_thread.start()
