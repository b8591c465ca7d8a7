"""A question set laid out for the teacher's preview, printed worksheets and answer keys."""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass
from typing import Any

from quizapp.models import QuestionSet, QuestionVersion
from quizapp.services import grading
from quizapp.services.attempts import describe_answer, describe_ground, fixed_order


@dataclass
class PrintedQuestion:
    number: int
    key: str
    version: QuestionVersion
    choices: list[dict[str, Any]]  # display order, each with a letter and a token (its id)
    ground: list[dict[str, Any]] | None
    answer_lines: list[str]  # the correct answer in words
    answer_letters: str  # the correct answer as the letters printed beside the choices
    ground_lines: list[str] | None

    @property
    def content(self) -> dict[str, Any]:
        return self.version.content


def printable(qset: QuestionSet) -> list[PrintedQuestion]:
    """The set's current questions, with their choices in the order students see unshuffled."""
    printed = []
    for number, question in enumerate(qset.current_questions, start=1):
        version = question.current_version
        content = version.content
        by_id = {c["id"]: c for c in content["choices"]}
        choices = [dict(by_id[cid], token=cid) for cid in fixed_order(version)]
        # Sentences of a passage are numbered, choices lettered.
        labels = itertools.count(1) if version.type == "evidence" else iter(string.ascii_uppercase)
        for choice in choices:
            choice["letter"] = str(next(labels))
        letters = {c["id"]: c["letter"] for c in choices}
        printed.append(
            PrintedQuestion(
                number=number,
                key=question.key,
                version=version,
                choices=choices,
                ground=[dict(s, token=s["id"]) for s in content["ground"]["sentences"]]
                if "ground" in content
                else None,
                answer_lines=describe_answer(version, grading.correct_answer(content)),
                answer_letters=_letters(version, letters),
                ground_lines=describe_ground(content, content["ground"]["answer"])
                if "ground" in content
                else None,
            )
        )
    return printed


def _letters(version: QuestionVersion, letters: dict[str, str]) -> str:
    answer = version.content["answer"]
    if version.type == "matching":
        return ", ".join(f"{item} → {letters[option]}" for item, option in answer.items())
    if isinstance(answer, list):
        return ", ".join(letters[a] for a in answer)
    return letters[answer]
