"""The learned line classifier (grading/learned.py) and its trainer (grading/train.py): the shipped model
matches its data and scores what scikit-learn scored, it adds findings the rule paths miss with a quote and
a rule, it leaves lawful firm lines alone, and bad model or training files get errors that name them."""

import json
import subprocess
import sys

import pytest

import grading.analyze as analyze_mod
from grading import learned, train
from grading.analyze import Context, analyze

ZH = Context(locale="zh-CN", verified=True)
EN = Context(locale="en-US", verified=True)
ZH_TP = Context(locale="zh-CN", party="third_party", scenario="third_party")
EN_TP = Context(locale="en-US", party="third_party", scenario="third_party")


@pytest.fixture
def learned_only(monkeypatch):
    """Rule paths off, so a finding can only come from the model."""
    monkeypatch.setattr(analyze_mod, "lexical_findings", lambda norm, ctx: [])
    monkeypatch.setattr(analyze_mod, "context_findings", lambda norm, ctx, debt, found: [])
    monkeypatch.setattr(analyze_mod, "veiled_findings", lambda norm, ctx, found: [])
    learned.configure(None)
    yield
    learned.configure(None)


def cats(text, ctx, **kw):
    return {str(f.category) for f in analyze(text, ctx, semantic=False, **kw).violations}


# ------------------------------------------------------------------ the shipped model


def test_shipped_model_is_built_from_the_current_training_data():
    header, models = learned.read_model(learned.MODEL_PATH)
    assert header["data_sha256"] == train.data_digest(), "run: python -m grading.train"
    assert set(models) == {"zh-CN", "en-US"}
    for m in models.values():
        assert set(m.thresholds) == set(learned.CATEGORIES)
        assert all(0.5 <= t < 1 for t in m.thresholds.values())


