"""Teacher views at scale: time each results page and count its SQL statements.

Two cases, generated with `demo generate` into a scratch database: a class of 40 students with
20 assignments, and a school of 2,000 students in classes of about 30 with 50 assignments each
(one of its classes is timed, with the whole school's attempts in the tables). Pages are served
in-process by Flask's test client, so the times are the server's, without a network.

    python bench/teacher_views.py [--json] [--explain] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "teacher-views-password"
PAGES = {
    "class overview": "/teach/classes/{klass}",
    "assignment report": "/teach/assignments/{assignment}",
    "skills": "/teach/classes/{klass}/skills",
    "student": "/teach/classes/{klass}/students/{student}",
    "gradebook.csv": "/teach/classes/{klass}/export/gradebook.csv",
    "responses.csv": "/teach/classes/{klass}/export/responses.csv",
}
CASES = {
    "class": {"students": 40, "classes": 1, "assignments": 20},
    "school": {"students": 2000, "classes": 67, "assignments": 50},
}


class Statements:
    """Counts and times the SQL statements run while it is on."""

    def __init__(self, engine):
        import sqlalchemy as sa

        self.engine = engine
        self.rows: list[tuple[float, str, Any]] = []
        self.on = False
        self._started = 0.0
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn, _cursor, _statement, _parameters, _context, _many) -> None:
        self._started = time.perf_counter()

    def _after(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        if self.on:
            self.rows.append((1000 * (time.perf_counter() - self._started), statement, parameters))


def log_in(client, username: str) -> None:
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    page = client.get("/login").get_data(as_text=True)
    data = {"csrf_token": token.search(page).group(1), "username": username, "password": PASSWORD}
    response = client.post("/login", data=data)
    assert response.status_code == 302, "log-in failed"


def ids_for(prefix: str) -> dict[str, int]:
    """The first class of the case, its assignment with the most attempts, and a student."""
    import sqlalchemy as sa

    from quizapp.extensions import db
    from quizapp.models import Assignment, Attempt, Classroom, Enrollment, User

    teacher = db.session.scalar(sa.select(User).where(User.username == f"{prefix}.teacher001"))
    klass = db.session.scalar(sa.select(Classroom.id).where(Classroom.teacher_id == teacher.id))
    assignment = db.session.scalar(
        sa.select(Assignment.id)
        .outerjoin(Attempt)
        .where(Assignment.classroom_id == klass)
        .group_by(Assignment.id)
        .order_by(sa.func.count(Attempt.id).desc(), Assignment.id)
        .limit(1)
    )
    student = db.session.scalar(
        sa.select(Enrollment.student_id)
        .where(Enrollment.classroom_id == klass)
        .order_by(Enrollment.student_id)
    )
    return {"klass": klass, "assignment": assignment, "student": student}


def time_pages(app, counter: Statements, ids: dict[str, int], teacher: str, repeat: int) -> dict:
    client = app.test_client()
    log_in(client, teacher)
    results = {}
    for name, pattern in PAGES.items():
        url = pattern.format(**ids)
        client.get(url).get_data()  # warms caches and submits nothing new afterwards
        times, counts, size = [], [], 0
        slowest: list[tuple[float, str, Any]] = []
        for _ in range(repeat):
            counter.rows = []
            counter.on = True
            started = time.perf_counter()
            response = client.get(url)
            body = response.get_data()
            times.append(1000 * (time.perf_counter() - started))
            counter.on = False
            assert response.status_code == 200, (url, response.status_code)
            counts.append(len(counter.rows))
            size = len(body)
            slowest = sorted(counter.rows, key=lambda row: -row[0])[:2]
        results[name] = {
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
            "statements": counts[-1],
            "sql_ms": round(sum(row[0] for row in counter.rows), 1),
            "bytes": size,
            "slowest_statements": [(round(ms, 1), sql, params) for ms, sql, params in slowest],
        }
    return results


def explain(statement: str, parameters: Any) -> str:
    """The database's plan for one statement, as it prints it."""
    from quizapp.extensions import db

    connection = db.session.connection()
    dialect = connection.dialect.name
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    cursor = connection.connection.driver_connection.cursor()
    cursor.execute(prefix + statement, parameters)
    rows = cursor.fetchall()
    db.session.rollback()
    if dialect == "sqlite":
        return "\n".join(f"{'  ' * (r[1] > 0)}{r[3]}" for r in rows)
    return "\n".join(r[0] for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--explain", action="store_true", help="print the slowest queries' plans")
    parser.add_argument("--cases", default="class,school", help="class, school or both")
    parser.add_argument("--repeat", type=int, default=5, help="timed loads of each page")
    parser.add_argument(
        "--database-url",
        help="an empty database, e.g. postgresql://postgres@127.0.0.1:5432/quizapp_views "
        "(default: SQLite in a temporary folder)",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.services.generate import generate
    from quizapp.services.question_bank import load_bank

    scratch = Path(tempfile.mkdtemp(prefix="quizapp-views-"))
    url = args.database_url or f"sqlite:///{scratch / 'views.sqlite3'}"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(16), "TESTING": False}
    )
    report: dict[str, Any] = {"database": url.split(":", 1)[0], "cases": {}}
    try:
        with app.app_context():
            upgrade()
            load_bank(Path(app.config["QUESTIONS_DIR"]))
            db.session.commit()
            counter = Statements(db.engine)
        for case in args.cases.split(","):
            sizes = CASES[case]
            with app.app_context():
                started = time.perf_counter()
                made = generate(
                    sizes["students"],
                    sizes["classes"],
                    sizes["assignments"],
                    password=PASSWORD,
                    prefix=case,
                )
                db.session.commit()
                generate_seconds = time.perf_counter() - started
                ids = ids_for(case)
                if db.engine.dialect.name == "postgresql":
                    db.session.execute(db.text("ANALYZE"))
                    db.session.commit()
            pages = time_pages(app, counter, ids, f"{case}.teacher001", args.repeat)
            report["cases"][case] = {
                **sizes,
                "attempts": made.attempts,
                "answers": made.items,
                "generate_s": round(generate_seconds, 1),
                "pages": pages,
            }
            if args.explain:
                with app.app_context():
                    for page in pages.values():
                        page["plans"] = [
                            explain(sql, params) for _, sql, params in page["slowest_statements"]
                        ]
    finally:
        with app.app_context():
            db.engine.dispose()
        shutil.rmtree(scratch, ignore_errors=True)

    if args.json:
        print(json.dumps(report, indent=2, default=str))
        return 0
    print(f"database: {report['database']}")
    for case, result in report["cases"].items():
        print(
            f"\n{case}: {result['students']} students, {result['classes']} classes, "
            f"{result['assignments']} assignments each; {result['attempts']} attempts, "
            f"{result['answers']} answers (generated in {result['generate_s']} s)"
        )
        for name, page in result["pages"].items():
            print(
                f"  {name:18} median {page['median_ms']:8} ms  max {page['max_ms']:8} ms  "
                f"{page['statements']:3} statements ({page['sql_ms']} ms in SQL)  "
                f"{page['bytes']} bytes"
            )
            for plan, (ms, sql, _) in zip(
                page.get("plans", []), page["slowest_statements"], strict=False
            ):
                print(f"    -- {ms} ms: {' '.join(sql.split())[:400]}")
                print("      " + plan.replace("\n", "\n      "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
