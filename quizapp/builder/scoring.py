"""Scoring an extraction against gold annotations: precision, recall and F1 per part."""

from __future__ import annotations

import re
from typing import Any

from quizapp.builder.text import fold

LEADING = re.compile(r"^(?:one of the|some of the|a|an|the|one|another)\s+")


def _prf(matched_pred: int, predicted: int, matched_gold: int, gold: int) -> dict[str, float]:
    precision = matched_pred / predicted if predicted else 1.0
    recall = matched_gold / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "predicted": predicted,
        "gold": gold,
    }


def same_speaker(predicted: str, gold: str, anonymous: bool) -> bool:
    """Names must match exactly (accents and case aside); descriptors must share their head noun
    and the shorter's words must all be in the longer ("the doctor" = "another doctor")."""
    a, b = LEADING.sub("", fold(predicted).strip()), LEADING.sub("", fold(gold).strip())
    if a == b:
        return True
    if not anonymous or not a or not b:
        return False
    words_a, words_b = a.replace(",", "").split(), b.replace(",", "").split()
    short, long = sorted((words_a, words_b), key=len)
    head = short[-1].rstrip("s")
    return set(short) <= set(long) and any(w.rstrip("s") == head for w in long)


def score(extraction: dict[str, Any], gold: dict[str, Any]) -> dict[str, Any]:
    """P, R and F1 for quotes, figures and claims; speaker and independence accuracy."""
    gold_quotes = {(q["article"], q["start"], q["end"]): q for q in gold["quotes"]}
    speaker_right, quote_hits, speaker_misses = 0, 0, []
    for quote in extraction["quotes"]:
        expected = gold_quotes.get((quote["article"], quote["start"], quote["end"]))
        if expected is None:
            continue
        quote_hits += 1
        if same_speaker(quote["speaker"], expected["speaker"], expected["anonymous"]):
            speaker_right += 1
        else:
            speaker_misses.append((quote["text"][:40], quote["speaker"], expected["speaker"]))
    quotes = _prf(quote_hits, len(extraction["quotes"]), quote_hits, len(gold["quotes"]))

    used: set[int] = set()
    figure_hits = 0
    for figure in extraction["figures"]:
        for index, expected in enumerate(gold["figures"]):
            if (
                index not in used
                and expected["article"] == figure["article"]
                and figure["start"] < expected["end"]
                and expected["start"] < figure["end"]
            ):
                used.add(index)
                figure_hits += 1
                break
    figures = _prf(figure_hits, len(extraction["figures"]), figure_hits, len(gold["figures"]))

    claimed: set[int] = set()
    claim_hits, independence_right = 0, 0
    for claim in extraction["claims"]:
        for index, expected in enumerate(gold["claims"]):
            if index in claimed:
                continue
            shared = [
                f
                for f, sentence in claim["evidence"].items()
                if any(p in sentence for p in expected["sentences"].get(f, []))
            ]
            if len(shared) >= 2:
                claimed.add(index)
                claim_hits += 1
                independence_right += claim["independent"] == expected["independent"]
                break
    claims = _prf(claim_hits, len(extraction["claims"]), claim_hits, len(gold["claims"]))
    return {
        "quotes": quotes,
        "speakers": {
            "accuracy": speaker_right / quote_hits if quote_hits else 0.0,
            "scored": quote_hits,
            "misses": speaker_misses,
        },
        "figures": figures,
        "claims": claims,
        "independence": {
            "accuracy": independence_right / claim_hits if claim_hits else 0.0,
            "scored": claim_hits,
        },
    }