def test_check_command_says_up_to_date():
    r = subprocess.run([sys.executable, "-m", "grading.train", "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "up to date" in r.stdout


# Paraphrases written for this test (not in any training or benchmark file): no rule keyword, each
# carries one category by implication.
ZH_PARAPHRASES = [
    ("你每天下班走的那条小巷子挺黑的，路灯也坏了好几盏，一个人走可得小心点。", "threat_violence"),
    ("再拖着不还，过几天就会有穿制服的上门把你带走，到时候别后悔。", "threat_legal"),
    ("你这种人也配借钱？脸皮比城墙还厚。", "insult"),
    ("你们单位的工作群我已经加进去了，明天就把你的事发上去让大家评评理。", "harassment"),
]
EN_PARAPHRASES = [
    (
        "Nice little house you've got on Maple, be a real pity if something happened to it while you sleep.",
        "threat_violence",
    ),
    (
        "Keep ignoring this and the folks in uniform will be knocking to take you downtown in cuffs.",
        "threat_legal",
    ),
    ("Honestly, a toddler could manage money better than you, genius.", "insult"),
    ("I'll just keep ringing your office every hour until your boss asks what's going on.", "harassment"),
]


@pytest.mark.parametrize(("text", "cat"), ZH_PARAPHRASES + EN_PARAPHRASES)
def test_model_flags_a_paraphrase_with_a_quote_and_a_rule_of_its_category(learned_only, text, cat):
    ctx = ZH if any("\u4e00" <= ch <= "\u9fff" for ch in text) else EN
    a = analyze(text, ctx, semantic=False)
    found = [f for f in a.violations if str(f.category) == cat]
    assert found, f"{text!r}: {learned.score_line(text, ctx)}"
    f = found[0]
    assert f.method == "learned"
    assert f.quote and f.quote in text and text[f.start : f.end] == f.quote
    assert f.rule_id.split(".")[1] and f.rule and f.suggestion
    # the same line without the model: the rule paths alone (switched off here) find nothing
    assert not analyze(text, ctx, semantic=False, learned=False).violations


LAWFUL = [
    ("如果一直不还款，银行有权依法向法院提起诉讼，逾期记录也会报送征信系统。", ZH),
    ("请您注意文明用语，我们好好沟通，把还款的事情说清楚。", ZH),
    ("您家人不需要替您还这笔钱，我们也不会去联系您的单位。", ZH),
    ("您好，请问张伟先生在吗？麻烦您转告他回个电话，号码是4008123456，谢谢。", ZH_TP),
    (
        "If the balance stays unpaid, the creditor may decide to file a lawsuit, and late payments are reported to the credit bureaus.",
        EN,
    ),
    ("I understand you're frustrated, but I'd ask that we keep the language civil so I can help you.", EN),
    ("Nobody is coming to your home and you are not going to be arrested over this account.", EN),
    (
        "Hi, this is Sam from Northgate. Could you ask Maria to call me back at 800-555-0142? Thank you.",
        EN_TP,
    ),
]


@pytest.mark.parametrize(("text", "ctx"), LAWFUL)
def test_model_leaves_lawful_firm_lines_alone(learned_only, text, ctx):
    assert analyze(text, ctx, semantic=False).violations == [], learned.score_line(text, ctx)


def test_disclosure_is_scored_only_with_a_third_party_listening(learned_only):
    line = "She's three payments behind on the Visa, $2,400 overdue, so please get her to pay it."
    assert "third_party_disclosure" in cats(line, EN_TP)
    assert "third_party_disclosure" not in cats(line, EN)


@pytest.mark.parametrize(
    ("text", "ctx", "cat", "inside", "outside"),
    [
        (
            "Okay. Honestly, a toddler could manage money better than you, genius.",
            EN,
            "insult",
            "toddler",
            "Okay",
        ),
        (
            "我知道了。你每天下班走的那条小巷子挺黑的，一个人走可得小心点。",
            ZH,
            "threat_violence",
            "小巷子",
            "我知道了",
        ),
    ],
)
def test_quote_is_the_sentence_that_carries_the_violation(learned_only, text, ctx, cat, inside, outside):
    f = next(f for f in analyze(text, ctx, semantic=False).violations if str(f.category) == cat)
    assert inside in f.quote and outside not in f.quote


def test_turned_off_by_setting(monkeypatch, learned_only):
    text, _ = EN_PARAPHRASES[2]
    monkeypatch.setenv("COLLECTSIM_LINE_MODEL", "none")
    learned.configure(None)
    assert analyze(text, EN, semantic=False).violations == []
    assert learned.status().startswith("learned line model: off")


def test_broken_model_file_is_named_with_the_fix(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"not a model")
    learned.configure(bad)
    try:
        assert learned.model_for("en-US") is None
        assert str(bad) in learned.status() and "python -m grading.train" in learned.status()
        assert analyze("You idiot.", EN, semantic=False).violations  # the rule paths still run
    finally:
        learned.configure(None)
    with pytest.raises(learned.ModelError, match="missing"):
        learned.read_model(tmp_path / "absent.bin")


# ------------------------------------------------------------------ training


def _write(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")


def test_training_round_trip_scores_like_scikit_learn(tmp_path):
    """A model written and read back scores every locale as the fitted regression did (the weights of
    the two locales are not mixed up, quantisation changes nothing that matters)."""
    np = pytest.importorskip("numpy")
    pytest.importorskip("sklearn")
    data = tmp_path / "train"
    data.mkdir()
    _write(
        data / "en-US_x.jsonl",
        [
            {"text": "You are a useless clown.", "labels": ["insult"], "context": "debtor", "verified": True},
            {"text": "Thanks for your time today.", "labels": [], "context": "debtor", "verified": True},
        ],
    )
    _write(
        data / "zh-CN_x.jsonl",
        [
            {"text": "你就是个没用的废物。", "labels": ["insult"], "context": "debtor", "verified": True},
            {"text": "感谢您的配合，祝您生活愉快。", "labels": [], "context": "debtor", "verified": True},
        ],
    )
    out = tmp_path / "m.bin"
    meta = train.train(data, out, C=4.0)
    assert meta["data_sha256"] == train.data_digest(data)
    _, models = learned.read_model(out)
    for loc in ("zh-CN", "en-US"):
        rows = train.load_locale(data, loc)
        for r in rows:
            r["_found"] = train.rule_findings(r, loc)
        X = train._matrix(rows, loc)
        y = np.array(["insult" in r["labels"] for r in rows])
        want = train._fit(X, y, 4.0).predict_proba(X)[:, 1]
        got = [
            models[loc].scores(
                train.normalize(r["text"]).clean.text,
                r.get("context") == "third_party",
                learned.rule_evidence(r["_found"]),
            )["insult"]
            for r in rows
        ]
        assert max(abs(g - w) for g, w in zip(got, want, strict=True)) < 1e-3, loc


def test_bad_training_row_names_file_line_and_field(tmp_path):
    data = tmp_path / "train"
    data.mkdir()
    _write(
        data / "en-US_bad.jsonl",
        [
            {"text": "fine", "labels": [], "context": "debtor"},
            {"text": "You idiot", "labels": ["insults"], "context": "debtor"},
        ],
    )
    with pytest.raises(
        train.TrainDataError, match=r"en-US_bad\.jsonl:2: labels - \['insults'\]; use a list of"
    ):
        train.load_locale(data, "en-US")
    _write(data / "en-US_bad.jsonl", [{"text": "x", "labels": [], "context": "boss"}])
    with pytest.raises(
        train.TrainDataError, match=r"en-US_bad\.jsonl:1: context - 'boss'; use debtor or third_party"
    ):
        train.load_locale(data, "en-US")
    r = subprocess.run(
        [sys.executable, "-m", "grading.train", "--data", str(data), "--out", str(tmp_path / "m.bin")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "en-US_bad.jsonl:1: context" in r.stderr
    assert not (tmp_path / "m.bin").exists()


def test_scorecard_quotes_the_line_the_model_flagged_and_names_the_model():
    from grading.scorecard import grade

    line = "Honestly, a toddler could manage money better than you, genius."
    card = grade(
        {
            "id": "learned-1",
            "locale": "en-US",
            "scenario": "first_contact",
            "turns": [
                {
                    "speaker": "collector",
                    "text": "Hi, this is Sam from Northgate. Am I speaking with Maria Lopez?",
                },
                {"speaker": "debtor", "text": "Yeah, that's me. What do you want?"},
                {"speaker": "collector", "text": line},
            ],
        }
    )
    v = [v for v in card.violations if str(v.category) == "insult"]
    assert v and v[0].quote in line and "toddler" in v[0].quote and v[0].turn == 2
    assert "learned line model: on" in card.analyzer


def test_model_drops_a_rule_finding_it_scores_very_low():
    """A friendly word about the roads trips the veiled-threat rule ("careful ... tonight"); the model
    has seen such lines and vetoes it."""
    line = "Be careful on the highway tonight."
    rules_only = analyze(line, EN, semantic=False, learned=False).violations
    assert [str(f.category) for f in rules_only] == ["threat_violence"]
    assert analyze(line, EN, semantic=False).violations == []
    assert max(learned.score_line(line, EN).values()) < learned.model_for("en-US").veto_for(line)


def test_negated_lines_get_their_own_veto_level():
    for loc, negated, plain in [
        ("zh-CN", "我们不会去你家。", "我们明天去你家。"),
        ("en-US", "We won't call your boss.", "We will call your boss."),
    ]:
        model = learned.model_for(loc)
        assert model.veto_for(negated) == model.veto_negated
        assert model.veto_for(plain) == model.veto
        # both levels are chosen out of fold; neither may reach past the model's even odds
        assert 0.0 <= model.veto <= 0.5 and 0.0 < model.veto_negated <= 0.5


def test_a_line_the_model_flags_keeps_every_rule_finding():
    """The veto is line-level: a line the model flags for harassment keeps the rules' insult finding
    even though the model's insult score is low ('要不要脸' at the end of a harassment threat)."""
    line = "还有，明天我就打到你们单位，再把你的事发给你通讯录里每一个人，看你还要不要脸。"
    rules_only = {str(f.category) for f in analyze(line, ZH, semantic=False, learned=False).violations}
    assert rules_only == {"harassment", "insult"}
    scores = learned.score_line(line, ZH)
    assert scores["insult"] < learned.model_for("zh-CN").veto_for(line) <= scores["harassment"]
    assert cats(line, ZH) == {"harassment", "insult"}


def test_disclosure_before_verification_is_flagged():
    line = "You owe $2,300 on the Visa and it's three months late."
    unverified = Context(locale="en-US", verified=False)
    assert "third_party_disclosure" in cats(line, unverified)


@pytest.mark.parametrize(("text", "ctx"), [("就这样。", ZH), ("Okay, bye.", EN)])
def test_too_short_for_the_model_alone(learned_only, text, ctx):
    assert not learned.enough_text(train.normalize(text).clean.text, "zh" if ctx is ZH else "en")
    assert analyze(text, ctx, semantic=False).violations == []


def test_blind_benchmark_sets_never_train_the_model():
    files = {p.name for loc in train.LOCALES for p in train.training_files(train.DATA_DIR, loc)}
    trained = set()
    for loc in train.LOCALES:
        trained |= {train.normalize(r["text"]).clean.text for r in train.load_locale(train.DATA_DIR, loc)}
    for name in train.BLIND_SETS:
        for loc in train.LOCALES:
            blind = train.BENCH_DIR / f"{name}_lines_{loc}.jsonl"
            assert blind.exists() and blind.name not in files
            texts = {train.normalize(r["text"]).clean.text for r in train.read_rows(blind)}
            # sets written independently share a few stock lines ("Sorry for the wait"); no more
            assert texts and len(trained & texts) <= 0.02 * len(texts), sorted(trained & texts)


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        (
            "en-US",
            "Is this Marco? About the dental implants from last spring, nothing has come in since May.",
        ),
        ("zh-CN", "喂，是周先生吗？您年初装的那套净水器，后面几个月的钱一直没见到。"),
    ],
)
def test_the_debt_named_by_its_object_before_verification_is_a_disclosure(locale, line):
    """No debt word, so no rule fires; the model reads an unverified listener like a third party.
    The finding is the before-verification rule (major), so the scorecard can treat it as an order
    mistake once the call verifies."""
    assert (
        analyze(line, Context(locale=locale, verified=False), semantic=False, learned=False).violations == []
    )
    found = analyze(line, Context(locale=locale, verified=False), semantic=False).violations
    assert [(str(f.category), f.rule_id, f.severity, f.method) for f in found] == [
        ("third_party_disclosure", "unverified_disclosure", "major", "learned")
    ]
    assert analyze(line, Context(locale=locale, verified=True), semantic=False).violations == []


def test_an_unverified_opener_stays_clean():
    line = "Is this Marco? This is Dana from Pinecrest, I'm calling on a personal business matter."
    assert analyze(line, Context(locale="en-US", verified=False), semantic=False).violations == []


def test_a_greeting_that_names_the_creditor_stays_clean():
    # an in-house collector names the bank it works for; posing as the bank needs more than its name
    line = "Hello, this is Dana Miller calling from Cobalt Bank, agent ID 4471. Am I speaking with Brent Holloway?"
    ctx = Context(locale="en-US", verified=False)
    assert analyze(line, ctx, semantic=False).violations == [], learned.score_line(line, ctx)
