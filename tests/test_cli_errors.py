"""Commands run by a school's IT person: a mistake gets one line saying what to do, never a
traceback. Each command runs as a user runs it, in its own process."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPGRADE_HINT = "run `flask --app quizapp db upgrade` first"
# The commands that read or write the schema; each is stopped before it touches a table.
NEEDS_SCHEMA = [
    ["questions", "load"],
    ["questions", "list"],
    ["questions", "export", "who-said-what"],
    ["users", "create-teacher", "--username", "ms.rivera", "--name", "Ms Rivera",
     "--password", "a long teacher password"],
    ["users", "create-admin", "--username", "head.office", "--name", "Head Office",
     "--password", "a long admin password"],
    ["demo", "seed"],
    ["worker"],
]  # fmt: skip


def flask(
    *args: str, database_url: str, timeout: int = 60, **settings: str
) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "cli-test-key", **settings}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "quizapp", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, expected: str) -> None:
    """Failed, with no traceback, and the error is one line (after Click's usage hint, if any)."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    if errors[0].startswith("Usage:"):
        errors = errors[2:]
    assert len(errors) == 1 and expected in errors[0], result.stderr


@pytest.fixture
def fresh_sqlite(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"


@pytest.mark.parametrize("command", NEEDS_SCHEMA, ids=" ".join)
def test_a_command_on_a_fresh_database_says_to_apply_the_migrations(command, fresh_sqlite):
    assert_one_line_error(flask(*command, database_url=fresh_sqlite), UPGRADE_HINT)


def test_after_the_upgrade_the_same_commands_work(fresh_sqlite):
    assert flask("db", "upgrade", database_url=fresh_sqlite).returncode == 0
    loaded = flask("questions", "load", database_url=fresh_sqlite)
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 5 articles" in loaded.stdout
    listed = flask("questions", "list", database_url=fresh_sqlite)
    assert "who-said-what" in listed.stdout


def test_a_database_left_at_an_older_version_says_to_apply_the_migrations(fresh_sqlite):
    history = flask("db", "history", database_url=fresh_sqlite).stdout
    first = history.strip().splitlines()[-1].split(" -> ")[1].split(",")[0].split()[0]
    assert flask("db", "upgrade", first, database_url=fresh_sqlite).returncode == 0
    assert_one_line_error(
        flask("questions", "list", database_url=fresh_sqlite),
        "the database needs this version's migrations: " + UPGRADE_HINT,
    )


UNREACHABLE = "postgresql://quizapp@127.0.0.1:9/quizapp"  # nothing listens on port 9


@pytest.mark.parametrize(
    "command", [["questions", "list"], ["db", "upgrade"], ["worker"]], ids=" ".join
)
def test_an_unreachable_database_is_named_in_one_line(command):
    assert_one_line_error(
        flask(*command, database_url=UNREACHABLE), "cannot open the database postgresql"
    )


@pytest.mark.parametrize("url", ["not a url", "mysql://quizapp@localhost/quizapp"])
def test_a_database_url_the_app_cannot_use_is_named_in_one_line(url):
    assert_one_line_error(
        flask("questions", "list", database_url=url), "DATABASE_URL is not a database"
    )


@pytest.mark.parametrize("name", ["PROXY_COUNT", "SQLITE_LOCK_WAIT_S"])
def test_a_setting_that_is_not_a_number_is_named_in_one_line(name, fresh_sqlite):
    result = flask("questions", "list", database_url=fresh_sqlite, **{name: "many"})
    assert_one_line_error(result, f"{name} is 'many': give a number of 0 or more.")


def test_a_command_while_another_writer_holds_sqlite_says_so_and_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    flask("db", "upgrade", database_url=url)
    writer = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as a long import would
    try:
        result = flask("questions", "load", database_url=url, SQLITE_LOCK_WAIT_S="0.5")
    finally:
        writer.execute("ROLLBACK")
    assert_one_line_error(result, "the database stayed busy with other writes")
    assert writer.execute("SELECT count(*) FROM question_sets").fetchone() == (0,)
    writer.close()


def test_run_py_names_an_unreachable_database_in_one_line():
    env = {**os.environ, "DATABASE_URL": UNREACHABLE, "SECRET_KEY": "cli-test-key"}
    result = subprocess.run(
        [sys.executable, "run.py", "--no-worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert_one_line_error(result, "quizapp: cannot open the database")


def test_file_mistakes_are_one_line(tmp_path, fresh_sqlite):
    flask("db", "upgrade", database_url=fresh_sqlite)
    flask("questions", "load", database_url=fresh_sqlite)
    missing = tmp_path / "no-such-folder"
    assert_one_line_error(
        flask("questions", "check", "--dir", str(missing), database_url=fresh_sqlite),
        "does not exist",
    )
    assert_one_line_error(
        flask(
            "questions", "export", "who-said-what", "--out", str(missing / "set.json"),
            database_url=fresh_sqlite,
        ),
        "cannot write",
    )  # fmt: skip
    assert not missing.exists()
