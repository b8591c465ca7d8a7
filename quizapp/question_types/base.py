"""What a question type is: the base class of every type in the registry.

A type is everything the app knows about one kind of question: how its YAML is read and checked,
in what order its choices are shown, how a submitted form becomes an answer, how an answer is
graded and put into words, how the question is printed and analysed, how the demo and the
generator answer it, and how other tools' formats write it. Its template,
templates/question_types/<name>.html, holds its macros: `fields` (the form a student answers),
`worksheet` and `key` (on paper) and `analysis` (what students answered). Code outside this
package asks the type and never compares type names.
"""

from __future__ import annotations

import hashlib
import random
import string
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from quizapp.question_types.exported import Item

Answer = dict[str, Any]
Content = dict[str, Any]
# Records one problem with the question being read, in words for its author.
Report = Callable[[str], None]
# The choice id a token posted by the form stands for; raises when it was never offered.
ChoiceOf = Callable[[str], str]


@dataclass
class OptionCount:
    """How many students chose one option, for the item analysis."""

    text: str
    count: int
    correct: bool


@dataclass
class MatchRow:
    """One item of a matching question: how often it was matched right, and the usual slip."""

    text: str
    right: int
    commonest_wrong: tuple[str, int] | None


@dataclass
class AnswerCounts:
    """What a class answered to one question: per option, or per item of a matching question."""

    options: list[OptionCount] = field(default_factory=list)
    matches: list[MatchRow] = field(default_factory=list)


class QuestionType(ABC):
    """One kind of question. Types hold no state: each method is handed the validated content
    (the `content` of a QuestionVersion) and, where there is one, an answer in the shape the
    type's `parse` gives."""

    name: ClassVar[str]
    # Built on a passage of an article: not offered for sets imported from other tools.
    from_article: ClassVar[bool] = False
    # May add the "which sentence shows it?" step (a type that is itself a selection may not).
    takes_ground: ClassVar[bool] = True
    # Shown in the file's order (true/false, a passage's sentences or words), never shuffled.
    keeps_order: ClassVar[bool] = False
    # Shuffled for every student, whatever the assignment says.
    always_shuffled: ClassVar[bool] = False
    # The choices are the author's own words: not True/False, not an article's text.
    authored_choices: ClassVar[bool] = False
    # How the draft editor offers this type; None when the editor cannot write it.
    editor_label: ClassVar[str | None] = None

    @property
    def template(self) -> str:
        """The template that holds this type's macros."""
        return f"question_types/{self.name}.html"

    @abstractmethod
    def read(
        self, raw: dict[str, Any], content: Content, bodies: Mapping[str, str], report: Report
    ) -> None:
        """Check this type's own fields of a question in the bank's YAML and add them to content."""

    def fixed_order(self, content: Content, salt: str) -> list[str]:
        """The choices' order when they are not shuffled for each student.

        The same for everyone, so a class can talk about "option B", but unrelated to which
        choice is right: authors tend to write the right answer first. Types that keep the
        file's order (true/false, the sentences or words of a passage) keep it here too.
        """
        ids = [c["id"] for c in content["choices"]]
        if self.keeps_order:
            return ids
        return sorted(ids, key=lambda cid: hashlib.sha256(f"{salt}:{cid}".encode()).digest())

    def shuffle(self, order: list[str], rng: random.Random, shuffle_choices: bool) -> None:
        """Shuffle one student's order in place, where this type and the assignment allow it."""
        if self.always_shuffled or (shuffle_choices and not self.keeps_order):
            rng.shuffle(order)

    @abstractmethod
    def parse(
        self, content: Content, values: dict[str, Any], order: list[str], choice_of: ChoiceOf
    ) -> Answer:
        """The answer the submitted form values give, empty when nothing was chosen."""

    @abstractmethod
    def is_answered(self, content: Content, answer: Answer | None) -> bool:
        """Whether the answer counts as given (the review page lists those that are not)."""

    def grade(self, content: Content, answer: Answer | None) -> float:
        """The fraction of the question's points the answer earns, from 0 to 1."""
        if not answer:
            return 0.0
        return round(self.credit(content, answer), 4)

    @abstractmethod
    def credit(self, content: Content, answer: Answer) -> float:
        """This type's partial-credit rule (questions/README.md), for an answer that was given."""

    @abstractmethod
    def correct_answer(self, content: Content) -> Answer:
        """The correct answer, in the same shape as a student's."""

    def selected(self, answer: Answer | None) -> set[str]:
        """The ids of the choices an answer selects, to mark them in the list it was chosen from.

        Types whose answer is not a selection from one list (matching) mark none.
        """
        return set()

    @abstractmethod
    def describe(self, content: Content, answer: Answer | None) -> list[str]:
        """An answer in the words the student saw, one line per choice, pair or phrase."""

    def labels(self) -> Iterator[str]:
        """The labels printed beside the choices on a worksheet."""
        return iter(string.ascii_uppercase)

    @abstractmethod
    def answer_letters(self, content: Content, labels: dict[str, str]) -> str:
        """The correct answer as the worksheet's labels, for the answer key."""

    @abstractmethod
    def count(self, content: Content, answers: list[Answer], order: list[str]) -> AnswerCounts:
        """How often each option was chosen, in the given order, for the item analysis."""

    @abstractmethod
    def sample(self, content: Content, rng: random.Random, p: float) -> Answer:
        """An answer right with probability about p, wrong in the ways students are wrong."""

    @abstractmethod
    def export(self, key: str, content: Content, feedback: str, warnings: list[str]) -> Item:
        """The question as other tools' formats share it; a change on the way goes in warnings."""

    def json_fields(self, content: Content) -> dict[str, Any]:
        """The choices and answer as `questions export --format json` writes them."""
        return {"choices": content["choices"], "answer": content["answer"]}

    def from_editor(self, choices: list[dict[str, str]], answer: str) -> dict[str, Any]:
        """The YAML fields the draft editor's choices and answer make, for an editor type."""
        raise NotImplementedError(f"the draft editor cannot write {self.name} questions")
