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
from quizapp.services.question_files import Problem, SetFile, read_imported_set

SLUG_RULE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SLUG = 40  # question keys are "<slug>-001" and must fit in 64 characters
# A set students take, not a whole question bank: a file with more is refused, nothing saved.
MAX_QUESTIONS = 500


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
    set_file: SetFile | None  # the questions, checked: what import_set saves
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def slug_for(title: str) -> str:
    """A new, unused slug for a teacher's import: the title's words and a random tail."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:28].strip("-") or "imported"
    return f"{words}-{secrets.token_hex(3)}"


def read_import(parsed: ImportResult, *, slug: str, title: str, file_name: str) -> Imported:
    """Check parsed questions as a new set named slug, without the database (checking
    hundreds takes a while, so it is done before the write transaction)."""
    outcome = Imported(None, skipped=parsed.skipped, notes=parsed.notes)
    if not SLUG_RULE.match(slug) or len(slug) > MAX_SLUG:
        outcome.problems.append(
            f"the slug must be lower-case words joined by '-', at most {MAX_SLUG} characters"
        )
        return outcome
    if len(parsed.questions) > MAX_QUESTIONS:
        outcome.problems.append(
            f"the file holds {len(parsed.questions):,} questions and a set can have at most "
            f"{MAX_QUESTIONS}: split it into smaller files"
        )
        return outcome
    questions = [dict(q, id=f"{slug}-{n:03d}") for n, q in enumerate(parsed.questions, start=1)]
    outcome.set_file, problems = read_imported_set(
        {
            "slug": slug,
            "title": title,
            "description": f"Imported from {file_name}.",
            "questions": questions,
        },
        file_name,
    )
    outcome.problems.extend(_describe(p) for p in problems)
    return outcome


def import_set(outcome: Imported, *, owner_id: int | None) -> None:
    """Save the set read_import checked, owned by owner_id; a slug or question id already taken
    is added to outcome.problems instead, and nothing is written."""
    set_file = outcome.set_file
    assert set_file is not None, "import_set() needs a set read_import() found no problem in"
    if db.session.scalar(sa.select(QuestionSet.id).where(QuestionSet.slug == set_file.slug)):
        outcome.problems.append(f"the slug {set_file.slug!r} is already used by another set")
        return
    keys = [q.key for q in set_file.questions]
    taken = db.session.scalars(sa.select(Question.key).where(Question.key.in_(keys))).all()
    if taken:
        outcome.problems.append(f"question ids already in use: {', '.join(taken)}")
        return
    sync_set(set_file, owner_id=owner_id)


def _describe(problem: Problem) -> str:
    if problem.question:
        number = int(problem.question.rsplit("-", 1)[-1])
        return f"question {number}: {problem.message}"
    return problem.message
