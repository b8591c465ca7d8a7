from flask import Blueprint

bp = Blueprint("articles", __name__)

from quizapp.articles import routes  # noqa: E402,F401  (registers the views on bp)
