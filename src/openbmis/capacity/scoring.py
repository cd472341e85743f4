"""Assessment templates and their scoring, without Django: validate a template's content, check an answer
against its question, and score answers per section and overall.

A template is ``{"code", "version", "title", "sources": [{id, title, ...}], "sections": [...]}``; a section is
``{"code", "title", "weight", "sources": [ids], "questions": [...]}``; a question is ``{"code", "text", "kind",
"weight", "tag"}`` plus ``anchors`` (scale: five descriptions, for 0 to 4), ``choices`` (choice: ``{value,
label, score}`` with a score from 0 to 1 or null), ``target`` (number: the value that scores full marks) and
``prefill`` (the name of a figure the system knows about the post, offered as the answer) and ``target_prefill``
(a number whose full-marks value is such a figure: readers against lanes).

Scores: yes = 1, no = 0; a 0-4 scale scores value / 4; a choice scores its own score; a number with a target
(its own, or a figure of the post) scores min(value / target, 1); text and photos are not scored. A section's score is the weighted mean of its
answered, scored questions, times 100; the overall score is the mean of the section scores weighted by the
sections' weights. Unanswered questions count neither for nor against; coverage says how many were answered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

KINDS = ("yes_no", "scale", "number", "choice", "text", "photo")
SCORED = ("yes_no", "scale", "number", "choice")


class TemplateError(ValueError):
    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


def gettext_noop(text: str) -> str:
    """Mark a text for the translation catalogues (makemessages finds it by this name) without importing Django."""
    return text


class AnswerError(ValueError):
    """An answer its question does not accept. ``message`` is the English text with ``%(name)s`` placeholders
    for ``params``, so that the service can show it in the reader's language."""

    def __init__(self, message: str, question: str, **params: Any) -> None:
        super().__init__(f"{question}: {message % params if params else message}")
        self.question = question
        self.message = message
        self.params = params


