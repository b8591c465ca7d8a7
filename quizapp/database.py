"""Declarative base with a naming convention so migrations name constraints predictably, and
what the SQLite lock hooks share with the rest of the app."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time in UTC, as a naive datetime (stored the same on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


# An execution option: a transaction that only reads begins with a plain BEGIN on SQLite, which
# takes no lock (WAL readers never wait), instead of BEGIN IMMEDIATE.
READ_ONLY = "quizapp_read_only"


class DatabaseBusy(sa.exc.OperationalError):
    """SQLite's write lock stayed with another request beyond SQLITE_LOCK_WAIT_S."""
