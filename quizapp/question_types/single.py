"""Multiple choice with one right answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizapp.question_types.base import Content, Report
from quizapp.question_types.choices import OneChoice, read_choices
from quizapp.question_types.exported import Item, Shape


class Single(OneChoice):
    name = "single"
    authored_choices = True
    editor_label = "Multiple choice"

    def read(
        self, raw: dict[str, Any], content: Content, bodies: Mapping[str, str], report: Report
    ) -> None:
        ids = read_choices(raw, content, report)
        if ids is None:
            return
        answer = raw.get("answer")
        if isinstance(answer, list) or str(answer) not in ids:
            report(f"answer {answer!r} is not among the choices")
        content["answer"] = str(answer)

    def export(self, key: str, content: Content, feedback: str, warnings: list[str]) -> Item:
        choices = [(c["text"], c["id"] == content["answer"]) for c in content["choices"]]
        return Item(key, Shape.ONE_ANSWER, content["prompt"], feedback, choices)

    def from_editor(self, choices: list[dict[str, str]], answer: str) -> dict[str, Any]:
        return {"choices": choices, "answer": answer}
