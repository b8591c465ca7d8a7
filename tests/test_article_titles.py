"""The bank's articles read cleanly for students: a title without the bank's "(no headline
captured)" mark, and no "not stated" bylines; the teacher reads where the text came from."""

import re

import pytest

SLUGS = (
    "insight-crime-undated-cuban-doctors-extortion",
    "nyt-2019-cuban-doctors-votes",
    "unknown-2014-cuban-doctor-defections",
    "unknown-2019-cuban-doctors-votes-rereport",
    "unknown-2022-cuban-doctors-tachira-arrests",
)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def student(browser, make_class):
    make_class(students=("sam",))
    browser.login("sam")
    return browser


def test_students_see_clean_titles_and_bylines(student):
    pages = [text_of(student.page("/articles/"))]
    pages += [text_of(student.page(f"/articles/{slug}")) for slug in SLUGS]
    for text in pages:
        assert "no headline captured" not in text
        assert "not stated" not in text
        assert "About this source" not in text
    nyt = text_of(student.page("/articles/nyt-2019-cuban-doctors-votes"))
    assert "Cuban medical workers describe being used to win votes for Maduro" in nyt


def test_teachers_read_where_the_text_came_from(browser, make_class):
    make_class(students=())
    browser.login("teacher")
    text = text_of(browser.page("/articles/unknown-2014-cuban-doctor-defections"))
    assert "About this source" in text
    assert "The article's own headline was not captured" in text.replace("&#39;", "'")
    assert "The outlet is not stated in the text." in text
    assert "(no headline captured)" not in text
