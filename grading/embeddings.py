"""Optional sentence embeddings: a semantic boost on top of the lexical analyzer.

The model comes from env COLLECTSIM_EMBEDDINGS (a sentence-transformers name or a local folder;
default: the multilingual paraphrase MiniLM, which covers zh-CN and en-US; `none` = lexical only).
It is loaded lazily, once per name, under a lock, and the corpus phrasings are embedded once per
(model, locale). When the model cannot be loaded (offline, not downloaded, package missing) the
analyzer stays lexical and `status()` says what is missing and how to fix it.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

from simulator.hub import downloads_allowed, hub_cached, torch_threads

DEFAULT_MODEL = "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"
ENV = "COLLECTSIM_EMBEDDINGS"

_lock = threading.Lock()
_loaded: dict[str, Embedder] = {}
_errors: dict[str, str] = {}


def model_name() -> str:
    return (os.environ.get(ENV) or DEFAULT_MODEL).strip()


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or (os.sep in name and Path(name).expanduser().exists())


class Embedder:
    """A sentence-transformers model with a small cache of line vectors."""

    def __init__(self, name: str):
        from sentence_transformers import SentenceTransformer  # heavy: only when semantic matching is on

        self.name = name
        path = str(Path(name).expanduser()) if _looks_like_path(name) else name
        threads = torch_threads()
        if threads:
            import torch

            torch.set_num_threads(threads)
        local_only = not _looks_like_path(name) and not downloads_allowed()
        self.model = SentenceTransformer(path, device="cpu", local_files_only=local_only)
        self._cache: OrderedDict[str, object] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.indexes: dict[str, object] = {}

    def encode(self, texts: list[str]):
        """Unit-length vectors (numpy float32 array, one row per text); cached per text."""
        import numpy as np

        with self._cache_lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vecs = self.model.encode(
                missing,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype("float32")
            with self._cache_lock:
                for t, v in zip(missing, vecs, strict=True):
                    self._cache[t] = v
                while len(self._cache) > 20_000:
                    self._cache.popitem(last=False)
        with self._cache_lock:
            rows = []
            for t in texts:
                v = self._cache.get(t)
                if v is None:  # evicted between the two steps: recompute alone
                    v = self.model.encode([t], normalize_embeddings=True, convert_to_numpy=True)[0]
                rows.append(v)
        return np.stack(rows) if rows else np.zeros((0, 1), dtype="float32")


def get_embedder() -> Embedder | None:
    """The embedder for the configured model, or None (lexical only). Loads at most once per name."""
    name = model_name()
    if name.lower() in ("none", "off", "0", "false", ""):
        return None
    if name in _loaded:
        return _loaded[name]
    if name in _errors:
        return None
    with _lock:
        if name in _loaded:
            return _loaded[name]
        if name in _errors:
            return None
        try:
            if _looks_like_path(name) and not Path(name).expanduser().exists():
                raise FileNotFoundError(f"folder {name} does not exist")
            if not _looks_like_path(name) and not downloads_allowed() and not hub_cached(name):
                # Checked before importing sentence-transformers: offline, a hub lookup retries for a minute.
                raise FileNotFoundError(f"{name} is not downloaded (set COLLECTSIM_DOWNLOAD=1 to fetch it)")
            _loaded[name] = Embedder(name)
        except ImportError as e:
            _errors[name] = f"sentence-transformers is not installed ({e}); pip install 'collectsim[ml]'"
        except Exception as e:  # offline, not cached, corrupt folder: all mean lexical only
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            _errors[name] = f"cannot load model '{name}' ({type(e).__name__}: {first[:160]})"
    return _loaded.get(name)


def status() -> str:
    """One line: which semantic model is active, or why matching is lexical only and how to fix it."""
    name = model_name()
    if name.lower() in ("none", "off", "0", "false", ""):
        return f"lexical only: {ENV}=none (set it to a sentence-transformers model name or folder for semantic matching)"
    emb = get_embedder()
    if emb is not None:
        return f"semantic: {name if _looks_like_path(name) else name.split('/')[-1]}"
    return (
        f"lexical only: {_errors.get(name, 'model not loaded')}. Fix: download it once while online "
        f"(COLLECTSIM_DOWNLOAD=1 collectsim check --locale zh-CN hello), or set {ENV} to a local "
        f"sentence-transformers folder; {ENV}=none silences this."
    )


def configure(model: str | None = None, threads: int | None = None) -> None:
    """Pick the model and torch threads for a script before anything loads (the benchmarks use it).

    Offline unless the caller's environment says otherwise. On a small shared machine, more torch
    threads than free cores makes encoding many times slower, so a script can pin the count.
    """
    if model:
        os.environ[ENV] = model
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if threads:
        os.environ["OMP_NUM_THREADS"] = str(threads)
        import torch

        torch.set_num_threads(threads)


def reset() -> None:
    """Forget loaded models and errors (tests switch models through the environment)."""
    with _lock:
        _loaded.clear()
        _errors.clear()
