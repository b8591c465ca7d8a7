"""What the builder found, laid over one article at a time: quotes by speaker, figures, the
claims it shares with the other articles, and the figures that differ from theirs.

A draft may hold 30 articles of 100,000 characters, so the review shows one of them; the work
and the page grow with that article, not with the draft. Pieces of text carry their marks; the
template escapes every piece, so an article's text is never read as HTML.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from quizapp.builder.text import paragraph_spans
from quizapp.models import Article, Draft
from quizapp.services.drafts import MAX_CONFLICTS

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
    quotes: int
    figures: int
    line: str = ""  # its reporting line, and why (drafts found before lines existed have none)
    line_reason: str = ""
    paragraphs: list[list[Piece]] = field(default_factory=list)  # only for the one shown


@dataclass
class Review:
    article: ArticleView  # the one shown, with its marks
    articles: list[ArticleView]  # all of them, to move between them
    speakers: list[tuple[str, int]]  # the shown article's speakers: name, colour
    quotes: list[dict[str, Any]]  # all of them: the correction tables post every row
    figures: list[dict[str, Any]]
    claims: list[tuple[int, dict[str, Any]]]  # number and claim, of those the article shares
    conflicts: list[dict[str, Any]]  # of the article's figures with others', MAX_CONFLICTS
    conflicts_cut: bool  # there were more: only the first are kept
    titles: dict[str, str]


def review(draft: Draft, slug: str | None = None) -> Review | None:
    """The review of the article named slug (the first one when None); None for no such one."""
    article = next((a for a in draft.articles if slug in (None, a.slug)), None)
    if article is None:
        return None
    extraction = draft.extraction or {}
    quotes = extraction.get("quotes", [])
    figures = extraction.get("figures", [])
    colours: dict[str, int] = {}
    for quote in quotes:  # over the whole draft, so a speaker keeps one colour on every page
        colours.setdefault(_speaker(quote), len(colours) % PALETTE)
    claims = [
        (number, claim)
        for number, claim in enumerate(extraction.get("claims", []), start=1)
        if article.slug in claim["evidence"]
    ]
    conflicts = [
        c
        for c in extraction.get("conflicts", [])
        if any(f["article"] == article.slug for f in c["figures"])
    ]
    counts = Counter(q["article"] for q in quotes), Counter(f["article"] for f in figures)
    lines = {a["file"]: a for a in extraction.get("articles", [])}
    views = {a.slug: _summary(a, *counts, lines.get(a.slug, {})) for a in draft.articles}
    shown = views[article.slug]
    shown.paragraphs = _pieces(
        article.body, _marks(article, quotes, figures, claims), quotes, colours
    )
    speakers = {_speaker(q) for q in quotes if q["article"] == article.slug}
    return Review(
        article=shown,
        articles=list(views.values()),
        speakers=[(name, colour) for name, colour in colours.items() if name in speakers],
        quotes=quotes,
        figures=figures,
        claims=claims,
        conflicts=conflicts[:MAX_CONFLICTS],
        conflicts_cut=len(conflicts) >= MAX_CONFLICTS,
        titles=draft.article_labels,
    )


def _speaker(quote: dict[str, Any]) -> str:
    return quote["speaker"] or "unknown speaker"


def _summary(
    article: Article, quotes: Counter, figures: Counter, found: dict[str, Any]
) -> ArticleView:
    return ArticleView(
        slug=article.slug,
        title=article.title,
        outlet=article.outlet,
        published=article.published,
        quotes=quotes[article.slug],
        figures=figures[article.slug],
        line=found.get("line", ""),
        line_reason=found.get("line_reason", ""),
    )


def _marks(
    article: Article,
    quotes: list[dict[str, Any]],
    figures: list[dict[str, Any]],
    claims: list[tuple[int, dict[str, Any]]],
) -> list[tuple[int, int, str, int]]:
    """Where each quote, figure and shared claim lies in the article: start, end, kind, value."""
    marks: list[tuple[int, int, str, int]] = []
    for i, quote in enumerate(quotes):
        if quote["article"] == article.slug:
            marks.append((quote["start"], quote["end"], "quote", i))
    for i, figure in enumerate(figures):
        if figure["article"] == article.slug:
            marks.append((figure["start"], figure["end"], "figure", i))
    for number, claim in claims:
        sentence = claim["evidence"][article.slug]
        start = article.body.find(sentence)
        if start >= 0:
            marks.append((start, start + len(sentence), "claim", number))
    return marks


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
                    name = _speaker(quotes[value])
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
