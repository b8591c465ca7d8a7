"""Score the question builder against gold annotations and print a table (or --json).

python bench/builder_accuracy.py [--articles DIR] [--gold FILE.json] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.builder import extract  # noqa: E402
from quizapp.builder.scoring import score  # noqa: E402

TARGETS = {
    ("quotes", "precision"): 0.95,
    ("quotes", "recall"): 0.95,
    ("speakers", "accuracy"): 0.90,
    ("figures", "precision"): 0.85,
    ("figures", "recall"): 0.90,
    ("claims", "f1"): 0.75,
    ("independence", "accuracy"): 0.90,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=ROOT / "questions" / "articles")
    gold = ROOT / "tests" / "data" / "gold" / "seeds.json"
    parser.add_argument("--gold", type=Path, default=gold)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--misses", action="store_true", help="list speaker mistakes")
    args = parser.parse_args()
    result = score(extract(args.articles), json.loads(args.gold.read_text(encoding="utf-8")))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print("| part | precision | recall | F1 | predicted / gold |")
        print("| --- | --- | --- | --- | --- |")
        for part in ("quotes", "figures", "claims"):
            r = result[part]
            print(
                f"| {part} | {r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.2f} | "
                f"{r['predicted']} / {r['gold']} |"
            )
        print()
        print("| measure | accuracy | scored |")
        print("| --- | --- | --- |")
        for part, label in (("speakers", "speaker"), ("independence", "independence")):
            r = result[part]
            print(f"| {label} | {r['accuracy']:.2f} | {r['scored']} |")
        if args.misses:
            for miss in result["speakers"]["misses"]:
                print("speaker miss:", miss)
    failed = [f"{p} {m}" for (p, m), t in TARGETS.items() if result[p][m] < t]
    if failed:
        print("below target: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
