"""A question set to and from other tools: downloads per format, and importing a file."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.extensions import db
from quizapp.interop import EXPORTERS, MEDIA, PARSERS, ImportFormatError
from quizapp.security import teacher_required, visible_set_or_404
from quizapp.services.interop import import_set, read_import, set_document, slug_for
from quizapp.teacher import bp
from quizapp.transactions import end_reads

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class ImportForm(FlaskForm):
    file = FileField(
        "File",
        validators=[
            FileRequired("Choose a file to import."),
            FileAllowed(
                ["xml", "gift", "txt"], "Choose a Moodle XML (.xml) or GIFT (.gift, .txt) file."
            ),
        ],
        description="Moodle XML (.xml) or GIFT (.txt, .gift), as exported from Moodle.",
    )
    format = SelectField(
        "Format",
        choices=[
            SelectChoice("auto", "From the file name"),
            SelectChoice("moodle-xml", "Moodle XML"),
            SelectChoice("gift", "GIFT"),
        ],
        default="auto",
    )
    title = StringField("Title of the new set", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Import")


@bp.get("/sets/<slug>/export/<fmt>")
@teacher_required
def export_set(slug: str, fmt: str):
    if fmt not in EXPORTERS:
        abort(404)
    qset = visible_set_or_404(slug)
    result = EXPORTERS[fmt](set_document(qset))
    media_type, ending = MEDIA[fmt]
    response = Response(result.data, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{qset.slug}{ending}"'
    return response


@bp.route("/sets/import", methods=["GET", "POST"])
@teacher_required
def import_set_page():
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("teacher/import.html", form=form), 400 if form.errors else 200
    owner_id = current_user.id
    # Reading and checking a file of hundreds of questions takes a while: the transaction of
    # the log-in check ends first, so that on SQLite nobody's saves wait meanwhile; the set is
    # then written in a short transaction of its own.
    end_reads()
    upload = form.file.data
    data = upload.read(MAX_IMPORT_BYTES + 1)
    name = upload.filename or "upload"
    fmt = form.format.data
    if fmt == "auto":
        fmt = "moodle-xml" if name.lower().endswith(".xml") else "gift"
    if len(data) > MAX_IMPORT_BYTES:
        return _refused(form, f"{name} is larger than 2 MB. Nothing was imported.")
    try:
        parsed = PARSERS[fmt](data)
    except ImportFormatError as exc:
        return _refused(form, f"{name}: {exc}. Nothing was imported.")
    title = form.title.data.strip()
    result = read_import(parsed, slug=slug_for(title), title=title, file_name=name)
    if not result.problems:
        import_set(result, owner_id=owner_id)
    if result.problems:
        db.session.rollback()
        return _refused(form, f"{name}: " + "; ".join(result.problems) + ". Nothing was imported.")
    flash(f"Imported {len(result.set_file.questions)} questions.", "success")
    for line in result.skipped:
        flash(f"Not imported: {line}", "error")
    for line in result.notes:
        flash(f"Note: {line}", "info")
    return redirect(url_for("teacher.question_set", slug=result.set_file.slug))


def _refused(form: ImportForm, error: str):
    return render_template("teacher/import.html", form=form, error=error), 400
