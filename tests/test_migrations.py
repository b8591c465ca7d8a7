"""The schema comes only from the migrations: upgraded to the head, it is what the models say."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from quizapp.extensions import db


def test_the_migrations_make_the_schema_the_models_describe(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
