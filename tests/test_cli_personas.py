"""The CLI entry point: help is fast and light, validation exit codes and output."""

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_help_lists_every_design_command():
    out = CliRunner().invoke(main, ["--help"]).output
    for cmd in ("grade", "check", "chat", "selfplay", "personas", "serve"):
        assert cmd in out


def test_help_imports_nothing_heavy():
    code = (
        "import sys; from simulator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit: pass\n"
        "heavy = [m for m in ('torch','transformers','sentence_transformers','gradio') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout
    assert "HEAVY []" in out


def test_validate_ok_exit_zero():
    r = CliRunner().invoke(main, ["personas", "validate"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("OK:")


def test_validate_broken_copy_exit_one(tmp_path):
    src = (ROOT / "personas" / "zh-vain-owner.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "zh-vain-owner.yaml"
    bad.write_text(src.replace("days_past_due: 38", "days_past_due: -1"), encoding="utf-8")
    r = CliRunner().invoke(main, ["personas", "validate", str(bad)])
    assert r.exit_code == 1
    lines = [line for line in r.output.splitlines() if "zh-vain-owner.yaml" in line]
    assert lines == [f"{bad}: account.days_past_due - must be >= 0 (got -1)"]


def test_validate_missing_file(tmp_path):
    r = CliRunner().invoke(main, ["personas", "validate", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 1
    assert "nope.yaml - no such file" in r.output


def test_validate_broken_corpus(tmp_path):
    d = tmp_path / "scripts_corpus"
    d.mkdir()
    text = (ROOT / "scripts_corpus" / "en-US.yaml").read_text(encoding="utf-8")
    (d / "en-US.yaml").write_text(text.replace("pass_mark:", "pass_mark: 150 #", 1), encoding="utf-8")
    r = CliRunner().invoke(main, ["personas", "validate", str(d / "en-US.yaml")])
    assert r.exit_code == 1
    assert "rubric.pass_mark - must be <= 100" in r.output


def test_unknown_command_did_you_mean():
    r = CliRunner().invoke(main, ["grdae"])
    assert r.exit_code == 2
    assert "Did you mean 'grade'?" in r.output


def test_personas_list_json():
    r = CliRunner().invoke(main, ["personas", "list", "--json", "--locale", "zh-CN"])
    assert r.exit_code == 0
    cards = json.loads(r.output)
    assert cards and all(c["locale"] == "zh-CN" for c in cards)
    assert {"id", "archetype", "difficulty", "summary"} <= set(cards[0])
