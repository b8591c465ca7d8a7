"""Run quizapp: apply migrations, load the question bank, optionally add demo data, serve.

A worker process for background jobs (the question builder) runs beside the server.
"""

import argparse
import ctypes
import signal
import subprocess
import sys
from pathlib import Path

from flask_migrate import upgrade
from waitress import serve

from quizapp import create_app
from quizapp.config import ConfigError
from quizapp.extensions import db
from quizapp.schema import database_problem
from quizapp.services.accounts import has_admin
from quizapp.services.demo import seed_demo
from quizapp.services.question_bank import load_bank


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
    parser.add_argument("--port", type=int, default=5000, help="port to serve on")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="also create a demo administrator, teacher and class with attempts",
    )
    parser.add_argument(
        "--demo-password", help="password for the demo accounts (default: a random one)"
    )
    parser.add_argument("--threads", type=int, default=8, help="worker threads")
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the background-job worker (when `flask worker` runs elsewhere)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="Flask's development server with reloading (never for real use)",
    )
    args = parser.parse_args()

    try:
        app = create_app()
    except ConfigError as error:
        sys.exit(f"quizapp: {error.message}")
    with app.app_context():
        if problem := database_problem(db.engine):
            sys.exit(f"quizapp: {problem}")
        upgrade()
        report = load_bank(Path(app.config["QUESTIONS_DIR"]))
        db.session.commit()
        for problem in report.problems:
            print(f"question bank: {problem}", file=sys.stderr)
        print(
            f"Question bank: {report.sets} sets, {report.questions} questions, "
            f"{report.articles} articles."
        )
        if args.demo:
            print(seed_demo(args.demo_password).summary())
            db.session.commit()
        if not has_admin():
            print(
                "No administrator yet: make one with `flask --app quizapp users create-admin`, "
                "to invite teachers."
            )
    worker = None if args.no_worker else start_worker()
    # A terminated server stops its worker too (SIGTERM becomes SystemExit, so finally runs).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Serving on http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    try:
        if args.debug:
            app.run(host=args.host, port=args.port, debug=True, use_reloader=False)
        else:
            serve(app, host=args.host, port=args.port, threads=args.threads)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
    return 0


def start_worker() -> subprocess.Popen:
    """`flask worker` as a child process that Linux also stops if this one is killed."""

    def die_with_parent() -> None:
        if sys.platform.startswith("linux"):
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "quizapp", "worker"],
        preexec_fn=die_with_parent,
    )


if __name__ == "__main__":
    sys.exit(main())
