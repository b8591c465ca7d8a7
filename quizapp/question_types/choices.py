"""What the types whose answer is one choice, or a set of choices, have in common."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from quizapp.question_types.base import (
    Answer,
    AnswerCounts,
    ChoiceOf,
    Content,
    OptionCount,
    QuestionType,
    Report,
)


def select_credit(right: list[str], chosen: list[str]) -> float:
    """The select-all rule: (right ones chosen - wrong ones chosen) / right ones, never below 0,
    so choosing everything earns nothing."""
    correct, given = set(right), set(chosen)
    return max(0.0, (len(given & correct) - len(given - correct)) / len(correct))


def pick(ids: list[str], right: list[str], rng: random.Random, p: float) -> list[str]:
    """A select-all answer: each right one found with probability p, a wrong one now and then."""
    chosen = {c for c in right if rng.random() < p}
    chosen |= {c for c in ids if c not in right and rng.random() < (1 - p) * 0.3}
    return [c for c in ids if c in chosen] or [rng.choice(ids)]


def read_choices(raw: dict[str, Any], content: Content, report: Report) -> list[str] | None:
    """The choices a question's author wrote, added to content; their ids, or None if unusable."""
    choices = raw.get("choices")
    if not isinstance(choices, list) or len(choices) < 2:
        report("needs at least two choices")
        return None
    ids = []
    for choice in choices:
        if not isinstance(choice, dict) or "id" not in choice or not choice.get("text"):
            report("each choice needs an id and a text")
            return None
        ids.append(str(choice["id"]))
    if len(set(ids)) != len(ids):
        report("choice ids must be unique")
    content["choices"] = [{"id": str(c["id"]), "text": str(c["text"])} for c in choices]
    return ids


def in_content_order(content: Content, ids: list[str]) -> list[str]:
    """The ids among the choices, in the order the file gives the choices."""
    order = [c["id"] for c in content["choices"]]
    return sorted((i for i in ids if i in order), key=order.index)


class OneChoice(QuestionType):
    """One of the choices is right: 1 point for it, 0 for any other."""

    def parse(
        self, content: Content, values: dict[str, Any], order: list[str], choice_of: ChoiceOf
    ) -> Answer:
        token = values.get("choice") or ""
        return {"choice": choice_of(token)} if token else {}

    def is_answered(self, content: Content, answer: Answer | None) -> bool:
        return bool(answer and answer.get("choice"))

    def credit(self, content: Content, answer: Answer) -> float:
        return 1.0 if answer.get("choice") == content["answer"] else 0.0

    def correct_answer(self, content: Content) -> Answer:
        return {"choice": content["answer"]}

    def selected(self, answer: Answer | None) -> set[str]:
        chosen = (answer or {}).get("choice")
        return {chosen} if chosen else set()

    def describe(self, content: Content, answer: Answer | None) -> list[str]:
        texts = {c["id"]: c["text"] for c in content["choices"]}
        chosen = (answer or {}).get("choice")
        return [texts[chosen]] if chosen in texts else []

    def answer_letters(self, content: Content, labels: dict[str, str]) -> str:
        return labels[content["answer"]]

    def count(self, content: Content, answers: list[Answer], order: list[str]) -> AnswerCounts:
        texts = {c["id"]: c["text"] for c in content["choices"]}
        picked = Counter(a.get("choice") for a in answers)
        return AnswerCounts(
            options=[OptionCount(texts[c], picked[c], c == content["answer"]) for c in order]
        )

    def sample(self, content: Content, rng: random.Random, p: float) -> Answer:
        right = content["answer"]
        if rng.random() < p:
            return {"choice": right}
        # A favourite wrong answer: the first distractor draws most of the mistakes.
        wrong = [c["id"] for c in content["choices"] if c["id"] != right]
        return {"choice": wrong[0] if rng.random() < 0.6 else rng.choice(wrong)}


class SelectAll(QuestionType):
    """Any number of the choices are right, graded by the select-all rule (select_credit)."""

    def parse(
        self, content: Content, values: dict[str, Any], order: list[str], choice_of: ChoiceOf
    ) -> Answer:
        chosen = {choice_of(token) for token in values.get("choices", []) if token}
        return {"choices": [c for c in order if c in chosen]} if chosen else {}

    def is_answered(self, content: Content, answer: Answer | None) -> bool:
        return bool(answer and answer.get("choices"))

    def credit(self, content: Content, answer: Answer) -> float:
        return select_credit(content["answer"], answer.get("choices", []))

    def correct_answer(self, content: Content) -> Answer:
        return {"choices": content["answer"]}

    def selected(self, answer: Answer | None) -> set[str]:
        return set((answer or {}).get("choices", []))

    def describe(self, content: Content, answer: Answer | None) -> list[str]:
        texts = {c["id"]: c["text"] for c in content["choices"]}
        return [texts[c] for c in in_content_order(content, (answer or {}).get("choices", []))]

    def answer_letters(self, content: Content, labels: dict[str, str]) -> str:
        return ", ".join(labels[a] for a in content["answer"])

    def count(self, content: Content, answers: list[Answer], order: list[str]) -> AnswerCounts:
        texts = {c["id"]: c["text"] for c in content["choices"]}
        picked = Counter(c for a in answers for c in a.get("choices", []))
        right = set(content["answer"])
        return AnswerCounts(options=[OptionCount(texts[c], picked[c], c in right) for c in order])

    def sample(self, content: Content, rng: random.Random, p: float) -> Answer:
        ids = [c["id"] for c in content["choices"]]
        return {"choices": pick(ids, content["answer"], rng, p)}
