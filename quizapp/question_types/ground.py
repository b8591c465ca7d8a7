"""The "which sentence shows it?" step a question of most types may add: the student also
selects the sentences of a passage that prove the answer, for a point of its own, graded by the
select-all rule."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from quizapp.question_types.base import Answer, Content, Report
from quizapp.question_types.choices import pick, select_credit
from quizapp.question_types.exported import Item, Shape
from quizapp.question_types.passages import read_passage


def read(
    raw: Any, evidence: list[dict], bodies: Mapping[str, str], report: Report
) -> dict[str, Any] | None:
    """The step's passage; its answer is every sentence the question's evidence touches."""
    return read_passage(raw, "ground", evidence, bodies, report)


def grade(content: Content, answer: Answer | None) -> float:
    """The fraction of the step's point earned by the sentences chosen."""
    chosen = (answer or {}).get("ground", [])
    return round(select_credit(content["ground"]["answer"], chosen), 4)


def describe(content: Content, sentence_ids: list[str]) -> list[str]:
    """The sentences chosen in the step, in passage order."""
    return [s["text"] for s in content["ground"]["sentences"] if s["id"] in sentence_ids]


def sample(content: Content, rng: random.Random, p: float) -> list[str]:
    """Sentences a student with skill p selects in the step."""
    sentences = [s["id"] for s in content["ground"]["sentences"]]
    return pick(sentences, content["ground"]["answer"], rng, p)


def export(key: str, content: Content, feedback: str, warnings: list[str]) -> Item:
    """The step as a separate multiple-answer question over the passage's sentences."""
    warnings.append(
        f"{key}: the 'which sentence shows it?' step exported as a separate "
        f"multiple-answer question {key}-ground"
    )
    ground = content["ground"]
    return Item(
        f"{key}-ground",
        Shape.ANSWERS,
        f"Which sentences show it? ({content['prompt']})",
        feedback,
        [(s["text"], s["id"] in ground["answer"]) for s in ground["sentences"]],
    )
