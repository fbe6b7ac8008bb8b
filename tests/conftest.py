"""Shared test setup: every test gets its own database and trainer-persona folder.

Also the built-in personas that several test modules play against.
"""

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


@pytest.fixture
def vain():
    """zh-CN vain shop owner: the reference debtor persona."""
    from simulator.loader import get_persona

    return get_persona("zh-vain-owner")


@pytest.fixture
def spouse():
    """The vain owner's spouse: the reference third party (does not know about the debt)."""
    from simulator.loader import get_persona

    return get_persona("zh-spouse-of-vain-owner")


@pytest.fixture
def nurse():
    """en-US cooperative nurse."""
    from simulator.loader import get_persona

    return get_persona("en-cooperative-nurse")
