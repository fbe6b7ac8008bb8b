"""Embedding model loading is offline-first: a missing hub model never triggers network retries."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_missing_hub_model_falls_back_without_touching_the_network(tmp_path):
    code = (
        "import sys\n"
        "from grading import embeddings\n"
        "print('EMB', embeddings.get_embedder())\n"
        "print('ST', 'sentence_transformers' in sys.modules)\n"
        "print('STATUS', embeddings.status())\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HF_HOME": str(tmp_path / "hf"),  # an empty cache
        "COLLECTSIM_EMBEDDINGS": "someone/not-downloaded-model",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    ).stdout
    assert "EMB None" in out
    # Decided from the cache alone: the heavy library was not even imported.
    assert "ST False" in out
    assert "not downloaded" in out and "COLLECTSIM_DOWNLOAD=1" in out


def test_cached_detection_sees_a_populated_cache(tmp_path, monkeypatch):
    from grading import embeddings

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    snap = tmp_path / "models--acme--tiny" / "snapshots" / "abc"
    snap.mkdir(parents=True)
    (snap / "modules.json").write_text("[]")
    (tmp_path / "models--acme--tiny" / "refs").mkdir()
    (tmp_path / "models--acme--tiny" / "refs" / "main").write_text("abc")
    import huggingface_hub.constants as c

    monkeypatch.setattr(c, "HF_HUB_CACHE", str(tmp_path))
    assert embeddings.hub_cached("acme/tiny")
    assert not embeddings.hub_cached("acme/other")
