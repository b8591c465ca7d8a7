"""SQLite writers queue for the database lock: a waiting write goes in as soon as the lock is
free, and gives up with "database is locked" (DatabaseBusy) only after SQLITE_LOCK_WAIT_S; a
transaction opened to read only does not wait."""

import threading
import time

import pytest
import sqlalchemy as sa

from quizapp import create_app
from quizapp.database import READ_ONLY, DatabaseBusy
from quizapp.extensions import db


@pytest.fixture()
def lock_app(tmp_path):
    return create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lock.sqlite3'}"}
    )


@pytest.fixture()
def engine(lock_app):
    with lock_app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE answer (student TEXT)")
        yield db.engine
        db.engine.dispose()


def write_while_locked(
    engine, hold_s: float, statement: str = "INSERT INTO answer VALUES ('ben')", **options
) -> tuple[float, BaseException | None]:
    """One connection holds the write lock for hold_s; another runs statement meanwhile from a
    thread. Returns how long the second one took and what it raised, if anything."""
    outcome: dict = {}

    def second_writer():
        started = time.monotonic()
        try:
            with engine.connect() as connection, connection.execution_options(**options).begin():
                connection.exec_driver_sql(statement)
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


def test_a_writer_gives_up_after_the_wait_limit_and_writes_nothing(lock_app, engine):
    lock_app.config["SQLITE_LOCK_WAIT_S"] = 0.1
    took, error = write_while_locked(engine, hold_s=0.5)
    assert isinstance(error, DatabaseBusy)
    assert isinstance(error, sa.exc.OperationalError)
    assert "database is locked" in str(error)
    assert took < 0.5
    assert students(engine) == ["ana"]


def test_a_read_only_transaction_reads_at_once_while_the_lock_is_held(engine):
    took, error = write_while_locked(
        engine, hold_s=0.5, statement="SELECT count(*) FROM answer", **{READ_ONLY: True}
    )
    assert error is None
    assert took < 0.5  # it did not wait for the writer
    assert students(engine) == ["ana"]
