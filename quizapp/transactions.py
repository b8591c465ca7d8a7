"""Keeping SQLite's write lock for as short a time as possible.

On SQLite every transaction takes the write lock when it begins (see `_tune_sqlite`), and a
view's first query (even loading the logged-in user) begins one. A view that has slow work to do
(hashing passwords, parsing a file) ends its reads first, does the work holding no lock, then
writes in a short transaction of its own; a page shown while the lock is busy reads without it.
"""

from quizapp.database import READ_ONLY
from quizapp.extensions import db


def end_reads() -> None:
    """End the transaction the view's checks began; it must not have changed anything."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("end_reads() would throw away changes that were not saved")
    db.session.rollback()


def begin_reading() -> None:
    """Begin a transaction that only reads: on SQLite it takes no lock and never waits."""
    db.session.rollback()
    db.session.connection(execution_options={READ_ONLY: True})
