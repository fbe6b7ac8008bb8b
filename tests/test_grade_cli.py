"""Transcript readers and the `grade` / `check` commands: formats, errors naming file and line, exit codes."""

import csv
import io
import json
from types import SimpleNamespace as NS

import pytest
from click.testing import CliRunner

from grading import cli as grading_cli
from grading.readers import ReadError, detect_locale, parse_text, read_file, read_paths
from simulator.cli import main

ZH_TEXT = """# scenario: first_contact
坐席：您好，我是华信银行的小王，工号1234。
客户: 喂？谁啊
坐席:请问您是张伟先生本人吗？
客户：是我。
  有什么事？
第三方：他出去了
"""
EN_TEXT = """Agent: Hi, this is Sam from Acme Recovery.
Customer: Who?
agent : Am I speaking with John Smith?
Third party: He's not home.
"""


def test_parse_plain_text_chinese():
    t = parse_text(ZH_TEXT, "call.txt")
    assert t.locale == "zh-CN" and t.scenario == "first_contact" and t.id == "call"
    assert [x.speaker for x in t.turns] == ["collector", "debtor", "collector", "debtor", "third_party"]
    assert t.turns[2].text == "请问您是张伟先生本人吗？"
    assert t.turns[3].text == "是我。 有什么事？"  # continuation line joins the turn


def test_parse_plain_text_english_with_overrides():
    t = parse_text(EN_TEXT, "c.txt", scenario="third_party")
    assert t.locale == "en-US" and t.scenario == "third_party"
    assert [x.speaker for x in t.turns] == ["collector", "debtor", "collector", "third_party"]
    assert parse_text(EN_TEXT, "c.txt", locale="zh-CN").locale == "zh-CN"
    assert detect_locale("Hello 你好") == "zh-CN" and detect_locale("Hello") == "en-US"


def test_plain_text_without_prefix_names_file_line_and_fix():
    with pytest.raises(ReadError) as e:
        parse_text("\n\nhello there\nAgent: hi\n", "bad.txt")
    assert e.value.line == 3
    assert str(e.value).startswith("bad.txt:3: ") and "坐席:" in str(e.value) and "Agent:" in str(e.value)


def test_jsonl_bad_line_reported_rest_read(tmp_path):
    good = {"id": "a", "locale": "zh-CN", "turns": [{"speaker": "collector", "text": "您好"}]}
    p = tmp_path / "calls.jsonl"
    p.write_text(
        json.dumps(good, ensure_ascii=False)
        + "\n{broken\n"
        + json.dumps({**good, "id": "c", "turns": [{"speaker": "robot", "text": "x"}]})
        + "\n",
        encoding="utf-8",
    )
    items = list(read_file(p))
    assert [type(x).__name__ for _, x in items] == ["Transcript", "ReadError", "ReadError"]
    assert items[1][1].line == 2 and "calls.jsonl:2" in str(items[1][1])
    assert "turns.0.speaker" in str(items[2][1]) and items[2][1].line == 3


def test_json_fills_missing_locale_and_id(tmp_path):
    p = tmp_path / "call-7.json"
    p.write_text(json.dumps({"turns": [{"speaker": "collector", "text": "Hello"}]}), encoding="utf-8")
    ((_, t),) = read_file(p, scenario="third_party")
    assert (t.id, t.locale, t.scenario) == ("call-7", "en-US", "third_party")


