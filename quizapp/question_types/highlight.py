"""Highlighting: the student selects the words of a passage that do what the prompt asks (the
loaded words a writer chose, the words that show who is speaking).

The passage is given as an evidence question's is, {article, paragraphs: [first, last]}, and
every word of it is a choice: a run of letters or digits, with apostrophes and hyphens inside
("Cuba’s", "well-known") and numbers with their separators ("12,940,689.00"). The answer in
the YAML is a list of words or phrases exactly as the passage writes them; a phrase is keyed as
its words, at every place in the passage where those words stand in a row. Each word is one unit,
so the select-all rule counts words: a three-word phrase is worth three, and half a phrase earns
half of that. On the page the words are checkboxes, sent as opaque tokens like any choice.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from quizapp.builder.sentences import paragraphs_of
from quizapp.question_types.base import Answer, AnswerCounts, Content, OptionCount, Report
from quizapp.question_types.choices import SelectAll
from quizapp.question_types.exported import Item, Shape
from quizapp.question_types.passages import read_span

# Abbreviations with their stops ("U.S."), numbers with separators, then words.
WORD = re.compile(r"(?:\w\.){2,}|\d+(?:[.,]\d+)*|\w+(?:[’'-]\w+)*")
# Every word is a stop of the keyboard's Tab: more would wear out a keyboard user.
MAX_WORDS = 150
# Words shown on each side of a word or phrase the passage has more than once.
CONTEXT_WORDS = 3


@dataclass
class _Word:
    id: str
    paragraph: int
    start: int  # offsets in the paragraph
    end: int
    text: str
    before: str  # the text before the paragraph's first word; "" for the others
    after: str  # the text up to the next word, or to the paragraph's end

    def choice(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "paragraph": self.paragraph,
            "before": self.before,
            "after": self.after,
        }


def words_of(body: str, first: int, last: int) -> list[_Word]:
    """Every word of paragraphs first..last (1-based, inclusive), with the text between."""
    paragraphs = paragraphs_of(body)
    words = []
    for number in range(first, last + 1):
        text = paragraphs[number - 1]
        found = list(WORD.finditer(text))
        for n, match in enumerate(found, start=1):
            following = found[n].start() if n < len(found) else len(text)
            words.append(
                _Word(
                    id=f"{number}-{n}",
                    paragraph=number,
                    start=match.start(),
                    end=match.end(),
                    text=match.group(),
                    before=text[: match.start()] if n == 1 else "",
                    after=text[match.end() : following],
                )
            )
    return words


def _phrase_words(body: str, words: list[_Word], phrase: str) -> list[str]:
    """The ids of the words of every place in the passage that reads exactly phrase, from the
    start of a word to the end of one."""
    paragraphs = paragraphs_of(body)
    found: list[str] = []
    for number in sorted({w.paragraph for w in words}):
        text = paragraphs[number - 1]
        mine = [w for w in words if w.paragraph == number]
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            inside = [w for w in mine if start <= w.start and w.end <= end]
            if inside and inside[0].start == start and inside[-1].end == end:
                found.extend(w.id for w in inside)
            start = text.find(phrase, start + 1)
    return found


def _joined(units: list[dict[str, Any]]) -> str:
    """Consecutive words as the passage writes them, with the punctuation between."""
    return "".join(u["text"] + u["after"] for u in units[:-1]) + units[-1]["text"]


def _label(units: list[dict[str, Any]], start: int, end: int) -> str:
    """The words units[start:end] (of one paragraph) as a reader can place them: with a few
    words of their paragraph around them when the passage has the same words elsewhere too."""
    texts = [u["text"] for u in units]
    size = end - start
    seen = sum(texts[i : i + size] == texts[start:end] for i in range(len(texts) - size + 1))
    phrase = _joined(units[start:end])
    if seen == 1:
        return phrase
    paragraph = [i for i, u in enumerate(units) if u["paragraph"] == units[start]["paragraph"]]
    first = max(paragraph[0], start - CONTEXT_WORDS)
    last = min(paragraph[-1] + 1, end + CONTEXT_WORDS)
    opening = "…" if first > paragraph[0] else ""
    closing = "…" if last <= paragraph[-1] else ""
    return f"{phrase} (in “{opening}{_joined(units[first:last])}{closing}”)"


def _runs(units: list[dict[str, Any]], ids: list[str]) -> list[tuple[int, int]]:
    """The chosen words as runs [start, end) of neighbouring words in one paragraph."""
    chosen = set(ids)
    runs: list[tuple[int, int]] = []
    for index, unit in enumerate(units):
        if unit["id"] not in chosen:
            continue
        if runs and runs[-1][1] == index and units[index - 1]["paragraph"] == unit["paragraph"]:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs


class Highlight(SelectAll):
    name = "highlight"
    from_article = True
    takes_ground = False
    keeps_order = True

    def read(
        self, raw: dict[str, Any], content: Content, bodies: Mapping[str, str], report: Report
    ) -> None:
        span = read_span(raw.get("passage"), "passage", bodies, report)
        if span is None:
            return
        article, first, last = span
        words = words_of(bodies[article], first, last)
        if len(words) > MAX_WORDS:
            report(
                f"the passage has {len(words)} words, and a highlight passage at most {MAX_WORDS}"
            )
            return
        phrases = raw.get("answer")
        if (
            not isinstance(phrases, list)
            or not phrases
            or not all(isinstance(p, str) and p.strip() for p in phrases)
        ):
            report(
                "answer of a highlight question must be a list of the words or phrases to "
                "select, as the passage writes them"
            )
            return
        right: set[str] = set()
        for phrase in phrases:
            found = _phrase_words(bodies[article], words, phrase.strip())
            if not found:
                report(f"answer {phrase[:60]!r} is not whole words of the passage as it reads")
            right.update(found)
        if len(right) == len(words):
            report("the answer takes in every word of the passage")
        content["passage"] = {"article": article, "paragraphs": [first, last]}
        content["choices"] = [w.choice() for w in words]
        content["answer"] = [w.id for w in words if w.id in right]

    def describe(self, content: Content, answer: Answer | None) -> list[str]:
        """Each run of neighbouring words chosen, as one phrase."""
        units = content["choices"]
        return [_label(units, s, e) for s, e in _runs(units, (answer or {}).get("choices", []))]

    def labels(self) -> Iterator[str]:
        """Words are underlined on paper, not labelled: these numbers are not printed."""
        return (str(n) for n in itertools.count(1))

    def answer_letters(self, content: Content, labels: dict[str, str]) -> str:
        return ""

    def count(self, content: Content, answers: list[Answer], order: list[str]) -> AnswerCounts:
        """How many chose each word; words no one chose and that are not right are left out."""
        units = content["choices"]
        index = {u["id"]: i for i, u in enumerate(units)}
        picked = Counter(c for a in answers for c in a.get("choices", []))
        right = set(content["answer"])
        return AnswerCounts(
            options=[
                OptionCount(_label(units, index[c], index[c] + 1), picked[c], c in right)
                for c in order
                if picked[c] or c in right
            ]
        )

    def sample(self, content: Content, rng: random.Random, p: float) -> Answer:
        ids = [u["id"] for u in content["choices"]]
        chosen = {c for c in content["answer"] if rng.random() < p}
        # The usual slip is a word next to a right one, taken in with it: "the Cuban regime".
        slips = set()
        for index, unit_id in enumerate(ids):
            if unit_id in chosen and rng.random() < (1 - p) * 0.5:
                neighbour = index + rng.choice((-1, 1))
                if 0 <= neighbour < len(ids):
                    slips.add(ids[neighbour])
        if not chosen or rng.random() < (1 - p) * 0.3:
            slips.add(rng.choice(ids))
        chosen |= slips
        return {"choices": [c for c in ids if c in chosen]}

    def export(self, key: str, content: Content, feedback: str, warnings: list[str]) -> Item:
        """The passage with its words to select: QTI's hottext; GIFT and Moodle XML make it a
        multiple-answer question over the words (interop.common.words_as_answers)."""
        units = content["choices"]
        right = set(content["answer"])
        passage: list[list[tuple[str, int | None]]] = []
        for index, unit in enumerate(units):
            if index == 0 or units[index - 1]["paragraph"] != unit["paragraph"]:
                passage.append([(unit["before"], None)] if unit["before"] else [])
            passage[-1].append((unit["text"], index))
            if unit["after"]:
                passage[-1].append((unit["after"], None))
        choices = [(_label(units, i, i + 1), u["id"] in right) for i, u in enumerate(units)]
        return Item(key, Shape.WORDS, content["prompt"], feedback, choices, passage=passage)
