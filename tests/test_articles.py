import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Article
from quizapp.services.articles import render_body


def test_reader_lists_and_shows_every_article(app, browser, make_user):
    make_user("sam")
    browser.login("sam")
    index = browser.page("/articles/")
    with app.app_context():
        articles = db.session.scalars(sa.select(Article)).all()
    assert len(articles) == 5
    for article in articles:
        assert f"/articles/{article.slug}" in index
        html = browser.page(f"/articles/{article.slug}")
        assert article.paragraphs[1][:40].replace("'", "&#39;").replace('"', "&#34;") in html


def test_evidence_link_highlights_the_exact_sentence(app, browser, make_user):
    make_user("sam")
    browser.login("sam")
    with app.app_context():
        article = db.session.scalar(sa.select(Article).where(Article.based_on != ""))
    quote = article.paragraphs[2][5:60]
    html = browser.get(f"/articles/{article.slug}", query_string={"q": quote}).get_data(
        as_text=True
    )
    marked = html.split('<mark id="evidence">')[1].split("</mark>")[0]
    assert marked.replace("&#39;", "'").replace("&#34;", '"') == quote
    assert "re-reports" in html
    html = browser.get(f"/articles/{article.slug}", query_string={"q": "not in it"}).get_data(
        as_text=True
    )
    assert "could not be found" in html and "<mark" not in html


def test_unknown_article_is_not_found(browser, make_user):
    make_user("sam")
    browser.login("sam")
    assert browser.get("/articles/nope").status_code == 404


def test_render_body_marks_captions_and_spans():
    paragraphs, found = render_body("One two.\n\n[Caption] A photo.\n\nThree.", "two.")
    assert found
    assert [s.text for s in paragraphs[0].segments] == ["One ", "two."]
    assert paragraphs[0].segments[1].marked
    assert paragraphs[1].caption and paragraphs[1].segments[0].text == "A photo."


def test_article_text_is_escaped(app, browser, make_user):
    make_user("sam")
    browser.login("sam")
    with app.app_context():
        db.session.add(
            Article(
                slug="xss", title="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>"
            )
        )
        db.session.commit()
    try:
        html = browser.page("/articles/xss")
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x" not in html and "&lt;img src=x" in html
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Article).where(Article.slug == "xss"))
            db.session.commit()
