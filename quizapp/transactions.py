"""Where transactions end: the request, the CLI command and the job; and keeping SQLite's write
lock for as short a time as possible.

A view, like a service, only changes and flushes; `QuizApp.dispatch_request` commits once when
the view returns a response and rolls back when it raises, as a refusal must change nothing.
CLI commands and jobs run in `unit_of_work()`. Work that must see what was saved (queuing a job
whose worker reads the database) waits for the commit with `after_commit`.

On SQLite every transaction takes the write lock when it begins (see `_tune_sqlite`), and a
view's first query (even loading the logged-in user) begins one. A view that has slow work to do
(hashing passwords, parsing a file) ends its reads first, does the work holding no lock, then
writes in a short transaction of its own; a page shown while the lock is busy reads without it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm as so

from quizapp.database import READ_ONLY
from quizapp.extensions import db

_AFTER_COMMIT = "quizapp_after_commit"


class QuizApp(Flask):
    """Flask, with one transaction per request: committed if the view answers, else undone."""

    def dispatch_request(self):
        try:
            response = super().dispatch_request()
        except BaseException:
            db.session.rollback()
            raise
        commit()
        return response


def commit() -> None:
    """Save the current transaction: the one call that does, at a request's, command's or job's
    end (and between the short transactions of a job that must not hold the lock)."""
    db.session.commit()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A CLI command's or a job's transaction: committed when it ends, undone if it raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    commit()


def after_commit(callback: Callable[[], object], session: so.Session | None = None) -> None:
    """Run callback once the current transaction is committed; never if it is rolled back."""
    (session or db.session()).info.setdefault(_AFTER_COMMIT, []).append(callback)


@sa.event.listens_for(so.Session, "after_commit")
def _run_after_commit(session: so.Session) -> None:
    # A callback may ask for another one (queuing a job queues through after_commit).
    while callbacks := session.info.pop(_AFTER_COMMIT, None):
        for callback in callbacks:
            callback()


@sa.event.listens_for(so.Session, "after_rollback")
def _forget_after_rollback(session: so.Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


def end_reads() -> None:
    """End the transaction the view's checks began; it must not have changed anything."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("end_reads() would throw away changes that were not saved")
    db.session.rollback()


def begin_reading() -> None:
    """Begin a transaction that only reads: on SQLite it takes no lock and never waits."""
    db.session.rollback()
    db.session.connection(execution_options={READ_ONLY: True})
