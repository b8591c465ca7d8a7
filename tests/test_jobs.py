"""Background jobs run in a real worker process, from a SQLite queue file or from Redis."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp import create_app, jobs
from quizapp.extensions import db
from quizapp.models import Draft, DraftStatus, Role
from quizapp.services import drafts
from tests.conftest import BANK, add_user

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
        drafts.start_extraction(draft)
        db.session.commit()
        draft_id = draft.id
        jobs.enqueue("extract_draft", draft_id)
        # Nothing runs in this process: the job waits in the queue for a worker.
        assert db.session.get(Draft, draft_id).status == DraftStatus.QUEUED
        db.session.remove()

    env = {
        **os.environ,
        "DATABASE_URL": database,
        "QUEUE_URL": queue_url,
        "SECRET_KEY": "test-secret-key",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "quizapp", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
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
