"""Plugging LTI into the app: its pages, cookies and framing, commands, and grade tracking."""

from flask import Flask


def register(app: Flask) -> None:
    from quizapp.lti import embedding
    from quizapp.lti.cli import lti_cli
    from quizapp.lti.routes import bp
    from quizapp.services import lti_grades  # noqa: F401  (grades follow score changes)

    app.register_blueprint(bp)
    embedding.register(app)
    app.cli.add_command(lti_cli)
