"""PHQ-9 (Kroenke, Spitzer and Williams 2001) and GAD-7 (Spitzer et al. 2006): every band edge
of the published severity bands, the review thresholds, item 9 and the validation of answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_algorithms.core import REVIEW_THRESHOLD, SUPPORT_PAGES, InvalidAnswers
from triage_algorithms.scores import phq9
from triage_algorithms.scores.gad7 import Gad7
from triage_algorithms.scores.phq9 import Phq9

PHQ9 = Phq9()
GAD7 = Gad7()
PHQ9_BANDS = ["none-minimal", "mild", "moderate", "moderately-severe", "severe"]
GAD7_BANDS = ["minimal", "mild", "moderate", "severe"]


def spread(total: int, length: int, last: int = 0) -> list[int]:
    """Answers adding up to ``total``, with the last item set to ``last``."""
    items = [0] * length
    items[-1] = last
    remaining = total - last
    for index in range(length - 1):
        items[index] = min(3, remaining)
        remaining -= items[index]
    assert remaining == 0
    return items


# Kroenke 2001: 0-4 none-minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe.
@pytest.mark.parametrize(
    ("total", "band", "disposition", "urgency", "review"),
    [
        (0, "none-minimal", "self_care", 0, False),
        (4, "none-minimal", "self_care", 0, False),
        (5, "mild", "self_care", 0, False),
        (9, "mild", "self_care", 0, False),
        (10, "moderate", "gp_within_3_days", 1, True),
        (14, "moderate", "gp_within_3_days", 1, True),
        (15, "moderately-severe", "gp_within_3_days", 1, True),
        (19, "moderately-severe", "gp_within_3_days", 1, True),
        (20, "severe", "gp_today", 2, True),
        (24, "severe", "gp_today", 2, True),
    ],
)
def test_phq9_band_edges(total, band, disposition, urgency, review):
    outcome = PHQ9.evaluate({"items": spread(total, 9)})
    assert (outcome.score, outcome.band) == (total, band)
    assert (outcome.disposition, outcome.urgency) == (disposition, urgency)
    assert outcome.flags == ([REVIEW_THRESHOLD] if review else [])
    assert [reason.rule for reason in outcome.rationale] == ["phq9.total", f"phq9.band.{band}"]
    assert outcome.rationale[0].sources[0].url.startswith("https://doi.org/10.1046/")
    assert outcome.version == "PHQ-9 (Kroenke 2001)"


def test_phq9_item_9_is_flagged_whatever_the_total():
    outcome = PHQ9.evaluate({"items": [0, 0, 0, 0, 0, 0, 0, 0, 1]})
    assert (outcome.score, outcome.band) == (1, "none-minimal")
    assert outcome.flags == ["suicidal_thoughts", REVIEW_THRESHOLD]
    assert (outcome.disposition, outcome.urgency) == ("gp_today", 2)
    assert outcome.rationale[-1].rule == "phq9.item9"
    assert "116 123" in outcome.care_advice and "999" in outcome.care_advice
    assert "do not suggest depression" not in outcome.care_advice


def test_phq9_reasons_are_a_template_for_the_total_and_a_message_for_the_band():
    total, band = PHQ9.evaluate({"items": spread(12, 9)}).rationale
    assert total.text == "Your answers add up to 12 out of 27."
    assert total.template == "Your answers add up to %(total)s out of 27."
    assert total.params == {"total": 12}
    assert total.to_dict()["params"] == {"total": 12}
    assert band.text == "A total of 10 to 14 means moderate depression."
    assert (band.template, band.params) == ("", {})
    texts = {PHQ9.evaluate({"items": spread(t, 9)}).rationale[1].text for t in (0, 5, 15, 20)}
    assert texts == {
        "A total of 0 to 4 means no or minimal depression.",
        "A total of 5 to 9 means mild depression.",
        "A total of 15 to 19 means moderately severe depression.",
        "A total of 20 to 27 means severe depression.",
    }


@pytest.mark.parametrize(
    ("items", "band"),
    [(spread(1, 9, last=1), "none-minimal"), (spread(6, 9, last=1), "mild"), ([3] * 9, "severe")],
)
def test_phq9_item_9_advice_is_its_own_paragraph(items, band):
    advice = PHQ9.evaluate({"items": items}).care_advice.split("\n\n")
    if band == "none-minimal":
        assert advice == [phq9.SUICIDAL_ADVICE]
    else:
        assert advice == [phq9.SUICIDAL_ADVICE, phq9.CARE_ADVICE[band]]


@pytest.mark.parametrize(
    ("answers", "support"),
    [
        ({}, None),
        ({"items": []}, None),
        ({"items": None}, None),
        ({"items": "not a list"}, None),
        ({"items": [None] * 9}, None),
        ({"items": [3, 3, 3]}, None),
        ({"items": [3] * 8}, None),
        ({"items": [3] * 8 + [None]}, None),
        ({"items": [3] * 8 + [0]}, None),
        ({"items": [0] * 8 + [1]}, "suicidal_thoughts"),
        ({"items": [None] * 8 + [2]}, "suicidal_thoughts"),
        ({"items": [0, 0, None, None, None, None, None, None, 3]}, "suicidal_thoughts"),
        ({"items": [0] * 8 + ["1"]}, "suicidal_thoughts"),
        ({"items": [0] * 8 + ["0"]}, None),
        ({"items": [0] * 8 + ["dont_know"]}, None),
        ({"items": [0] * 8 + [False]}, None),
    ],
)
def test_phq9_interrupts_for_item_9_on_partial_answers(answers, support):
    assert PHQ9.interrupt(answers) == support
    assert support is None or support in SUPPORT_PAGES


def test_gad7_never_interrupts():
    assert GAD7.interrupt({"items": [3] * 7}) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9), st.integers(0, 9))
def test_phq9_interrupt_agrees_with_the_outcome(items, answered):
    partial = items[:answered] + [None] * (9 - answered)
    expected = "suicidal_thoughts" if answered == 9 and items[8] > 0 else None
    assert PHQ9.interrupt({"items": partial}) == expected
    flagged = "suicidal_thoughts" in PHQ9.evaluate({"items": items}).flags
    assert (PHQ9.interrupt({"items": items}) == "suicidal_thoughts") is flagged


def test_phq9_item_9_with_a_high_total_keeps_the_more_urgent_answer():
    moderate = PHQ9.evaluate({"items": spread(12, 9, last=2)})
    assert moderate.flags == [REVIEW_THRESHOLD, "suicidal_thoughts"]
    assert (moderate.band, moderate.urgency) == ("moderate", 2)
    assert moderate.care_advice.endswith("talking therapies.")
    severe = PHQ9.evaluate({"items": [3] * 9})
    assert (severe.score, severe.band, severe.urgency) == (27, "severe", 2)
    assert severe.disposition == "gp_today"


@pytest.mark.parametrize(
    ("total", "band", "review"),
    [
        (0, "minimal", False),
        (4, "minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "severe", True),
        (21, "severe", True),
    ],
)
def test_gad7_band_edges(total, band, review):
    outcome = GAD7.evaluate({"items": spread(total, 7, last=min(3, total))})
    assert (outcome.score, outcome.band) == (total, band)
    assert outcome.flags == ([REVIEW_THRESHOLD] if review else [])
    assert outcome.urgency == (1 if review else 0)
    assert outcome.disposition == ("gp_within_3_days" if review else "self_care")
    assert [reason.rule for reason in outcome.rationale] == ["gad7.total", f"gad7.band.{band}"]
    assert outcome.version == "GAD-7 (Spitzer 2006)"


@pytest.mark.parametrize(("algorithm", "length"), [(PHQ9, 9), (GAD7, 7)])
@pytest.mark.parametrize(
    ("items", "message"),
    [
        ("not a list", "Give a list of whole numbers"),
        ([0, 0], "Give exactly {length} answers, not 2"),
        ("short", "Give exactly {length} answers, not {short}"),
        ("too high", "Item 2: Must be between 0 and 3"),
        ("negative", "Item 1: Must be between 0 and 3"),
        ("fraction", "Item 1: Enter a whole number"),
        ("boolean", "Item 1: Enter a number"),
        (None, "Answer this question"),
    ],
)
def test_invalid_items_are_refused(algorithm, length, items, message):
    faulty = {
        "short": [0] * (length - 1),
        "too high": [0, 4] + [0] * (length - 2),
        "negative": [-1] + [0] * (length - 1),
        "fraction": [1.5] + [0] * (length - 1),
        "boolean": [True] + [0] * (length - 1),
    }
    given_items = faulty.get(items, items) if isinstance(items, str) else items
    with pytest.raises(InvalidAnswers) as error:
        algorithm.evaluate({"items": given_items})
    assert error.value.errors == {"items": message.format(length=length, short=length - 1)}


@pytest.mark.parametrize("algorithm", [PHQ9, GAD7])
def test_missing_and_unknown_answers_are_named(algorithm):
    with pytest.raises(InvalidAnswers) as error:
        algorithm.evaluate({"total": 3})
    assert error.value.errors == {
        "items": "Missing answer",
        "total": "Not a question of this algorithm",
    }


@pytest.mark.parametrize(("algorithm", "length"), [(PHQ9, 9), (GAD7, 7)])
def test_items_are_asked_with_the_published_answers(algorithm, length):
    (question,) = algorithm.questions
    assert question.type == "integer_list" and question.length == length
    assert len(question.item_texts) == length
    assert [(c.value, c.label) for c in question.choices] == [
        (0, "Not at all"),
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    ]
    assert not question.dont_know_allowed
    assert algorithm.evaluate({"items": ["1"] * length}).score == length


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_score_is_the_sum_and_flags_follow_the_rules(items):
    outcome = PHQ9.evaluate({"items": items})
    assert outcome.score == sum(items)
    assert ("suicidal_thoughts" in outcome.flags) is (items[8] > 0)
    assert (REVIEW_THRESHOLD in outcome.flags) is (sum(items) >= 10 or items[8] > 0)
    assert outcome.flags.count(REVIEW_THRESHOLD) <= 1
    if items[8] > 0:
        assert outcome.urgency >= 2


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 26))
def test_phq9_band_never_falls_as_the_total_rises(total):
    lower = PHQ9.evaluate({"items": spread(total, 9, last=max(0, total - 24))})
    higher = PHQ9.evaluate({"items": spread(total + 1, 9, last=max(0, total + 1 - 24))})
    assert PHQ9_BANDS.index(higher.band) >= PHQ9_BANDS.index(lower.band)
    assert higher.urgency >= lower.urgency


def test_gad7_reasons_are_a_template_for_the_total_and_a_message_for_the_band():
    total, band = GAD7.evaluate({"items": spread(15, 7, last=3)}).rationale
    assert total.text == "Your answers add up to 15 out of 21."
    assert (total.template, total.params) == (
        "Your answers add up to %(total)s out of 21.",
        {"total": 15},
    )
    assert band.text == "A total of 15 to 21 means severe anxiety."
    assert not band.template


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=7, max_size=7))
def test_gad7_score_is_the_sum_and_the_band_is_monotonic(items):
    outcome = GAD7.evaluate({"items": items})
    assert outcome.score == sum(items)
    assert (REVIEW_THRESHOLD in outcome.flags) is (sum(items) >= 10)
    if sum(items) < 21:
        raised = list(items)
        raised[raised.index(min(raised))] += 1
        higher = GAD7.evaluate({"items": raised})
        assert GAD7_BANDS.index(higher.band) >= GAD7_BANDS.index(outcome.band)
