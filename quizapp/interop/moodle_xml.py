"""Moodle XML: the format of Moodle's question bank import and export."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from defusedxml import DTDForbidden
from defusedxml.ElementTree import fromstring as parse_untrusted

from quizapp.interop.common import (
    Export,
    ImportFormatError,
    ImportResult,
    decimal_text,
    html_to_text,
    items,
    matches_weights,
    text_to_html,
    weights,
    words_as_answers,
)
from quizapp.question_types.exported import Item, Shape

SUPPORTED = ("multichoice", "truefalse", "matching")
MOODLE_TYPES = {
    Shape.ONE_ANSWER: "multichoice",
    Shape.ANSWERS: "multichoice",
    Shape.TRUE_FALSE: "truefalse",
    Shape.PAIRS: "matching",
}


def export_moodle_xml(document: dict[str, Any]) -> Export:
    """The set as a Moodle XML quiz file, in a category named after the set."""
    warnings: list[str] = []
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", type="category")
    _text(category, "category", f"$course$/top/{document['title']}")
    for item in items(document, warnings):
        if item.shape is Shape.WORDS:
            item = words_as_answers(item, warnings, "Moodle XML")
        quiz.append(_question(item))
    ET.indent(quiz)
    data = ET.tostring(quiz, encoding="utf-8", xml_declaration=True)
    return Export(data + b"\n", warnings)


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, format=fmt) if fmt else ET.SubElement(parent, tag)
    ET.SubElement(element, "text").text = value
    return element


def _question(item: Item) -> ET.Element:
    question = ET.Element("question", type=MOODLE_TYPES[item.shape])
    _text(question, "name", item.id)
    _text(question, "questiontext", text_to_html(item.prompt), "html")
    _text(question, "generalfeedback", text_to_html(item.feedback), "html")
    ET.SubElement(question, "defaultgrade").text = "1"
    ET.SubElement(question, "penalty").text = "0"
    ET.SubElement(question, "hidden").text = "0"
    ET.SubElement(question, "idnumber").text = item.id
    if item.shape is Shape.TRUE_FALSE:
        for value in ("true", "false"):
            right = (value == "true") == item.true
            answer = _text(question, "answer", value, "moodle_auto_format")
            answer.set("fraction", "100" if right else "0")
            _text(answer, "feedback", "", "html")
    elif item.shape is Shape.PAIRS:
        ET.SubElement(question, "shuffleanswers").text = "true"
        for left, right in item.pairs:
            sub = _text(question, "subquestion", text_to_html(left), "html")
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = right
        for option in item.distractors:
            # A subquestion with no text is Moodle's way to add an option that matches nothing.
            sub = _text(question, "subquestion", "", "html")
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = option
    else:
        single = item.shape is Shape.ONE_ANSWER
        ET.SubElement(question, "single").text = "true" if single else "false"
        ET.SubElement(question, "shuffleanswers").text = "false"
        ET.SubElement(question, "answernumbering").text = "abc"
        rights = [right for _, right in item.choices]
        shares = [Decimal(100 * r) for r in rights] if single else weights(rights)
        for (text, _), share in zip(item.choices, shares, strict=True):
            answer = _text(question, "answer", text_to_html(text), "html")
            answer.set("fraction", decimal_text(share))
            _text(answer, "feedback", "", "html")
    return question


def parse_moodle_xml(data: bytes) -> ImportResult:
    """Multiple choice, multiple answer, true/false and matching questions of a Moodle XML
    file; other types are listed in `skipped`. Raises ImportFormatError naming the element."""
    # Moodle XML never has a DOCTYPE, so the parser refuses one wherever it stands in the file,
    # and with it every entity it could declare (entities expand a small file into a huge one).
    try:
        root = parse_untrusted(data, forbid_dtd=True)
    except DTDForbidden as exc:
        raise ImportFormatError(
            f"the file declares a DOCTYPE (<!DOCTYPE {exc.name[:40]}>), which Moodle XML files do "
            "not have: its entities were not read"
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise ImportFormatError(
            f"not well-formed XML at line {line}, column {column + 1}"
        ) from None
    if root.tag != "quiz":
        raise ImportFormatError(f"the root element is <{root.tag}>, not <quiz>")
    result = ImportResult()
    for number, element in enumerate(root.findall("question"), start=1):
        moodle_type = element.get("type", "")
        if moodle_type == "category":
            continue
        name = _child_text(element, "name") or f"question {number}"
        where = f'<question> #{number} (type "{moodle_type}", name "{name}")'
        if moodle_type not in SUPPORTED:
            result.skipped.append(f'{name}: type "{moodle_type}" is not supported')
            continue
        question = {
            "id": f"q{number}",
            "prompt": _rich_text(element, "questiontext"),
            "explanation": _rich_text(element, "generalfeedback"),
        }
        if not question["prompt"]:
            raise ImportFormatError(f"{where}: <questiontext> has no <text>")
        if moodle_type == "matching":
            _read_matching(element, question, where)
        elif moodle_type == "truefalse":
            _read_true_false(element, question, where)
        else:
            _read_multichoice(element, question, where, name, result)
        result.questions.append(question)
    return result


def _child_text(element: ET.Element, tag: str) -> str:
    text = element.find(f"{tag}/text")
    return (text.text or "").strip() if text is not None else ""


def _rich_text(element: ET.Element, tag: str) -> str:
    child = element.find(tag)
    if child is None:
        return ""
    value = _child_text(element, tag)
    return html_to_text(value) if child.get("format", "html") == "html" else value


def _answers(element: ET.Element, where: str) -> list[tuple[float, str]]:
    answers = []
    for index, answer in enumerate(element.findall("answer"), start=1):
        try:
            fraction = float(answer.get("fraction", "0"))
        except ValueError:
            raise ImportFormatError(
                f"{where}: <answer> #{index} has fraction {answer.get('fraction')!r}, not a number"
            ) from None
        text = answer.find("text")
        raw = (text.text or "") if text is not None else ""
        value = html_to_text(raw) if answer.get("format", "html") == "html" else raw.strip()
        if not value:
            raise ImportFormatError(f"{where}: <answer> #{index} has no <text>")
        answers.append((fraction, value))
    if len(answers) < 2:
        raise ImportFormatError(f"{where}: needs at least two <answer> elements")
    return answers


def _read_multichoice(
    element: ET.Element, question: dict, where: str, name: str, result: ImportResult
) -> None:
    answers = _answers(element, where)
    single = _child_value(element, "single", "true").lower() in ("true", "1")
    question["choices"] = [{"id": f"c{i}", "text": t} for i, (_, t) in enumerate(answers, 1)]
    if single:
        best = max(f for f, _ in answers)
        if best <= 0:
            raise ImportFormatError(f"{where}: no <answer> has a positive fraction")
        right = [f"c{i}" for i, (f, _) in enumerate(answers, 1) if f == best]
        question["type"], question["answer"] = "single", right[0]
        if len(right) > 1 or any(0 < f < best for f, _ in answers):
            result.notes.append(f"{name}: partial credit for other answers is not kept")
        return
    right = [f"c{i}" for i, (f, _) in enumerate(answers, 1) if f > 0]
    if not right:
        raise ImportFormatError(f"{where}: no <answer> has a positive fraction")
    question["type"], question["answer"] = "multiple", right
    rights = [f"c{i}" in right for i in range(1, len(answers) + 1)]
    if not matches_weights([f for f, _ in answers], rights):
        result.notes.append(
            f"{name}: scored by quizapp's rule (+1/n per right tick, −1/n per wrong one), "
            "not the file's fractions"
        )


def _child_value(element: ET.Element, tag: str, default: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None and child.text else default


def _read_true_false(element: ET.Element, question: dict, where: str) -> None:
    answers = _answers(element, where)
    right = [t.strip().lower() for f, t in answers if f > 0]
    if len(right) != 1 or right[0] not in ("true", "false"):
        raise ImportFormatError(f'{where}: needs one <answer> "true" or "false" with fraction 100')
    question["type"], question["answer"] = "true_false", right[0] == "true"


def _read_matching(element: ET.Element, question: dict, where: str) -> None:
    pairs, distractors = [], []
    for index, sub in enumerate(element.findall("subquestion"), start=1):
        text = sub.find("text")
        left = html_to_text((text.text or "") if text is not None else "")
        right = _child_text(sub, "answer")
        if not right:
            raise ImportFormatError(f"{where}: <subquestion> #{index} has no <answer><text>")
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    if len(pairs) < 2:
        raise ImportFormatError(f"{where}: needs at least two <subquestion> elements with text")
    question["type"], question["pairs"] = "matching", pairs
    if distractors:
        question["distractors"] = distractors
