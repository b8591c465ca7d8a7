import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import current_user, login_required

from quizapp.articles import bp
from quizapp.extensions import db
from quizapp.models import Article, Classroom, Enrollment
from quizapp.services.articles import render_body


def _readable() -> sa.ColumnElement[bool]:
    """The bank's articles, a teacher's own, and those of the teachers of a student's classes.

    A teacher's articles are the evidence of the sets they assign, so their students read them;
    a student removed from the class no longer does.
    """
    teachers = (
        sa.select(Classroom.teacher_id)
        .join(Enrollment, Enrollment.classroom_id == Classroom.id)
        .where(Enrollment.student_id == current_user.id, Enrollment.removed_at.is_(None))
    )
    return sa.or_(
        Article.owner_id.is_(None),
        Article.owner_id == current_user.id,
        Article.owner_id.in_(teachers),
    )


@bp.get("/")
@login_required
def index():
    articles = db.session.scalars(
        sa.select(Article).where(_readable()).order_by(Article.published, Article.title)
    ).all()
    return render_template("articles/index.html", articles=articles)


@bp.get("/<slug>")
@login_required
def read(slug: str):
    article = db.session.scalar(sa.select(Article).where(Article.slug == slug, _readable()))
    if article is None:
        abort(404)
    quote = request.args.get("q", "")[:2000] or None
    paragraphs, found = render_body(article.body, quote)
    based_on = None
    if article.based_on:
        based_on = db.session.scalar(sa.select(Article).where(Article.slug == article.based_on))
    return render_template(
        "articles/read.html",
        article=article,
        paragraphs=paragraphs,
        quote=quote,
        found=found,
        based_on=based_on,
    )
