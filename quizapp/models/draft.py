from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from quizapp.database import utcnow
from quizapp.extensions import db
from quizapp.models.question import Article, QuestionSet


class DraftStatus:
    COLLECTING = "collecting"  # articles are being added; nothing found yet
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"  # what the builder found can be reviewed
    FAILED = "failed"

    WORKING = (QUEUED, RUNNING)


class Draft(db.Model):
    """A teacher's articles on one story, what the builder found in them, and draft questions."""

    __tablename__ = "drafts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Reserved at creation: the slug of the set this draft publishes, and of its question ids.
    slug: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=DraftStatus.COLLECTING)
    steps_done: so.Mapped[int] = so.mapped_column(default=0)
    steps_total: so.Mapped[int] = so.mapped_column(default=0)
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The JSON of `questions extract`, with the teacher's corrections applied.
    extraction: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    # The teacher's corrections, kept apart so that finding again (after adding an article)
    # applies them to what is found: {"quotes": {key: {"speaker", "keep"}}, "figures": {...}}.
    corrections: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    # Draft questions in the bank's YAML shape, edited by the teacher before publishing.
    questions: so.Mapped[list[dict[str, Any]] | None] = so.mapped_column(sa.JSON)
    set_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("question_sets.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[datetime | None]

    articles: so.Mapped[list[Article]] = so.relationship(order_by=Article.id)
    question_set: so.Mapped[QuestionSet | None] = so.relationship()

    @property
    def article_labels(self) -> dict[str, str]:
        """Each article's slug and the short name it goes by: its outlet, else its title."""
        return {a.slug: a.outlet or a.title for a in self.articles}

    @property
    def working(self) -> bool:
        return self.status in DraftStatus.WORKING

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0
