"""Offline-first model lookup shared by every loader (debtor LLM, embeddings).

Without a network, a Hugging Face hub lookup retries for about a minute before failing. So a hub id
is only fetched when downloads are asked for (COLLECTSIM_DOWNLOAD=1); otherwise it must already be in
the local cache, and is loaded with local_files_only.
"""

from __future__ import annotations

import os


def downloads_allowed() -> bool:
    return os.environ.get("COLLECTSIM_DOWNLOAD", "").strip().lower() in ("1", "true", "yes")


def hub_cached(name: str, files: tuple[str, ...] = ("config.json", "modules.json")) -> bool:
    """Whether a hub model is already in the local Hugging Face cache (no network)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    for f in files:
        hit = try_to_load_from_cache(name, f)
        if isinstance(hit, str) and os.path.exists(hit):
            return True
    return False


def torch_threads(default: int | None = None) -> int | None:
    """Thread cap from COLLECTSIM_TORCH_THREADS (an int), else `default`."""
    raw = os.environ.get("COLLECTSIM_TORCH_THREADS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return default
