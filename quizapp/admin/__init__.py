from flask import Blueprint

bp = Blueprint("admin", __name__)

from quizapp.admin import lti, routes  # noqa: E402,F401  (registers the views on bp)
