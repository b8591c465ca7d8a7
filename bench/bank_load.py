"""Loading the whole question bank: into an empty database, then again with nothing changed.

    python bench/bank_load.py [--json] [--database-url URL] [--repeat N]

The first load is what `python run.py` does on a new database; the second what every later
start does (the files are read and validated again, and nothing new is written).
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeat", type=int, default=5, help="timed reloads")
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temp dir)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.services.question_bank import load_bank

    scratch = Path(tempfile.mkdtemp(prefix="quizapp-bank-"))
    url = args.database_url or f"sqlite:///{scratch / 'bank.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_hex(16),
            "QUEUE_URL": str(scratch / "q.sqlite3"),
        }
    )
    try:
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            report = load_bank(Path(app.config["QUESTIONS_DIR"]))
            db.session.commit()
            first = time.perf_counter() - started
            again = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                load_bank(Path(app.config["QUESTIONS_DIR"]))
                db.session.commit()
                again.append(time.perf_counter() - started)
            db.engine.dispose()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {
        "database": url.split(":", 1)[0],
        "articles": report.articles,
        "sets": report.sets,
        "questions": report.questions,
        "first_load_s": round(first, 3),
        "reload_median_s": round(statistics.median(again), 3),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['articles']} articles, {result['sets']} sets, {result['questions']} "
            f"questions ({result['database']}): first load {result['first_load_s']} s, "
            f"reload {result['reload_median_s']} s (median of {args.repeat})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
