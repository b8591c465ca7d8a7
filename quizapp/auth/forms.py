import hmac
import re

import sqlalchemy as sa
from flask import current_app
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from quizapp.extensions import db
from quizapp.models import User
from quizapp.services.classrooms import classroom_by_code

USERNAME_RULE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")


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


class NewPasswordMixin:
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=8, max=128, message="Use 8 to 128 characters.")],
        render_kw={"autocomplete": "new-password"},
        description="At least 8 characters. A short sentence is easy to remember.",
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
        field.data = field.data.strip().lower()
        if not USERNAME_RULE.match(field.data):
            raise ValidationError(
                "Use 3 to 40 lower-case letters, digits, dots, dashes or "
                "underscores, starting with a letter or digit."
            )
        if db.session.scalar(sa.select(User.id).where(User.username == field.data)):
            raise ValidationError("That username is taken. Please choose another.")


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
        if classroom_by_code(field.data) is None:
            raise ValidationError("No class has that code. Check it with your teacher.")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    password = NewPasswordMixin.password
    confirm = NewPasswordMixin.confirm
    submit = SubmitField("Change password")
