"""The administrator's LMS page: registered platforms, registering one, and what to paste
into the LMS."""

from flask import flash, redirect, render_template, url_for

from quizapp.admin import bp
from quizapp.extensions import db
from quizapp.lti.cli import tool_addresses
from quizapp.lti.forms import PlatformForm
from quizapp.security import admin_required
from quizapp.services import lti


def _page(form: PlatformForm, problem: str | None = None):
    return render_template(
        "admin/lti.html",
        platforms=lti.platforms(),
        form=form,
        problem=problem,
        addresses=tool_addresses(),
    )


@bp.get("/lti")
@admin_required
def lti_platforms():
    return _page(PlatformForm())


@bp.post("/lti")
@admin_required
def add_lti_platform():
    form = PlatformForm()
    if not form.validate_on_submit():
        return _page(form), 400
    try:
        result = lti.register_platform(
            issuer=form.issuer.data,
            client_id=form.client_id.data,
            deployment_id=form.deployment_id.data,
            auth_login_url=form.auth_login_url.data,
            auth_token_url=form.auth_token_url.data,
            keyset_url=form.keyset_url.data,
        )
    except lti.RegistrationError as error:
        db.session.rollback()
        return _page(form, str(error)), 400
    platform = result.platform
    if result.created:
        flash(f"{platform.issuer} is registered: LMS launches from it now work.", "success")
    elif result.changed or result.deployment_added:
        flash(f"{platform.issuer} is updated.", "success")
    else:
        flash(f"{platform.issuer} was already registered with these values.", "info")
    return redirect(url_for("admin.lti_platforms"))
