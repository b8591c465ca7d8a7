from flask import render_template, request
from flask_login import current_user, login_required

from quizapp.articles import bp
from quizapp.security import readable_article_or_404
from quizapp.services import articles


@bp.get("/")
@login_required
def index():
    return render_template("articles/index.html", articles=articles.listed_for(current_user))


@bp.get("/<slug>")
@login_required
def read(slug: str):
    article = readable_article_or_404(slug)
    quote = request.args.get("q", "")[:2000] or None
    paragraphs, found = articles.render_body(article.body, quote)
    based_on = None
    if article.based_on:
        based_on = articles.by_slug(article.based_on)
    return render_template(
        "articles/read.html",
        article=article,
        paragraphs=paragraphs,
        quote=quote,
        found=found,
        based_on=based_on,
    )
