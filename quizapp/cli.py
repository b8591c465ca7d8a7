"""Command-line interface: `flask --app quizapp users|questions|demo ...`."""

import json
import sys
from collections import Counter
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from quizapp.extensions import db
from quizapp.models import Question, QuestionSet, Role, User
from quizapp.services.question_bank import load_bank
from quizapp.services.question_files import read_bank

users_cli = AppGroup("users", help="Manage user accounts.")
questions_cli = AppGroup("questions", help="Validate, load and export the question bank.")
demo_cli = AppGroup("demo", help="Demo data for trying the app.")


@users_cli.command("create-teacher")
@click.option("--username", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.password_option(help="Asked for when not given.")
def create_teacher(username: str, display_name: str, password: str) -> None:
    """Create a teacher account."""
    username = username.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise click.ClickException(f"the username {username!r} is taken")
    if len(password) < 8:
        raise click.ClickException("the password must have at least 8 characters")
    user = User(username=username, display_name=display_name.strip(), role=Role.TEACHER)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Teacher {username} created.")


def bank_dir() -> Path:
    return Path(current_app.config["QUESTIONS_DIR"])


@questions_cli.command("check")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="The question bank folder (default: questions/).",
)
def check(directory: Path | None) -> None:
    """Validate every file without loading anything; exits 1 if any file has a problem."""
    bank = read_bank(directory or bank_dir())
    for problem in bank.problems:
        click.echo(f"error: {problem}", err=True)
    for set_file in bank.sets:
        types = Counter(q.type for q in set_file.questions)
        summary = ", ".join(f"{n} {t}" for t, n in sorted(types.items()))
        click.echo(f"{set_file.file}: {len(set_file.questions)} questions ({summary})")
    click.echo(
        f"{len(bank.articles)} articles, {len(bank.sets)} valid sets, "
        f"{len(bank.problems)} problem(s)."
    )
    if bank.problems:
        sys.exit(1)


@questions_cli.command("load")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="The question bank folder (default: questions/).",
)
def load(directory: Path | None) -> None:
    """Validate every file and load the valid ones; exits 1 if any file has a problem."""
    report = load_bank(directory or bank_dir())
    db.session.commit()
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(
        f"Loaded {report.articles} articles and {report.sets} sets with "
        f"{report.questions} questions ({report.new_versions} new versions)."
    )
    if report.problems:
        click.echo(
            f"{len(report.problems)} problem(s): files with problems were not loaded.", err=True
        )
        sys.exit(1)


@questions_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_sets(as_json: bool) -> None:
    """List the loaded question sets."""
    rows = db.session.execute(
        sa.select(QuestionSet.slug, QuestionSet.title, sa.func.count(Question.id))
        .outerjoin(
            Question, sa.and_(Question.set_id == QuestionSet.id, Question.position.is_not(None))
        )
        .where(QuestionSet.active)
        .group_by(QuestionSet.id)
        .order_by(QuestionSet.slug)
    ).all()
    if as_json:
        click.echo(
            json.dumps(
                [{"slug": s, "title": t, "questions": n} for s, t, n in rows],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for slug, title, count in rows:
        click.echo(f"{slug}\t{count} questions\t{title}")


@questions_cli.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
def export(slug: str, fmt: str) -> None:
    """Print a question set with its answers, explanations and evidence."""
    qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == slug))
    if qset is None:
        raise click.ClickException(f"no question set {slug!r}; see `questions list`")
    click.echo(json.dumps(export_set(qset), ensure_ascii=False, indent=2))


def export_set(qset: QuestionSet) -> dict:
    questions = []
    for question in qset.current_questions:
        version = question.current_version
        content = version.content
        answer = content["answer"]
        if version.type == "matching":
            items = {i["id"]: i["text"] for i in content["items"]}
            texts = {c["id"]: c["text"] for c in content["choices"]}
            answer = [{"left": items[k], "right": texts[v]} for k, v in answer.items()]
        entry = {
            "id": question.key,
            "kind": version.kind,
            "type": version.type,
            "prompt": content["prompt"],
            "choices": content["choices"],
            "answer": answer,
            "explanation": content["explanation"],
            "evidence": content["evidence"],
        }
        if version.type == "matching":
            entry["items"] = content["items"]
        questions.append(entry)
    return {
        "slug": qset.slug,
        "title": qset.title,
        "description": qset.description,
        "objective": qset.objective,
        "minutes": qset.minutes,
        "questions": questions,
    }


@demo_cli.command("seed")
@click.option("--password", help="Password for every demo account (default: a random one).")
def seed(password: str | None) -> None:
    """Create the demo teacher, class and attempts (once; running again changes nothing)."""
    from quizapp.services.demo import seed_demo

    result = seed_demo(password)
    db.session.commit()
    click.echo(result.summary())
