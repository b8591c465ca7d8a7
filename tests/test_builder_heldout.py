"""The builder on four fictional held-out articles (tests/data/heldout) keeps its measured scores.

The floors are the scores measured after the builder's last general fix, rounded down to 0.05
(`python bench/builder_accuracy.py --gold tests/data/gold/heldout.json --articles
tests/data/heldout`). They are regression floors on a small fictional set, not estimates of
accuracy on real news: the set is 4 articles, and the fixes were made after reading them.
"""

import json
from pathlib import Path

import pytest

from quizapp.builder import extract, read_folder
from quizapp.builder.scoring import score

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "heldout"
GOLD = ROOT / "tests" / "data" / "gold" / "heldout.json"

# Measured: quotes 1.00 / 1.00, figures 1.00 / 1.00, claims P 0.93 R 1.00 F1 0.97,
# speakers 1.00, independence 1.00.
FLOORS = {
    ("quotes", "precision"): 1.00,
    ("quotes", "recall"): 1.00,
    ("figures", "precision"): 1.00,
    ("figures", "recall"): 1.00,
    ("claims", "precision"): 0.90,
    ("claims", "recall"): 1.00,
    ("claims", "f1"): 0.95,
    ("speakers", "accuracy"): 1.00,
    ("independence", "accuracy"): 1.00,
}


@pytest.fixture(scope="module")
def extraction():
    return extract(ARTICLES)


@pytest.fixture(scope="module")
def result(extraction):
    return score(extraction, json.loads(GOLD.read_text("utf-8")))


def test_gold_spans_are_exact_spans_of_the_bodies_as_read():
    gold = json.loads(GOLD.read_text("utf-8"))
    articles, skipped = read_folder(ARTICLES)
    assert skipped == []
    bodies = {a.file: a.body for a in articles}
    assert set(bodies) == {q["article"] for q in gold["quotes"]}
    for item in gold["quotes"] + gold["figures"]:
        assert bodies[item["article"]][item["start"] : item["end"]] == item["text"]
    for claim in gold["claims"]:
        for file, prefixes in claim["sentences"].items():
            assert all(prefix in bodies[file] for prefix in prefixes)


@pytest.mark.parametrize(("part", "measure"), FLOORS)
def test_held_out_score_stays_at_or_above_its_floor(result, part, measure):
    assert result[part][measure] >= FLOORS[part, measure]


def test_the_conflicting_count_and_the_look_alike_are_told_apart(extraction):
    kinds = {
        tuple(sorted(f["text"] for f in c["figures"])): c["kind"] for c in extraction["conflicts"]
    }
    assert kinds.get(("About 120", "About 150")) == "conflict"
    assert kinds.get(("310", "310")) == "different measure"
