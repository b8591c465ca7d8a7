"""Choices are never shown in an order that gives the right answer away."""

from collections import Counter

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion


def fixed_order(version: QuestionVersion) -> list[str]:
    return version.question_type.fixed_order(version.content, version.content_hash)


def test_unshuffled_order_does_not_follow_the_files_right_answer_first(ctx):
    versions = db.session.scalars(
        sa.select(QuestionVersion)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(QuestionVersion.type == "single")
    ).all()
    written = Counter(
        [c["id"] for c in v.content["choices"]].index(v.content["answer"]) for v in versions
    )
    shown = Counter(fixed_order(v).index(v.content["answer"]) for v in versions)
    # In the files the right answer is mostly first; on screen no place holds most of them.
    assert written[0] > len(versions) / 2
    assert max(shown.values()) < len(versions) / 2, shown


def test_true_false_and_passages_keep_their_natural_order(ctx):
    versions = db.session.scalars(
        sa.select(QuestionVersion).where(QuestionVersion.type.in_(["true_false", "evidence"]))
    ).all()
    for version in versions:
        assert fixed_order(version) == [c["id"] for c in version.content["choices"]]
