from flask import Blueprint

bp = Blueprint("teacher", __name__)

from quizapp.teacher import (  # noqa: E402,F401  (register the views on bp)
    accommodations,
    api_tokens,
    drafts,
    interop,
    results,
    routes,
)
