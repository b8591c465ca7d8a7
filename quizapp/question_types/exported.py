"""A question as other tools' formats (GIFT, Moodle XML, QTI) share it: each type says which of
these shapes it takes, and the writers in quizapp.interop write the shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Shape(StrEnum):
    ONE_ANSWER = "one answer"  # choices, one of them right
    ANSWERS = "several answers"  # choices, any number right, graded by our select-all rule
    TRUE_FALSE = "true or false"
    PAIRS = "pairs"  # items to match with options, some options matching nothing
    WORDS = "words in a text"  # words of a passage to select, graded as ANSWERS


@dataclass
class Item:
    """One question as the formats see it: choices with their credit, or pairs to match."""

    id: str
    shape: Shape
    prompt: str
    feedback: str
    choices: list[tuple[str, bool]] = field(default_factory=list)
    true: bool = False
    pairs: list[tuple[str, str]] = field(default_factory=list)
    distractors: list[str] = field(default_factory=list)
    # WORDS: the passage's paragraphs, each a list of (text, index into choices): an index
    # marks a word to select, None the text between words.
    passage: list[list[tuple[str, int | None]]] = field(default_factory=list)
