"""Shared test setup: every test gets its own database and trainer-persona folder."""

import os

import pytest

os.environ.setdefault("COLLECTSIM_BACKEND", "scripted")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    monkeypatch.setenv("COLLECTSIM_DB", str(tmp_path / "collectsim.db"))
    monkeypatch.setenv("COLLECTSIM_USER_PERSONAS", str(tmp_path / "user_personas"))
    yield
