"""Background jobs (huey): the question builder's extraction runs here, not in a request.

The queue lives in a SQLite file in the instance folder by default, or in Redis when QUEUE_URL
is a redis:// address. A worker process runs the jobs: `flask --app quizapp worker` (python
run.py starts one). With QUEUE_IMMEDIATE (the tests), a job runs at once in the caller.

Teachers take turns. A draft's extraction is queued one step at a time (one step an article,
then one for what the articles share), and each step, when done, queues the next one behind
whatever is waiting: two teachers' drafts advance step by step in turn, so a teacher's 30 long
articles hold another teacher's short draft back by one step, not by all 31. A teacher has one
draft in the queue at a time: their other drafts wait in the database (status "queued") and
start when it is done (services/drafts.py: start_extraction, run_step). With several worker
threads or processes, as many steps run at once.
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
from quizapp.transactions import unit_of_work


def init_app(app: Flask) -> None:
    url = app.config["QUEUE_URL"] or str(Path(app.instance_path) / "jobs.sqlite3")
    options = {"immediate": app.config["QUEUE_IMMEDIATE"], "results": False}
    huey: Huey
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey("quizapp", url=url, **options)
    else:
        huey = SqliteHuey("quizapp", filename=url.removeprefix("sqlite:///"), **options)

    # A step that fails outside the builder (the database busy for a moment) is tried again.
    @huey.task(name="extract_step", retries=3, retry_delay=10)
    def extract_step(owner_id: int, draft_id: int, chain: str, found: list) -> None:
        from quizapp.services.drafts import Step, run_step

        with app.app_context():
            try:
                with unit_of_work():
                    following = run_step(Step(owner_id, draft_id, chain, found))
            finally:
                db.session.remove()
        if following:
            extract_step(*following)

    app.extensions["huey"] = huey
    app.extensions["jobs"] = {"extract_step": extract_step}
    lti_jobs.register(app, huey)
    app.cli.add_command(worker_command)


def enqueue(name: str, *args: object, delay: int = 0) -> None:
    """Queue a job, to run after delay seconds. A view queues it with
    `transactions.after_commit`: the job reads what the request saved."""
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
