"""Whether the database can be reached and holds the schema the migrations end at."""

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from quizapp.database import READ_ONLY

UPGRADE = "flask --app quizapp db upgrade"


def database_problem(engine: sa.Engine) -> str | None:
    """Why the database cannot be opened, in one line, or None."""
    try:
        with engine.connect() as connection:
            connection.execution_options(**{READ_ONLY: True}).exec_driver_sql("SELECT 1")
            return None
    except sa.exc.DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        return f"cannot open the database {engine.url.render_as_string()}: {reason}"


def schema_problem(engine: sa.Engine, migrations_dir: str) -> str | None:
    """What stops the app using the database (unreachable, not migrated), in one line, or None."""
    if problem := database_problem(engine):
        return problem
    with engine.connect() as connection:
        connection = connection.execution_options(**{READ_ONLY: True})  # waits for no writer
        current = set(MigrationContext.configure(connection).get_current_heads())
    script = ScriptDirectory(migrations_dir)
    if not current:
        return f"the database has no tables yet: run `{UPGRADE}` first"
    if not current <= {revision.revision for revision in script.walk_revisions()}:
        return "the database was made by a newer version of quizapp: install that version"
    if current != set(script.get_heads()):
        return f"the database needs this version's migrations: run `{UPGRADE}` first"
    return None
