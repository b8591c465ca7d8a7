import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from quizapp import create_app, jobs
from quizapp.extensions import db
from quizapp.models import Attempt, Classroom, Draft, DraftStatus, Role, User
from quizapp.services import drafts
from tests.conftest import BANK, add_user

ROOT = Path(__file__).resolve().parent.parent


def test_demo_seed_creates_a_varied_class_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed", "--password", "demo pass 1"])
    assert first.exit_code == 0, first.output
    assert "demo.student25" in first.output and "demo pass 1" in first.output
    assert "The demo school's administrator is demo.admin" in first.output
    second = runner.invoke(args=["demo", "seed", "--password", "demo pass 2"])
    assert "already there" in second.output
    with app.app_context():
        students = db.session.scalars(
            sa.select(User).where(User.username.like("demo.student%"))
        ).all()
        assert len(students) == 25
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Classroom)) == 1
        attempts = db.session.scalars(sa.select(Attempt)).all()
        submitted = [a for a in attempts if a.submitted_at]
        assert len(submitted) >= 20 and any(a.submitted_at is None for a in attempts)
        assert len({a.percent for a in submitted}) >= 5  # varied scores
        assert students[0].check_password("demo pass 2")
        admin = db.session.scalar(sa.select(User).where(User.username == "demo.admin"))
        assert admin.is_admin and admin.check_password("demo pass 2")


def test_the_demo_teacher_and_administrator_log_in_and_work(app, browser, new_browser):
    app.test_cli_runner().invoke(args=["demo", "seed", "--password", "demo pass 1"])
    html = browser.login("demo.teacher", "demo pass 1").get_data(as_text=True)
    assert "Demo: Year 10 media literacy" in html
    classroom_id = re.search(r'href="/teach/classes/(\d+)"', html).group(1)
    html = browser.page(f"/teach/classes/{classroom_id}/people")
    assert html.count("/reset-password") == 25  # the demo teacher made the accounts
    admin = new_browser()
    html = admin.login("demo.admin", "demo pass 1").get_data(as_text=True)
    assert "<h1>Teachers</h1>" in html and "demo.teacher" in html


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_app(env: dict, port: int, *, demo: bool = True) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "run.py", "--port", str(port)]
    if demo:
        command += ["--demo", "--demo-password", "demo pass"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 60
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Serving on") or time.monotonic() > deadline:
            break
    for _ in range(50):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
                assert response.status == 200
                assert "Log in" in response.read().decode()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        process.communicate()
        raise AssertionError("".join(lines))
    return process, "".join(lines)


def test_run_py_migrates_loads_the_bank_seeds_and_serves(tmp_path):
    database = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "run-test",
        "QUEUE_URL": str(tmp_path / "jobs.sqlite3"),
    }
    for attempt in range(2):  # the second run finds everything in place
        process, output = run_app(env, free_port())
        process.terminate()
        process.communicate(timeout=20)  # waits, and closes the pipe
        assert re.search(r"Question bank: \d+ sets, \d+ questions, 5 articles\.", output)
        assert "demo.teacher" in output and "demo pass" in output
        assert "demo.admin" in output and "No administrator yet" not in output
        if attempt:
            assert "already there" in output
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        count = connection.scalar(sa.text("select count(*) from users"))
    engine.dispose()
    assert count == 27


def test_run_py_on_a_database_without_an_administrator_says_how_to_make_one(tmp_path):
    database = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "run-test",
        "QUEUE_URL": str(tmp_path / "jobs.sqlite3"),
    }
    process, output = run_app(env, free_port(), demo=False)
    process.terminate()
    process.communicate(timeout=20)
    hints = [line for line in output.splitlines() if "administrator yet" in line]
    assert hints == [
        "No administrator yet: make one with `flask --app quizapp users create-admin`, "
        "to invite teachers."
    ]
    made = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "quizapp", "users", "create-admin"],
        cwd=ROOT,
        env=env,
        input="head\nMr Head\na long secret\na long secret\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    process, output = run_app(env, free_port(), demo=False)
    process.terminate()
    process.communicate(timeout=20)
    assert "No administrator yet" not in output


def test_run_py_starts_a_worker_for_builder_jobs_that_stops_with_the_server(tmp_path):
    database = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    queue = str(tmp_path / "jobs.sqlite3")
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "run-test", "QUEUE_URL": queue}
    process, _ = run_app(env, free_port())
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x", "QUEUE_URL": queue})
    try:
        with app.app_context():
            teacher = add_user("builder", Role.TEACHER)
            draft = drafts.create_draft(teacher.id, "Run test")
            text = (BANK / "articles" / "nyt-2019-cuban-doctors-votes.md").read_text("utf-8")
            drafts.add_article(draft, text, file_name="nyt.md")
            step = drafts.start_extraction(draft)
            db.session.commit()
            draft_id = draft.id
            jobs.enqueue("extract_step", *step)
            status, deadline = None, time.monotonic() + 60
            while status != DraftStatus.READY and time.monotonic() < deadline:
                time.sleep(0.3)
                status = db.session.scalar(sa.select(Draft.status).where(Draft.id == draft_id))
                db.session.rollback()  # SQLite: reading took the write lock the worker needs
            db.session.remove()
            db.engine.dispose()
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert status == DraftStatus.READY, output
    worker = int(re.search(r"Worker \(pid (\d+)\)", output).group(1))
    for _ in range(50):  # the worker stops with the server
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the worker {worker} outlived the server")
