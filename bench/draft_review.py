"""A large draft in the question builder: time its review page and saving a correction table.

A teacher pastes ARTICLES articles of about CHARS characters (the seed articles' paragraphs,
shuffled, with their numbers changed), the builder reads them (in the request, without a
worker), and the review page and the draft's page are then timed, served in-process by Flask's
test client, as is saving the quotes' correction table unchanged.

    python bench/draft_review.py [--articles 30] [--chars 99000] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "questions" / "articles"
PASSWORD = "draft-review-password"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def article_text(rng: random.Random, chars: int) -> str:
    """Seed paragraphs in a random order with their numbers changed, up to chars characters."""
    bodies = [p.read_text("utf-8")[4:].split("\n---\n", 1)[1] for p in sorted(SEEDS.glob("*.md"))]
    paragraphs = [p.strip() for body in bodies for p in body.split("\n\n") if p.strip()]
    text = ""
    while True:
        paragraph = re.sub(
            r"\b\d+\b", lambda m: str(int(m.group()) + rng.randint(0, 9)), rng.choice(paragraphs)
        )
        if len(text) + len(paragraph) + 2 > chars:
            return text
        text = f"{text}\n\n{paragraph}" if text else paragraph


def post(client, url: str, page: str, data: dict):
    token = TOKEN.search(client.get(page).get_data(as_text=True)).group(1)
    return client.post(url, data={"csrf_token": token, **data})


def timed(client, url: str, repeat: int) -> dict:
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        size = len(response.get_data())
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return {"median_s": round(statistics.median(times), 2), "bytes": size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--chars", type=int, default=99_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import Draft, Role, User

    scratch = Path(tempfile.mkdtemp(prefix="quizapp-draft-review-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'review.sqlite3'}",
            "SECRET_KEY": secrets.token_hex(16),
            "QUEUE_IMMEDIATE": True,
            "QUEUE_URL": str(scratch / "jobs.sqlite3"),
        }
    )
    with app.app_context():
        upgrade()
        teacher = User(username="teacher", display_name="Teacher", role=Role.TEACHER)
        teacher.set_password(PASSWORD)
        db.session.add(teacher)
        db.session.commit()
    client = app.test_client()
    post(client, "/login", "/login", {"username": "teacher", "password": PASSWORD})
    post(client, "/teach/drafts", "/teach/drafts", {"title": "A large draft"})
    with app.app_context():
        draft_id = db.session.scalar(sa.select(Draft.id))
    page = f"/teach/drafts/{draft_id}"
    rng = random.Random(5)
    for n in range(args.articles):
        text = article_text(rng, args.chars)
        fields = {"title": f"Report {n + 1}", "outlet": f"Outlet {n + 1}", "text": text}
        assert post(client, f"{page}/articles", page, fields).status_code == 302
    started = time.perf_counter()
    assert post(client, f"{page}/extract", page, {}).status_code == 302
    extract_s = time.perf_counter() - started
    with app.app_context():
        extraction = db.session.get(Draft, draft_id).extraction
    quotes = extraction["quotes"]
    rows = {f"rows-{i}-speaker": q["speaker"] or "" for i, q in enumerate(quotes)}
    rows |= {f"rows-{i}-keep": "y" for i in range(len(quotes))}
    started = time.perf_counter()
    saved = post(client, f"{page}/review/quotes", f"{page}/review", rows)
    save_s = time.perf_counter() - started
    assert saved.status_code == 302, saved.status_code
    report = {
        "articles": args.articles,
        "chars": args.chars,
        "found": {name: len(items) for name, items in extraction.items()},
        "extract_s": round(extract_s, 1),
        "review_page": timed(client, f"{page}/review", args.repeat),
        "draft_page": timed(client, page, args.repeat),
        "save_quotes_s": round(save_s, 2),
        "quote_table_fields": 2 * len(quotes) + 2,
        "figure_table_fields": 2 * len(extraction["figures"]) + 2,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name, value in report.items():
            print(f"{name:>20}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
