"""Items to match with options; some options may match nothing."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from typing import Any

from quizapp.question_types.base import (
    Answer,
    AnswerCounts,
    ChoiceOf,
    Content,
    MatchRow,
    QuestionType,
    Report,
)
from quizapp.question_types.exported import Item, Shape


class Matching(QuestionType):
    name = "matching"
    # The options are written in answer order in the file, so they are always shuffled.
    always_shuffled = True

    def read(
        self, raw: dict[str, Any], content: Content, bodies: Mapping[str, str], report: Report
    ) -> None:
        pairs = raw.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            report("a matching question needs at least two pairs")
            return
        if any(not isinstance(p, dict) or not p.get("left") or not p.get("right") for p in pairs):
            report("each pair needs a left and a right")
            return
        distractors = raw.get("distractors") or []
        if not isinstance(distractors, list):
            report("distractors must be a list")
            return
        distractors = [str(d) for d in distractors]
        lefts = [str(p["left"]) for p in pairs]
        rights = [str(p["right"]) for p in pairs] + distractors
        if len(set(lefts)) != len(lefts) or len(set(rights)) != len(rights):
            report("the items of each side of a matching question must be unique")
        content["items"] = [{"id": str(i), "text": text} for i, text in enumerate(lefts, start=1)]
        content["choices"] = [{"id": f"r{i}", "text": t} for i, t in enumerate(rights, start=1)]
        content["answer"] = {str(i): f"r{i}" for i in range(1, len(pairs) + 1)}

    def parse(
        self, content: Content, values: dict[str, Any], order: list[str], choice_of: ChoiceOf
    ) -> Answer:
        pairs = {}
        for entry in content["items"]:
            if token := values.get(f"match-{entry['id']}") or "":
                pairs[entry["id"]] = choice_of(token)
        return {"pairs": pairs} if pairs else {}

    def is_answered(self, content: Content, answer: Answer | None) -> bool:
        # Every item needs a match: "check answer" grades and locks what is there.
        return bool(answer) and len(answer.get("pairs", {})) == len(content["items"])

    def credit(self, content: Content, answer: Answer) -> float:
        """The share of items matched to their right option."""
        key: dict[str, str] = content["answer"]
        given = answer.get("pairs", {})
        return sum(given.get(item) == option for item, option in key.items()) / len(key)

    def correct_answer(self, content: Content) -> Answer:
        return {"pairs": content["answer"]}

    def describe(self, content: Content, answer: Answer | None) -> list[str]:
        if not answer:
            return []
        texts = {c["id"]: c["text"] for c in content["choices"]}
        pairs = answer.get("pairs", {})
        return [
            f"{entry['text']} → {texts.get(pairs.get(entry['id'], ''), '(no answer)')}"
            for entry in content["items"]
        ]

    def answer_letters(self, content: Content, labels: dict[str, str]) -> str:
        return ", ".join(f"{item} → {labels[option]}" for item, option in content["answer"].items())

    def count(self, content: Content, answers: list[Answer], order: list[str]) -> AnswerCounts:
        texts = {c["id"]: c["text"] for c in content["choices"]}
        counts = AnswerCounts()
        for entry in content["items"]:
            picked = Counter(a.get("pairs", {}).get(entry["id"]) for a in answers)
            right_option = content["answer"][entry["id"]]
            wrong = [(texts[o], n) for o, n in picked.most_common() if o and o != right_option]
            counts.matches.append(
                MatchRow(entry["text"], picked[right_option], wrong[0] if wrong else None)
            )
        return counts

    def sample(self, content: Content, rng: random.Random, p: float) -> Answer:
        ids = [c["id"] for c in content["choices"]]
        right = content["answer"]
        return {"pairs": {k: v if rng.random() < p else rng.choice(ids) for k, v in right.items()}}

    def export(self, key: str, content: Content, feedback: str, warnings: list[str]) -> Item:
        lefts = {i["id"]: i["text"] for i in content["items"]}
        rights = {c["id"]: c["text"] for c in content["choices"]}
        used = set(content["answer"].values())
        return Item(
            key,
            Shape.PAIRS,
            content["prompt"],
            feedback,
            pairs=[(lefts[i], rights[o]) for i, o in content["answer"].items()],
            distractors=[c["text"] for c in content["choices"] if c["id"] not in used],
        )

    def json_fields(self, content: Content) -> dict[str, Any]:
        items = {i["id"]: i["text"] for i in content["items"]}
        texts = {c["id"]: c["text"] for c in content["choices"]}
        return {
            "choices": content["choices"],
            "answer": [{"left": items[k], "right": texts[v]} for k, v in content["answer"].items()],
            "items": content["items"],
        }
