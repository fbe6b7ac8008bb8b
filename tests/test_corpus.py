"""The scripts corpora: complete, cited, and consistent with the detector that reads them."""

from pathlib import Path

import pytest

from grading.acts import STEP_IDS, Category
from grading.analyze import Context, analyze
from simulator.loader import data_root, load_corpus, load_corpus_file
from simulator.models import SERVICE_SITUATIONS

LOCALES = ["zh-CN", "en-US"]

# A citation each category must carry (DOMAIN.md "Rules to cite").
CITES = {
    "zh-CN": {
        "threat_violence": "刑法 §293-1",
        "threat_legal": "§19",
        "insult": "民法典 §1024",
        "harassment": "§1033(1)",
        "third_party_disclosure": "个人信息保护法 §6",
        "impersonation": "刑法 §279",
        "misrepresentation": "中国银行业协会",
    },
    "en-US": {
        "threat_violence": "15 USC 1692d(1)",
        "threat_legal": "1692e(4)",
        "insult": "1692d(2)",
        "harassment": "1692d(5)",
        "third_party_disclosure": "1692c(b)",
        "impersonation": "1692e(",
        "misrepresentation": "1692e(2)",
    },
}


@pytest.fixture(autouse=True)
def _lexical(monkeypatch):
    monkeypatch.setenv("COLLECTSIM_EMBEDDINGS", "none")


@pytest.mark.parametrize("locale", LOCALES)
def test_corpus_file_validates_and_points_at_schema(locale):
    path = data_root("scripts_corpus") / f"{locale}.yaml"
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=corpus.schema.json")
    corpus = load_corpus_file(path)
    assert corpus.locale == locale
    assert Path(path.parent / "corpus.schema.json").exists()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_step_present_with_phrasings_and_cues(locale):
    corpus = load_corpus(locale)
    ids = {s.id for s in corpus.steps}
    expected = set(STEP_IDS) - ({"mini_miranda"} if locale == "zh-CN" else set())
    assert expected <= ids
    for step in corpus.steps:
        assert len(step.phrasings) >= 3, step.id
        assert step.variants and step.cues and step.why, step.id


@pytest.mark.parametrize("locale", LOCALES)
def test_step_phrasings_are_recognised_as_their_step(locale):
    corpus = load_corpus(locale)
    third = {"verify_relationship", "request_callback"}
    for step in corpus.steps:
        for line in step.phrasings + step.variants:
            ctx = Context(locale=locale, party="third_party" if step.id in third else "debtor", verified=True)
            a = analyze(line, ctx)
            assert a.has(step.id), (step.id, line, sorted(a.acts))
            assert not a.violations, (line, a.violations)


@pytest.mark.parametrize("locale", LOCALES)
def test_twelve_service_situations_recognised(locale):
    corpus = load_corpus(locale)
    assert sorted(p.id for p in corpus.service_phrases) == sorted(SERVICE_SITUATIONS)
    for p in corpus.service_phrases:
        for line in p.phrasings:
            a = analyze(line, Context(locale=locale, verified=True))
            assert p.id in a.services and a.has("service_phrase"), (p.id, line)


@pytest.mark.parametrize("locale", LOCALES)
def test_all_categories_have_several_cited_rules(locale):
    corpus = load_corpus(locale)
    for cat in Category:
        rules = [r for r in corpus.rules if r.category == cat]
        assert len(rules) >= 2, cat
        assert any(CITES[locale][cat] in r.citation for r in rules), (cat, [r.citation for r in rules])
        for r in rules:
            assert r.patterns and len(r.examples) >= 2 and r.suggestion
            if cat == Category.third_party_disclosure:
                # what is said to a third party; or a disclosure already made, which is admitted to anyone
                assert r.context == "third_party" or (
                    r.context == "any" and r.id.endswith(".reported_disclosure")
                )
    severities = {r.severity for r in corpus.rules}
    assert {"critical", "major", "minor"} <= severities


@pytest.mark.parametrize("locale", LOCALES)
def test_every_rule_example_is_flagged_with_its_category(locale):
    for rule in load_corpus(locale).rules:
        party = "third_party" if rule.context == "third_party" else "debtor"
        for example in rule.examples:
            a = analyze(example, Context(locale=locale, party=party, verified=True))
            assert rule.category in [f.category for f in a.violations], (rule.id, example)


@pytest.mark.parametrize("locale", LOCALES)
def test_rule_suggestions_are_themselves_compliant(locale):
    for rule in load_corpus(locale).rules:
        party = "third_party" if rule.context == "third_party" else "debtor"
        a = analyze(rule.suggestion, Context(locale=locale, party=party, verified=True))
        assert not a.violations, (rule.id, rule.suggestion, a.violations)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("verified", [True, False])
def test_lawful_firm_lines_are_never_flagged(locale, verified):
    lines = load_corpus(locale).lawful_firm
    assert len(lines) >= 25
    for line in lines:
        a = analyze(line, Context(locale=locale, party="debtor", verified=verified))
        # stating the debt before verification is flagged by who may be listening, not by the wording
        found = [f for f in a.violations if f.rule_id != "unverified_disclosure"]
        assert not found, (line, [(f.rule_id, f.quote) for f in found])


@pytest.mark.parametrize("locale", LOCALES)
def test_scenarios_follow_the_design(locale):
    corpus = load_corpus(locale)
    ids = {s.id for s in corpus.scenarios}
    needed = {"first_contact", "broken_promise", "third_party", "wrong_number", "hardship"}
    assert needed | {"identity_dispute", "deceased", "grievance"} <= ids
    first = corpus.scenario("first_contact").steps
    assert first[0] == "greeting_identity" and first[-1] == "close" and "confirm_ptp" in first
    if locale == "en-US":
        assert first[first.index("verify_identity") + 1] == "mini_miranda"
    else:
        assert "mini_miranda" not in first
    assert "reference_prior_promise" in corpus.scenario("broken_promise").steps
    tp = corpus.scenario("third_party")
    assert tp.context == "third_party"
    assert tp.steps == ["greeting_identity", "verify_relationship", "request_callback", "close"]
    assert corpus.scenario("wrong_number").context == "third_party"


@pytest.mark.parametrize("locale", LOCALES)
def test_rubric(locale):
    rubric = load_corpus(locale).rubric
    assert 0 < rubric.pass_mark <= 100
    assert set(rubric.weights) == {"compliance", "script", "soft_skills", "outcome"}
    assert (
        rubric.severity_penalty["critical"]
        > rubric.severity_penalty["major"]
        > rubric.severity_penalty["minor"]
    )
