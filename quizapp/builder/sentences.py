"""Splitting article paragraphs into sentences, the units students select as evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words whose trailing period does not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "gen",
        "gov",
        "sen",
        "rep",
        "lt",
        "col",
        "capt",
        "rev",
        "del",
        "fr",
        "adm",
        "cmdr",
        "maj",
        "cpl",
        "supt",
        "insp",
        "det",
        "sgt",
        "no",
        "vs",
        "fig",
        "approx",
        "est",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)
# End punctuation, any closing quotes or brackets, then space and the start of a new sentence.
BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-ZÁÉÍÓÚÑ0-9¿¡])")
WORD_BEFORE = re.compile(r"([A-Za-z.]+)[.!?…]*[\"”’')\]]*$")


@dataclass(frozen=True)
class Sentence:
    id: str  # "<paragraph>-<n>", both 1-based
    paragraph: int
    start: int  # offsets in the paragraph
    end: int
    text: str


def split_paragraph(text: str, paragraph: int) -> list[Sentence]:
    """The sentences of one paragraph, with their offsets."""
    spans, start = [], 0
    for match in BOUNDARY.finditer(text):
        end = match.end()
        word = WORD_BEFORE.search(text[start:end])
        token = word.group(1).lower().rstrip(".") if word else ""
        if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue  # "Dr. Arias", "George W. Bush"
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    sentences = []
    for n, (begin, end) in enumerate(spans, start=1):
        chunk = text[begin:end]
        lead = len(chunk) - len(chunk.lstrip())
        chunk = chunk.strip()
        if chunk:
            sentences.append(
                Sentence(
                    f"{paragraph}-{n}", paragraph, begin + lead, begin + lead + len(chunk), chunk
                )
            )
    return sentences


def paragraphs_of(body: str) -> list[str]:
    """The body's paragraphs, numbered from 1 by position in this list + 1."""
    return [p for p in body.split("\n\n") if p.strip()]


def passage_sentences(body: str, first: int, last: int) -> list[Sentence]:
    """Every sentence of paragraphs first..last (1-based, inclusive)."""
    paragraphs = paragraphs_of(body)
    return [
        sentence
        for number in range(first, last + 1)
        for sentence in split_paragraph(paragraphs[number - 1], number)
    ]


def sentences_touching(body: str, sentences: list[Sentence], quotes: list[str]) -> list[str]:
    """Ids of the sentences that contain any part of any of the quotes."""
    paragraphs = paragraphs_of(body)
    hits: list[str] = []
    for quote in quotes:
        for number in sorted({s.paragraph for s in sentences}):
            offset = paragraphs[number - 1].find(quote)
            if offset < 0:
                continue
            end = offset + len(quote)
            hits.extend(
                s.id
                for s in sentences
                if s.paragraph == number and s.start < end and offset < s.end and s.id not in hits
            )
    return [s.id for s in sentences if s.id in hits]
