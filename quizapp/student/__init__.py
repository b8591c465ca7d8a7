from flask import Blueprint

bp = Blueprint("student", __name__)

from quizapp.student import routes  # noqa: E402,F401  (registers the views on bp)
