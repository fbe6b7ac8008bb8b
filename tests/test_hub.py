"""Offline-first loading of hub models by the debtor LLM backend, and the thread cap setting."""

import pytest

from simulator.hub import torch_threads


def test_uncached_hub_model_is_refused_at_once_with_the_fix(tmp_path, monkeypatch):
    pytest.importorskip("transformers")
    import huggingface_hub.constants as c

    from simulator.backends.base import BackendUnavailable
    from simulator.backends.transformers import TransformersBackend

    monkeypatch.setattr(c, "HF_HUB_CACHE", str(tmp_path))  # an empty cache
    monkeypatch.delenv("COLLECTSIM_DOWNLOAD", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(BackendUnavailable) as e:
        TransformersBackend(model="acme/not-downloaded-model", threads=1)
    msg = str(e.value)
    assert "not in the local Hugging Face cache" in msg and "COLLECTSIM_DOWNLOAD=1" in msg


def test_failed_hub_load_falls_back_to_scripted(tmp_path, monkeypatch):
    pytest.importorskip("transformers")
    import huggingface_hub.constants as c

    from simulator.backends import get_backend

    monkeypatch.setattr(c, "HF_HUB_CACHE", str(tmp_path))
    backend, notice = get_backend("transformers", "acme/not-downloaded-model")
    assert backend.name == "scripted"
    assert "acme/not-downloaded-model" in notice and "COLLECTSIM_DOWNLOAD=1" in notice


def test_torch_threads_setting(monkeypatch):
    monkeypatch.delenv("COLLECTSIM_TORCH_THREADS", raising=False)
    assert torch_threads(2) == 2
    monkeypatch.setenv("COLLECTSIM_TORCH_THREADS", "1")
    assert torch_threads(2) == 1
    monkeypatch.setenv("COLLECTSIM_TORCH_THREADS", "lots")
    assert torch_threads(2) == 2
