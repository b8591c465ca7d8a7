"""Passages: a span of an article's paragraphs, given in the YAML as {article, paragraphs:
[first, last]}, whose sentences (or words) a student selects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizapp.builder.sentences import paragraphs_of, passage_sentences, sentences_touching
from quizapp.question_types.base import Report

MAX_PASSAGE_PARAGRAPHS = 12


def read_span(
    raw: Any, name: str, bodies: Mapping[str, str], report: Report
) -> tuple[str, int, int] | None:
    """The article and the first and last paragraph of a passage, or None with a problem."""
    if not isinstance(raw, dict) or not raw.get("article") or not raw.get("paragraphs"):
        report(f"{name} needs an article and paragraphs: [first, last]")
        return None
    article = str(raw["article"])
    span = raw["paragraphs"]
    if article not in bodies:
        report(f"{name} names an unknown article: {raw['article']!r}")
        return None
    count = len(paragraphs_of(bodies[article]))
    if (
        not isinstance(span, list)
        or len(span) != 2
        or not all(isinstance(n, int) for n in span)
        or not 1 <= span[0] <= span[1] <= count
    ):
        report(f"{name} paragraphs must be [first, last] within 1..{count}")
        return None
    if span[1] - span[0] >= MAX_PASSAGE_PARAGRAPHS:
        report(f"{name} is longer than {MAX_PASSAGE_PARAGRAPHS} paragraphs")
        return None
    return article, span[0], span[1]


def read_passage(
    raw: Any, name: str, evidence: list[dict], bodies: Mapping[str, str], report: Report
) -> dict | None:
    """A passage of sentences to select from; the answer is every sentence the evidence touches."""
    span = read_span(raw, name, bodies, report)
    if span is None:
        return None
    article, first, last = span
    body = bodies[article]
    sentences = passage_sentences(body, first, last)
    quotes = [e["quote"] for e in evidence if e["article"] == article]
    answer = sentences_touching(body, sentences, quotes)
    if not answer:
        report(f"no evidence quote of {article} lies inside the {name}")
        return None
    return {
        "article": article,
        "paragraphs": [first, last],
        "sentences": [{"id": s.id, "text": s.text, "paragraph": s.paragraph} for s in sentences],
        "answer": answer,
    }
