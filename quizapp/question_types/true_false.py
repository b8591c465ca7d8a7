"""A statement to judge true or false."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizapp.question_types.base import Content, Report
from quizapp.question_types.choices import OneChoice
from quizapp.question_types.exported import Item, Shape


class TrueFalse(OneChoice):
    name = "true_false"
    keeps_order = True
    editor_label = "True or false"

    def read(
        self, raw: dict[str, Any], content: Content, bodies: Mapping[str, str], report: Report
    ) -> None:
        if not isinstance(raw.get("answer"), bool):
            report("answer of a true_false question must be true or false")
        content["choices"] = [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
        content["answer"] = "true" if raw.get("answer") else "false"

    def export(self, key: str, content: Content, feedback: str, warnings: list[str]) -> Item:
        return Item(
            key, Shape.TRUE_FALSE, content["prompt"], feedback, true=content["answer"] == "true"
        )

    def from_editor(self, choices: list[dict[str, str]], answer: str) -> dict[str, Any]:
        return {"answer": answer == "true"}
