"""Persona studio logic: list, search, clone, validate (same lines as the CLI), save, form edits."""

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator import studio
from simulator.cli import main
from simulator.loader import all_personas


@pytest.fixture
def vain_text():
    return studio.read_text("zh-vain-owner")


def _cli_lines(path: Path) -> list[str]:
    r = CliRunner().invoke(main, ["personas", "validate", str(path)])
    return [ln for ln in r.output.splitlines() if " - " in ln]


def test_user_dir_from_env(tmp_path):
    assert studio.user_dir() == Path(os.environ["COLLECTSIM_USER_PERSONAS"])


def test_list_and_search():
    every = studio.list_personas()
    assert any(e.id == "zh-vain-owner" and e.source == "built-in" for e in every)
    hits = studio.list_personas("vain")
    assert hits and all("vain" in (e.id + e.archetype).lower() for e in hits)
    assert "zh-vain-owner" in [e.id for e in studio.list_personas("陈志远")]
    assert not studio.list_personas("no-such-persona-anywhere")
    assert all(e.locale in ("en-US", "") for e in studio.list_personas(locale="en-US"))


def test_builtin_cannot_be_saved_over(vain_text):
    path, problems = studio.save(vain_text)
    assert path is None
    assert any("duplicate persona id 'zh-vain-owner'" in p for p in problems)


def test_clone_save_and_appears_in_library(vain_text):
    text = studio.clone_text(vain_text, "zh-vain-owner-copy", "陈志明")
    assert "# yaml-language-server" in text  # comments survive a clone
    path, problems = studio.save(text)
    assert problems == [] and path == studio.target_path("zh-vain-owner-copy") and path.exists()
    assert all_personas()["zh-vain-owner-copy"].name == "陈志明"
    entry = studio.find("zh-vain-owner-copy")
    assert entry.source == "trainer" and entry.editable


def test_errors_match_cli_and_block_saving(vain_text):
    bad = studio.clone_text(vain_text, "zh-vain-bad").replace("difficulty: 3", "difficulty: 9")
    bad = bad.replace("hostility: 0.45", "hostilty: 0.45")
    persona, problems = studio.validate(bad)
    assert persona is None
    assert any(p.endswith("difficulty - must be <= 5 (got 9)") for p in problems)
    assert any("did you mean 'hostility'?" in p for p in problems)
    path, again = studio.save(bad)
    assert path is None and again == problems
    assert not studio.target_path("zh-vain-bad").exists()
    # The CLI run on the same file prints the very same lines.
    target = studio.target_path("zh-vain-bad")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(bad, encoding="utf-8")
    assert _cli_lines(target) == problems


def test_yaml_syntax_error_reported_with_line(vain_text):
    _, problems = studio.validate(vain_text + "\n  broken: [\n")
    assert len(problems) == 1 and "YAML syntax error" in problems[0] and "line" in problems[0]


def test_fixing_the_error_allows_saving(vain_text):
    bad = studio.clone_text(vain_text, "zh-vain-fixed").replace("difficulty: 3", "difficulty: 0")
    assert studio.save(bad)[0] is None
    good = bad.replace("difficulty: 0", "difficulty: 2")
    path, problems = studio.save(good)
    assert problems == [] and path.exists()


def test_clone_rejects_bad_id(vain_text):
    with pytest.raises(ValueError):
        studio.clone_text(vain_text, "Not An Id")


def test_form_roundtrip(vain_text):
    values = studio.form_values(vain_text)
    assert values["id"] == "zh-vain-owner" and values["difficulty"] == 3
    assert values["traits.hostility"] == pytest.approx(0.45)
    text = studio.apply_form(
        vain_text,
        {
            "id": "zh-vain-form",
            "difficulty": 5,
            "traits.patience": 0.2,
            "scenarios": "first_contact, broken_promise",
        },
    )
    again = studio.form_values(text)
    assert again["id"] == "zh-vain-form" and again["difficulty"] == 5
    assert again["traits.patience"] == pytest.approx(0.2)
    assert again["scenarios"] == ["first_contact", "broken_promise"]
    persona, problems = studio.validate(text)
    assert problems == [] and persona.difficulty == 5


def test_delete_only_trainer_files(vain_text):
    path, _ = studio.save(studio.clone_text(vain_text, "zh-vain-gone"))
    assert path.exists()
    studio.delete("zh-vain-gone")
    assert not path.exists()
    with pytest.raises(KeyError):
        studio.delete("zh-vain-owner")


def test_broken_trainer_file_listed_not_fatal(vain_text):
    d = studio.user_dir()
    d.mkdir(parents=True, exist_ok=True)
    (d / "zh-broken.yaml").write_text("id: zh-broken\nlocale: zh-CN\n", encoding="utf-8")
    entry = studio.find("zh-broken")
    assert entry is not None and entry.problems
    # Other personas still validate against the library.
    assert studio.validate(studio.clone_text(vain_text, "zh-vain-ok"))[1] == []
