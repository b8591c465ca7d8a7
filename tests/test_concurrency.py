"""A class of 100 answering and submitting at once through gunicorn with several workers:
no server error, no answer lost or counted twice, every score the one its answers earn."""

import json
import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = 100


@contextmanager
def empty_database():
    """None for SQLite (the script makes its own), or a fresh PostgreSQL database on the
    server of this test run's DATABASE_URL, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    admin = sa.make_url(url).set(drivername="postgresql+psycopg")
    name = f"quizapp_concurrency_{secrets.token_hex(4)}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def test_a_class_answers_and_submits_at_once_and_every_score_is_right():
    pytest.importorskip("gunicorn")
    pytest.importorskip("aiohttp")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [sys.executable, "bench/load.py", "--json", "--students", str(STUDENTS)]
    # No pause between answers and every submit in the same instant: all at once.
    command += ["--think", "0", "--burst-window", "0", "--paced-set", "check-in"]
    command += ["--workers", "3", "--threads", "2", "--seconds", "1", "--connections", "2"]
    with empty_database() as url:
        if url:
            command += ["--database-url", url]
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
    result = json.loads(done.stdout) if done.stdout.strip() else {}
    assert done.returncode == 0, (
        result.get("error_examples"),
        result.get("verified"),
        done.stderr[-2000:],
    )
    paced, burst = result["paced"], result["burst"]
    assert paced["completed"] == STUDENTS and paced["errors"] == 0
    assert paced["server_errors"] == 0 and burst["server_errors"] == 0
    assert paced["answers"] == STUDENTS * paced["questions"]  # none lost
    assert burst["submitted"] == STUDENTS and burst["errors"] == 0
    # Each student's two attempts (answered one by one, then submitted in the burst) are
    # checked against the answers the script sent.
    assert result["verified"] == {"attempts": 2 * STUDENTS, "score_mismatches": 0, "examples": []}
