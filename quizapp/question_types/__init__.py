"""The question types, by the name a question's YAML and its stored versions give them.

As CTFd's challenge types and Indico's survey fields: a new kind of question is one module here
(a QuestionType subclass, added to TYPES) and one template of macros in templates/question_types/.
"""

from __future__ import annotations

from quizapp.question_types.base import QuestionType
from quizapp.question_types.evidence import Evidence
from quizapp.question_types.highlight import Highlight
from quizapp.question_types.matching import Matching
from quizapp.question_types.multiple import Multiple
from quizapp.question_types.single import Single
from quizapp.question_types.true_false import TrueFalse

TYPES: dict[str, QuestionType] = {
    t.name: t for t in (Single(), Multiple(), Matching(), TrueFalse(), Evidence(), Highlight())
}


def get(name: str) -> QuestionType:
    """The type of this name; KeyError for a name no type has."""
    return TYPES[name]


def editable() -> list[QuestionType]:
    """The types the draft editor can write, in the order it offers them."""
    return [t for t in TYPES.values() if t.editor_label]
