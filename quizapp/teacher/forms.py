import math

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from quizapp.models import ShowAnswers
from quizapp.services.accommodations import TIME_MULTIPLIERS, describe_multiplier
from quizapp.services.assignments import AssignmentTerms
from quizapp.services.classrooms import parse_roster
from quizapp.timezone import to_utc

MAX_ROSTER = 200

SHOW_ANSWER_CHOICES = [
    SelectChoice(ShowAnswers.AFTER_SUBMIT.value, "After the student submits"),
    SelectChoice(ShowAnswers.AFTER_EACH.value, "After each question (the answer is then locked)"),
    SelectChoice(ShowAnswers.AFTER_DUE.value, "After the due time"),
    SelectChoice(ShowAnswers.NEVER.value, "Never (score only)"),
]


class ActionForm(FlaskForm):
    """A button that changes something: CSRF protection and nothing else."""


class ClassForm(FlaskForm):
    name = StringField(
        "Class name",
        validators=[DataRequired(), Length(max=120)],
        description="For example “Year 10 English, group B”.",
    )
    submit = SubmitField("Create class")


class RosterForm(FlaskForm):
    names = TextAreaField(
        "Student names",
        validators=[DataRequired()],
        description="One name a line. Each student gets a username and a one-time password.",
        render_kw={"rows": 8},
    )
    submit = SubmitField("Create accounts")

    def validate_names(self, field) -> None:
        names = parse_roster(field.data or "")
        if not names:
            raise ValidationError("Paste at least one name, one name a line.")
        if len(names) > MAX_ROSTER:
            raise ValidationError(
                f"This list has {len(names)} names; at most {MAX_ROSTER} can be added at a "
                "time. No account was created: add the names in two or more lists."
            )
        too_long = [n for n in names if len(n) > 120]
        if too_long:
            raise ValidationError(f"This name is too long: {too_long[0][:40]}…")


class AssignmentForm(FlaskForm):
    set_id = SelectField("Question set", coerce=int, validators=[InputRequired()])
    opens_at = DateTimeLocalField(
        "Opens",
        validators=[InputRequired(message="Give the date and time the quiz opens.")],
        format="%Y-%m-%dT%H:%M",
    )
    due_at = DateTimeLocalField(
        "Due (optional)",
        validators=[Optional()],
        format="%Y-%m-%dT%H:%M",
        description="After this time no answers are accepted.",
    )
    attempts_allowed = IntegerField(
        "Attempts allowed",
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=20, message="Between 1 and 20.")],
    )
    time_limit_minutes = IntegerField(
        "Time limit in minutes (optional)",
        validators=[Optional(), NumberRange(min=1, max=600, message="Between 1 and 600 minutes.")],
        description="Counted from when the student starts; leave empty for no limit.",
    )
    keep_short_limit = BooleanField("Keep this time limit, shorter than the set takes")
    shuffle_questions = BooleanField("Shuffle the order of questions")
    shuffle_choices = BooleanField("Shuffle the order of choices")
    show_answers = SelectField(
        "Show the correct answers",
        choices=SHOW_ANSWER_CHOICES,
        default=ShowAnswers.AFTER_SUBMIT.value,
    )
    submit = SubmitField("Assign")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            self.opens_utc = to_utc(self.opens_at.data)
        except ValueError as error:
            self.opens_at.errors.append(str(error))
            return False
        self.due_utc = None
        if self.due_at.data:
            try:
                self.due_utc = to_utc(self.due_at.data)
            except ValueError as error:
                self.due_at.errors.append(str(error))
                return False
            if self.due_utc <= self.opens_utc:
                self.due_at.errors.append("The due time must be after the opening time.")
                return False
        if self.show_answers.data == ShowAnswers.AFTER_DUE and not self.due_at.data:
            self.show_answers.errors.append("Set a due time to show answers after it.")
            return False
        return True

    def terms(self) -> AssignmentTerms:
        return AssignmentTerms(
            opens_at=self.opens_utc,
            due_at=self.due_utc,
            attempts_allowed=self.attempts_allowed.data,
            time_limit_minutes=self.time_limit_minutes.data or None,
            shuffle_questions=self.shuffle_questions.data,
            shuffle_choices=self.shuffle_choices.data,
            show_answers=self.show_answers.data,
        )


# One student's own terms and a teacher's corrections. Field names differ from form to form,
# because all these forms share one page.
REASON_HINT = "Kept in the log with your name and the time."


def _reason(label: str = "Reason (optional)", required: bool = False, hint: str = REASON_HINT):
    validators = [Length(max=500, message="Keep the reason under 500 characters.")]
    if required:
        validators.insert(0, DataRequired(message="Give a reason: it is kept with the change."))
    return StringField(label, validators=validators, description=hint)


class PersonalDueForm(FlaskForm):
    due_at = DateTimeLocalField(
        "Due time for this student",
        validators=[Optional()],
        format="%Y-%m-%dT%H:%M",
        description="Leave empty to go back to the class's due time.",
    )
    due_reason = _reason()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        self.due_utc = None
        if self.due_at.data:
            try:
                self.due_utc = to_utc(self.due_at.data)
            except ValueError as error:
                self.due_at.errors.append(str(error))
                return False
        return True


class PersonalTimeLimitForm(FlaskForm):
    minutes = IntegerField(
        "Time limit in minutes for this student",
        validators=[Optional(), NumberRange(min=1, max=600, message="Between 1 and 600 minutes.")],
        description="Leave empty to go back to the class's time limit.",
    )
    limit_reason = _reason()


class TimeMultiplierForm(FlaskForm):
    """Extra time on every timed quiz of the class, set once for a student."""

    multiplier = SelectField(
        "Time on every timed quiz",
        coerce=float,
        choices=[SelectChoice(m, describe_multiplier(m).capitalize()) for m in TIME_MULTIPLIERS],
        validators=[InputRequired()],
        description="A quiz's own time limit for this student, set under “Adjust”, wins.",
    )
    multiplier_reason = _reason()


class ExtraAttemptForm(FlaskForm):
    extra_reason = _reason()


class ResetAttemptForm(FlaskForm):
    reset_attempt = SelectField("Attempt", coerce=int, validators=[InputRequired()])
    reset_reason = _reason()


class OverrideScoreForm(FlaskForm):
    override_attempt = SelectField("Attempt", coerce=int, validators=[InputRequired()])
    points = FloatField(
        "New score in points",
        validators=[
            InputRequired(message="Give the score in points."),
            NumberRange(min=0, message="The score cannot be below 0."),
        ],
    )
    override_reason = _reason(
        "Reason", required=True, hint="The student sees it with their score; it is also logged."
    )

    def validate_points(self, field) -> None:
        if field.data is not None and not math.isfinite(field.data):
            raise ValidationError("Give the score as a number of points.")


class ClearOverrideForm(FlaskForm):
    clear_attempt = SelectField("Attempt", coerce=int, validators=[InputRequired()])
    clear_reason = _reason()
