"""The question builder's pages: articles in, what was found, corrections, draft questions."""

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp import jobs
from quizapp.extensions import db
from quizapp.models import Draft
from quizapp.security import own_draft_or_404, teacher_required
from quizapp.services import drafts
from quizapp.services.draft_review import review
from quizapp.teacher import bp
from quizapp.teacher.draft_forms import (
    DraftForm,
    FigureCorrectionsForm,
    LineForm,
    PasteForm,
    QuestionForm,
    QuoteCorrectionsForm,
    UploadForm,
)
from quizapp.teacher.forms import ActionForm
from quizapp.transactions import after_commit

CHANGED = "The list of {} changed since the page was opened; nothing was saved."


def _to_draft(draft: Draft, anchor: str | None = None):
    return redirect(url_for("teacher.draft", draft_id=draft.id, _anchor=anchor))


@bp.route("/drafts", methods=["GET", "POST"])
@teacher_required
def draft_list():
    form = DraftForm()
    if form.validate_on_submit():
        draft = drafts.create_draft(current_user.id, form.title.data)
        flash("Now add the articles: paste them or upload their files.", "success")
        return _to_draft(draft)
    mine = drafts.drafts_of(current_user)
    return render_template("teacher/drafts.html", drafts=mine, form=form), (
        400 if form.errors else 200
    )


def _draft_page(draft: Draft, paste=None, upload=None, status: int = 200):
    return render_template(
        "teacher/draft.html",
        draft=draft,
        paste=paste or PasteForm(formdata=None),
        upload=upload or UploadForm(formdata=None),
        action=ActionForm(),
        can_start=drafts.can_start(draft),
    ), status


@bp.get("/drafts/<id:draft_id>")
@teacher_required
def draft(draft_id: int):
    return _draft_page(own_draft_or_404(draft_id))


@bp.post("/drafts/<id:draft_id>/articles")
@teacher_required
def paste_article(draft_id: int):
    draft = own_draft_or_404(draft_id)
    form = PasteForm()
    if not form.validate_on_submit():
        return _draft_page(draft, paste=form, status=400)
    try:
        article = drafts.add_article(
            draft,
            form.text.data,
            file_name=form.title.data.strip(),
            title=form.title.data.strip(),
            outlet=form.outlet.data.strip(),
            published=form.published.data.isoformat() if form.published.data else "",
        )
    except drafts.DraftError as exc:
        db.session.rollback()
        form.text.errors.append(str(exc))
        return _draft_page(own_draft_or_404(draft_id), paste=form, status=400)
    flash(f"Added “{article.title}”.", "success")
    return _to_draft(draft, "articles")


@bp.post("/drafts/<id:draft_id>/files")
@teacher_required
def upload_articles(draft_id: int):
    draft = own_draft_or_404(draft_id)
    form = UploadForm()
    files = [f for f in form.files.data or [] if f and f.filename]
    if not form.validate_on_submit() or not files:
        if not files and not form.files.errors:
            form.files.errors.append("Choose one or more .txt or .md files.")
        return _draft_page(draft, upload=form, status=400)
    try:
        for upload in files:
            text = drafts.decode_upload(upload.filename, upload.read(drafts.MAX_FILE_BYTES + 1))
            drafts.add_article(draft, text, file_name=upload.filename)
    except drafts.DraftError as exc:
        db.session.rollback()
        form.files.errors.append(f"{exc} No file was added.")
        return _draft_page(own_draft_or_404(draft_id), upload=form, status=400)
    flash(f"Added {len(files)} article{'s' if len(files) > 1 else ''}.", "success")
    return _to_draft(draft, "articles")


@bp.post("/drafts/<id:draft_id>/articles/<id:article_id>/remove")
@teacher_required
def remove_article(draft_id: int, article_id: int):
    draft = own_draft_or_404(draft_id)
    article = drafts.article_of(draft, article_id)
    if article is None:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            drafts.remove_article(draft, article)
        except drafts.DraftError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Removed “{article.title}”.", "success")
    return _to_draft(draft, "articles")


