"""Command-line interface: `flask --app quizapp users|questions|demo ...`."""

import json
import sys
from collections import Counter
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from quizapp.database import DatabaseBusy
from quizapp.extensions import db
from quizapp.models import Question, QuestionSet, Role, User
from quizapp.schema import schema_problem
from quizapp.services import accounts
from quizapp.services.question_bank import load_bank
from quizapp.services.question_files import read_bank
from quizapp.transactions import commit, unit_of_work

users_cli = AppGroup("users", help="Manage user accounts.")
questions_cli = AppGroup("questions", help="Validate, load and export the question bank.")
demo_cli = AppGroup("demo", help="Demo data for trying the app.")


def needs_schema(command: Callable) -> Callable:
    """A command that uses the database: it runs in one transaction, committed when it ends;
    it stops with one line, not a traceback, when the database is not ready for it."""

    @wraps(command)
    def checked(*args, **kwargs):
        if problem := schema_problem(db.engine, current_app.extensions["migrate"].directory):
            raise click.ClickException(problem)
        try:
            with unit_of_work():
                return command(*args, **kwargs)
        except DatabaseBusy:
            raise click.ClickException(
                "the database stayed busy with other writes (is a large import or a backup "
                "running?): nothing was changed; try again in a moment"
            ) from None

    return checked


@users_cli.command("create-teacher")
@needs_schema
@click.option("--username", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.password_option(help="Asked for when not given.")
def create_teacher(username: str, display_name: str, password: str) -> None:
    """Create a teacher account."""
    user = _create_account(Role.TEACHER, username, display_name, password)
    click.echo(f"Teacher {user.username} created.")


@users_cli.command("create-admin")
@needs_schema
@click.option("--username", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.password_option(help="Asked for when not given.")
def create_admin(username: str, display_name: str, password: str) -> None:
    """Create a school administrator, who manages teachers and resets passwords."""
    user = _create_account(Role.ADMIN, username, display_name, password)
    click.echo(
        f"Administrator {user.username} created. Log in as {user.username} to invite teachers."
    )


def _create_account(role: Role, username: str, display_name: str, password: str) -> User:
    """An account checked by the sign-up rules for usernames and passwords."""
    if problems := accounts.new_account_problems(username, display_name, password):
        raise click.ClickException(" ".join(problems))
    return accounts.create_user(
        accounts.normalise_username(username), display_name.strip(), role, password=password
    )


def bank_dir() -> Path:
    return Path(current_app.config["QUESTIONS_DIR"])


@questions_cli.command("check")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
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
@needs_schema
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The question bank folder (default: questions/).",
)
def load(directory: Path | None) -> None:
    """Validate every file and load the valid ones; exits 1 if any file has a problem."""
    report = load_bank(directory or bank_dir())
    commit()  # here: the valid files are kept though the command then exits 1
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


@questions_cli.command("extract")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def extract_command(directory: Path, as_json: bool) -> None:
    """Find quotes, figures, shared claims and conflicting figures in a folder of articles;
    files that cannot be read are named on stderr and skipped, and the exit status is 1."""
    from quizapp.builder import extract

    found = extract(directory)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        _print_extraction(found)
    _exit_if_skipped(found["skipped"])


def _print_extraction(found: dict) -> None:
    for article in found["articles"]:
        title = article["title"] or "(no title)"
        click.echo(f"== {article['file']}: {title}")
        click.echo(f"  line   {article['line']}: {article['line_reason']}")
        for quote in (q for q in found["quotes"] if q["article"] == article["file"]):
            inferred = " (inferred)" if quote["inferred"] else ""
            click.echo(f"  quote  {quote['speaker'] or '(unknown)'}{inferred}: “{quote['text']}”")
        for figure in (f for f in found["figures"] if f["article"] == article["file"]):
            click.echo(f"  figure {figure['text']} [{figure['unit']}] {figure['measures']}")
    for claim in found["claims"]:
        status = "independent" if claim["independent"] else "not independent"
        click.echo(f"claim ({status}; {', '.join(claim['articles'])}): {claim['claim']}")
        click.echo(f"  why: {claim['reason']}")
    for conflict in found["conflicts"]:
        figures = "; ".join(f"{f['text']} ({f['article']})" for f in conflict["figures"])
        click.echo(f"{conflict['kind']}: {conflict['about']}: {figures}")


def _exit_if_skipped(skipped: list[dict]) -> None:
    """One line on stderr for each file that was not read, then exit 1 if there was any."""
    for item in skipped:
        click.echo(f"skipped {item['file']}: {item['reason']}", err=True)
    if skipped:
        click.echo(f"{len(skipped)} file(s) skipped; the others were read.", err=True)
        sys.exit(1)


@questions_cli.command("build")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The set file to write, e.g. questions/sets/draft-news.yaml.",
)
@click.option(
    "--articles-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the articles in bank format (default: articles/ beside the sets folder).",
)
def build_command(directory: Path, out: Path, articles_dir: Path | None) -> None:
    """Draft a question set from a folder of articles, and write the articles it cites;
    files that cannot be read are named on stderr and skipped, and the exit status is 1."""
    from quizapp.builder import (
        ArticleError,
        draft_set,
        extract_articles,
        read_folder,
        write_bank_article,
    )
    from quizapp.builder.safe_yaml import dump_yaml

    target = articles_dir or _articles_dir_for(out)
    articles, skipped = read_folder(directory)
    draft = draft_set(articles, extract_articles(articles), out.stem)
    try:
        written = [write_bank_article(a, target) for a in articles]
    except (ArticleError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_yaml(draft), encoding="utf-8")
    click.echo(
        f"Wrote {out} with {len(draft['questions'])} draft questions; "
        f"{sum(written)} article(s) written to {target}."
    )
    _exit_if_skipped([{"file": s.file, "reason": s.reason} for s in skipped])


