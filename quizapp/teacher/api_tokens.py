"""The teacher's API tokens: created (the secret shown once), listed and revoked."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.models import utcnow
from quizapp.security import own_api_token_or_404, teacher_required
from quizapp.services import api_tokens as tokens
from quizapp.teacher import bp
from quizapp.teacher.confirmation import confirm_page, confirmed
from quizapp.teacher.forms import ActionForm


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=80)],
        description="What the token is for, e.g. “school gradebook”.",
    )
    submit = SubmitField("Create token")


@bp.route("/settings/api-tokens", methods=["GET", "POST"])
@teacher_required
def api_tokens():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        _, secret = tokens.issue(current_user, form.name.data)
        form = TokenForm(formdata=None)
    status = 400 if form.errors else 200
    return render_template(
        "teacher/api_tokens.html",
        form=form,
        tokens=tokens.tokens_of(current_user),
        secret=secret,
        action=ActionForm(),
    ), status


@bp.post("/settings/api-tokens/<id:token_id>/revoke")
@teacher_required
def revoke_api_token(token_id: int):
    token = own_api_token_or_404(token_id)
    if ActionForm().validate_on_submit() and token.revoked_at is None:
        if not confirmed():
            return confirm_page(
                f"Revoke the token “{token.name}”? Programs using it will stop working.",
                "Revoke",
                url_for("teacher.api_tokens"),
            )
        tokens.revoke(token, utcnow())
        flash(f"The token “{token.name}” is revoked: it no longer works.", "success")
    return redirect(url_for("teacher.api_tokens"))
