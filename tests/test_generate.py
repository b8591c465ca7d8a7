"""`demo generate`: consistent, graded data at any size, and the load benchmark's smoke run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, Classroom, Enrollment, User
from quizapp.question_types import ground
from quizapp.services.generate import generate
from tests.test_report_queries import PAGES, counting_statements

ROOT = Path(__file__).resolve().parent.parent


def test_generated_scores_are_the_graded_answers(app):
    result = app.test_cli_runner().invoke(
        args=[
            *("demo", "generate", "--students", "12", "--classes", "2", "--assignments", "4"),
            *("--password", "generated pw", "--prefix", "tgen"),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "generated pw" in result.output and "tgen.s00001" in result.output
    with app.app_context():
        students = db.session.scalars(sa.select(User).where(User.role == "student")).all()
        assert len(students) == 12 and students[0].check_password("generated pw")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Classroom)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 12
        attempts = db.session.scalars(sa.select(Attempt)).all()
        submitted = [a for a in attempts if a.submitted_at is not None]
        assert submitted and len(submitted) < len(attempts)  # the newest is under way
        assert len({a.percent for a in submitted}) >= 5
        for attempt in attempts:
            items = attempt.items
            assert attempt.max_score == sum(i.max_points + i.ground_max_points for i in items)
            if attempt.submitted_at is None:
                assert attempt.score is None and all(i.points is None for i in items)
                continue
            for item in items:
                version = item.question_version
                grade = version.question_type.grade
                assert item.points == grade(version.content, item.answer)
                if item.ground_max_points:
                    assert item.ground_points == ground.grade(version.content, item.answer)
            total = sum(i.points + (i.ground_points or 0) for i in items)
            assert attempt.score == pytest.approx(total)
        # A skipped answer is stored as SQL NULL, as the app stores it.
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(AttemptItem).where(AttemptItem.answer.is_(None))
        )


def test_generate_refuses_a_prefix_in_use(app):
    runner = app.test_cli_runner()
    args = ["demo", "generate", "--students", "2", "--classes", "1", "--assignments", "0"]
    assert runner.invoke(args=[*args, "--prefix", "twice"]).exit_code == 0
    again = runner.invoke(args=[*args, "--prefix", "twice"])
    assert again.exit_code != 0 and "another prefix" in again.output


@pytest.mark.parametrize("page", PAGES)
def test_statement_count_is_the_same_for_a_generated_class_of_4_and_of_40(app, browser, page):
    with app.app_context():
        for prefix, size in (("small", 4), ("large", 40)):
            generate(size, 1, 6, password="pw", prefix=prefix)
        db.session.commit()
        ids = []
        for prefix in ("small", "large"):
            teacher = db.session.scalar(
                sa.select(User.id).where(User.username == f"{prefix}.teacher001")
            )
            klass = db.session.scalar(
                sa.select(Classroom.id).where(Classroom.teacher_id == teacher)
            )
            assignment, student = db.session.execute(
                sa.select(Attempt.assignment_id, Attempt.student_id)
                .join(Enrollment, Enrollment.student_id == Attempt.student_id)
                .where(Enrollment.classroom_id == klass)
                .limit(1)
            ).one()
            ids.append({"klass": klass, "assignment": assignment, "student": student})
    counts = []
    for n, prefix in enumerate(("small", "large")):
        if n:
            browser.logout()
        browser.get("/login")
        browser.post("/login", {"username": f"{prefix}.teacher001", "password": "pw"})
        url = page.format(**ids[n])
        browser.get(url).get_data()
        with app.app_context(), counting_statements() as count:
            response = browser.get(url)
            response.get_data()
        assert response.status_code == 200, url
        counts.append(count[0])
    assert counts[0] == counts[1], f"{page}: {counts[0]} statements for 4, {counts[1]} for 40"


def test_load_benchmark_runs_the_three_phases_with_tiny_counts(tmp_path):
    pytest.importorskip("gunicorn")
    pytest.importorskip("aiohttp")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [sys.executable, "bench/load.py", "--json", "--students", "3", "--connections", "2"]
    command += ["--seconds", "1", "--think", "0.05", "--burst-window", "0.5"]
    command += ["--paced-set", "check-in", "--workers", "1", "--threads", "2"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["throughput"]["answer_save_rps"] > 0 and result["throughput"]["ratio"] > 0
    assert result["paced"]["completed"] == 3 and result["paced"]["errors"] == 0
    assert result["paced"]["answers"] == 3 * result["paced"]["questions"]
    assert result["burst"]["submitted"] == 3 and result["burst"]["errors"] == 0
    assert result["verified"] == {"attempts": 6, "score_mismatches": 0, "examples": []}
