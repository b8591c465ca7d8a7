"""The student's two hot requests in-process: the CPU time and SQL statements of one answer
save and of one question page, served by Flask's test client (no network, no other process).

It prepares the same data as bench/load.py (a scratch SQLite database unless --database-url
names an empty one), logs one student in, opens the throughput quiz and then saves answers and
views question pages one after another. `--profile save|page` prints where the time goes
(cProfile, the 25 costliest functions by their own time plus callees).

    python bench/student_requests.py [--json] [--repeat 400] [--profile save|page]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402  (bench/load.py: the same data, the same answers)


def count_statements(engine) -> list[int]:
    import sqlalchemy as sa

    counter = [0]

    def count(*_args) -> None:
        counter[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    return counter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeat", type=int, default=400, help="requests of each kind, per run")
    parser.add_argument("--runs", type=int, default=5, help="runs; the minimum and median kept")
    parser.add_argument("--profile", choices=("save", "page"))
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from quizapp import create_app
    from quizapp.extensions import db

    scratch = Path(tempfile.mkdtemp(prefix="quizapp-requests-"))
    url = args.database_url or f"sqlite:///{scratch / 'requests.sqlite3'}"
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
        plan = load.prepare_data(
            app, argparse.Namespace(students=1, seed=1, paced_set="corroborated-or-not")
        )
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        client.post(
            "/login",
            data={
                "csrf_token": load.TOKEN.search(page).group(1),
                "username": plan["usernames"][0],
                "password": load.PASSWORD,
            },
        )
        page = client.get("/", follow_redirects=True).get_data(as_text=True)
        started = client.post(
            f"/assignments/{plan['throughput']}/start",
            data={"csrf_token": load.TOKEN.search(page).group(1)},
        )
        question = started.headers["Location"]
        page = client.get(question).get_data(as_text=True)
        form = {
            "csrf_token": load.TOKEN.search(page).group(1),
            "go": "stay",
            **load.answer_fields(page, random.Random(1)),
        }
        with app.app_context():
            statements = count_statements(db.engine)

        def save() -> None:
            response = client.post(question, data=form)
            assert response.status_code == 302 and "/q/" in response.headers["Location"], (
                response.status_code,
                re.findall(r"flash[^>]*>([^<]+)", response.get_data(as_text=True)),
            )

        def view() -> None:
            response = client.get(question)
            assert response.status_code == 200
            response.get_data()

        requests = {"save": save, "page": view}
        for request in requests.values():
            request()  # warm: templates compiled, statements cached
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                requests[args.profile]()
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
            return 0
        result = {}
        for name, request in requests.items():
            runs = []
            for _ in range(args.runs):
                before = time.process_time()
                for _ in range(args.repeat):
                    request()
                runs.append(1000 * (time.process_time() - before) / args.repeat)
            statements[0] = 0
            request()
            result[name] = {
                "cpu_ms_min": round(min(runs), 3),
                "cpu_ms_median": round(statistics.median(runs), 3),
                "statements": statements[0],
            }
        result["settings"] = {"database": url.split(":", 1)[0], "repeat": args.repeat}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name in requests:
            r = result[name]
            print(
                f"{name}: {r['cpu_ms_min']} ms CPU (min of {args.runs} runs of {args.repeat}), "
                f"median {r['cpu_ms_median']} ms, {r['statements']} statements"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
