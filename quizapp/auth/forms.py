import hmac
from typing import ClassVar

from flask import current_app
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from quizapp.join_limits import classroom_for_code
from quizapp.services import accounts
from quizapp.services.passwords import MAX_LENGTH, MIN_LENGTH, password_problem


class LoginForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[DataRequired()],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Password", validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField("Log in")


class HardToGuess:
    """The rules for a new password (services/passwords.py), with the username it is for."""

    # Rendered as the input's minlength and maxlength, as the Length validator would be.
    field_flags: ClassVar[dict] = {"minlength": MIN_LENGTH, "maxlength": MAX_LENGTH}

    def __call__(self, form, field) -> None:
        username = form.username.data if "username" in form else current_user.username
        if problem := password_problem(field.data, username=username or ""):
            raise ValidationError(problem)


class NewPasswordMixin:
    password = PasswordField(
        "New password",
        validators=[DataRequired(), HardToGuess()],
        render_kw={"autocomplete": "new-password"},
        description="At least 8 characters, and not a common password. A short sentence is "
        "easy to remember.",
    )
    confirm = PasswordField(
        "Type the new password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )


class SignupForm(NewPasswordMixin, FlaskForm):
    display_name = StringField(
        "Your name",
        validators=[DataRequired(), Length(max=120)],
        description="Shown to your class, e.g. “Ms Rivera”.",
    )
    username = StringField(
        "Username",
        validators=[DataRequired(), Length(min=3, max=40)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
        description="Lower-case letters, digits, dots, dashes or underscores.",
    )
    password = NewPasswordMixin.password
    confirm = NewPasswordMixin.confirm
    submit = SubmitField("Create account")

    def validate_username(self, field) -> None:
        _check_username_rule(field)
        if accounts.username_taken(field.data):
            raise ValidationError(accounts.USERNAME_TAKEN)


def _check_username_rule(field) -> None:
    field.data = accounts.normalise_username(field.data)
    if not accounts.USERNAME_RULE.match(field.data):
        raise ValidationError(accounts.USERNAME_RULE_MESSAGE)


class TeacherSignupForm(SignupForm):
    signup_code = PasswordField(
        "Teacher sign-up code",
        validators=[DataRequired()],
        description="Given by your school's administrator, so that students cannot sign up "
        "as teachers.",
    )

    def validate_signup_code(self, field) -> None:
        expected = current_app.config["TEACHER_SIGNUP_CODE"] or ""
        if not hmac.compare_digest(field.data.strip().encode(), expected.encode()):
            raise ValidationError("That is not the teacher sign-up code.")


class StudentSignupForm(SignupForm):
    join_code = StringField(
        "Class code",
        validators=[DataRequired()],
        description="The code your teacher gave you, e.g. K7QMXR.",
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    display_name = StringField(
        "Your name",
        validators=[DataRequired(), Length(max=120)],
        description="First name and last name, as your teacher knows you.",
    )
    submit = SubmitField("Join the class")

    def validate_join_code(self, field) -> None:
        if classroom_for_code(field.data) is None:
            raise ValidationError("No class has that code. Check it with your teacher.")

    def validate_username(self, field) -> None:
        _check_username_rule(field)  # whether it is taken is told in validate(), after the code

    def validate(self, extra_validators=None) -> bool:
        """As any sign-up, but only someone with a class's code learns if a username is taken."""
        valid = super().validate(extra_validators)
        if self.join_code.errors or self.username.errors:
            return valid
        if accounts.username_taken(self.username.data):
            self.username.errors.append(accounts.USERNAME_TAKEN)
            return False
        return valid


class FirstPasswordForm(NewPasswordMixin, FlaskForm):
    """Right after a log-in with a one-time password, which is not asked for a second time."""

    password = NewPasswordMixin.password
    confirm = NewPasswordMixin.confirm
    submit = SubmitField("Save my password")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    password = NewPasswordMixin.password
    confirm = NewPasswordMixin.confirm
    submit = SubmitField("Change password")
