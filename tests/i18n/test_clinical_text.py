"""The clinical text of the self-assessment tools goes through the catalogue: every text the
engine shows is extracted, Welsh pages show it in Welsh, and English that must still appear
on a Welsh page (a source's title, advice kept from an older version) is marked lang="en"."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

import triage_algorithms
from myhealth.selfcare.i18n import extract_pathways
from tests.i18n.extract import CATALOGUE, extracted_ids
from triage_algorithms.engine import PATHWAYS_DIR


def texts_of(algorithm) -> set[str]:
    """Every text of an algorithm a person may read, as the engine holds it."""
    texts = {algorithm.title, algorithm.summary, algorithm.audience}
    for question in algorithm.questions:
        texts |= {question.text, question.help, *question.item_texts}
        for choice in question.choices:
            texts |= {choice.label, choice.help}
        if question.not_sure is not None:
            texts.add(question.not_sure.reason)
    for rule in (*getattr(algorithm, "red_flags", ()), *getattr(algorithm, "rules", ())):
        texts |= {rule.reason, *_paragraphs(rule.care_advice), *_paragraphs(rule.worsening_advice)}
    return {text for text in texts if text}


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.split("\n\n") if part.strip()]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """The messages Babel extracts, as `make translations-extract` does."""
    return extracted_ids(tmp_path_factory.mktemp("pot") / "messages.pot")


@pytest.mark.parametrize("entry", triage_algorithms.catalogue(), ids=lambda e: e["id"])
def test_every_text_of_every_tool_is_in_the_catalogue(entry, extracted):
    algorithm = triage_algorithms.load(entry["id"])
    missing = sorted(texts_of(algorithm) - extracted)
    assert not missing, f"{entry['id']}: texts not extracted for translation: {missing[:5]}"


def test_the_pathway_extractor_skips_source_titles_and_reads_folded_text():
    with (PATHWAYS_DIR / "_emergency_screen.yaml").open("rb") as fh:
        found = [message for _line, _func, message, _comments in extract_pathways(fh, [], [], {})]
    assert "Severe difficulty breathing, choking or gasping" in found
    assert not any(message.startswith("NHS:") for message in found), "source titles stay English"
    assert all(message == message.strip() and "  " not in message for message in found)


def test_every_clinical_text_has_a_welsh_translation():
    with CATALOGUE.open("rb") as fh:
        welsh = {m.id: m.string for m in read_po(fh) if m.id and not m.fuzzy}
    untranslated = sorted(
        text
        for entry in triage_algorithms.catalogue()
        for text in texts_of(triage_algorithms.load(entry["id"]))
        if not welsh.get(text)
    )
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"


def welsh(client, path: str):
    client.get("/language/cy")
    return client.get(path)


def test_a_welsh_question_page_is_in_welsh_and_marks_nothing_english(client):
    from tests.selfcare.helpers import start

    client.get("/language/cy")
    first = start(client, "chest_pain").headers["Location"]
    page = BeautifulSoup(client.get(first).get_data(as_text=True), "html.parser")
    assert page.html["lang"] == "cy"
    legend = page.select_one("legend").get_text(" ", strip=True)
    screen = triage_algorithms.load("chest_pain").questions[0]
    assert screen.text not in legend, "the question is shown in Welsh"
    assert not page.select('main [lang="en"]'), "no English left on the page"


def test_english_that_stays_on_a_welsh_page_is_marked(client):
    page = BeautifulSoup(
        welsh(client, "/self-assessment/chest_pain").get_data(as_text=True), "html.parser"
    )
    sources = page.select('details a[href^="https://"]')
    assert sources and all(link.get("lang") == "en" for link in sources)


def test_untranslated_text_is_shown_in_english_marked_lang_en(app):
    from myhealth.selfcare.i18n import clinical, paragraphs

    with app.test_request_context(headers={"Accept-Language": "cy"}):
        shown = str(clinical("Words from an older version of a tool."))
        assert shown == '<span lang="en">Words from an older version of a tool.</span>'
        assert str(clinical("<b>bold</b>")) == '<span lang="en">&lt;b&gt;bold&lt;/b&gt;</span>'
        assert str(clinical("")) == ""
        assert len(paragraphs("One.\n\nTwo.")) == 2
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(clinical("Words from an older version of a tool.")) == (
            "Words from an older version of a tool."
        )
