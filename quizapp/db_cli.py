"""`flask --app quizapp db backup|restore`, added to Flask-Migrate's `db` group."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_group

from quizapp.extensions import db
from quizapp.schema import database_problem
from quizapp.services import backup as backups


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH while the app keeps running."""
    try:
        size = backups.backup(db.engine, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {path} ({size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="Replace everything in the database with this backup?")
def restore_command(path: Path) -> None:
    """Replace the SQLite database's contents with the backup at PATH (stop the app first)."""
    try:
        backups.restore(db.engine, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {path}. Run `flask --app quizapp db upgrade` if it is older.")


def _checking_database(group_callback):
    """Before any `db` command: an unreachable database is one line, not a traceback."""

    @with_appcontext
    def callback(**options):
        if problem := database_problem(db.engine):
            raise click.ClickException(problem)
        return group_callback(**options)

    callback.checks_database = True
    return callback


def register() -> None:
    if not getattr(db_group.callback, "checks_database", False):  # once, though apps are many
        db_group.callback = _checking_database(db_group.callback)
    db_group.add_command(backup_command)
    db_group.add_command(restore_command)
