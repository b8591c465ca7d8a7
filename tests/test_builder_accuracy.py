"""The builder meets its accuracy targets on the gold annotations of the five seed articles."""

import json
from pathlib import Path

import pytest

from quizapp.builder import extract
from quizapp.builder.scoring import same_speaker, score

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold" / "seeds.json"


@pytest.fixture(scope="module")
def result():
    return score(extract(ROOT / "questions" / "articles"), json.loads(GOLD.read_text("utf-8")))


def test_gold_spans_are_exact_spans_of_the_articles():
    gold = json.loads(GOLD.read_text("utf-8"))
    bodies = {
        p.name: p.read_text("utf-8")[4:].split("\n---\n", 1)[1].strip()
        for p in (ROOT / "questions" / "articles").glob("*.md")
    }
    for item in gold["quotes"] + gold["figures"]:
        assert bodies[item["article"]][item["start"] : item["end"]] == item["text"]


def test_quote_detection_meets_target(result):
    assert result["quotes"]["precision"] >= 0.95
    assert result["quotes"]["recall"] >= 0.95


def test_speaker_accuracy_meets_target(result):
    assert result["speakers"]["accuracy"] >= 0.90


def test_figure_detection_meets_target(result):
    assert result["figures"]["recall"] >= 0.90
    assert result["figures"]["precision"] >= 0.85


def test_independence_labels_meet_target(result):
    assert result["independence"]["accuracy"] >= 0.90


def test_claim_clusters_meet_target(result):
    assert result["claims"]["f1"] >= 0.75


def test_claim_clusters_stay_above_the_measured_floor(result):
    assert result["claims"]["f1"] >= 0.70
    assert result["claims"]["precision"] >= 0.85


def test_speaker_matching_is_exact_for_names_and_lenient_for_descriptors():
    assert same_speaker("the doctor", "another doctor", anonymous=True)
    assert same_speaker("an official", "an official from the Ministry", anonymous=True)
    assert not same_speaker("a nurse", "another doctor", anonymous=True)
    assert not same_speaker("Arias", "Yansnier Arias", anonymous=False)
    assert same_speaker("Raul Manuel", "Raúl Manuel", anonymous=False)
