"""Articles as the reader shows them: paragraphs, captions and a highlighted evidence span."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Article, User
from quizapp.models.question import shown_title
from quizapp.services.question_files import CAPTION_PREFIX


@dataclass
class Segment:
    text: str
    marked: bool = False


@dataclass
class Paragraph:
    segments: list[Segment]
    caption: bool = False
    has_mark: bool = False


def render_body(body: str, quote: str | None = None) -> tuple[list[Paragraph], bool]:
    """Split the body into paragraphs, marking the first occurrence of quote.

    Returns the paragraphs and whether the quote was found.
    """
    start = body.find(quote) if quote else -1
    end = start + len(quote) if start >= 0 and quote else -1
    paragraphs: list[Paragraph] = []
    offset = 0
    for raw in body.split("\n\n"):
        p_start, p_end = offset, offset + len(raw)
        offset = p_end + 2
        if not raw.strip():
            continue
        cut_start, cut_end = max(start, p_start), min(end, p_end)
        if start >= 0 and cut_start < cut_end:
            segments = [
                Segment(raw[: cut_start - p_start]),
                Segment(raw[cut_start - p_start : cut_end - p_start], marked=True),
                Segment(raw[cut_end - p_start :]),
            ]
            segments = [s for s in segments if s.text]
        else:
            segments = [Segment(raw)]
        caption = raw.startswith(CAPTION_PREFIX)
        if caption and not segments[0].marked:
            segments[0].text = segments[0].text[len(CAPTION_PREFIX) :]
        paragraphs.append(Paragraph(segments, caption, any(s.marked for s in segments)))
    return paragraphs, start >= 0


def article_titles() -> dict[str, str]:
    """Slug to a short label of every article: its title and outlet."""
    rows = db.session.execute(sa.select(Article.slug, Article.title, Article.outlet))
    return {slug: article_label(title, outlet) for slug, title, outlet in rows}


def article_label(title: str, outlet: str) -> str:
    return f"{shown_title(title)} ({outlet})" if outlet else shown_title(title)


def listed_for(user: User) -> list[Article]:
    """The articles the reading list shows a user: all they may read (Article.readable_by)."""
    return list(
        db.session.scalars(
            sa.select(Article)
            .where(Article.readable_by(user.id))
            .order_by(Article.published, Article.title)
        )
    )


def by_slug(slug: str) -> Article | None:
    return db.session.scalar(sa.select(Article).where(Article.slug == slug))


# Built once, as the question page's other statements (services.attempts).
_SHOWN = sa.select(
    Article.slug, Article.title, Article.outlet, Article.published, Article.body
).where(Article.slug.in_(sa.bindparam("slugs", expanding=True)))


def question_articles(content: dict) -> list[sa.Row]:
    """The articles a question is built on, in the order it first cites them: the columns the
    question page shows (rows, not objects: the page is the one a class loads most)."""
    slugs = [e["article"] for e in content.get("evidence", [])]
    slugs += [content[part]["article"] for part in ("passage", "ground") if part in content]
    order = list(dict.fromkeys(slugs))
    found = db.session.execute(_SHOWN, {"slugs": order}).all()
    return sorted(found, key=lambda a: order.index(a.slug))
