"""Background jobs run in a real worker process, from a SQLite queue file or from Redis, and
teachers take turns in the queue."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp import create_app, jobs
from quizapp.builder.articles import read_article
from quizapp.extensions import db
from quizapp.models import Draft, DraftStatus, Role
from quizapp.services import drafts
from tests.conftest import BANK, Browser, add_user

ROOT = Path(__file__).resolve().parent.parent
REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["sqlite-file", "redis"])
def queue_url(request, tmp_path):
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("no Redis server at 127.0.0.1:6379")
        return "redis://127.0.0.1:6379/15"
    return str(tmp_path / "jobs.sqlite3")


def start_worker(database: str, queue_url: str) -> subprocess.Popen:
    """`flask worker` in a process of its own, on the test run's database and queue."""
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "QUEUE_URL": queue_url,
        "SECRET_KEY": "test-secret-key",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "quizapp", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_worker_process_runs_the_queued_extraction(app, queue_url, tmp_path):
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    producer = create_app(
        {
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database,
            "QUEUE_URL": queue_url,
            "QUEUE_IMMEDIATE": False,
        }
    )
    producer.extensions["huey"].flush()  # a queue left by an earlier run
    with producer.app_context():
        teacher = add_user("teacher", Role.TEACHER)
        draft = drafts.create_draft(teacher.id, "Worker test")
        for name in ("nyt-2019-cuban-doctors-votes", "unknown-2019-cuban-doctors-votes-rereport"):
            text = (BANK / "articles" / f"{name}.md").read_text("utf-8")
            drafts.add_article(draft, text, file_name=f"{name}.md")
        step = drafts.start_extraction(draft)
        db.session.commit()
        draft_id = draft.id
        jobs.enqueue("extract_step", *step)
        # Nothing runs in this process: the job waits in the queue for a worker.
        assert db.session.get(Draft, draft_id).steps_done == 0
        db.session.remove()

    worker = start_worker(database, queue_url)
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and status not in (DraftStatus.READY, "failed"):
            time.sleep(0.5)
            with producer.app_context():
                status = db.session.scalar(sa.select(Draft.status).where(Draft.id == draft_id))
                db.session.remove()
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
    with producer.app_context():
        draft = db.session.get(Draft, draft_id)
        db.session.remove()
        db.engine.dispose()  # this app's own connections, closed before the test ends
    assert status == DraftStatus.READY, output
    assert draft.steps_done == draft.steps_total == 3
    assert draft.extraction["quotes"] and draft.extraction["claims"]


def test_one_teachers_big_drafts_do_not_hold_back_another_teachers_short_one(
    app, queue_url, tmp_path
):
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    producer = create_app(
        {
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database,
            "QUEUE_URL": queue_url,
            "QUEUE_IMMEDIATE": False,
        }
    )
    producer.extensions["huey"].flush()
    seeds = sorted((BANK / "articles").glob("*.md"))
    with producer.app_context():
        add_user("ana", Role.TEACHER)
        add_user("ben", Role.TEACHER)
        db.session.commit()
    # Ana starts three drafts of five articles, then Ben one of a single article, each from
    # the draft's page as a teacher does.
    ana, ben = Browser(producer.test_client()), Browser(producer.test_client())
    ana.login("ana")
    ben.login("ben")
    order = [(ana, f"Ana {n}", seeds) for n in range(3)] + [(ben, "Ben", seeds[:1])]
    ids = {}
    for teacher, title, files in order:
        teacher.page("/teach/drafts")
        teacher.post("/teach/drafts", {"title": title})
        draft_id = int(re.search(r"/teach/drafts/(\d+)/articles", teacher.last_html).group(1))
        for path in files:
            teacher.post(
                f"/teach/drafts/{draft_id}/articles",
                {"title": path.stem, "outlet": path.stem[:20], "text": read_article(path).body},
            )
        teacher.post(f"/teach/drafts/{draft_id}/extract", {})
        ids[title] = draft_id
    with producer.app_context():
        statuses = dict(db.session.execute(sa.select(Draft.title, Draft.status)).all())
        db.session.remove()
    # Ana's first draft and Ben's are in the queue; Ana's others wait for her first.
    assert statuses == {
        "Ana 0": DraftStatus.RUNNING,
        "Ana 1": DraftStatus.QUEUED,
        "Ana 2": DraftStatus.QUEUED,
        "Ben": DraftStatus.RUNNING,
    }

    worker = start_worker(database, queue_url)
    try:
        deadline = time.monotonic() + 240
        working = True
        while working and time.monotonic() < deadline:
            time.sleep(0.5)
            with producer.app_context():
                working = db.session.scalar(
                    sa.select(sa.func.count()).where(Draft.status.in_(DraftStatus.WORKING))
                )
                db.session.remove()
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
    with producer.app_context():
        done = [
            (d.title, d.status, d.steps_done, d.steps_total, len(d.articles), bool(d.extraction))
            for d in db.session.scalars(sa.select(Draft).order_by(Draft.updated_at))
        ]
        db.session.remove()
        db.engine.dispose()
    # Ben's draft was done first, two steps in, while Ana's first still had four to go.
    assert [title for title, *_ in done] == ["Ben", "Ana 0", "Ana 1", "Ana 2"], output
    for _, status, steps_done, steps_total, articles, found in done:
        assert status == DraftStatus.READY and found
        assert steps_done == steps_total == articles + 1
