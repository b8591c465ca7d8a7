"""Backing up the SQLite database while it runs, and restoring it."""

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import User


def flask(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "quizapp", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def scratch(tmp_path):
    """A database of its own, made by the migrations, with one teacher in it."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}"}
    assert flask(env, "db", "upgrade").returncode == 0
    made = flask(
        env,
        "users",
        "create-teacher",
        "--username",
        "rivera",
        "--name",
        "Ms Rivera",
        "--password",
        "a long secret",
    )
    assert made.returncode == 0, made.stderr
    return env, tmp_path


def users_in(path) -> list[str]:
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        names = list(connection.scalars(sa.select(User.username)))
    engine.dispose()
    return names


def test_backup_then_restore_brings_the_data_back(scratch):
    env, folder = scratch
    result = flask(env, "db", "backup", str(folder / "copy.sqlite3"))
    assert result.returncode == 0 and "Backed up to" in result.stdout
    assert users_in(folder / "copy.sqlite3") == ["rivera"]
    flask(
        env,
        "users",
        "create-teacher",
        "--username",
        "later",
        "--name",
        "Later",
        "--password",
        "a long secret",
    )
    assert sorted(users_in(folder / "live.sqlite3")) == ["later", "rivera"]
    result = flask(env, "db", "restore", str(folder / "copy.sqlite3"), "--yes")
    assert result.returncode == 0, result.stderr
    assert users_in(folder / "live.sqlite3") == ["rivera"]


def test_backup_refuses_to_overwrite_and_restore_refuses_other_files(scratch):
    env, folder = scratch
    (folder / "taken.sqlite3").write_text("something")
    result = flask(env, "db", "backup", str(folder / "taken.sqlite3"))
    assert result.returncode != 0 and "exists already" in result.stderr
    (folder / "notes.txt").write_text("not a database at all, just text" * 20)
    result = flask(env, "db", "restore", str(folder / "notes.txt"), "--yes")
    assert result.returncode != 0 and "not a SQLite database" in result.stderr
    assert users_in(folder / "live.sqlite3") == ["rivera"]


def test_postgresql_is_pointed_to_its_own_tools(app):
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        pytest.skip("runs on the PostgreSQL pass of CI")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "backup", "/tmp/never-written.sqlite3"])
    assert result.exit_code != 0 and "pg_dump" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
