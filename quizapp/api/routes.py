"""Every object is looked up through its owner: another teacher's id is simply not found."""

from datetime import UTC, datetime

from flask import current_app, g, jsonify, request

from quizapp.api import bp
from quizapp.api.auth import authenticate, error
from quizapp.api.openapi import document
from quizapp.models import Assignment, Classroom, User, utcnow
from quizapp.security import own_assignment_or_404, own_classroom_or_404
from quizapp.services import attempts as quiz
from quizapp.services import classrooms, reports

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
    rooms = classrooms.teacher_classes(g.api_user, order_by=Classroom.id)
    sizes = classrooms.class_sizes(rooms)
    return jsonify(
        [
            {
                "id": c.id,
                "name": c.name,
                "students": sizes.get(c.id, 0),
                "created_at": _time(c.created_at),
            }
            for c in rooms
        ]
    )


@read_only("/classes/<id:class_id>")
def classroom(class_id: int):
    room = own_classroom_or_404(class_id, g.api_user)
    return jsonify(
        {
            "id": room.id,
            "name": room.name,
            "created_at": _time(room.created_at),
            "students": [
                dict(_student(u), in_class=in_class) for u, in_class in classrooms.members(room)
            ],
        }
    )


@read_only("/classes/<id:class_id>/assignments")
def assignments(class_id: int):
    room = own_classroom_or_404(class_id, g.api_user)
    return jsonify(
        [_assignment(a) for a in sorted(reports.class_assignments(room), key=lambda a: a.id)]
    )


@read_only("/assignments/<id:assignment_id>/results")
def results(assignment_id: int):
    assignment = own_assignment_or_404(assignment_id, g.api_user)
    # As on the teacher's pages: attempts whose time ran out are submitted before they are read.
    quiz.finalise_expired([assignment.id], utcnow())
    rows = []
    for result in reports.assignment_results(assignment):
        rows.append(
            {
                "student": _student(result.student),
                "in_class": result.in_class,
                "status": result.status.name.lower(),
                "best_percent": result.best_percent,
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
                    for a in result.attempts
                ],
            }
        )
    return jsonify({"assignment": _assignment(assignment), "results": rows})
