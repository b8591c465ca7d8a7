"""Graders: one pure function per question type, from (content, answer) to a fraction of 0..1.

Partial credit (documented in questions/README.md):
- single, true_false: 1 for the correct choice, else 0.
- multiple: (right choices selected - wrong choices selected) / number of right choices,
  never below 0, so ticking every box earns nothing.
- matching: the share of items matched to their correct option.
- evidence (select the sentences of a passage): as multiple select, over sentences.
- the "which sentence shows it?" step of any question: as multiple select, over the passage's
  sentences, worth its own point.
"""

from collections.abc import Callable
from typing import Any

Answer = dict[str, Any]
Grader = Callable[[dict[str, Any], Answer], float]


def _grade_choice(content: dict[str, Any], answer: Answer) -> float:
    return 1.0 if answer.get("choice") == content["answer"] else 0.0


def _grade_multiple(content: dict[str, Any], answer: Answer) -> float:
    correct = set(content["answer"])
    chosen = set(answer.get("choices", []))
    return max(0.0, (len(chosen & correct) - len(chosen - correct)) / len(correct))


def _grade_matching(content: dict[str, Any], answer: Answer) -> float:
    key: dict[str, str] = content["answer"]
    given = answer.get("pairs", {})
    return sum(given.get(item) == option for item, option in key.items()) / len(key)


GRADERS: dict[str, Grader] = {
    "single": _grade_choice,
    "true_false": _grade_choice,
    "multiple": _grade_multiple,
    "matching": _grade_matching,
    "evidence": _grade_multiple,
}


def grade(question_type: str, content: dict[str, Any], answer: Answer | None) -> float:
    """The fraction of the question's points this answer earns."""
    if not answer:
        return 0.0
    return round(GRADERS[question_type](content, answer), 4)


def grade_ground(content: dict[str, Any], answer: Answer | None) -> float:
    """The fraction earned by the sentences chosen in the "which sentence shows it?" step."""
    chosen = (answer or {}).get("ground", [])
    return round(_grade_multiple(content["ground"], {"choices": chosen}), 4)


def is_answered(question_type: str, content: dict[str, Any], answer: Answer | None) -> bool:
    if not answer:
        return False
    if question_type in ("multiple", "evidence"):
        return bool(answer.get("choices"))
    if question_type == "matching":
        # Every item needs a match: "check answer" grades and locks what is there.
        return len(answer.get("pairs", {})) == len(content["items"])
    return bool(answer.get("choice"))


def correct_answer(content: dict[str, Any]) -> Answer:
    """The correct answer in the same shape as a student's."""
    answer = content["answer"]
    if isinstance(answer, list):
        return {"choices": answer}
    if isinstance(answer, dict):
        return {"pairs": answer}
    return {"choice": answer}
