"""The read-only JSON API for a teacher's classes, assignments and results, by API token."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from quizapp.api import routes  # noqa: E402,F401  (registers the views on bp)
