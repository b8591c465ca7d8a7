"""Multiple choice with any number of right answers ("choose all that apply")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizapp.question_types.base import Content, Report
from quizapp.question_types.choices import SelectAll, read_choices
from quizapp.question_types.exported import Item, Shape


class Multiple(SelectAll):
    name = "multiple"
    authored_choices = True

    def read(
        self, raw: dict[str, Any], content: Content, bodies: Mapping[str, str], report: Report
    ) -> None:
        ids = read_choices(raw, content, report)
        if ids is None:
            return
        answer = raw.get("answer")
        answers = [str(a) for a in answer] if isinstance(answer, list) else []
        if not answers:
            report("answer of a multiple question must be a list of choice ids")
        elif len(set(answers)) != len(answers):
            report("answer lists a choice twice")
        for a in answers:
            if a not in ids:
                report(f"answer {a!r} is not among the choices")
        content["answer"] = answers

    def export(self, key: str, content: Content, feedback: str, warnings: list[str]) -> Item:
        right = set(content["answer"])
        choices = [(c["text"], c["id"] in right) for c in content["choices"]]
        return Item(key, Shape.ANSWERS, content["prompt"], feedback, choices)
