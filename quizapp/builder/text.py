"""Text helpers shared by the extractors: paragraphs and sentences with body offsets, word keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from quizapp.builder.sentences import split_paragraph

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
LINE_BREAK = re.compile(r"\n")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def paragraph_spans(body: str) -> list[Span]:
    """Paragraphs with offsets: split at blank lines, or at every line when there are none."""
    separator = PARAGRAPH_BREAK if PARAGRAPH_BREAK.search(body) else LINE_BREAK
    spans, start = [], 0
    for match in separator.finditer(body):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(body)))
    result = []
    for begin, end in spans:
        chunk = body[begin:end]
        lead = len(chunk) - len(chunk.lstrip())
        text = chunk.strip()
        if text:
            result.append(Span(begin + lead, begin + lead + len(text), text))
    return result


def sentence_spans(body: str) -> list[Span]:
    """Every sentence of the body with offsets into the body."""
    result = []
    for number, paragraph in enumerate(paragraph_spans(body), start=1):
        for sentence in split_paragraph(paragraph.text, number):
            start = paragraph.start + sentence.start
            result.append(Span(start, start + len(sentence.text), sentence.text))
    return result


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case text without accents, with curly apostrophes made straight."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words_of(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


STOPWORDS = words_of(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours said says say told tell
    according reported one two many much even still well may might must shall per last year
    years new mr mrs ms dr"""
)
WORD = re.compile(r"[\w][\w'’-]*")


def stem(word: str) -> str:
    """The builder's one stemmer: plurals, -ed, -ing (undoubling "banned"), -ies/-ied off."""
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ing", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            return word
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """Folded, stemmed words that carry content (no stopwords)."""
    words = []
    for word in WORD.findall(text):
        folded = re.sub(r"'s$", "", fold(word)).strip("'-")
        words.append(folded)
        if "-" in folded:
            words.extend(folded.split("-"))  # "oil-for-doctors" also counts as oil, doctors
    return [stem(w) for w in words if w and w not in STOPWORDS and not w.isdigit()]
