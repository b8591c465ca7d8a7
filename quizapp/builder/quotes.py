"""Finding direct quotations: straight or curly double marks, split and multi-paragraph quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.builder.text import paragraph_spans

OPENERS = '“"„«'
CLOSERS = '”"»'
# Characters after which a straight double mark opens a quote rather than closing one.
OPEN_CONTEXT = " \t\n([{—–-/:;,.“‘"
WORD = re.compile(r"[\w][\w’'-]*")
NAME_LINKS = frozenset(["of", "the", "and", "for", "de", "la"])


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # offset of the first character inside the marks
    end: int  # offset of the closing mark
    text: str

    @property
    def open_mark(self) -> int:
        return self.start - 1


def find_quotes(body: str) -> list[QuoteSpan]:
    """Every direct quotation in the body; scare quotes and quoted names are left out."""
    return [q for q in _quoted_spans(body) if is_direct_quote(q.text, body, q.end)]


def _quoted_spans(body: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    paragraphs = paragraph_spans(body)
    opened: int | None = None
    for index, paragraph in enumerate(paragraphs):
        position = paragraph.start
        if opened is not None:
            # News style: a quote running on opens each new paragraph with a mark.
            if body[position] in OPENERS:
                position += 1
            else:
                opened = None
        while position < paragraph.end:
            char = body[position]
            if opened is None:
                if char in OPENERS and (char != '"' or _opens(body, position)):
                    opened = position
            elif char in CLOSERS and not (char == '"' and _opens(body, position)):
                spans.append(QuoteSpan(opened + 1, position, body[opened + 1 : position]))
                opened = None
            elif char == "“":
                opened = position  # an unclosed quote before: keep the newer one
            position += 1
        if opened is not None and (
            index + 1 == len(paragraphs) or body[paragraphs[index + 1].start] not in OPENERS
        ):
            opened = None
    return spans


def _opens(body: str, position: int) -> bool:
    """Whether a straight double mark opens: it follows a space or bracket and precedes text."""
    before = body[position - 1] if position > 0 else " "
    after = body[position + 1] if position + 1 < len(body) else " "
    return (before in OPEN_CONTEXT or position == 0) and not after.isspace()


def is_direct_quote(text: str, body: str = "", end: int = 0) -> bool:
    """Quotations, not scare quotes or names: three words or more, with sentence-like shape."""
    words = WORD.findall(text)
    if len(words) <= 2:
        return False
    stripped = text.rstrip(" ’'\n")
    ends_like_speech = stripped.endswith((".", ",", "!", "?", "…", ":", ";", "—"))
    if len(words) <= 4:
        if all(w[0].isupper() or w.lower() in NAME_LINKS for w in words):
            return False  # "Inside the Neighborhood", a name or title
        return ends_like_speech
    return True
