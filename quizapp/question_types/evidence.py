"""Evidence selection: the student selects the sentences of a passage that do what the prompt
asks; the right ones are those the question's evidence quotes touch."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from quizapp.question_types.base import Content, Report
from quizapp.question_types.choices import SelectAll
from quizapp.question_types.exported import Item, Shape
from quizapp.question_types.passages import read_passage


class Evidence(SelectAll):
    name = "evidence"
    from_article = True
    takes_ground = False
    keeps_order = True

    def read(
        self, raw: dict[str, Any], content: Content, bodies: Mapping[str, str], report: Report
    ) -> None:
        selection = read_passage(raw.get("passage"), "passage", content["evidence"], bodies, report)
        if selection:
            content["passage"] = {k: selection[k] for k in ("article", "paragraphs")}
            content["choices"], content["answer"] = selection["sentences"], selection["answer"]

    def labels(self) -> Iterator[str]:
        """Sentences of a passage are numbered on paper, choices lettered."""
        return (str(n) for n in itertools.count(1))

    def export(self, key: str, content: Content, feedback: str, warnings: list[str]) -> Item:
        warnings.append(
            f"{key}: evidence question exported as a multiple-answer question "
            "over the passage's sentences"
        )
        right = set(content["answer"])
        choices = [(c["text"], c["id"] in right) for c in content["choices"]]
        return Item(key, Shape.ANSWERS, content["prompt"], feedback, choices)
