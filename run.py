"""Run quizapp: apply migrations, load the question bank, optionally add demo data, serve."""

import argparse
import sys
from pathlib import Path

from flask_migrate import upgrade
from waitress import serve

from quizapp import create_app
from quizapp.extensions import db
from quizapp.services.demo import seed_demo
from quizapp.services.question_bank import load_bank


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
    parser.add_argument("--port", type=int, default=5000, help="port to serve on")
    parser.add_argument(
        "--demo", action="store_true", help="also create a demo teacher and class with attempts"
    )
    parser.add_argument(
        "--demo-password", help="password for the demo accounts (default: a random one)"
    )
    parser.add_argument("--threads", type=int, default=8, help="worker threads")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="Flask's development server with reloading (never for real use)",
    )
    args = parser.parse_args()

    app = create_app()
    with app.app_context():
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
    print(f"Serving on http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True)
    else:
        serve(app, host=args.host, port=args.port, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