@bp.post("/drafts/<id:draft_id>/delete")
@teacher_required
def delete_draft(draft_id: int):
    draft = own_draft_or_404(draft_id)
    if ActionForm().validate_on_submit():
        try:
            drafts.delete_draft(draft)
        except drafts.DraftError as exc:
            flash(str(exc), "error")
            return _to_draft(draft)
        flash(f"Deleted the draft “{draft.title}”.", "success")
    return redirect(url_for("teacher.draft_list"))


@bp.post("/drafts/<id:draft_id>/extract")
@teacher_required
def start_extraction(draft_id: int):
    draft = own_draft_or_404(draft_id)
    if ActionForm().validate_on_submit():
        try:
            step = drafts.start_extraction(draft)
        except drafts.DraftError as exc:
            flash(str(exc), "error")
        else:
            if step:  # else it follows the teacher's draft being read
                after_commit(lambda: jobs.enqueue("extract_step", *step))
    return _to_draft(draft, "progress")


@bp.get("/drafts/<id:draft_id>/progress")
@teacher_required
def draft_progress(draft_id: int):
    draft = own_draft_or_404(draft_id)
    return jsonify(
        status=draft.status,
        done=draft.steps_done,
        total=draft.steps_total,
        percent=draft.percent,
        error=draft.error,
    )


def _review_page(draft: Draft, quotes_form=None, figures_form=None, status: int = 200):
    """One article's review (?article=slug, else the first), with the correction tables."""
    found = review(draft, request.args.get("article"))
    if found is None:
        abort(404)
    said = (draft.corrections or {}).get("lines", {})
    line_form = LineForm(formdata=None, line=said.get(found.article.slug, drafts.AS_FOUND))
    line_form.set_choices(found.article.slug, draft.article_labels)
    return render_template(
        "teacher/draft_review.html",
        draft=draft,
        found=found,
        quotes_form=quotes_form or QuoteCorrectionsForm(formdata=None),
        figures_form=figures_form or FigureCorrectionsForm(formdata=None),
        quote_rows=_correction_rows(found.quotes, quotes_form, "speaker"),
        figure_rows=_correction_rows(found.figures, figures_form, "measures"),
        line_form=line_form,
        action=ActionForm(),
    ), status


@dataclass
class CorrectionRow:
    index: int  # in the extraction, and in the form's field names
    item: dict[str, Any]
    value: str
    keep: bool
    errors: list[str]


def _correction_rows(items: list[dict[str, Any]], posted, text: str) -> list[CorrectionRow]:
    """Every row of a correction table, as the teacher sent it when it came back with errors,
    else as found. Only the shown article's rows are visible; the others go as hidden fields,
    written out by the template without a form object (thousands in a large draft)."""
    if posted is not None and len(posted.rows) == len(items):
        return [
            CorrectionRow(i, item, row[text].data or "", row.keep.data, row[text].errors)
            for i, (item, row) in enumerate(zip(items, posted.rows, strict=True))
        ]
    return [CorrectionRow(i, item, item[text] or "", True, []) for i, item in enumerate(items)]


def _ready_or_redirect(draft: Draft):
    if draft.extraction is None:
        flash("Find the quotes, figures and claims first.", "info")
        return _to_draft(draft)
    return None


@bp.get("/drafts/<id:draft_id>/review")
@teacher_required
def draft_review(draft_id: int):
    draft = own_draft_or_404(draft_id)
    return _ready_or_redirect(draft) or _review_page(draft)


# What each correction table edits: its form, the row's text field, and the service applying it.
CORRECTIONS = {
    "quotes": (QuoteCorrectionsForm, "speaker", drafts.correct_quotes, "quote"),
    "figures": (FigureCorrectionsForm, "measures", drafts.correct_figures, "figure"),
}


@bp.post("/drafts/<id:draft_id>/review/<any(quotes, figures):part>")
@teacher_required
def correct(draft_id: int, part: str):
    draft = own_draft_or_404(draft_id)
    if redirect_away := _ready_or_redirect(draft):
        return redirect_away
    form_class, text, apply, noun = CORRECTIONS[part]
    form = form_class()
    valid = form.validate_on_submit()
    if not form.rows_match(len(draft.extraction[part])):
        # Rows that are not the ones found cannot be shown beside them: show the saved ones.
        flash(CHANGED.format(part), "error")
        return _review_page(draft, status=400)
    if not valid:
        return _review_page(draft, **{f"{part}_form": form}, status=400)
    changed = apply(draft, [(row[text].data, row.keep.data) for row in form.rows])
    flash(f"Saved: {changed} {noun}{'s' if changed != 1 else ''} corrected.", "success")
    back = url_for(
        "teacher.draft_review", draft_id=draft.id, article=request.args.get("article"), _anchor=part
    )
    return redirect(back)


