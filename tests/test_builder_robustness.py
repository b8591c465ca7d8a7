"""The builder never crashes on text: thousands of real sentences and every odd word, read
from files by the commands a teacher runs, and text made up by hypothesis."""

import ast
import collections
import email.message
import inspect
import json
import pathlib
import re
import textwrap
from pathlib import Path
from pydoc_data.topics import topics

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.builder import Article, draft_set, extract_articles
from quizapp.builder.articles import read_article
from tests.conftest import BANK

ROOT = Path(__file__).resolve().parent.parent
SENTENCE_END = re.compile(r"(?<=[.!?…”\"])\s+")
# Word-level oddities news text brings: short words ("es" once crashed the claims step),
# numbers with units, every kind of quotation mark, unbalanced quotes, non-Latin scripts.
ODD_TEXT = """
es is as us ss xes zes ies ied ing ed s e a I
10 km 3.5% $4bn £1,000 €20m 1,000,000 12th ½ 10km/h -5°C 1e10 2019-03-17 07:30
" “ ” ‘ ’ « » „ ‚ ‹ › 「 」 『 』 ″ ′ ' "unbalanced “open close” ‘half
— – - … . .. ... ? ! ; : ( ) [ ] % # @ & * / \\ | ~ ^
Привет, сказал он. 東京で「こんにちは」と言った。 مرحبا بالعالم שלום नमस्ते 🎉
U.S. Mr. Dr St. e.g. i.e. No. vs. By Source: Published: said says told
"""
ODD_WORDS = [*ODD_TEXT.split(), "x" * 5000, "-".join(["long"] * 800), "\u200b", "\u202e"]


def _texts() -> list[str]:
    """Real English prose that ships with Python and with the repository."""
    texts = [topics[key] for key in sorted(topics)]
    for module in (collections, email.message, json, pathlib, textwrap, re, inspect):
        texts += [
            inspect.getdoc(obj) or ""
            for _name, obj in sorted(vars(module).items())
            if not _name.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj))
        ]
    for path in sorted((BANK / "articles").glob("*.md")):
        texts.append(read_article(path).body)
    for path in sorted((ROOT / "tests" / "data" / "heldout").glob("*.txt")):
        texts.append(read_article(path).body)
    return [t for t in texts if t.strip()]


def _corpus(folder: Path) -> tuple[int, int, int]:
    """Write the sentences and words as article files; returns (files, sentences, words)."""
    texts = _texts()
    sentences = [s.strip() for t in texts for s in SENTENCE_END.split(t) if s.strip()]
    words = sorted({w for t in texts for w in t.split()}) + ODD_WORDS
    two_letter = sorted({w for w in words if len(w) == 2})
    pieces = [sentences[i : i + 4] for i in range(0, len(sentences), 4)]
    pieces += [(words + two_letter)[i : i + 15] for i in range(0, len(words + two_letter), 15)]
    files = 0
    for start in range(0, len(pieces), 120):
        paragraphs = [
            "\n".join(p) if files % 2 else " ".join(p) for p in pieces[start : start + 120]
        ]
        (folder / f"part-{files:02d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
        files += 1
    return files, len(sentences), len(words)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    files, sentences, words = _corpus(folder)
    assert sentences > 3000 and words > 5000 and files > 10
    return folder, files


def test_extract_reads_thousands_of_real_sentences_and_odd_words(app, corpus):
    folder, files = corpus
    result = app.test_cli_runner().invoke(args=["questions", "extract", str(folder), "--json"])
    assert result.exit_code == 0, result.output[-2000:]
    found = json.loads(result.stdout)
    assert len(found["articles"]) == files and found["skipped"] == []
    assert found["quotes"] and found["figures"]


def test_build_drafts_questions_from_them(app, corpus, tmp_path):
    folder, files = corpus
    out = tmp_path / "bank" / "sets" / "draft-odd.yaml"
    result = app.test_cli_runner().invoke(
        args=["questions", "build", str(folder), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output[-2000:]
    assert f"article(s) written to {tmp_path / 'bank' / 'articles'}" in result.stdout
    assert len(list((tmp_path / "bank" / "articles").glob("*.md"))) == files


PIECES = st.sampled_from(
    [
        *ODD_WORDS[:-4],
        " ",
        "\n",
        "\n\n",
        "said Ana Ruiz",
        " he said.",
        "according to the Times",
        "the Gazette reported",
        "“We will,” ",
        "per cent",
        " million ",
        "three",
        "es",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=120).map("".join)),
        min_size=1,
        max_size=3,
    )
)
def test_any_text_is_extracted_and_drafted_without_an_error(bodies):
    articles = [
        Article(file=f"a{n}.txt", slug=f"a{n}", title="", body=body)
        for n, body in enumerate(bodies)
    ]
    found = extract_articles(articles)
    draft = draft_set(articles, found, "odd")
    assert isinstance(draft["questions"], list)


def test_the_builder_imports_neither_flask_nor_the_rest_of_the_app():
    """So it can be run and tested alone (STYLE.md): only the standard library, its own modules
    and plain libraries."""
    package = Path(__file__).resolve().parent.parent / "quizapp" / "builder"
    outside = []
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            outside += [
                f"{module.name}: {name}"
                for name in names
                if name.split(".")[0] in ("flask", "flask_sqlalchemy", "sqlalchemy")
                or (name.startswith("quizapp") and not name.startswith("quizapp.builder"))
            ]
    assert outside == []
