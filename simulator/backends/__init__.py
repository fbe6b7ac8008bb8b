"""Backends that voice a debtor move as text (scripted, transformers, llama.cpp, openai-compatible).

`get_backend("provider:model")` picks one; a backend that cannot load falls back to
`scripted` with a notice naming what failed and how to fix it, so practice never stops
because a model is missing. Model backends are imported only when asked for.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import os

from simulator.backends.base import Backend, BackendUnavailable, Realisation
from simulator.backends.scripted import ScriptedBackend

__all__ = [
    "Backend",
    "BackendUnavailable",
    "Realisation",
    "ScriptedBackend",
    "get_backend",
    "parse_spec",
    "PROVIDERS",
]

# provider -> (module, class name, extra to install)
PROVIDERS: dict[str, tuple[str, str, str]] = {
    "scripted": ("simulator.backends.scripted", "ScriptedBackend", ""),
    "transformers": ("simulator.backends.transformers", "TransformersBackend", "collectsim[ml]"),
    "openai": ("simulator.backends.openai_compat", "OpenAIBackend", "httpx"),
    "llamacpp": ("simulator.backends.llamacpp", "LlamaCppBackend", "collectsim[llamacpp]"),
}
ALIASES = {
    "hf": "transformers",
    "local": "transformers",
    "openai_compat": "openai",
    "vllm": "openai",
    "mock": "scripted",
    "llama.cpp": "llamacpp",
    "llama_cpp": "llamacpp",
    "llama": "llamacpp",
    "gguf": "llamacpp",
}


def parse_spec(name: str | None = None, model: str | None = None) -> tuple[str, str | None]:
    """('transformers', 'Qwen/Qwen2.5-0.5B-Instruct') from 'transformers:Qwen/...'; env fills the gaps.

    Only the text before the first ':' can be a provider, so model strings with their own
    colons ('openai:http://host:8000/v1#model') survive intact.
    """
    name = (name or os.environ.get("COLLECTSIM_BACKEND") or "scripted").strip()
    provider, _, rest = name.partition(":")
    provider = ALIASES.get(provider.lower(), provider.lower())
    if provider not in PROVIDERS:
        hint = difflib.get_close_matches(provider, list(PROVIDERS) + list(ALIASES), n=1)
        msg = f"unknown backend {name!r}" + (f"; did you mean '{hint[0]}'?" if hint else "")
        raise ValueError(msg + f" (known: {', '.join(PROVIDERS)}; or 'provider:model')")
    model = model or rest or os.environ.get("COLLECTSIM_MODEL") or None
    return provider, model


def _backend_class(provider: str) -> type[Backend]:
    module_name, class_name, _ = PROVIDERS[provider]
    module = importlib.import_module(module_name)
    cls = getattr(module, class_name, None)
    if cls is None:  # tolerate a renamed class: the module's one Backend subclass
        found = [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, Backend) and c is not Backend and c.__module__ == module.__name__
        ]
        if not found:
            raise BackendUnavailable(f"{module_name} defines no backend class")
        cls = found[0]
    return cls


def _openai_args(model: str | None) -> dict:
    """'http://host:8000/v1#name' -> base_url + model; 'name' -> model on the default server."""
    if not model:
        return {}
    if "://" in model:
        url, _, name = model.partition("#")
        return {"base_url": url, "model": name or None}
    return {"model": model}


def get_backend(name: str | None = None, model: str | None = None, **options) -> tuple[Backend, str | None]:
    """(backend, notice): notice None on success, else what failed, the fix, and that scripted is used.

    name: 'scripted' | 'transformers' | 'llamacpp' | 'openai' | 'provider:model' (default env COLLECTSIM_BACKEND);
    model: model id, path, or URL (default env COLLECTSIM_MODEL). Unknown names raise ValueError.
    """
    provider, model = parse_spec(name, model)
    if provider == "scripted":
        return ScriptedBackend(), None
    extra = PROVIDERS[provider][2]
    try:
        cls = _backend_class(provider)
        if provider == "openai":
            backend = cls(**_openai_args(model), **options)
        else:
            backend = cls(model, **options) if model else cls(**options)
        return backend, None
    except BackendUnavailable as e:
        why = str(e)
    except ImportError as e:
        why = f"{e}; install it with: pip install '{extra}'" if extra else str(e)
    except Exception as e:  # any load failure: the practice goes on with the scripted voice
        why = f"{type(e).__name__}: {e}"
    label = f"{provider}:{model}" if model else provider
    notice = (
        f"Backend '{label}' could not be loaded ({why}). Using the scripted backend (persona sample lines)."
    )
    return ScriptedBackend(), notice
