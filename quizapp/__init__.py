"""quizapp: media-literacy quizzes grounded in the exact sentences of real news articles."""

import time
from pathlib import Path

import sqlalchemy as sa
from flask import Config, Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from quizapp import config as config_module
from quizapp.database import READ_ONLY, DatabaseBusy
from quizapp.extensions import csrf, db, login_manager, migrate
from quizapp.transactions import QuizApp

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, environment, instance/config.py, then the given overrides."""
    app = QuizApp(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(config_module.Config)
    app.config.update(config_module.from_environment())
    app.config.from_pyfile("config.py", silent=True)
    if config:
        app.config.update(config)
    _finish_config(app)
    if proxies := app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_errors(app)
    register_templates(app)
    register_lti(app)
    register_web(app)
    return app


def _finish_config(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["TEACHER_SIGNUP"] = config_module.teacher_signup(app.config["TEACHER_SIGNUP"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.instance_secret_key(app.instance_path)
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or (
        "sqlite:///" + str(Path(app.instance_path) / "quizapp.sqlite3")
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(url)


def register_extensions(app: Flask) -> None:
    from quizapp import (
        jobs,
        login_limits,
        security,  # noqa: F401  (registers the user loader)
    )

    try:
        db.init_app(app)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as error:
        raise config_module.ConfigError(
            f"DATABASE_URL is not a database quizapp can use ({error})"
        ) from None
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_limits.register(app)
    jobs.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine, app.config)


def _tune_sqlite(engine: sa.Engine, config: Config) -> None:
    """WAL, foreign keys, and write-locking transactions from their start.

    BEGIN IMMEDIATE makes concurrent writers queue for the lock instead of failing when a read
    transaction tries to become a write one. A writer that waits longer than
    SQLITE_LOCK_WAIT_S gives up with DatabaseBusy; a transaction opened READ_ONLY takes no lock.
    """

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the begin hook below start transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=0")  # waiting for the lock is done in on_begin
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
            return
        # SQLite's own busy handler sleeps longer and longer between tries (up to 100 ms), so
        # a waiting worker oversleeps the lock and the worker that held it takes it again for
        # its next request. Trying every millisecond hands the lock over as soon as it is free.
        deadline = time.monotonic() + config["SQLITE_LOCK_WAIT_S"]
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except sa.exc.OperationalError as error:
                if "locked" not in str(error.orig):
                    raise
                if time.monotonic() > deadline:
                    raise DatabaseBusy(error.statement, error.params, error.orig) from error
            time.sleep(0.001)


def register_blueprints(app: Flask) -> None:
    from quizapp.admin import bp as admin_bp
    from quizapp.api import bp as api_bp
    from quizapp.articles import bp as articles_bp
    from quizapp.auth import bp as auth_bp
    from quizapp.routing import IdConverter
    from quizapp.student import bp as student_bp
    from quizapp.teacher import bp as teacher_bp

    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(auth_bp)
    app.register_blueprint(student_bp)
    app.register_blueprint(teacher_bp, url_prefix="/teach")
    app.register_blueprint(articles_bp, url_prefix="/articles")
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    csrf.exempt(api_bp)  # token-authenticated and read-only: no cookies, no forms


def register_cli(app: Flask) -> None:
    from quizapp import db_cli
    from quizapp.cli import demo_cli, questions_cli, users_cli

    db_cli.register()

    app.cli.add_command(users_cli)
    app.cli.add_command(questions_cli)
    app.cli.add_command(demo_cli)


def register_errors(app: Flask) -> None:
    from quizapp.errors import register

    register(app)


def register_lti(app: Flask) -> None:
    # Before register_web: its headers are set first, then LTI lets the LMS frame its pages.
    from quizapp.lti.integration import register

    register(app)


def register_web(app: Flask) -> None:
    from quizapp.web import register

    register(app)


def register_templates(app: Flask) -> None:
    from quizapp.templating import register

    register(app)
