"""A destructive action asks first: in the page (static/js/app.js adds confirmed=yes to the form
once the teacher says yes) or, without the script, on a page of its own. A request without the
answer changes nothing."""

from flask import render_template, request


def confirmed() -> bool:
    return request.form.get("confirmed") == "yes"


def confirm_page(question: str, label: str, cancel_url: str):
    """The question, a button that sends the same request again confirmed, and a way back."""
    return render_template(
        "teacher/confirm.html",
        question=question,
        label=label,
        action=request.path,
        cancel_url=cancel_url,
    )
