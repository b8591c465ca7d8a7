from flask_wtf import FlaskForm
from wtforms import IntegerField, SearchField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from quizapp.services.accounts import MAX_INVITATION_DAYS


class InvitationForm(FlaskForm):
    name = StringField(
        "Who is it for?",
        validators=[DataRequired(), Length(max=120)],
        description="So you can tell your invitations apart, e.g. “Ms Rivera, history”.",
    )
    days = IntegerField(
        "Valid for (days)",
        default=7,
        validators=[
            InputRequired(),
            NumberRange(
                min=1,
                max=MAX_INVITATION_DAYS,
                message=f"Choose 1 to {MAX_INVITATION_DAYS} days.",
            ),
        ],
        render_kw={"min": 1, "max": MAX_INVITATION_DAYS},
    )
    submit = SubmitField("Make an invitation link")


class StudentSearchForm(FlaskForm):
    """A search that changes nothing, sent by GET: no CSRF token in the address."""

    class Meta:
        csrf = False

    q = SearchField(
        "Username or name",
        validators=[Length(max=120)],
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
