from flask import Blueprint

bp = Blueprint("teacher", __name__)

from quizapp.teacher import routes  # noqa: E402,F401  (registers the views on bp)
