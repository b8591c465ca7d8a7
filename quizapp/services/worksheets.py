"""A question set laid out for the teacher's preview, printed worksheets and answer keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quizapp.models import QuestionSet, QuestionVersion
from quizapp.question_types import ground


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
        question_type = version.question_type
        content = version.content
        by_id = {c["id"]: c for c in content["choices"]}
        order = question_type.fixed_order(content, version.content_hash)
        choices = [dict(by_id[cid], token=cid) for cid in order]
        for choice, label in zip(choices, question_type.labels(), strict=False):
            choice["letter"] = label
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
                answer_lines=question_type.describe(content, question_type.correct_answer(content)),
                answer_letters=question_type.answer_letters(content, letters),
                ground_lines=ground.describe(content, content["ground"]["answer"])
                if "ground" in content
                else None,
            )
        )
    return printed
