"""Mastery of the four habits of a careful reader, the mistakes behind it, and growth.

Mastery is the share of points earned on a skill's questions, over each student's last
submitted attempt at every assignment. A question's kind is its skill.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from quizapp.models import Assignment, User, percent_of
from quizapp.services import reports

SKILLS = {
    "attribution": "Who said what",
    "figures": "Figures that conflict",
    "corroboration": "Corroboration",
    "sources": "Reading the sources",
}
SECURE, DEVELOPING = 0.8, 0.5


@dataclass
class Mastery:
    points: float = 0.0
    questions: int = 0

    @property
    def share(self) -> float | None:
        return self.points / self.questions if self.questions else None

    @property
    def percent(self) -> float | None:
        share = self.share
        return None if share is None else round(100 * share, 1)

    @property
    def level(self) -> str:
        share = self.share
        if share is None:
            return "no answers yet"
        if share >= SECURE:
            return "secure"
        return "developing" if share >= DEVELOPING else "not yet"


def mastery(rows: list[reports.Response], responses: reports.Responses) -> dict[str, Mastery]:
    """Mastery of each skill, in SKILLS order, over these answers."""
    result = {kind: Mastery() for kind in SKILLS}
    for row in rows:
        kind = responses.version(row).kind
        if kind in result:
            result[kind].points += row.fraction
            result[kind].questions += 1
    return result


def mastery_by_student(responses: reports.Responses) -> dict[int, dict[str, Mastery]]:
    by_student: dict[int, list[reports.Response]] = defaultdict(list)
    for row in responses.rows:
        by_student[row.student_id].append(row)
    return {student: mastery(rows, responses) for student, rows in by_student.items()}


@dataclass
class Mistake:
    right: str  # what the question's answer is, e.g. the real speaker
    chosen: str  # what students picked instead
    count: int


def speaker_confusions(responses: reports.Responses) -> list[Mistake]:
    """Which speaker students named when another said the words, over the attribution
    questions whose answer is one of the author's choices: people or institutions."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in responses.rows:
        version = responses.version(row)
        if version.kind != "attribution" or not version.question_type.authored_choices:
            continue
        texts = {c["id"]: c["text"] for c in version.content["choices"]}
        chosen = (row.answer or {}).get("choice")
        right = version.content["answer"]
        if chosen and chosen != right and chosen in texts:
            counts[(texts[right], texts[chosen])] += 1
    return [Mistake(right, chosen, n) for (right, chosen), n in counts.most_common()]


@dataclass
class FigureSlip:
    key: str
    prompt: str
    right: list[str]
    wrong: list[tuple[str, int]]  # wrong choices picked, most picked first


def wrong_figures(responses: reports.Responses) -> list[FigureSlip]:
    """For figures questions, which wrong figures students picked, question by question."""
    picks: dict[int, Counter[str]] = defaultdict(Counter)
    versions = {}
    for row in responses.rows:
        version = responses.version(row)
        if version.kind != "figures" or not version.question_type.authored_choices:
            continue
        versions[row.question_id] = version
        answer = row.answer or {}
        chosen = answer.get("choices") or ([answer["choice"]] if answer.get("choice") else [])
        correct = version.question_type.correct_answer(version.content)
        right = set(correct.get("choices") or [correct.get("choice")])
        picks[row.question_id].update(c for c in chosen if c not in right)
    order = reports.question_order(set(versions))
    slips = []
    for question_id in sorted(versions, key=order.__getitem__):
        version = versions[question_id]
        texts = {c["id"]: c["text"] for c in version.content["choices"]}
        answer = version.content["answer"]
        right = [texts[a] for a in (answer if isinstance(answer, list) else [answer])]
        wrong = [(texts[c], n) for c, n in picks[question_id].most_common() if c in texts]
        if wrong:
            slips.append(FigureSlip(version.key, version.content["prompt"], right, wrong))
    return slips


@dataclass
class Growth:
    student: User
    check_in: float | None  # percent
    check_out: float | None

    @property
    def change(self) -> float | None:
        if self.check_in is None or self.check_out is None:
            return None
        return round(self.check_out - self.check_in, 1)


@dataclass
class ClassGrowth:
    students: list[Growth]
    check_in: dict[str, Mastery]  # by skill, over students who took both
    check_out: dict[str, Mastery]

    @property
    def both(self) -> list[Growth]:
        return [g for g in self.students if g.change is not None]

    @property
    def mean_change(self) -> float | None:
        changes = [g.change for g in self.both if g.change is not None]
        return round(sum(changes) / len(changes), 1) if changes else None


def growth(
    assignments: list[Assignment], students: list[User], responses: reports.Responses
) -> ClassGrowth | None:
    """Check-in against check-out, when the class was set both; None otherwise."""
    roles = {a.id: a.question_set.role for a in assignments}
    if not {"check-in", "check-out"} <= set(roles.values()):
        return None
    percents: dict[tuple[int, str], list[float]] = defaultdict(list)
    for (student, assignment), (_, score, max_score, _) in responses.attempts.items():
        value = percent_of(score, max_score)
        if value is not None and roles.get(assignment) in ("check-in", "check-out"):
            percents[(student, roles[assignment])].append(value)

    def latest(student: User, role: str) -> float | None:
        values = percents.get((student.id, role))
        return values[-1] if values else None

    rows = [Growth(s, latest(s, "check-in"), latest(s, "check-out")) for s in students]
    took_both = {g.student.id for g in rows if g.change is not None}
    by_role = defaultdict(list)
    for row in responses.rows:
        if row.student_id in took_both and roles.get(row.assignment_id) in (
            "check-in",
            "check-out",
        ):
            by_role[roles[row.assignment_id]].append(row)
    return ClassGrowth(
        students=[g for g in rows if g.check_in is not None or g.check_out is not None],
        check_in=mastery(by_role["check-in"], responses),
        check_out=mastery(by_role["check-out"], responses),
    )
