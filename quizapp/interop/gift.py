"""GIFT: Moodle's plain-text question format, one question per paragraph."""

from __future__ import annotations

import re
from typing import Any

from quizapp.interop.common import (
    Export,
    ImportFormatError,
    ImportResult,
    decimal_text,
    items,
    matches_weights,
    weights,
    words_as_answers,
)
from quizapp.question_types.exported import Shape

SPECIAL = "~=#{}:"
# Moodle's GIFT import needs three pairs for a matching question.
MIN_MATCHING_PAIRS = 3


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def export_gift(document: dict[str, Any]) -> Export:
    """The set as GIFT text; matching distractors and short matching questions cannot be
    written in GIFT and are reported in the warnings."""
    warnings: list[str] = []
    blocks = [f"// {document['title']}\n// Exported from quizapp: {document['slug']}"]
    blocks.append(f"$CATEGORY: $course$/top/{document['title']}")
    for item in items(document, warnings):
        if item.shape is Shape.WORDS:
            item = words_as_answers(item, warnings, "GIFT")
        head = f"::{escape(item.id)}::[plain]{escape(item.prompt)} {{"
        feedback = f"\n\t####{escape(item.feedback)}" if item.feedback else ""
        if item.shape is Shape.TRUE_FALSE:
            blocks.append(f"{head}{'TRUE' if item.true else 'FALSE'}{feedback}\n}}")
            continue
        if item.shape is Shape.PAIRS:
            if len(item.pairs) < MIN_MATCHING_PAIRS:
                warnings.append(
                    f"{item.id}: skipped: GIFT matching needs {MIN_MATCHING_PAIRS} pairs, "
                    f"this question has {len(item.pairs)}"
                )
                continue
            if item.distractors:
                warnings.append(
                    f"{item.id}: options that match nothing cannot be written in GIFT "
                    f"and were left out: {', '.join(item.distractors)}"
                )
            lines = [f"\t={escape(left)} -> {escape(right)}" for left, right in item.pairs]
        elif item.shape is Shape.ONE_ANSWER:
            lines = [f"\t{'=' if right else '~'}{escape(text)}" for text, right in item.choices]
        else:
            shares = weights([right for _, right in item.choices])
            lines = [
                f"\t~%{decimal_text(share)}%{escape(text)}"
                for (text, _), share in zip(item.choices, shares, strict=True)
            ]
        blocks.append(head + "\n" + "\n".join(lines) + feedback + "\n}")
    return Export(("\n\n".join(blocks) + "\n").encode(), warnings)


UNESCAPES = {"n": "\n", **{c: c for c in SPECIAL + "\\"}}


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: UNESCAPES.get(m.group(1), "\\" + m.group(1)), text).strip()


def _find(text: str, chars: str, start: int = 0) -> int:
    """Index of the first unescaped char of chars in text, or -1."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in chars:
            return index
        index += 1
    return -1


def _split(text: str, sep: str) -> list[str]:
    """Split on unescaped occurrences of the one-character sep."""
    parts, start = [], 0
    while (index := _find(text, sep, start)) != -1:
        parts.append(text[start:index])
        start = index + 1
    return [*parts, text[start:]]


def parse_gift(data: bytes) -> ImportResult:
    """Multiple choice, multiple answer, true/false and matching questions of a GIFT file;
    other kinds are listed in `skipped`. Raises ImportFormatError naming the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"the file is not UTF-8 text (byte {exc.start})") from None
    result = ImportResult()
    for line, block in _blocks(text):
        question = _parse_block(block, line, len(result.questions) + 1, result)
        if question:
            result.questions.append(question)
    return result


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions with their first line number: paragraphs, without comments and categories."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    depth = 0  # a blank line inside braces does not end a question
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            continue
        if not current and stripped.startswith("$CATEGORY:"):
            continue
        if not stripped and depth == 0:
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(raw)
        depth += _count(raw, "{") - _count(raw, "}")
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _count(text: str, char: str) -> int:
    count, index = 0, _find(text, char)
    while index != -1:
        count += 1
        index = _find(text, char, index + 1)
    return count


def _line_of(block: str, index: int, first_line: int) -> int:
    return first_line + block.count("\n", 0, index)


