from flask import Blueprint

bp = Blueprint("teacher", __name__)

from quizapp.teacher import accommodations, results, routes  # noqa: E402,F401  (register the views on bp)
