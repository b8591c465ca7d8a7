"""The teacher's API tokens: created (the secret shown once), listed and revoked."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.extensions import db
from quizapp.models import ApiToken, utcnow
from quizapp.security import teacher_required
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


def _tokens() -> list[ApiToken]:
    return db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ).all()


@bp.route("/settings/api-tokens", methods=["GET", "POST"])
@teacher_required
def api_tokens():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        token, secret = ApiToken.issue(current_user, form.name.data.strip())
        db.session.add(token)
        db.session.commit()
        form = TokenForm(formdata=None)
    status = 400 if form.errors else 200
    return render_template(
        "teacher/api_tokens.html", form=form, tokens=_tokens(), secret=secret, action=ActionForm()
    ), status


@bp.post("/settings/api-tokens/<id:token_id>/revoke")
@teacher_required
def revoke_api_token(token_id: int):
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    )
    if token is None:
        abort(404)
    if ActionForm().validate_on_submit() and token.revoked_at is None:
        if not confirmed():
            return confirm_page(
                f"Revoke the token “{token.name}”? Programs using it will stop working.",
                "Revoke",
                url_for("teacher.api_tokens"),
            )
        token.revoked_at = utcnow()
        db.session.commit()
        flash(f"The token “{token.name}” is revoked: it no longer works.", "success")
    return redirect(url_for("teacher.api_tokens"))
