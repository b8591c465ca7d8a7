"""Load the validated question bank into the database, keeping every version students saw."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Article, Question, QuestionSet, QuestionVersion, utcnow
from quizapp.services.question_files import Bank, Problem, SetFile, read_bank


@dataclass
class LoadReport:
    articles: int
    sets: int
    questions: int
    new_versions: int
    problems: list[Problem]


def load_bank(root: Path) -> LoadReport:
    """Bring the database in line with the files under root; files with problems are skipped."""
    bank = read_bank(root)
    _sync_articles(bank)
    new_versions = sum(sync_set(set_file) for set_file in bank.sets)
    # A set whose file is gone stays for the assignments that used it, but is no longer
    # offered. With a broken file in the bank we cannot tell gone from broken, so keep all.
    if not bank.problems:
        loaded = {s.slug for s in bank.sets}
        bank_sets = sa.select(QuestionSet).where(QuestionSet.active, QuestionSet.owner_id.is_(None))
        for stale in db.session.scalars(bank_sets):
            if stale.slug not in loaded:
                stale.active = False
    db.session.flush()
    return LoadReport(
        articles=len(bank.articles),
        sets=len(bank.sets),
        questions=sum(len(s.questions) for s in bank.sets),
        new_versions=new_versions,
        problems=bank.problems,
    )


def _sync_articles(bank: Bank) -> None:
    existing = {a.slug: a for a in db.session.scalars(sa.select(Article))}
    for file in bank.articles:
        article = existing.get(file.slug) or Article(slug=file.slug)
        for name, value in file.meta.items():
            setattr(article, name, value)
        article.body = file.body
        db.session.add(article)


def sync_set(set_file: SetFile, owner_id: int | None = None) -> int:
    """Create or update one set; returns how many new question versions it made."""
    qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == set_file.slug))
    if qset is None:
        qset = QuestionSet(slug=set_file.slug, owner_id=owner_id)
        db.session.add(qset)
    qset.title = set_file.title
    qset.description = set_file.description
    qset.objective = set_file.objective
    qset.minutes = set_file.minutes
    qset.role = set_file.role
    qset.active = True
    qset.updated_at = utcnow()
    db.session.flush()

    keys = [q.key for q in set_file.questions]
    questions = {
        q.key: q
        for q in db.session.scalars(
            sa.select(Question).where(sa.or_(Question.set_id == qset.id, Question.key.in_(keys)))
        )
    }
    versions = {
        (v.question_id, v.content_hash): v
        for v in db.session.scalars(
            sa.select(QuestionVersion).where(
                QuestionVersion.question_id.in_([q.id for q in questions.values()])
            )
        )
    }
    created = 0
    for position, data in enumerate(set_file.questions):
        question = questions.get(data.key)
        if question is None:
            question = Question(key=data.key)
            db.session.add(question)
        question.set_id = qset.id
        question.position = position
        db.session.flush()
        version = versions.get((question.id, data.content_hash))
        if version is None:
            version = QuestionVersion(
                question_id=question.id,
                content_hash=data.content_hash,
                kind=data.kind,
                type=data.type,
                content=data.content,
            )
            db.session.add(version)
            db.session.flush()
            created += 1
        question.current_version_id = version.id
    for key, question in questions.items():
        if key not in keys and question.set_id == qset.id:
            question.position = None
    return created