def _parse_block(block: str, line: int, number: int, result: ImportResult) -> dict | None:
    title = ""
    body = block.strip()
    match = re.match(r"::(.*?)::", body, re.DOTALL)
    if match:
        title = unescape(match.group(1))
        body = body[match.end() :]
    body = re.sub(r"^\s*\[(html|plain|moodle|markdown)\]", "", body)
    label = f"line {line}" + (f' ("{title}")' if title else "")
    opening = _find(body, "{")
    if opening == -1:
        if _find(body, "}") != -1:
            raise ImportFormatError(f"{label}: '}}' without an opening '{{'")
        result.skipped.append(f"{label}: a description with no answers, not a question")
        return None
    offset = len(block) - len(block.lstrip()) + (len(block.strip()) - len(body))
    closing = _find(body, "}", opening + 1)
    if closing == -1:
        raise ImportFormatError(
            f"line {_line_of(block, offset + opening, line)}: '{{' has no closing '}}'"
        )
    if _find(body, "{", opening + 1) not in (-1,) and _find(body, "{", opening + 1) < closing:
        raise ImportFormatError(
            f"line {_line_of(block, offset + opening, line)}: '{{' inside an answer must be "
            "escaped as '\\{'"
        )
    before, answers, after = body[:opening], body[opening + 1 : closing], body[closing + 1 :]
    if _find(after, "{}") != -1:
        raise ImportFormatError(f"{label}: only one answer block per question is supported")
    prompt = unescape(before)
    if unescape(after):
        prompt = f"{prompt} _____ {unescape(after)}".strip()
    if not prompt:
        raise ImportFormatError(f"{label}: the question has no text")
    answers, _, general = _general_feedback(answers)
    question: dict[str, Any] = {"id": f"q{number}", "prompt": prompt}
    if general:
        question["explanation"] = unescape(general)
    name = title or label
    kind = _read_answers(answers.strip(), question, label, name, result)
    if kind:
        result.skipped.append(f"{name}: {kind} questions are not supported")
        return None
    return question


def _general_feedback(answers: str) -> tuple[str, str, str]:
    index = 0
    while (index := _find(answers, "#", index)) != -1:
        if answers.startswith("####", index):
            return answers[:index], "####", answers[index + 4 :]
        index += 1
    return answers, "", ""


def _read_answers(
    answers: str, question: dict, label: str, name: str, result: ImportResult
) -> str | None:
    """Fill in the question's type and answer; returns the kind's name if it is unsupported."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    head = _split(answers, "#")[0].strip()
    if head.upper() in ("T", "TRUE", "F", "FALSE"):
        question["type"], question["answer"] = "true_false", head.upper().startswith("T")
        return None
    if answers[0] not in "=~":
        raise ImportFormatError(f"{label}: answers must start with '=' or '~', found {head!r}")
    options = _options(answers)
    if all(prefix == "=" for prefix, _, _ in options):
        if all("->" in text for _, text, _ in options):
            return _read_matching(options, question, label)
        if any("->" in text for _, text, _ in options):
            raise ImportFormatError(f"{label}: every matching answer needs '->'")
        return "short answer"
    choices = [{"id": f"c{i}", "text": unescape(t)} for i, (_, t, _) in enumerate(options, 1)]
    if any(not c["text"] for c in choices):
        raise ImportFormatError(f"{label}: an answer has no text")
    question["choices"] = choices
    exact = [c["id"] for c, (p, _, _) in zip(choices, options, strict=True) if p == "="]
    weighted = [c["id"] for c, (_, _, w) in zip(choices, options, strict=True) if (w or 0) > 0]
    if len(exact) == 1:
        question["type"], question["answer"] = "single", exact[0]
        if weighted:
            result.notes.append(f"{name}: partial credit for other answers is not kept")
        return None
    if exact:
        return "several '=' answers mixed with '~'"
    if not weighted:
        raise ImportFormatError(f"{label}: no answer is marked right ('=' or a positive '%n%')")
    question["type"], question["answer"] = "multiple", weighted
    rights = [c["id"] in weighted for c in choices]
    if not matches_weights([w or 0 for _, _, w in options], rights):
        result.notes.append(
            f"{name}: scored by quizapp's rule (+1/n per right tick, −1/n per wrong one), "
            "not the file's weights"
        )
    return None


def _options(answers: str) -> list[tuple[str, str, float | None]]:
    """(prefix, text, weight in percent) of each answer, per-answer feedback dropped."""
    options = []
    starts = []
    index = 0
    while (index := _find(answers, "=~", index)) != -1:
        starts.append(index)
        index += 1
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(answers)
        raw = answers[start + 1 : end]
        text = _split(raw, "#")[0]
        weight = None
        match = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", text)
        if match:
            weight = float(match.group(1))
            text = text[match.end() :]
        options.append((answers[start], text, weight))
    return options


def _read_matching(options: list, question: dict, label: str) -> str | None:
    pairs, distractors = [], []
    for _, text, _ in options:
        left, _, right = text.partition("->")
        left, right = unescape(left), unescape(right)
        if not right:
            raise ImportFormatError(f"{label}: a matching answer has nothing after '->'")
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    question["type"], question["pairs"] = "matching", pairs
    if distractors:
        question["distractors"] = distractors
    return None
