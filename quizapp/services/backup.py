"""Backups of the SQLite database while the app runs, and restoring one.

SQLite's online backup API copies a consistent snapshot page by page, so students can go on
answering during a backup. PostgreSQL has its own tools (pg_dump, pg_restore); see README.md.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa


class BackupError(Exception):
    """Why a backup or restore cannot be made; the message is shown as it is."""


def sqlite_path(engine: sa.Engine) -> Path:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise BackupError(
            "This command backs up SQLite databases. For PostgreSQL use its own tools: "
            'pg_dump --format=custom --file=quizapp.dump "$DATABASE_URL", and to restore '
            'pg_restore --clean --dbname="$DATABASE_URL" quizapp.dump'
        )
    return Path(engine.url.database)


def backup(engine: sa.Engine, target: Path) -> int:
    """Copy the live database to target (a new file); returns its size in bytes."""
    source = sqlite_path(engine)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
    return target.stat().st_size


def restore(engine: sa.Engine, source: Path) -> None:
    """Replace the database's contents with a backup's, through the same online API."""
    target = sqlite_path(engine)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    with closing(sqlite3.connect(source)) as saved:
        try:
            tables = {row[0] for row in saved.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not a SQLite database ({error}).") from None
        if "alembic_version" not in tables:
            raise BackupError(f"{source} is not a quizapp database backup.")
        engine.dispose()  # no pooled connection keeps the old pages
        with closing(sqlite3.connect(target)) as live:
            saved.backup(live)
