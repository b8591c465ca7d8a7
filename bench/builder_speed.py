"""Time the question builder: the five seed articles, and 200 articles made by perturbing them.

python bench/builder_speed.py [--count 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.builder import build, extract  # noqa: E402

SEEDS = ROOT / "questions" / "articles"


def synthesise(folder: Path, count: int, seed: int = 5) -> None:
    """count plain-text articles: seed bodies with numbers changed and paragraphs shuffled."""
    rng = random.Random(seed)
    bodies = [p.read_text("utf-8")[4:].split("\n---\n", 1)[1] for p in sorted(SEEDS.glob("*.md"))]
    for n in range(count):
        paragraphs = [p for p in rng.choice(bodies).split("\n\n") if p.strip()]
        rng.shuffle(paragraphs)
        text = "\n\n".join(paragraphs)
        text = re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + rng.randint(0, 9)), text)
        (folder / f"article-{n:03d}.txt").write_text(text, encoding="utf-8")


def timed(function, folder: Path) -> float:
    start = time.perf_counter()
    function(folder)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Path(tmp) / "seeds"
        shutil.copytree(SEEDS, seeds)
        many = Path(tmp) / "many"
        many.mkdir()
        synthesise(many, args.count)
        result = {
            "five_extract_s": timed(extract, seeds),
            "five_build_s": timed(build, seeds),
            f"{args.count}_extract_s": timed(extract, many),
            f"{args.count}_build_s": timed(build, many),
        }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name, seconds in result.items():
            print(f"{name:>18}: {seconds:6.2f} s")
    slow = result["five_build_s"] >= 3 or result[f"{args.count}_build_s"] >= 60
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
