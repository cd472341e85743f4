"""The template checks and the scoring arithmetic (no database)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openbmis.capacity import default_template, scoring

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_default_template_is_valid_and_covers_the_areas_the_issue_names():
    content = default_template.content()
    scoring.validate_template(content)
    sections = {s["code"] for s in content["sections"]}
    assert sections >= {"infrastructure", "equipment", "staffing", "procedures", "systems", "documents",
                        "cooperation", "protection", "health"}
    kinds = {q["kind"] for q in scoring.questions(content).values()}
    assert kinds == set(scoring.KINDS)
    source_ids = {s["id"] for s in content["sources"]}
    for section in content["sections"]:
        assert section["sources"], section["code"]
        assert set(section["sources"]) <= source_ids


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda c: c["sections"][0]["questions"].append(dict(c["sections"][0]["questions"][0])), "used twice"),
    (lambda c: c["sections"][0]["questions"][1].update(kind="slider"), "kind must be"),
    (lambda c: c["sections"][0]["questions"][2].update(anchors=["a", "b"]), "five anchored"),
    (lambda c: c["sections"][0].update(sources=["nowhere"]), "unknown source"),
    (lambda c: c["sections"][0]["questions"][1].update(tag=""), "tag"),
    (lambda c: c["sections"][0].update(weight=-1), "weight"),
])
def test_bad_templates_are_refused_naming_the_problem(mutate, message):
    content = copy.deepcopy(default_template.content())
    mutate(content)
    with pytest.raises(scoring.TemplateError, match=message):
        scoring.validate_template(content)


def _tiny():
    return {"code": "t", "title": "T", "sources": [], "sections": [
        {"code": "a", "title": "A", "weight": 1, "questions": [
            {"code": "Y", "text": "y?", "kind": "yes_no", "tag": "a", "weight": 1},
            {"code": "S", "text": "s?", "kind": "scale", "tag": "a", "weight": 3, "anchors": list("01234")}]},
        {"code": "b", "title": "B", "weight": 3, "questions": [
            {"code": "N", "text": "n?", "kind": "number", "tag": "b", "target_prefill": "lanes"},
            {"code": "T", "text": "t?", "kind": "text", "tag": "b"}]},
    ]}


def test_weighted_scores_by_hand():
    content = _tiny()
    scoring.validate_template(content)
    # A: yes (1) weight 1 and scale 2/4 weight 3 -> (1 + 1.5) / 4 = 62.5; B: 1 reader for 4 lanes -> 25
    result = scoring.score(content, {"Y": True, "S": 2, "N": 1, "T": "free text"}, {"lanes": 4})
    assert [s["score"] for s in result["sections"]] == [62.5, 25.0]
    assert result["overall"] == round((62.5 * 1 + 25 * 3) / 4, 1)
    assert (result["answered"], result["scorable"]) == (3, 3)


def test_unanswered_questions_count_neither_way_and_a_number_without_target_is_not_scored():
    content = _tiny()
    result = scoring.score(content, {"Y": False}, {})
    assert result["sections"][0]["score"] == 0.0
    assert result["sections"][1]["score"] is None and result["sections"][1]["scorable"] == 0
    assert result["overall"] == 0.0
    assert scoring.score(content, {}, {})["overall"] is None


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("yes_no", "yes", True), ("yes_no", False, False), ("scale", "3", 3), ("scale", 0, 0),
    ("number", "12", 12), ("number", 2.5, 2.5), ("text", "  hi ", "hi"), ("yes_no", "", None),
])
def test_answers_are_cleaned(kind, value, expected):
    question = {"code": "Q", "kind": kind, "anchors": list("01234")}
    assert scoring.clean_answer(question, value) == expected


@pytest.mark.parametrize(("kind", "value"), [
    ("yes_no", "maybe"), ("scale", 5), ("scale", "2.5"), ("scale", True), ("number", -1), ("number", "x"),
    ("number", "nan"), ("number", float("inf")), ("scale", float("inf")), ("scale", float("nan")),
    ("choice", "other"), ("text", 3),
])
def test_bad_answers_name_the_question(kind, value):
    question = {"code": "Q7", "kind": kind, "anchors": list("01234"),
                "choices": [{"value": "a", "score": 1}, {"value": "b", "score": 0}]}
    with pytest.raises(scoring.AnswerError, match="Q7"):
        scoring.clean_answer(question, value)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["Y", "S", "N", "T", "X"]),
                       st.one_of(st.none(), st.booleans(), st.integers(-5, 10), st.text(max_size=5),
                                 st.floats(allow_nan=True))))
def test_scoring_never_crashes_and_stays_within_0_and_100(raw):
    content = _tiny()
    questions = scoring.questions(content)
    clean = {}
    for code, value in raw.items():
        if code not in questions:
            continue
        try:
            clean[code] = scoring.clean_answer(questions[code], value)
        except scoring.AnswerError:
            continue
    result = scoring.score(content, clean, {"lanes": 2})
    for section in result["sections"]:
        assert section["score"] is None or 0 <= section["score"] <= 100
    assert result["overall"] is None or 0 <= result["overall"] <= 100


@SETTINGS
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=4),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                 max_size=4), max_leaves=20))
def test_template_validation_refuses_garbage_cleanly(content):
    try:
        scoring.validate_template(content)
    except scoring.TemplateError:
        pass


def test_an_answer_error_keeps_its_text_and_parameters_for_translation():
    question = {"code": "Q7", "kind": "choice", "choices": [{"value": "a", "score": 1}, {"value": "b", "score": 0}]}
    with pytest.raises(scoring.AnswerError) as caught:
        scoring.clean_answer(question, "other")
    assert str(caught.value) == "Q7: expected one of a, b"
    assert (caught.value.message, caught.value.params) == ("expected one of %(choices)s", {"choices": "a, b"})
