"""SQLite writers queue for the database lock: a waiting write goes in as soon as the lock is
free, and gives up with "database is locked" only after SQLITE_LOCK_WAIT_S."""

import threading
import time

import pytest
import sqlalchemy as sa

import quizapp
from quizapp import create_app
from quizapp.extensions import db


@pytest.fixture()
def engine(tmp_path):
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lock.sqlite3'}"}
    )
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE answer (student TEXT)")
        yield db.engine
        db.engine.dispose()


def write_while_locked(engine, hold_s: float) -> tuple[float, BaseException | None]:
    """One connection holds the write lock for hold_s; another writes meanwhile from a thread.
    Returns how long the second writer took and what it raised, if anything."""
    outcome: dict = {}

    def second_writer():
        started = time.monotonic()
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql("INSERT INTO answer VALUES ('ben')")
        except Exception as error:  # handed to the test to assert on
            outcome["error"] = error
        outcome["took"] = time.monotonic() - started

    with engine.connect() as holder:
        holder.begin()
        holder.exec_driver_sql("INSERT INTO answer VALUES ('ana')")
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(hold_s)
        holder.commit()
    thread.join()
    return outcome["took"], outcome.get("error")


def students(engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.exec_driver_sql("SELECT student FROM answer").scalars())


def test_a_waiting_writer_goes_in_once_the_lock_is_free(engine):
    took, error = write_while_locked(engine, hold_s=0.3)
    assert error is None
    assert took >= 0.3  # it waited for the lock instead of failing
    assert students(engine) == ["ana", "ben"]


def test_a_writer_gives_up_after_the_wait_limit_and_writes_nothing(engine, monkeypatch):
    monkeypatch.setattr(quizapp, "SQLITE_LOCK_WAIT_S", 0.1)
    took, error = write_while_locked(engine, hold_s=0.5)
    assert isinstance(error, sa.exc.OperationalError)
    assert "database is locked" in str(error)
    assert took < 0.5
    assert students(engine) == ["ana"]
