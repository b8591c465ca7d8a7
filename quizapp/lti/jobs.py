"""The LTI jobs: sending grades to the platform and syncing a course's roster."""

from flask import Flask
from huey import Huey

from quizapp.extensions import db
from quizapp.lti import keys
from quizapp.transactions import unit_of_work


def register(app: Flask, huey: Huey) -> None:
    @huey.task(name="send_lti_grades")
    def send_lti_grades(grade_ids: list[int]) -> None:
        from quizapp.services import lti_grades

        with app.app_context():
            try:
                with unit_of_work():
                    failed = lti_grades.send(grade_ids, keys.directory_of(app))
                    if failed:
                        delay = lti_grades.retry_delay(lti_grades.tries_of(failed))
                        lti_grades.queue_send(failed, delay=delay)
            finally:
                db.session.remove()

    @huey.task(name="sync_lti_roster")
    def sync_lti_roster(context_id: int) -> None:
        from quizapp.services import lti_roster

        with app.app_context():
            try:
                with unit_of_work():
                    lti_roster.sync(context_id, keys.directory_of(app))
            finally:
                db.session.remove()

    app.extensions["jobs"].update(
        {"send_lti_grades": send_lti_grades, "sync_lti_roster": sync_lti_roster}
    )
