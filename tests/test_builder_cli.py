"""`questions extract` and `questions build` from the command line."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.services.question_bank import load_bank
from quizapp.services.question_files import read_bank
from tests.odd_input import ALIAS_BOMB, with_front_matter

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_KEYS = {"file", "title", "outlet", "published", "line", "line_reason"}
QUOTE_KEYS = {"article", "speaker", "inferred", "text", "start", "end"}
FIGURE_KEYS = {"article", "text", "value", "unit", "measures", "sentence", "start", "end"}
CLAIM_KEYS = {"claim", "articles", "independent", "evidence", "lines", "reason"}


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "questions" / "articles", folder)
    return folder


def body_of(path: Path) -> str:
    return path.read_text("utf-8")[4:].split("\n---\n", 1)[1].strip()


def test_extract_json_has_the_documented_shape_and_offsets(app, seeds):
    result = app.test_cli_runner().invoke(args=["questions", "extract", str(seeds), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert set(found) == {"articles", "quotes", "figures", "claims", "conflicts", "skipped"}
    assert found["skipped"] == []
    assert all(set(a) == ARTICLE_KEYS for a in found["articles"])
    bodies = {p.name: body_of(p) for p in seeds.glob("*.md")}
    for quote in found["quotes"]:
        assert set(quote) == QUOTE_KEYS
        assert bodies[quote["article"]][quote["start"] : quote["end"]] == quote["text"]
    for figure in found["figures"]:
        assert set(figure) == FIGURE_KEYS
        assert bodies[figure["article"]][figure["start"] : figure["end"]] == figure["text"]
    for claim in found["claims"]:
        assert set(claim) == CLAIM_KEYS and isinstance(claim["independent"], bool)
        for file, sentence in claim["evidence"].items():
            assert sentence in bodies[file]
    for conflict in found["conflicts"]:
        assert set(conflict) == {"about", "figures", "kind", "reason"}
        assert conflict["kind"] in ("conflict", "different measure")


def test_extract_without_json_prints_readable_text(app, seeds):
    result = app.test_cli_runner().invoke(args=["questions", "extract", str(seeds)])
    assert result.exit_code == 0
    assert "quote  Yansnier Arias: “There was oxygen" in result.output


def test_build_writes_a_set_the_bank_accepts_and_loads(app, seeds, tmp_path):
    out = tmp_path / "bank" / "sets" / "draft-seeds.yaml"
    result = app.test_cli_runner().invoke(
        args=["questions", "build", str(seeds), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    bank = read_bank(tmp_path / "bank")
    assert bank.problems == []
    [draft] = bank.sets
    assert {q.kind for q in draft.questions} == {"attribution", "figures", "corroboration"}
    with app.app_context():
        report = load_bank(tmp_path / "bank")
        assert report.problems == [] and report.sets == 1


def test_build_from_plain_text_writes_bank_articles(app, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(
            "“We cannot risk a collapse with ships alongside,” said Ana Ruiz, the director.\n\n"
            "“The repairs will take at least three months,” said Tom Berg, an engineer.\n\n"
            "The port authority closed the northern terminal after cracks were found in the "
            f"main pier, and {name} reported that 40 workers were sent home.\n",
            encoding="utf-8",
        )
    out = tmp_path / "bank" / "sets" / "draft-port.yaml"
    args = ["questions", "build", str(folder), "--out", str(out)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bank" / "articles" / "a.md").exists()
    assert read_bank(tmp_path / "bank").problems == []


def _bad_files(folder: Path) -> None:
    """Two articles the builder cannot read, beside the good ones."""
    (folder / "flood.md").write_text(
        with_front_matter("title: Update: Flooding closes schools\n"), encoding="utf-8"
    )
    (folder / "laughs.md").write_text(with_front_matter(ALIAS_BOMB), encoding="utf-8")


SKIPPED_LINES = (
    "skipped flood.md: the front matter is not valid YAML at line 2, column 14: mapping values "
    "are not allowed here; put a value that contains ': ' in quotes",
    "skipped laughs.md: the front matter uses the alias *a; aliases are not accepted, write the "
    "value out in full (line 3)",
)


def test_extract_names_each_unreadable_file_and_reads_the_others(app, seeds):
    _bad_files(seeds)
    result = app.test_cli_runner().invoke(args=["questions", "extract", str(seeds), "--json"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        *SKIPPED_LINES,
        "2 file(s) skipped; the others were read.",
    ]
    found = json.loads(result.stdout)
    assert sorted(a["file"] for a in found["articles"]) == sorted(
        p.name for p in (ROOT / "questions" / "articles").glob("*.md")
    )
    assert found["quotes"] and found["claims"]
    assert [s["file"] for s in found["skipped"]] == ["flood.md", "laughs.md"]


def test_build_drafts_from_the_readable_files_and_exits_1(app, seeds, tmp_path):
    _bad_files(seeds)
    out = tmp_path / "bank" / "sets" / "draft-seeds.yaml"
    result = app.test_cli_runner().invoke(
        args=["questions", "build", str(seeds), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == list(SKIPPED_LINES)
    assert "Traceback" not in result.output
    bank = read_bank(tmp_path / "bank")
    assert bank.problems == [] and len(bank.sets) == 1
    assert not (tmp_path / "bank" / "articles" / "flood.md").exists()


def test_build_into_a_folder_with_a_different_article_of_that_name_says_so(app, seeds, tmp_path):
    articles = tmp_path / "bank" / "articles"
    articles.mkdir(parents=True)
    (articles / "nyt-2019-cuban-doctors-votes.md").write_text(
        with_front_matter('title: "Another story"\n'), encoding="utf-8"
    )
    out = tmp_path / "bank" / "sets" / "draft-seeds.yaml"
    result = app.test_cli_runner().invoke(
        args=["questions", "build", str(seeds), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "nyt-2019-cuban-doctors-votes.md exists with a different body" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()


def test_the_alias_bomb_is_refused_at_once_by_the_command_a_user_runs(seeds, tmp_path):
    """The real command in its own process: it ends with the one-line message, well before
    the generous timeout (expanding the aliases would build 9**9 strings)."""
    (seeds / "laughs.md").write_text(with_front_matter(ALIAS_BOMB), encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "quizapp", "questions", "extract", str(seeds)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        SKIPPED_LINES[1],
        "1 file(s) skipped; the others were read.",
    ]
    assert "quote  Yansnier Arias: “There was oxygen" in done.stdout
