"""The question builder: from a folder of news articles to quotes, figures, claims and drafts.

Plain Python with no Flask imports, so it can run and be tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from quizapp.builder.articles import (
    Article,
    ArticleError,
    Skipped,
    parse_article,
    read_folder,
    write_bank_article,
)
from quizapp.builder.claims import OWN_LINE, find_claims, rejudge
from quizapp.builder.conflicts import find_conflicts
from quizapp.builder.drafts import draft_set, with_ground
from quizapp.builder.figures import Figure, find_figures
from quizapp.builder.lines import reporting_lines
from quizapp.builder.quotes import find_quotes
from quizapp.builder.speakers import attribute

__all__ = [
    "OWN_LINE",
    "Article",
    "ArticleError",
    "Skipped",
    "build",
    "draft_set",
    "extract",
    "extract_article",
    "extract_articles",
    "extract_shared",
    "parse_article",
    "read_folder",
    "rejudge",
    "with_ground",
    "write_bank_article",
]


def extract(folder: Path | str) -> dict[str, Any]:
    """Quotes, figures, shared claims and conflicts of every article in folder, and the files
    that could not be read ("skipped", each with its reason)."""
    articles, skipped = read_folder(Path(folder))
    found = extract_articles(articles)
    found["skipped"] = [{"file": s.file, "reason": s.reason} for s in skipped]
    return found


def extract_articles(
    articles: list[Article], progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """The extraction of already-read articles, in the JSON shape of `questions extract`.

    progress(done, total) is called after each article and after the cross-article step.
    """
    total = len(articles) + 1
    found = []
    for done, article in enumerate(articles, start=1):
        found.append(extract_article(article))
        if progress:
            progress(done, total)
    extraction = extract_shared(articles, found)
    if progress:
        progress(total, total)
    return extraction


def extract_article(article: Article) -> dict[str, list[dict[str, Any]]]:
    """What one article holds on its own: its quotes with their speakers, and its figures."""
    spans = find_quotes(article.body)
    quotes = [
        {
            "article": article.file,
            "speaker": found.speaker,
            "inferred": found.inferred,
            "text": span.text,
            "start": span.start,
            "end": span.end,
        }
        for span, found in zip(spans, attribute(article.body, spans), strict=True)
    ]
    figures = [
        {
            "article": article.file,
            "text": figure.text,
            "value": figure.value,
            "unit": figure.unit,
            "measures": figure.measures,
            "sentence": figure.sentence,
            "start": figure.start,
            "end": figure.end,
        }
        for figure in find_figures(article.body)
    ]
    return {"quotes": quotes, "figures": figures}


def extract_shared(articles: list[Article], found: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole extraction, from each article's extract_article (in the same order): with the
    claims the articles share and the figures that differ between them."""
    quotes = [quote for one in found for quote in one["quotes"]]
    figures = [figure for one in found for figure in one["figures"]]
    located = [
        (f["article"], Figure(**{k: f[k] for k in Figure.__dataclass_fields__})) for f in figures
    ]
    sources = reporting_lines(articles)
    claims = [
        {
            "claim": c.claim,
            "articles": c.articles,
            "independent": c.independent,
            "evidence": c.evidence,
            "lines": c.lines,
            "reason": c.reason,
        }
        for c in find_claims(articles, sources)
    ]
    conflicts = [
        {"about": c.about, "figures": c.figures, "kind": c.kind, "reason": c.reason}
        for c in find_conflicts(located)
    ]
    return {
        "articles": [
            {
                "file": a.file,
                "title": a.title,
                "outlet": a.outlet,
                "published": a.published,
                "line": sources[a.file].line,
                "line_reason": sources[a.file].reason,
            }
            for a in articles
        ],
        "quotes": quotes,
        "figures": figures,
        "claims": claims,
        "conflicts": conflicts,
    }


def build(folder: Path | str, slug: str = "draft") -> dict[str, Any]:
    """A draft question set in the bank's format, from the articles in folder that can be read
    (read_folder says which cannot)."""
    articles, _skipped = read_folder(Path(folder))
    return draft_set(articles, extract_articles(articles), slug)
