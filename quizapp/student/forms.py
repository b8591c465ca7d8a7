from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from quizapp.join_limits import classroom_for_code


class JoinClassForm(FlaskForm):
    join_code = StringField(
        "Class code",
        validators=[DataRequired()],
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    submit = SubmitField("Join class")

    def validate_join_code(self, field) -> None:
        if classroom_for_code(field.data) is None:
            raise ValidationError("No class has that code. Check it with your teacher.")


class StartForm(FlaskForm):
    """Starting or resuming an attempt: a button with CSRF protection."""


class AnswerForm(FlaskForm):
    """The answer fields are read by the attempts service, which knows the choices offered."""


class SubmitAttemptForm(FlaskForm):
    confirm_unanswered = BooleanField("Yes, submit with unanswered questions")
    submit = SubmitField("Submit quiz")
