"""Figures on NewsQuant, the quantity-extraction test set of the CQE paper (590 news sentences
with 906 quantities, github.com/satya77/CQE_Evaluation, data/formatted_test_set/), and on the
same repository's four sets from Microsoft's Recognizers-Text specs (age, currency, dimension,
temperature). The repository has no licence, so nothing of it is kept here: fetch it and give
the JSON files.

python bench/newsquant.py FILE.json [FILE.json ...] [--json]

Scored on values, as the paper's value F1: a gold quantity is found when a figure in its
sentence has its value (either end for a range "a-b"); each found figure counts once, and
the second end of a found range is not counted as an extra.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.builder.figures import find_figures  # noqa: E402


def gold_values(value: str) -> set[float]:
    """The value of one gold quantity, or both ends of a range ("252.0-287.0")."""
    parts = value.strip().split("-") if "-" in value.strip()[1:] else [value]
    ends = set()
    for part in parts:
        try:
            ends.add(round(float(part), 4))
        except ValueError:
            continue  # an empty end of a malformed range
    return ends


def score(sentences: list[dict]) -> dict:
    right = extra = missed = 0
    for sentence in sentences:
        found = [round(f.value, 4) for f in find_figures(sentence["text"])]
        used = [False] * len(found)
        for quantity in sentence["quantities"]:
            ends = gold_values(quantity["value"])
            hits = [i for i, value in enumerate(found) if not used[i] and value in ends]
            if not hits:
                missed += 1
                continue
            right += 1
            for i in hits:  # a range found as two figures is one quantity
                used[i] = True
        extra += used.count(False)
    precision = right / (right + extra) if right + extra else 1.0
    recall = right / (right + missed) if right + missed else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "sentences": len(sentences),
        "quantities": right + missed,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="formatted_test_set JSON files")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {
        path.stem: score(json.loads(path.read_text(encoding="utf-8"))) for path in args.files
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print("| set | sentences | quantities | precision | recall | F1 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(
            f"| {name} | {r['sentences']} | {r['quantities']} | {r['precision']:.3f} "
            f"| {r['recall']:.3f} | {r['f1']:.3f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
