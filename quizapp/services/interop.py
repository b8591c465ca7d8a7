"""Between the database and the interop formats: a set as a document, and imported sets."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.interop import ImportResult
from quizapp.models import Question, QuestionSet
from quizapp.services.articles import article_titles
from quizapp.services.question_bank import sync_set
from quizapp.services.question_files import Problem, read_imported_set

SLUG_RULE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SLUG = 40  # question keys are "<slug>-001" and must fit in 64 characters


def set_document(qset: QuestionSet) -> dict[str, Any]:
    """The set's current questions with their validated content, and the cited articles' titles."""
    return {
        "slug": qset.slug,
        "title": qset.title,
        "description": qset.description,
        "objective": qset.objective,
        "articles": article_titles(),
        "questions": [
            {
                "id": q.key,
                "kind": q.current_version.kind,
                "type": q.current_version.type,
                "content": q.current_version.content,
            }
            for q in qset.current_questions
        ],
    }


@dataclass
class Imported:
    qset: QuestionSet | None
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def slug_for(title: str) -> str:
    """A new, unused slug for a teacher's import: the title's words and a random tail."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:28].strip("-") or "imported"
    return f"{words}-{secrets.token_hex(3)}"


def import_set(
    parsed: ImportResult, *, owner_id: int | None, slug: str, title: str, file_name: str
) -> Imported:
    """Create a set from parsed questions, owned by owner_id; nothing is written on a problem."""
    outcome = Imported(None, skipped=parsed.skipped, notes=parsed.notes)
    if not SLUG_RULE.match(slug) or len(slug) > MAX_SLUG:
        outcome.problems.append(
            f"the slug must be lower-case words joined by '-', at most {MAX_SLUG} characters"
        )
        return outcome
    if db.session.scalar(sa.select(QuestionSet.id).where(QuestionSet.slug == slug)):
        outcome.problems.append(f"the slug {slug!r} is already used by another set")
        return outcome
    questions = [dict(q, id=f"{slug}-{n:03d}") for n, q in enumerate(parsed.questions, start=1)]
    taken = db.session.scalars(
        sa.select(Question.key).where(Question.key.in_([q["id"] for q in questions]))
    ).all()
    if taken:
        outcome.problems.append(f"question ids already in use: {', '.join(taken)}")
        return outcome
    set_file, problems = read_imported_set(
        {
            "slug": slug,
            "title": title,
            "description": f"Imported from {file_name}.",
            "questions": questions,
        },
        file_name,
    )
    if set_file is None:
        outcome.problems.extend(_describe(p) for p in problems)
        return outcome
    sync_set(set_file, owner_id=owner_id)
    outcome.qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == slug))
    return outcome


def _describe(problem: Problem) -> str:
    if problem.question:
        number = int(problem.question.rsplit("-", 1)[-1])
        return f"question {number}: {problem.message}"
    return problem.message
