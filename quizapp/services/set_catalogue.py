"""What a teacher scans a question set by: its kinds, size, time and difficulty."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question, QuestionSet, QuestionVersion
from quizapp.services.question_files import DIFFICULTIES
from quizapp.services.skills import SKILLS


@dataclass(frozen=True)
class SetSummary:
    questions: int
    kinds: list[str]  # the skills' names in the bank's order; imported questions last
    difficulty: dict[str, int]  # easy / medium / hard: how many questions of each


def summaries(sets: Sequence[QuestionSet]) -> dict[int, SetSummary]:
    """Each set's summary, by set id, from one query over the sets' current questions."""
    rows = db.session.execute(
        sa.select(
            Question.set_id, QuestionVersion.kind, QuestionVersion.content["difficulty"].as_string()
        )
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.set_id.in_([s.id for s in sets]), Question.position.is_not(None))
    ).all()
    kinds: dict[int, Counter] = {s.id: Counter() for s in sets}
    levels: dict[int, Counter] = {s.id: Counter() for s in sets}
    for set_id, kind, difficulty in rows:
        kinds[set_id][kind] += 1
        if isinstance(difficulty, str) and difficulty in DIFFICULTIES:
            levels[set_id][difficulty] += 1
    return {
        s.id: SetSummary(
            questions=sum(kinds[s.id].values()),
            kinds=[name for kind, name in SKILLS.items() if kinds[s.id][kind]]
            + (["Imported questions"] if set(kinds[s.id]) - set(SKILLS) else []),
            difficulty={d: levels[s.id][d] for d in DIFFICULTIES if levels[s.id][d]},
        )
        for s in sets
    }