def _number(value: Any, where: str, name: str, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise TemplateError(f"{name} must be a number >= {minimum}", where)
    return float(value)


def validate_template(content: Any) -> None:
    """Raise TemplateError naming the first problem in a template's content."""
    if not isinstance(content, dict):
        raise TemplateError("a template is a JSON object")
    for key in ("code", "title", "sections"):
        if not content.get(key):
            raise TemplateError(f"{key} is required", key)
    source_ids = {s.get("id") for s in content.get("sources", []) if isinstance(s, dict)}
    if not isinstance(content["sections"], list):
        raise TemplateError("sections must be a list", "sections")
    seen: set[str] = set()
    for s_index, section in enumerate(content["sections"]):
        where = f"sections[{s_index}]"
        if not isinstance(section, dict) or not section.get("code") or not section.get("title"):
            raise TemplateError("a section needs a code and a title", where)
        _number(section.get("weight", 1), where, "weight")
        for source in section.get("sources", []):
            if source not in source_ids:
                raise TemplateError(f"unknown source {source!r}", where)
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            raise TemplateError("a section needs questions", where)
        for q_index, question in enumerate(questions):
            q_where = f"{where}.questions[{q_index}]"
            if not isinstance(question, dict):
                raise TemplateError("a question is an object", q_where)
            code = question.get("code")
            if not code or not isinstance(code, str):
                raise TemplateError("a question needs a code", q_where)
            if code in seen:
                raise TemplateError(f"question code {code!r} is used twice", q_where)
            seen.add(code)
            if not question.get("text"):
                raise TemplateError("a question needs its text", code)
            kind = question.get("kind")
            if kind not in KINDS:
                raise TemplateError(f"kind must be one of {', '.join(KINDS)}", code)
            if not question.get("tag"):
                raise TemplateError("a question needs the tag of the area it measures", code)
            _number(question.get("weight", 1), code, "weight")
            if kind == "scale":
                anchors = question.get("anchors")
                if not isinstance(anchors, list) or len(anchors) != 5 or not all(anchors):
                    raise TemplateError("a 0-4 scale needs five anchored descriptions", code)
            if kind == "choice":
                choices = question.get("choices")
                if not isinstance(choices, list) or len(choices) < 2:
                    raise TemplateError("a choice needs at least two choices", code)
                for choice in choices:
                    score = choice.get("score") if isinstance(choice, dict) else None
                    if not isinstance(choice, dict) or not choice.get("value") or (
                            score is not None and not 0 <= _number(score, code, "score") <= 1):
                        raise TemplateError("each choice needs a value and a score from 0 to 1 (or null)", code)
            if kind == "number" and "target" in question:
                _number(question["target"], code, "target", minimum=1e-9)


def questions(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Question code -> question, with its section code under ``section``."""
    found: dict[str, dict[str, Any]] = {}
    for section in content["sections"]:
        for question in section["questions"]:
            found[question["code"]] = {**question, "section": section["code"]}
    return found


def clean_answer(question: dict[str, Any], value: Any) -> Any:
    """The answer in its stored form, or AnswerError saying what the question expects. None clears it."""
    code, kind = question["code"], question["kind"]
    if value is None or value == "":
        return None
    if kind == "yes_no":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"yes", "no", "true", "false"}:
            return value.lower() in {"yes", "true"}
        raise AnswerError(gettext_noop("expected yes or no"), code)
    if kind == "scale":
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            raise AnswerError(gettext_noop("expected a whole number from 0 to 4"), code) from None
        if isinstance(value, bool) or str(number) != str(value).strip() or not 0 <= number <= 4:
            raise AnswerError(gettext_noop("expected a whole number from 0 to 4"), code)
        return number
    if kind == "number":
        try:
            amount = float(value)
        except (TypeError, ValueError, OverflowError):
            raise AnswerError(gettext_noop("expected a number"), code) from None
        if isinstance(value, bool) or not math.isfinite(amount) or amount < 0:
            raise AnswerError(gettext_noop("expected a number of zero or more"), code)
        return int(amount) if amount.is_integer() else amount
    if kind == "choice":
        values = [c["value"] for c in question["choices"]]
        if value not in values:
            raise AnswerError(gettext_noop("expected one of %(choices)s"), code, choices=", ".join(values))
        return value
    if kind in ("text", "photo"):
        if not isinstance(value, str):
            raise AnswerError(gettext_noop("expected text"), code)
        return value.strip()[:4000] or None
    raise AnswerError(f"unknown kind {kind}", code)  # pragma: no cover - templates are validated


def target(question: dict[str, Any], prefill: dict[str, Any] | None = None) -> float | None:
    """A number question's full-marks value: its own ``target``, or the prefill figure ``target_prefill``."""
    if question.get("target"):
        return float(question["target"])
    figure = (prefill or {}).get(question.get("target_prefill", ""))
    return float(figure) if isinstance(figure, int | float) and not isinstance(figure, bool) and figure > 0 else None


def question_score(question: dict[str, Any], value: Any, prefill: dict[str, Any] | None = None) -> float | None:
    """0..1, or None when the question is not scored or not answered."""
    if value is None:
        return None
    kind = question["kind"]
    if kind == "yes_no":
        return 1.0 if value else 0.0
    if kind == "scale":
        return value / 4
    if kind == "choice":
        for choice in question["choices"]:
            if choice["value"] == value:
                score = choice.get("score")
                return None if score is None else float(score)
        return None
    full = target(question, prefill) if kind == "number" else None
    if full:
        return min(float(value) / full, 1.0)
    return None


@dataclass(frozen=True)
class SectionScore:
    code: str
    title: str
    weight: float
    score: float | None  # 0..100, None when nothing scored was answered
    answered: int
    scorable: int


def score(content: dict[str, Any], answers: dict[str, Any], prefill: dict[str, Any] | None = None) -> dict[str, Any]:
    """Per-section and overall scores (0-100, one decimal) and coverage, from ``answers`` (code -> value).

    ``prefill``: the figures the system knew about the post, for number questions whose target is one of them.
    """
    sections: list[SectionScore] = []
    for section in content["sections"]:
        total = weights = 0.0
        answered = scorable = 0
        for question in section["questions"]:
            is_scored = question["kind"] in SCORED and (question["kind"] != "number" or target(question, prefill))
            if not is_scored:
                continue
            scorable += 1
            result = question_score(question, answers.get(question["code"]), prefill)
            if result is None:
                continue
            answered += 1
            weight = float(question.get("weight", 1))
            total += weight * result
            weights += weight
        value = round(100 * total / weights, 1) if weights else None
        sections.append(SectionScore(section["code"], section["title"], float(section.get("weight", 1)), value,
                                     answered, scorable))
    scored = [s for s in sections if s.score is not None and s.weight > 0]
    overall_weights = sum(s.weight for s in scored)
    overall = round(sum(s.weight * s.score for s in scored if s.score is not None) / overall_weights, 1) \
        if overall_weights else None
    return {
        "overall": overall,
        "answered": sum(s.answered for s in sections),
        "scorable": sum(s.scorable for s in sections),
        "sections": [{"code": s.code, "title": s.title, "weight": s.weight, "score": s.score,
                      "answered": s.answered, "scorable": s.scorable} for s in sections],
    }
