"""One transaction per request: committed when the view answers, rolled back when it raises;
work waiting for the commit runs after it, and only then. Commits happen only at the request,
command and job boundaries (quizapp/transactions.py)."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Role, User
from quizapp.refusals import Refusal
from quizapp.services.accounts import create_user
from quizapp.transactions import after_commit, unit_of_work

PACKAGE = Path(__file__).resolve().parent.parent / "quizapp"
# The one module that commits; everything else flushes and lets the boundary commit.
BOUNDARY = {PACKAGE / "transactions.py"}


def test_only_the_boundary_module_commits():
    committing = [
        f"{path.relative_to(PACKAGE.parent)}:{number}"
        for path in PACKAGE.rglob("*.py")
        if path not in BOUNDARY and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.session\.commit\(|session\.commit\(\)", line)
    ]
    assert committing == []


# Jobs that must hold no transaction while they wait (the builder's reading, the LMS's answer)
# end theirs in between, and the one command that times its commit.
ENDS_TRANSACTIONS = {
    "quizapp/cli.py",
    "quizapp/services/drafts.py",
    "quizapp/services/lti_grades.py",
    "quizapp/services/lti_roster.py",
}


def test_only_commands_and_jobs_end_their_transactions_early():
    importing = {
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.py")
        if re.search(r"from quizapp\.transactions import [^\n]*\bcommit\b", path.read_text())
    }
    assert importing == ENDS_TRANSACTIONS


@pytest.fixture
def boundary_app(tmp_path):
    """An app of its own with views that write and then answer, refuse or fail."""
    app = create_app(
        {
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,  # these views have no forms
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'boundary.sqlite3'}",
            "QUEUE_URL": str(tmp_path / "jobs.sqlite3"),
            "QUEUE_IMMEDIATE": True,
            "LTI_KEY_DIR": str(tmp_path / "keys"),
        }
    )
    ran: list[str] = []

    def add(username: str) -> None:
        create_user(username, username.title(), Role.STUDENT, password_hash="-")
        after_commit(lambda: ran.append(username))

    @app.post("/answers")
    def answers():
        add("ana")
        return "saved"

    @app.post("/refused")
    def refused():
        add("ben")
        raise Refusal("That is not allowed now.")

    @app.post("/broken")
    def broken():
        add("cai")
        raise RuntimeError("a bug")

    with app.app_context():
        db.create_all()
    app.extensions["ran"] = ran
    yield app
    with app.app_context():
        db.engine.dispose()


def usernames(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User.username)))


def test_a_view_that_answers_is_committed_and_what_waited_for_the_commit_runs(boundary_app):
    response = boundary_app.test_client().post("/answers")
    assert response.status_code == 200
    assert usernames(boundary_app) == ["ana"]
    assert boundary_app.extensions["ran"] == ["ana"]


def test_a_refusal_is_shown_and_nothing_of_the_request_is_saved(boundary_app):
    response = boundary_app.test_client().post("/refused")
    assert response.status_code == 400
    assert "That is not allowed now." in response.get_data(as_text=True)
    assert usernames(boundary_app) == []
    assert boundary_app.extensions["ran"] == []


def test_a_failing_view_saves_nothing_and_queues_nothing(boundary_app):
    response = boundary_app.test_client().post("/broken")
    assert response.status_code == 500
    assert usernames(boundary_app) == []
    assert boundary_app.extensions["ran"] == []


def test_a_command_or_job_commits_when_it_ends_and_not_if_it_raises(boundary_app):
    with boundary_app.app_context():
        with unit_of_work():
            create_user("dee", "Dee", Role.STUDENT, password_hash="-")
        with pytest.raises(RuntimeError), unit_of_work():
            create_user("eli", "Eli", Role.STUDENT, password_hash="-")
            raise RuntimeError("stopped")
        db.session.remove()
    assert usernames(boundary_app) == ["dee"]
