"""Background jobs (huey): the question builder's extraction runs here, not in a request.

The queue lives in a SQLite file in the instance folder by default, or in Redis when QUEUE_URL
is a redis:// address. A worker process runs the jobs: `flask --app quizapp worker` (python
run.py starts one). With QUEUE_IMMEDIATE (the tests), a job runs at once in the caller.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

from quizapp.extensions import db
from quizapp.lti import jobs as lti_jobs
from quizapp.schema import schema_problem


def init_app(app: Flask) -> None:
    url = app.config["QUEUE_URL"] or str(Path(app.instance_path) / "jobs.sqlite3")
    options = {"immediate": app.config["QUEUE_IMMEDIATE"], "results": False}
    huey: Huey
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey("quizapp", url=url, **options)
    else:
        huey = SqliteHuey("quizapp", filename=url.removeprefix("sqlite:///"), **options)

    @huey.task(name="extract_draft")
    def extract_draft(draft_id: int) -> None:
        from quizapp.services.drafts import run_extraction

        with app.app_context():
            try:
                run_extraction(draft_id)
            finally:
                db.session.remove()

    app.extensions["huey"] = huey
    app.extensions["jobs"] = {"extract_draft": extract_draft}
    lti_jobs.register(app, huey)
    app.cli.add_command(worker_command)


def enqueue(name: str, *args: object, delay: int = 0) -> None:
    """Queue a job, to run after delay seconds; call it after committing what it will read."""
    task: TaskWrapper = current_app.extensions["jobs"][name]
    if delay:
        task.schedule(args, delay=delay)
    else:
        task(*args)


@click.command("worker")
@click.option("--threads", default=1, show_default=True, help="jobs run at the same time")
@with_appcontext
def worker_command(threads: int) -> None:
    """Run the background jobs (the question builder) until stopped."""
    if problem := schema_problem(db.engine, current_app.extensions["migrate"].directory):
        raise click.ClickException(problem)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    huey: Huey = current_app.extensions["huey"]
    where = "Redis" if isinstance(huey, RedisHuey) else huey.storage.filename
    click.echo(f"Worker (pid {os.getpid()}): {threads} thread(s), queue in {where}.", err=True)
    huey.create_consumer(workers=threads, worker_type="thread", periodic=False).run()
