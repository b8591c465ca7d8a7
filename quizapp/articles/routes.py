import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import login_required

from quizapp.articles import bp
from quizapp.extensions import db
from quizapp.models import Article
from quizapp.services.articles import render_body


@bp.get("/")
@login_required
def index():
    articles = db.session.scalars(
        sa.select(Article).order_by(Article.published, Article.title)
    ).all()
    return render_template("articles/index.html", articles=articles)


@bp.get("/<slug>")
@login_required
def read(slug: str):
    article = db.session.scalar(sa.select(Article).where(Article.slug == slug))
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
