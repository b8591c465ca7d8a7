"""What the builder found, laid over each article: quotes by speaker, figures, shared claims.

Pieces of text carry their marks; the template escapes every piece, so an article's text is
never read as HTML.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from quizapp.builder.text import paragraph_spans
from quizapp.models import Draft

PALETTE = 8  # speaker colours in the stylesheet: .speaker-0 … .speaker-7


@dataclass
class Piece:
    text: str
    quote: int | None = None  # index into extraction["quotes"]
    speaker: int | None = None  # colour of the quote's speaker
    figure: int | None = None  # index into extraction["figures"]
    claims: list[int] = field(default_factory=list)  # claim numbers, from 1
    speaker_tag: str = ""  # shown after the last piece of a quote
    claims_starting: list[int] = field(default_factory=list)  # claims whose sentence starts here


@dataclass
class ArticleView:
    slug: str
    title: str
    outlet: str
    published: str
    paragraphs: list[list[Piece]]
    quotes: int
    figures: int


@dataclass
class Review:
    articles: list[ArticleView]
    speakers: list[tuple[str, int]]  # name, colour
    quotes: list[dict[str, Any]]
    figures: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    titles: dict[str, str]


def review(draft: Draft) -> Review:
    extraction = draft.extraction or {}
    quotes = extraction.get("quotes", [])
    figures = extraction.get("figures", [])
    claims = extraction.get("claims", [])
    colours: dict[str, int] = {}
    for quote in quotes:
        name = quote["speaker"] or "unknown speaker"
        colours.setdefault(name, len(colours) % PALETTE)
    views = []
    for article in draft.articles:
        marks: list[tuple[int, int, str, int]] = []
        for i, quote in enumerate(quotes):
            if quote["article"] == article.slug:
                marks.append((quote["start"], quote["end"], "quote", i))
        for i, figure in enumerate(figures):
            if figure["article"] == article.slug:
                marks.append((figure["start"], figure["end"], "figure", i))
        for number, claim in enumerate(claims, start=1):
            sentence = claim["evidence"].get(article.slug)
            start = article.body.find(sentence) if sentence else -1
            if start >= 0:
                marks.append((start, start + len(sentence), "claim", number))
        views.append(
            ArticleView(
                slug=article.slug,
                title=article.title,
                outlet=article.outlet,
                published=article.published,
                paragraphs=_pieces(article.body, marks, quotes, colours),
                quotes=sum(1 for m in marks if m[2] == "quote"),
                figures=sum(1 for m in marks if m[2] == "figure"),
            )
        )
    return Review(
        articles=views,
        speakers=list(colours.items()),
        quotes=quotes,
        figures=figures,
        claims=claims,
        conflicts=extraction.get("conflicts", []),
        titles=draft.article_labels,
    )


def _pieces(
    body: str,
    marks: list[tuple[int, int, str, int]],
    quotes: list[dict[str, Any]],
    colours: dict[str, int],
) -> list[list[Piece]]:
    """Each paragraph cut wherever a mark starts or ends, each piece with the marks over it."""
    paragraphs = []
    for paragraph in paragraph_spans(body):
        inside = [m for m in marks if m[0] < paragraph.end and m[1] > paragraph.start]
        cuts = {paragraph.start, paragraph.end}
        for start, end, _, _ in inside:
            cuts.update(c for c in (start, end) if paragraph.start < c < paragraph.end)
        bounds = sorted(cuts)
        pieces = []
        for start, end in itertools.pairwise(bounds):
            piece = Piece(body[start:end])
            for m_start, m_end, kind, value in inside:
                if not (m_start <= start and end <= m_end):
                    continue
                if kind == "quote":
                    name = quotes[value]["speaker"] or "unknown speaker"
                    piece.quote, piece.speaker = value, colours[name]
                    if end == m_end:
                        piece.speaker_tag = name
                elif kind == "figure":
                    piece.figure = value
                else:
                    piece.claims.append(value)
                    if start == m_start:
                        piece.claims_starting.append(value)
            pieces.append(piece)
        paragraphs.append(pieces)
    return paragraphs