def _articles_dir_for(out: Path) -> Path:
    """The bank resolves evidence by article slug, so articles go to the bank beside the set."""
    parent = out.resolve().parent
    return parent.parent / "articles" if parent.name == "sets" else parent / "articles"


@questions_cli.command("list")
@needs_schema
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
@needs_schema
@click.argument("slug")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "moodle-xml", "gift", "qti"]),
    default="json",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of printing (required for qti, a zip).",
)
def export(slug: str, fmt: str, out: Path | None) -> None:
    """Print a question set with its answers, explanations and evidence."""
    from quizapp.interop import EXPORTERS
    from quizapp.services.interop import set_document

    qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == slug))
    if qset is None:
        raise click.ClickException(f"no question set {slug!r}; see `questions list`")
    if fmt == "json":
        data = json.dumps(export_set(qset), ensure_ascii=False, indent=2).encode() + b"\n"
    else:
        if fmt == "qti" and out is None:
            raise click.ClickException("a QTI package is a zip file: give --out FILE")
        result = EXPORTERS[fmt](set_document(qset))
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        data = result.data
    if out is None:
        click.echo(data.decode(), nl=False)
        return
    try:
        out.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror}") from None
    click.echo(f"Wrote {out}.", err=True)


@questions_cli.command("import")
@needs_schema
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", required=True, help="The new set's slug, e.g. year10-fractions.")
@click.option("--title", required=True, help="The new set's title.")
@click.option("--teacher", required=True, help="Username of the teacher who will own the set.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["moodle-xml", "gift"]),
    help="Default: moodle-xml for a .xml file, else gift.",
)
def import_command(file: Path, slug: str, title: str, teacher: str, fmt: str | None) -> None:
    """Import a Moodle XML or GIFT file as a new set that only that teacher sees."""
    from quizapp.interop import PARSERS, ImportFormatError
    from quizapp.services.interop import import_set, read_import

    owner = db.session.scalar(
        sa.select(User).where(User.username == teacher.strip().lower(), User.role == Role.TEACHER)
    )
    if owner is None:
        raise click.ClickException(f"no teacher {teacher!r}")
    fmt = fmt or ("moodle-xml" if file.suffix.lower() == ".xml" else "gift")
    try:
        parsed = PARSERS[fmt](file.read_bytes())
    except ImportFormatError as exc:
        raise click.ClickException(f"{file.name}: {exc}") from None
    result = read_import(parsed, slug=slug, title=title, file_name=file.name)
    for line in result.skipped:
        click.echo(f"not imported: {line}", err=True)
    for line in result.notes:
        click.echo(f"note: {line}", err=True)
    if not result.problems:
        import_set(result, owner_id=owner.id)
    if result.problems:
        db.session.rollback()
        raise click.ClickException("; ".join(result.problems))
    click.echo(
        f"Imported {len(result.set_file.questions)} questions as {slug!r} "
        f"for {owner.username}; {len(result.skipped)} not imported."
    )


def export_set(qset: QuestionSet) -> dict:
    questions = []
    for question in qset.current_questions:
        version = question.current_version
        content = version.content
        fields = version.question_type.json_fields(content)
        questions.append(
            {
                "id": question.key,
                "kind": version.kind,
                "type": version.type,
                "prompt": content["prompt"],
                "choices": fields.pop("choices"),
                "answer": fields.pop("answer"),
                "explanation": content["explanation"],
                "evidence": content["evidence"],
                **fields,
            }
        )
    return {
        "slug": qset.slug,
        "title": qset.title,
        "description": qset.description,
        "objective": qset.objective,
        "minutes": qset.minutes,
        "questions": questions,
    }


@demo_cli.command("seed")
@needs_schema
@click.option("--password", help="Password for every demo account (default: a random one).")
def seed(password: str | None) -> None:
    """Create the demo administrator, teacher, class and attempts (once; running again only
    sets their password)."""
    from quizapp.services.demo import seed_demo

    result = seed_demo(password)
    click.echo(result.summary())


@demo_cli.command("generate")
@needs_schema
@click.option("--students", type=click.IntRange(1), default=300, show_default=True)
@click.option("--classes", type=click.IntRange(1), default=10, show_default=True)
@click.option(
    "--assignments", type=click.IntRange(0), default=20, show_default=True, help="Per class."
)
@click.option("--password", help="Password for every generated account (default: a random one).")
@click.option("--prefix", default="gen", show_default=True, help="Usernames start with PREFIX.")
@click.option("--seed", type=int, default=7, show_default=True)
def generate_command(
    students: int, classes: int, assignments: int, password: str | None, prefix: str, seed: int
) -> None:
    """Fill the database with a school of classes and graded attempts, to try things at scale."""
    import time

    from quizapp.services.generate import generate

    started = time.perf_counter()
    try:
        result = generate(
            students, classes, assignments, password=password, prefix=prefix, seed=seed
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    commit()  # here, not when the command ends: the time taken includes it
    result.seconds = time.perf_counter() - started
    click.echo(result.summary())