@bp.post("/drafts/<id:draft_id>/review/line")
@teacher_required
def set_line(draft_id: int):
    draft = own_draft_or_404(draft_id)
    if redirect_away := _ready_or_redirect(draft):
        return redirect_away
    slug = request.args.get("article", "")
    if slug not in draft.article_labels:
        abort(404)
    form = LineForm()
    form.set_choices(slug, draft.article_labels)
    if form.validate_on_submit():
        drafts.set_line(draft, slug, form.line.data)
        flash("Saved: the reporting line, and the claims judged again by it.", "success")
    else:
        flash("Choose one of the reporting lines offered.", "error")
    return redirect(url_for("teacher.draft_review", draft_id=draft.id, article=slug))


@bp.post("/drafts/<id:draft_id>/generate")
@teacher_required
def generate_questions(draft_id: int):
    draft = own_draft_or_404(draft_id)
    if redirect_away := _ready_or_redirect(draft):
        return redirect_away
    if ActionForm().validate_on_submit():
        count = drafts.generate_questions(draft)
        if count:
            flash(f"Drafted {count} questions. Read each one before publishing.", "success")
        else:
            flash("Nothing to ask yet: the articles share no quotes, figures or claims.", "error")
    return redirect(url_for("teacher.draft_questions", draft_id=draft.id))


@bp.get("/drafts/<id:draft_id>/questions")
@teacher_required
def draft_questions(draft_id: int):
    draft = own_draft_or_404(draft_id)
    return render_template(
        "teacher/draft_questions.html",
        draft=draft,
        titles=draft.article_labels,
        action=ActionForm(),
    )


def _question_form_page(draft: Draft, form: QuestionForm, key: str | None, status: int = 200):
    return render_template("teacher/draft_question.html", draft=draft, form=form, key=key), status


@bp.route("/drafts/<id:draft_id>/questions/new", methods=["GET", "POST"])
@bp.route("/drafts/<id:draft_id>/questions/<key>", methods=["GET", "POST"])
@teacher_required
def edit_question(draft_id: int, key: str | None = None):
    draft = own_draft_or_404(draft_id)
    previous = None
    if key is not None:
        previous = drafts.find_question(draft, key)
        if previous is None:
            abort(404)
    form = QuestionForm()
    form.set_articles(draft.article_labels)
    if not form.is_submitted():
        if previous:
            form.load(previous)
        return _question_form_page(draft, form, key)
    if not form.validate_on_submit():
        return _question_form_page(draft, form, key, 400)
    problems = drafts.save_question(draft, form.question(previous), key)
    if problems:
        form.form_errors.extend(problems)
        return _question_form_page(draft, form, key, 400)
    flash("Question saved." if key else "Question added.", "success")
    return redirect(url_for("teacher.draft_questions", draft_id=draft.id))


@bp.post("/drafts/<id:draft_id>/questions/<key>/delete")
@teacher_required
def delete_question(draft_id: int, key: str):
    draft = own_draft_or_404(draft_id)
    if drafts.find_question(draft, key) is None:
        abort(404)
    if ActionForm().validate_on_submit():
        drafts.delete_question(draft, key)
        flash("Question deleted.", "success")
    return redirect(url_for("teacher.draft_questions", draft_id=draft.id))


@bp.post("/drafts/<id:draft_id>/publish")
@teacher_required
def publish_draft(draft_id: int):
    draft = own_draft_or_404(draft_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("teacher.draft_questions", draft_id=draft.id))
    problems = drafts.publish(draft)
    if problems:
        db.session.rollback()
        for problem in problems:
            flash(f"Not published: {problem}", "error")
        return redirect(url_for("teacher.draft_questions", draft_id=draft.id))
    flash("Published. Assign the set to a class from this page.", "success")
    return redirect(url_for("teacher.question_set", slug=draft.slug))
