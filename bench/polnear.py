"""Quotes and speakers on PolNeAR, 1,008 US political news articles annotated with attributions
(github.com/networkdynamics/PolNeAR). It has no licence, so it is not in this repository: fetch
it yourself and give its data folder. Evaluation only: nothing of it is kept here.

python bench/polnear.py DATA_DIR [--split test|dev|train] [--json] [--misses N]

Gold direct quotes are the attributions whose content lies mostly (60 % or more) between
quotation marks. A found quote matches one when their quoted text overlaps. Precision is given
twice: against those direct quotes, and against every annotated attribution's content, since
a quoted fragment ("called it “a clear violation”") lies in an attribution the corpus counts as
indirect, and scare quotes and titles lie in none. Speakers are scored
on matched quotes whose gold source is a name or a description, not a pronoun (the corpus
marks "he" as the source where the article says "he said"): right when the found speaker's last
word is among the source's words, or the source's words are all in the found speaker.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.builder.quotes import find_quotes  # noqa: E402
from quizapp.builder.speakers import attribute  # noqa: E402
from quizapp.builder.text import fold  # noqa: E402

QUOTED = re.compile(r"[“\"][^“”\"]*[”\"]")
PRONOUNS = frozenset(
    ["he", "she", "they", "i", "we", "it", "you", "him", "her", "them", "his", "their", "its"]
)
WORDS = re.compile(r"[\w'’-]+")


def read_contents(ann: str) -> list[tuple[int, int]]:
    """The content spans of every attribution of one annotation file, direct or not."""
    spans = _text_spans(ann)
    contents = []
    for line in ann.splitlines():
        if line.startswith("E"):
            roles = dict(item.split(":") for item in line.split("\t")[1].split())
            contents += spans.get(roles.get("Content", ""), [])
    return contents


def _text_spans(ann: str) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].startswith("T"):
            _label, *ranges = re.split(r"[ ;]", parts[1])
            numbers = list(map(int, ranges))
            spans[parts[0]] = list(zip(numbers[::2], numbers[1::2], strict=True))
    return spans


def read_gold(ann: str, text: str) -> list[tuple[list[tuple[int, int]], str]]:
    """The direct quotes of one annotation file: their quoted spans and source text."""
    spans = _text_spans(ann)
    quotes = []
    for line in ann.splitlines():
        if not line.startswith("E"):
            continue
        roles = dict(item.split(":") for item in line.split("\t")[1].split())
        content = spans.get(roles.get("Content", ""), [])
        source = " ".join(text[a:b] for a, b in spans.get(roles.get("Source", ""), []))
        marked = [
            (a + m.start(), a + m.end())
            for a, b in content
            for m in QUOTED.finditer(text[a : min(b + 1, len(text))])
        ]
        length = sum(b - a for a, b in content)
        if length and sum(b - a for a, b in marked) >= 0.6 * length:
            quotes.append((marked, source))
    return quotes


def _words(text: str) -> list[str]:
    return [w.removesuffix("’s").removesuffix("'s") for w in WORDS.findall(fold(text))]


def same_source(found: str, source: str) -> bool:
    found_words, source_words = _words(found), set(_words(source))
    if not found_words:
        return False
    return found_words[-1] in source_words or source_words <= set(found_words)


def evaluate(folder: Path, misses: int = 0) -> dict:
    found_total = found_matched = found_attributed = gold_total = gold_matched = 0
    scored = right = inferred = inferred_right = 0
    shown = []
    annotations = sorted((folder / "attributions").glob("*.ann"))
    seen = set()
    for ann_path in annotations:
        stem = ann_path.stem.rsplit("_", 1)[0]
        text_path = folder / "text" / f"{stem}.txt"
        if stem in seen or not text_path.exists():
            continue  # one annotator's file per article
        seen.add(stem)
        text = text_path.read_text(encoding="utf-8")
        ann = ann_path.read_text(encoding="utf-8")
        gold = read_gold(ann, text)
        contents = read_contents(ann)
        quotes = find_quotes(text)
        attributions = attribute(text, quotes)
        found = [
            (q.open_mark, q.after, a.speaker, a.inferred)
            for q, a in zip(quotes, attributions, strict=True)
        ]

        def overlaps(span, marked):
            return any(span[0] < b and a < span[1] for a, b in marked)

        all_marked = [m for marked, _s in gold for m in marked]
        found_total += len(found)
        found_matched += sum(overlaps(f, all_marked) for f in found)
        found_attributed += sum(overlaps(f, contents) for f in found)
        for marked, source in gold:
            gold_total += 1
            hit = next((f for f in found if overlaps(f, marked)), None)
            if hit is None:
                continue
            gold_matched += 1
            words = WORDS.findall(fold(source))
            if not words or (len(words) == 1 and words[0] in PRONOUNS):
                continue
            scored += 1
            inferred += hit[3]
            if same_source(hit[2] or "", source):
                right += 1
                inferred_right += hit[3]
            elif len(shown) < misses:
                shown.append(f"{stem}: found {hit[2]!r}, gold {source!r}")
    precision = found_matched / found_total if found_total else 1.0
    recall = gold_matched / gold_total if gold_total else 1.0
    return {
        "articles": len(seen),
        "quotes": {
            "precision": precision,
            "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "precision_attributed": found_attributed / found_total if found_total else 1.0,
            "found": found_total,
            "gold": gold_total,
        },
        "speakers": {
            "accuracy": right / scored if scored else 0.0,
            "scored": scored,
            "inferred": inferred,
            "inferred_accuracy": inferred_right / inferred if inferred else 0.0,
        },
        "misses": shown,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="PolNeAR's data folder")
    parser.add_argument("--split", default="test", choices=("test", "dev", "train"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", type=int, default=0, help="list this many speaker misses")
    args = parser.parse_args()
    result = evaluate(args.data / args.split, args.misses)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    q, s = result["quotes"], result["speakers"]
    print(f"PolNeAR {args.split}: {result['articles']} articles")
    print(
        f"quotes   P {q['precision']:.2f}  R {q['recall']:.2f}  F1 {q['f1']:.2f}  "
        f"({q['found']} found, {q['gold']} gold)"
    )
    print(f"         P {q['precision_attributed']:.2f}  within any annotated attribution")
    print(f"speakers accuracy {s['accuracy']:.2f} on {s['scored']} matched quotes")
    print(
        f"         {s['inferred']} of them inferred (no verb of saying), "
        f"accuracy {s['inferred_accuracy']:.2f}"
    )
    for miss in result["misses"]:
        print("  miss:", miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
