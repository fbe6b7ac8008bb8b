"""Persona validation: shipped files pass, each kind of broken file gets one clear line."""

from pathlib import Path

import pytest
import yaml

from simulator.loader import (
    DataError,
    all_personas,
    load_corpus,
    load_persona,
    validate_personas,
    validate_text,
)
from simulator.models import Persona

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "personas" / "zh-vain-owner.yaml"


def _broken(tmp_path, edit, name="zh-vain-owner.yaml"):
    data = yaml.safe_load(REF.read_text(encoding="utf-8"))
    edit(data)
    f = tmp_path / name
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return f


def _problems(paths):
    _, problems = validate_personas(paths)
    return [str(p) for p in problems]


def test_every_shipped_persona_validates():
    personas, problems = validate_personas(None)
    assert problems == []
    assert len(personas) >= 2


def test_minimum_builtin_library():
    ps = all_personas().values()
    zh = [p for p in ps if p.locale == "zh-CN"]
    en = [p for p in ps if p.locale == "en-US"]
    assert len([p for p in zh if p.is_debtor]) >= 10
    assert len(en) >= 6
    zh_arch = {p.archetype for p in zh}
    for a in (
        "strong_willed",
        "scheming",
        "cooperative",
        "emotional",
        "stubborn",
        "vain",
        "evasive",
        "pitiful",
        "serial_breaker",
        "grievance",
        "identity_dispute",
    ):
        assert a in zh_arch, a
    relations = {p.role.relation for p in zh if not p.is_debtor}
    assert {"spouse", "parent", "colleague", "wrong_number"} <= relations


def test_unknown_field_suggests_the_right_one(tmp_path):
    f = _broken(tmp_path, lambda d: d["traits"].update(hostilty=d["traits"].pop("hostility")))
    lines = _problems([f])
    assert any(
        line.endswith("traits.hostilty - unknown field 'hostilty'; did you mean 'hostility'?")
        for line in lines
    )
    assert any("traits.hostility - required field is missing" in line for line in lines)


def test_out_of_range_and_wrong_type(tmp_path):
    def edit(d):
        d["account"]["days_past_due"] = -5
        d["traits"]["patience"] = 1.5
        d["difficulty"] = "hard"

    lines = _problems([_broken(tmp_path, edit)])
    assert any("account.days_past_due - must be >= 0 (got -5)" in line for line in lines)
    assert any("traits.patience - must be <= 1.0 (got 1.5)" in line for line in lines)
    assert any("difficulty - expected a number, got 'hard'" in line for line in lines)
    assert all(
        line.startswith(str(tmp_path / "zh-vain-owner.yaml"))
        or line.startswith("zh-vain")
        or "zh-vain-owner.yaml:" in line
        for line in lines
    )


def test_unknown_archetype_with_hint(tmp_path):
    lines = _problems([_broken(tmp_path, lambda d: d.update(archetype="vian"))])
    assert len(lines) == 1
    assert "archetype - unknown archetype 'vian'; did you mean 'vain'?" in lines[0]


def test_yaml_syntax_error_names_the_line(tmp_path):
    f = tmp_path / "zh-bad.yaml"
    f.write_text("id: zh-bad\nlocale: zh-CN\nname: [unclosed\nrole: x\n", encoding="utf-8")
    lines = _problems([f])
    assert len(lines) == 1
    assert "zh-bad.yaml: line " in lines[0] and "YAML syntax error" in lines[0]


def test_missing_third_party_is_reported(tmp_path):
    f = _broken(tmp_path, lambda d: d.update(third_parties=["zh-spouse-of-vain-ownr"]))
    lines = _problems([f])
    assert any(
        "third_parties.0 - third party 'zh-spouse-of-vain-ownr' does not exist; did you mean "
        "'zh-spouse-of-vain-owner'?" in line
        for line in lines
    )


def test_third_party_must_not_be_a_debtor(tmp_path):
    f = _broken(tmp_path, lambda d: d.update(third_parties=["zh-vain-owner"]))
    assert any("is a debtor, not a third party" in line for line in _problems([f]))


def test_unknown_scenario_is_reported(tmp_path):
    f = _broken(tmp_path, lambda d: d.update(scenarios=["first_contatc"]))
    assert any(
        "scenarios.0 - unknown scenario 'first_contatc'; did you mean 'first_contact'?" in line
        for line in _problems([f])
    )


def test_cross_field_rules(tmp_path):
    def edit(d):
        d["finances"]["can_pay_total"] = 10**6

    assert any(
        "can_pay_total must not exceed account.amount_due" in line
        for line in _problems([_broken(tmp_path, edit)])
    )

    def no_lines(d):
        del d["sample_lines"]["promise"]

    assert any(
        "sample_lines needs at least one line for: promise" in line
        for line in _problems([_broken(tmp_path, no_lines)])
    )


def test_id_must_match_file_name(tmp_path):
    f = _broken(tmp_path, lambda d: None, name="zh-other-name.yaml")
    assert any("must match the file name" in line for line in _problems([f]))


def test_loader_raises_dataerror_not_traceback(tmp_path):
    f = _broken(tmp_path, lambda d: d.update(locale="fr-FR"))
    with pytest.raises(DataError) as e:
        load_persona(f)
    assert "locale - unknown locale 'fr-FR'" in str(e.value)


def test_validate_text_for_editor_use():
    text = REF.read_text(encoding="utf-8").replace("difficulty: 3", "difficulty: 9")
    with pytest.raises(DataError) as e:
        validate_text(text, Persona, "studio")
    assert str(e.value) == "studio: difficulty - must be <= 5 (got 9)"


def test_trainer_folder_is_picked_up_without_restart(tmp_path, monkeypatch):
    folder = tmp_path / "user_personas"
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("COLLECTSIM_USER_PERSONAS", str(folder))
    before = set(all_personas())
    data = yaml.safe_load(REF.read_text(encoding="utf-8"))
    data.update(id="zh-vain-owner-copy", third_parties=[])
    (folder / "zh-vain-owner-copy.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    after = set(all_personas())
    assert after - before == {"zh-vain-owner-copy"}


def test_corpora_load_for_both_locales():
    for loc in ("zh-CN", "en-US"):
        c = load_corpus(loc)
        assert c.locale == loc
    with pytest.raises(KeyError, match="did you mean 'zh-CN'"):
        load_corpus("zh-CM")


def test_broken_promise_persona_needs_a_prior_promise(tmp_path):
    f = _broken(tmp_path, lambda d: d.update(prior_promises=[]))
    assert any("needs 'prior_promises'" in line for line in _problems([f]))