def test_gb18030_text_and_binary_files(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes(ZH_TEXT.encode("gb18030"))
    ((_, t),) = read_file(p)
    assert t.turns[0].text.startswith("您好")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x81\x00")
    ((_, err),) = read_file(bad)
    assert isinstance(err, ReadError) and "UTF-8" in str(err)


def test_folder_is_read_recursively(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(ZH_TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(EN_TEXT, encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    ids = sorted(t.id for _, t in read_paths([tmp_path]))
    assert ids == ["a", "b"]


# ---------------------------------------------------------------- CLI with a stand-in grader


@pytest.fixture
def fake_grade(monkeypatch):
    """Grade with the keyword analyzer and hand-built corpus of test_scorecard (no models, no corpus files)."""
    from test_scorecard import ctx_factory, fake_analyze, make_corpus

    from grading.scorecard import grade

    corpus = make_corpus()
    monkeypatch.setattr(
        grading_cli,
        "_grade_one",
        lambda t: grade(t, corpus, analyzer=fake_analyze, context_factory=ctx_factory),
    )


def test_grade_one_file_prints_json(tmp_path, fake_grade):
    p = tmp_path / "call.txt"
    p.write_text(ZH_TEXT, encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", str(p)])
    assert r.exit_code == 0, r.output
    card = json.loads(r.stdout)
    assert card["transcript_id"] == "call" and card["locale"] == "zh-CN"


def test_grade_folder_with_broken_file_reports_and_exits_1(tmp_path, fake_grade):
    d = tmp_path / "calls"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(ZH_TEXT, encoding="utf-8")
    (d / "sub" / "b.txt").write_text(EN_TEXT.replace("Agent", "Collector"), encoding="utf-8")
    (d / "broken.json").write_text('{"id": "x", "turns": [', encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["grade", str(d), "--format", "csv", "--out", str(out)])
    assert r.exit_code == 1
    assert "broken.json:1" in r.stderr and "invalid JSON" in r.stderr
    assert "graded 2 call(s)" in r.stderr
    rows = list(csv.DictReader(io.StringIO((out / "calls.csv").read_text(encoding="utf-8-sig"))))
    assert sorted(r["transcript_id"] for r in rows) == ["a", "b"]
    assert (out / "findings.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("fmt", ["json", "html", "pdf"])
def test_grade_writes_one_file_per_call(tmp_path, fake_grade, fmt):
    p = tmp_path / "calls.jsonl"
    t = {"locale": "zh-CN", "turns": [{"speaker": "collector", "text": "您好，工号1234"}]}
    p.write_text(
        json.dumps({**t, "id": "a/1"}) + "\n" + json.dumps({**t, "id": "b"}) + "\n", encoding="utf-8"
    )
    r = CliRunner().invoke(main, ["grade", str(p), "--format", fmt, "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert sorted(x.name for x in (tmp_path / "o").iterdir()) == [f"a_1.{fmt}", f"b.{fmt}"]


def test_grade_exit_codes_for_usage_and_missing_files(tmp_path, fake_grade):
    runner = CliRunner()
    assert runner.invoke(main, ["grade", str(tmp_path / "nope.json")]).exit_code == 1
    assert runner.invoke(main, ["grade", "--format", "xml", "x"]).exit_code == 2
    p = tmp_path / "c.txt"
    p.write_text(EN_TEXT, encoding="utf-8")
    r = runner.invoke(main, ["grade", str(p), "--format", "pdf"])
    assert r.exit_code == 2 and "--out" in r.output


def test_grade_unknown_scenario_is_reported_not_raised(tmp_path, fake_grade):
    p = tmp_path / "c.txt"
    p.write_text(EN_TEXT, encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", str(p), "--scenario", "nope"])
    assert r.exit_code == 1 and "unknown scenario 'nope'" in r.stderr and "c.txt" in r.stderr


def test_check_prints_findings_with_exit_0(monkeypatch):
    import sys
    import types

    def analyze(text, ctx):
        v = NS(category="threat_legal", severity="critical", quote="坐牢", rule_id="r", rule="law", suggestion="s",
               description="d")  # fmt: skip
        return NS(acts={}, violations=[v], worst_severity="critical", mentions_debt=True, ptp=None)

    fake = types.ModuleType("grading.analyze")
    fake.Context = lambda **kw: NS(**kw)
    fake.analyze = analyze
    fake.embedder_status = lambda: "lexical only: test"
    monkeypatch.setitem(sys.modules, "grading.analyze", fake)
    r = CliRunner().invoke(main, ["check", "--locale", "zh-CN", "--context", "third_party", "不还就坐牢"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["worst_severity"] == "critical" and d["context"] == "third_party"
    assert d["violations"][0]["quote"] == "坐牢"
    assert CliRunner().invoke(main, ["check", "--context", "boss", "x"]).exit_code == 2


# ---------------------------------------------------------------- end to end with the real grader


@pytest.fixture
def lexical(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")


def test_real_grade_plain_text_both_locales(tmp_path, lexical):
    zh = tmp_path / "zh.txt"
    zh.write_text(
        "坐席：您好，我是华信银行信用卡中心的客服专员，我姓王，工号1234。\n客户：喂？\n"
        "坐席：请问您是陈志远先生本人吗？\n客户：是我。\n坐席：你要是再不还钱，就等着坐牢吧！\n",
        encoding="utf-8",
    )
    en = tmp_path / "en.txt"
    en.write_text(EN_TEXT, encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", str(zh), str(en)])
    assert r.exit_code == 0, r.output
    cards = {c["transcript_id"]: c for c in json.loads(r.stdout)}
    assert cards["zh"]["locale"] == "zh-CN" and not cards["zh"]["passed"]
    assert (
        cards["zh"]["violations"][0]["turn"] == 4 and cards["zh"]["violations"][0]["severity"] == "critical"
    )
    assert cards["en"]["locale"] == "en-US"
    assert "note: lexical only" in r.stderr


def test_real_check_command(lexical):
    r = CliRunner().invoke(
        main, ["check", "--locale", "zh-CN", "--context", "debtor", "你要是再不还钱，就等着坐牢吧！"]
    )
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["worst_severity"] == "critical" and d["violations"][0]["category"] == "threat_legal"
    clean = json.loads(CliRunner().invoke(main, ["check", "请问您是陈志远先生本人吗？"]).stdout)
    assert clean["violations"] == [] and "verify_identity" in clean["acts"] and clean["locale"] == "zh-CN"
