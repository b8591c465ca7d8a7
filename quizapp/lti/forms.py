from datetime import datetime, timedelta

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.teacher.forms import AssignmentForm
from quizapp.timezone import to_local


class DeepLinkForm(AssignmentForm):
    """The assignment an instructor places in the LMS course (deep linking)."""

    submit = SubmitField("Add to the course")

    def start_from(self, now: datetime) -> None:
        """Open now, due in a week, as the teacher's own assign page suggests."""
        self.opens_at.data = to_local(now).replace(tzinfo=None, second=0, microsecond=0)
        self.due_at.data = self.opens_at.data + timedelta(days=7)


class LinkAccountForm(FlaskForm):
    username = StringField(
        "Username of your quizapp account",
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Its password",
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Use that account from the LMS")


class PlatformForm(FlaskForm):
    """The values the LMS shows when the tool is added to it."""

    issuer = StringField(
        "Issuer (platform id)",
        validators=[DataRequired(), Length(max=255)],
        description="Canvas: https://canvas.instructure.com. Moodle: your Moodle's address.",
    )
    client_id = StringField("Client id", validators=[DataRequired(), Length(max=255)])
    deployment_id = StringField("Deployment id", validators=[DataRequired(), Length(max=255)])
    auth_login_url = StringField(
        "Authentication request URL (OIDC)", validators=[DataRequired(), Length(max=500)]
    )
    auth_token_url = StringField("Access token URL", validators=[DataRequired(), Length(max=500)])
    keyset_url = StringField(
        "Public keyset URL (JWKS)", validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField("Register the platform")
