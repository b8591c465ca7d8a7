"""Every object is looked up through its owner: another teacher's id is simply not found."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import abort, current_app, g, jsonify, request

from quizapp.api import bp
from quizapp.api.auth import authenticate, error
from quizapp.api.openapi import document
from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, Classroom, Enrollment, User
from quizapp.routing import MAX_ID

bp.before_request(authenticate)


@bp.errorhandler(404)
def not_found(_error):
    return error(404, "not found")


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/<path:_rest>")
def unknown(_rest: str):
    return error(404, "not found")


OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE", "TRACE", "QUERY"]
ALLOW = "GET, HEAD, OPTIONS"


def read_only(rule: str):
    """Register a GET view, and a JSON 405 with its Allow header for every other method."""

    def decorator(view):
        bp.add_url_rule(rule, view_func=view, methods=["GET"], provide_automatic_options=False)
        bp.add_url_rule(
            rule,
            endpoint=f"{view.__name__}_other",
            view_func=_other_method,
            methods=["OPTIONS", *OTHER_METHODS],
            provide_automatic_options=False,
        )
        return view

    return decorator


def _other_method(**_ids):
    if request.method == "OPTIONS":
        response = current_app.response_class(status=204)
    else:
        response = error(405, "the API is read-only: use GET")
    response.headers["Allow"] = ALLOW
    return response


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _checked(ident: int) -> int:
    """An id too large for the database is simply not found (not a database error)."""
    if ident > MAX_ID:
        abort(404)
    return ident


def _classroom(classroom_id: int) -> Classroom:
    classroom_id = _checked(classroom_id)
    classroom = db.session.scalar(
        sa.select(Classroom).where(
            Classroom.id == classroom_id, Classroom.teacher_id == g.api_user.id
        )
    )
    if classroom is None:
        abort(404)
    return classroom


def _student(user: User) -> dict:
    return {"id": user.id, "username": user.username, "name": user.display_name}


def _assignment(assignment: Assignment) -> dict:
    return {
        "id": assignment.id,
        "class_id": assignment.classroom_id,
        "set": {"slug": assignment.question_set.slug, "title": assignment.question_set.title},
        "opens_at": _time(assignment.opens_at),
        "due_at": _time(assignment.due_at),
        "attempts_allowed": assignment.attempts_allowed,
        "time_limit_minutes": assignment.time_limit_minutes,
    }


@read_only("/classes")
def classes():
    rows = db.session.execute(
        sa.select(Classroom, sa.func.count(Enrollment.id))
        .outerjoin(
            Enrollment,
            sa.and_(Enrollment.classroom_id == Classroom.id, Enrollment.removed_at.is_(None)),
        )
        .where(Classroom.teacher_id == g.api_user.id)
        .group_by(Classroom.id)
        .order_by(Classroom.id)
    ).all()
    return jsonify(
        [
            {"id": c.id, "name": c.name, "students": n, "created_at": _time(c.created_at)}
            for c, n in rows
        ]
    )


@read_only("/classes/<id:class_id>")
def classroom(class_id: int):
    room = _classroom(class_id)
    rows = db.session.execute(
        sa.select(User, Enrollment.removed_at)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.classroom_id == room.id)
        .order_by(User.display_name, User.id)
    ).all()
    return jsonify(
        {
            "id": room.id,
            "name": room.name,
            "created_at": _time(room.created_at),
            "students": [dict(_student(u), in_class=removed is None) for u, removed in rows],
        }
    )


@read_only("/classes/<id:class_id>/assignments")
def assignments(class_id: int):
    room = _classroom(class_id)
    rows = db.session.scalars(
        sa.select(Assignment).where(Assignment.classroom_id == room.id).order_by(Assignment.id)
    ).all()
    return jsonify([_assignment(a) for a in rows])


@read_only("/assignments/<id:assignment_id>/results")
def results(assignment_id: int):
    assignment_id = _checked(assignment_id)
    assignment = db.session.scalar(
        sa.select(Assignment)
        .join(Classroom)
        .where(Assignment.id == assignment_id, Classroom.teacher_id == g.api_user.id)
    )
    if assignment is None:
        abort(404)
    students = db.session.execute(
        sa.select(User, Enrollment.removed_at)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.classroom_id == assignment.classroom_id)
        .order_by(User.display_name, User.id)
    ).all()
    attempts: dict[int, list[Attempt]] = {}
    for attempt in db.session.scalars(
        sa.select(Attempt)
        .where(Attempt.assignment_id == assignment.id)
        .order_by(Attempt.student_id, Attempt.number)
    ):
        attempts.setdefault(attempt.student_id, []).append(attempt)
    rows = []
    for user, removed in students:
        mine = attempts.get(user.id, [])
        if removed is not None and not mine:
            continue
        counted = [a.percent for a in mine if a.submitted and a.percent is not None]
        rows.append(
            {
                "student": _student(user),
                "in_class": removed is None,
                "status": _status(mine),
                "best_percent": max(counted) if counted else None,
                "attempts": [
                    {
                        "number": a.number,
                        "started_at": _time(a.started_at),
                        "submitted_at": _time(a.submitted_at),
                        "score": a.final_score if a.submitted else None,
                        "max_score": a.max_score,
                        "percent": a.percent if a.submitted else None,
                        "reset": a.reset_at is not None,
                    }
                    for a in mine
                ],
            }
        )
    return jsonify({"assignment": _assignment(assignment), "results": rows})


def _status(attempts: list[Attempt]) -> str:
    live = [a for a in attempts if a.reset_at is None]
    if any(a.submitted for a in live):
        return "submitted"
    return "in_progress" if live else "not_started"
