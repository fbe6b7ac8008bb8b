"""A wheel carries the data folders, so `pip install .` works outside the repo."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_data_files(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("collectsim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith("data/share/collectsim/personas/zh-vain-owner.yaml") for n in names)
    assert any(n.endswith("data/share/collectsim/scripts_corpus/zh-CN.yaml") for n in names)
    assert any(n.endswith("data/share/collectsim/personas/persona.schema.json") for n in names)
    assert "simulator/cli.py" in names and "grading/acts.py" in names


def test_installed_layout_is_found(tmp_path, monkeypatch):
    """With no checkout beside the code, the loader finds <prefix>/share/collectsim."""
    import shutil

    import simulator.loader as loader

    share = tmp_path / "share" / "collectsim" / "personas"
    share.mkdir(parents=True)
    shutil.copy(ROOT / "personas" / "zh-vain-owner.yaml", share)
    monkeypatch.setattr(loader, "__file__", str(tmp_path / "site" / "simulator" / "loader.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert loader.data_root("personas") == share
