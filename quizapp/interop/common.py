"""What every format shares: the set as items, HTML to text, and feedback with the evidence."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from quizapp import question_types
from quizapp.builder.sentences import paragraphs_of
from quizapp.question_types import ground
from quizapp.question_types.exported import Item, Shape
from quizapp.refusals import Refusal

WEIGHT_PLACES = Decimal("0.00001")  # Moodle writes grades in percent to five decimals


@dataclass
class Export:
    data: bytes
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """Questions in the bank's YAML shape, and the ones that could not be imported, in words."""

    questions: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ImportFormatError(Refusal, ValueError):
    """The file is malformed; the message names the line (GIFT) or the element (XML)."""


def items(document: dict[str, Any], warnings: list[str]) -> list[Item]:
    """The set's questions as items, each as its type writes it (question_types); a grounding
    step becomes a multiple-answer question over the passage's sentences, graded the same way."""
    titles = document.get("articles") or {}
    result = []
    for question in document["questions"]:
        content, key = question["content"], question["id"]
        feedback = feedback_text(content, titles)
        result.append(question_types.get(question["type"]).export(key, content, feedback, warnings))
        if content.get("ground"):
            result.append(ground.export(key, content, feedback, warnings))
    return result


def words_as_answers(item: Item, warnings: list[str], fmt: str) -> Item:
    """Words to select in a passage, for a format that cannot mark words in a text: a
    multiple-answer question over the passage's words, listed after the passage, which the
    select-all rule grades as we do."""
    warnings.append(
        f"{item.id}: highlight question exported as a multiple-answer question over the "
        f"passage's words, listed after the passage: {fmt} cannot mark words in a text"
    )
    passage = "\n\n".join("".join(text for text, _ in paragraph) for paragraph in item.passage)
    return replace(item, shape=Shape.ANSWERS, prompt=f"{item.prompt}\n\n{passage}", passage=[])


def feedback_text(content: dict[str, Any], titles: dict[str, str]) -> str:
    """The explanation, then each piece of evidence as a quote with the article's title."""
    parts = [content.get("explanation") or ""]
    for evidence in content.get("evidence") or []:
        title = titles.get(evidence["article"], evidence["article"])
        parts.append(f"Evidence: {quoted(evidence['quote'])} ({title})")
    return "\n\n".join(p for p in parts if p)


QUOTE_MARKS = "“”‘’\"'"


def quoted(text: str) -> str:
    """The text in quotation marks, unless it begins or ends with its own: a sentence that
    opens with a speaker's words would otherwise start ““ (or end ””)."""
    if text[:1] in QUOTE_MARKS or text[-1:] in QUOTE_MARKS:
        return text
    return f"“{text}”"


def weights(rights: list[bool]) -> list[Decimal]:
    """Our multiple-answer rule as per-choice weights in percent: +100/n for a right choice and
    −100/n for a wrong one (the total never below 0), to the five decimals Moodle writes. The
    last right choice takes what rounding leaves, so the right ones add up to exactly 100,
    as Moodle checks and strict GIFT readers require (six rights: 16.66667 five times, then
    16.66665)."""
    count = sum(rights)
    if not count:
        return [Decimal(0)] * len(rights)
    share = (Decimal(100) / count).quantize(WEIGHT_PLACES)
    last = max(i for i, right in enumerate(rights) if right)
    rest = Decimal(100) - share * (count - 1)
    return [rest if i == last else share if right else -share for i, right in enumerate(rights)]


def decimal_text(value: Decimal) -> str:
    """A decimal as the formats write numbers, without trailing zeros: 33.33333, 50, -100."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def matches_weights(found: list[float], rights: list[bool]) -> bool:
    """Whether a file's weights in percent are our rule's, to a thousandth of a percent."""
    return all(
        abs(Decimal(str(value)) - expected) < Decimal("0.001")
        for value, expected in zip(found, weights(rights), strict=True)
    )


def text_to_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs_of(text)) or ""


class _TextParser(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, paragraphs kept as blank lines."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    paragraphs = [re.sub(r"[ \t\r\n]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)
