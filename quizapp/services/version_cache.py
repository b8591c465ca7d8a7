"""Question versions kept per process: a version never changes once written (its content hash is
part of its key), so each server process reads and parses one at most once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from quizapp import question_types
from quizapp.extensions import db
from quizapp.models import QuestionVersion
from quizapp.question_types.base import QuestionType

# Enough for a school's whole bank and its teachers' sets; each is a few kilobytes.
MAX_VERSIONS = 4096


@dataclass(frozen=True)
class CachedVersion:
    """What the hot path needs of a question version: its content and its type object."""

    id: int
    content: dict[str, Any]
    question_type: QuestionType


def cached_version(version_id: int, content_hash: str) -> CachedVersion:
    """The version, read from the database the first time. The hash is in the key because ids
    are only unique within one database (a test suite or a restored backup reuses them)."""
    return _load(version_id, content_hash)


@lru_cache(maxsize=MAX_VERSIONS)
def _load(version_id: int, content_hash: str) -> CachedVersion:
    row = db.session.execute(
        db.select(QuestionVersion.type, QuestionVersion.content).where(
            QuestionVersion.id == version_id, QuestionVersion.content_hash == content_hash
        )
    ).one()
    return CachedVersion(version_id, row.content, question_types.get(row.type))
