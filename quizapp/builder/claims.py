"""Claims shared by two or more articles, and whether the articles confirm them independently."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from quizapp.builder.articles import Article
from quizapp.builder.quotes import find_quotes
from quizapp.builder.text import Span, content_words, fold, paragraph_spans, sentence_spans

SIMILAR = 0.27  # weighted overlap above which two sentences state the same claim
BALANCE = 0.6  # 0.5 is the cosine; more weighs the shorter sentence, so a long one can still match
RARE_FLOOR = 40  # a key shared by at most this many sentences proposes candidate pairs
NUMBER = re.compile(r"\d[\d,.]*\d|\d")
OUTLET = (
    r"(?:The\s+|the\s+)?(?:[A-Z][\w.&’'-]*\s+){0,4}(?:Times|Post|Journal|Guardian|Telegraph|Herald|"
    r"Tribune|News|Gazette|Mail|Observer|Economist|Reuters|AP|AFP|BBC|CNN|NPR|Bloomberg|"
    r"Associated Press|Agence France-Presse)"
)
RELAYED = re.compile(
    rf"according to {OUTLET}|{OUTLET}\s+(?:reported|said|says|reports|found|revealed|wrote)|"
    rf"(?:told|to)\s+{OUTLET}|told the (?:paper|newspaper|outlet|station|network)|"
    r"\b(?:[Tt]he|[Aa]|[Aa] new|[Tt]he new)\s+"
    r"(?:report|investigation|study|story|article|survey)\s+"
    r"(?:has\s+)?(?:revealed|found|showed|shows|interviewed|reported|said|says)|"
    r"\b(?:the|The) (?:paper|newspaper) (?:reported|said|says|found)",
)
SPEECH = re.compile(
    r"\b(?:said|says|told|tells|stated|explained|described how|recalled|reported|according to|"
    r"asserted|claimed|confirmed|denounced|revealed)\b"
)


@dataclass
class Claim:
    claim: str
    articles: list[str]
    independent: bool
    evidence: dict[str, str]


def relays_another_source(article: Article) -> bool:
    """A re-report: its opening paragraphs credit the story to another outlet or report."""
    lead = " ".join(p.text for p in paragraph_spans(article.body)[:2])
    return bool(RELAYED.search(lead))


def derived(article: Article, sentence: Span, relay: bool) -> bool:
    """The article credits this sentence's claim to another outlet or report."""
    paragraph = next(
        (p for p in paragraph_spans(article.body) if p.start <= sentence.start < p.end), sentence
    )
    if RELAYED.search(sentence.text) or RELAYED.search(paragraph.text):
        return True
    return relay and bool(SPEECH.search(sentence.text) or "“" in sentence.text)


def claim_units(body: str) -> list[Span]:
    """Sentences, joined where a quotation runs over more than one of them."""
    units: list[Span] = []
    quotes = [(q.open_mark, q.end) for q in find_quotes(body)]
    for sentence in sentence_spans(body):
        previous = units[-1] if units else None
        same_paragraph = previous and "\n" not in body[previous.end : sentence.start]
        inside_quote = previous and any(
            a < previous.end <= b and sentence.start <= b for a, b in quotes
        )
        # "“A,” he said. “B.”": the second half of a split quote belongs to the first
        continues = (
            previous
            and sentence.text[0] in '“"'
            and any(previous.start <= a < previous.end for a, _b in quotes)
            and not SPEECH.search(body[sentence.start : sentence.end].split("”")[-1])
        )
        if same_paragraph and (inside_quote or continues):
            units[-1] = Span(previous.start, sentence.end, body[previous.start : sentence.end])
        else:
            units.append(sentence)
    return units


def _keys(text: str) -> Counter:
    words = Counter(content_words(text))
    for number in NUMBER.findall(text):
        words["#" + number.replace(",", "")] += 1
    return words


def find_claims(articles: list[Article]) -> list[Claim]:
    """Sentences from different articles that state the same thing, grouped into claims."""
    sentences = [
        (a, s, _keys(s.text)) for a in articles for s in claim_units(a.body) if len(s.text) > 40
    ]
    frequency = Counter(k for _a, _s, keys in sentences for k in keys)
    total = len(sentences) or 1

    def weight(key: str) -> float:
        return math.log((total + 1) / (frequency[key] + 0.5))

    mass = [sum(weight(k) for k in keys) or 1.0 for _a, _s, keys in sentences]
    index: dict[str, list[int]] = defaultdict(list)
    for i, (_a, _s, keys) in enumerate(sentences):
        for key in keys:
            index[key].append(i)
    # Only keys that few sentences share propose candidate pairs; common ones still score.
    rare = max(RARE_FLOOR, total // 50)
    pairs: list[tuple[float, int, int]] = []
    for i, (art_a, _sa, keys_a) in enumerate(sentences):
        candidates = {j for k in keys_a if len(index[k]) <= rare for j in index[k] if j > i}
        for j in candidates:
            art_b, _sb, keys_b = sentences[j]
            if art_a.file == art_b.file:
                continue
            shared = sum(weight(k) for k in keys_a.keys() & keys_b.keys())
            smaller, larger = sorted((mass[i], mass[j]))
            score = shared / (smaller**BALANCE * larger ** (1 - BALANCE))
            if score >= SIMILAR:
                pairs.append((score, i, j))
    pairs.sort(reverse=True)
    cluster_of: dict[int, int] = {}
    clusters: list[dict[str, int]] = []  # article file -> sentence index
    for _score, i, j in pairs:
        file_i, file_j = sentences[i][0].file, sentences[j][0].file
        ci, cj = cluster_of.get(i), cluster_of.get(j)
        if ci is None and cj is None:
            clusters.append({file_i: i, file_j: j})
            cluster_of[i] = cluster_of[j] = len(clusters) - 1
        elif ci is not None and cj is None and file_j not in clusters[ci]:
            clusters[ci][file_j] = j
            cluster_of[j] = ci
        elif cj is not None and ci is None and file_i not in clusters[cj]:
            clusters[cj][file_i] = i
            cluster_of[i] = cj
    relay = {a.file: relays_another_source(a) for a in articles}
    claims = []
    for cluster in clusters:
        files = sorted(cluster)
        evidence = {f: sentences[cluster[f]][1].text for f in files}
        own = [
            f
            for f in files
            if not derived(sentences[cluster[f]][0], sentences[cluster[f]][1], relay[f])
        ]
        first = min(files, key=lambda f: (f not in own, len(evidence[f])))
        claims.append(Claim(_claim_text(evidence[first]), files, len(own) >= 2, evidence))
    return sorted(claims, key=lambda c: (-len(c.articles), fold(c.claim)))


def _claim_text(sentence: str) -> str:
    return sentence if len(sentence) <= 240 else sentence[:237].rsplit(" ", 1)[0] + "…"
