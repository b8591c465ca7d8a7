"""Reporting lines: which articles of a cluster are one report told again, and why.

An article starts a line of its own unless the evidence says it repeats another: it comes from
the same outlet as another, it carries a news agency's story (a dateline credit such as
"(Reuters) —", "with wire reports", an agency as its outlet), or it repeats another article's
own words at length. Quotations are left out of that comparison, since two reporters who heard
the same speech quote the same words. An article that credits another outlet by name stays on
its own line for what it reports itself; the sentences it credits are told apart one by one
(claims.derived).
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass

from quizapp.builder.articles import Article
from quizapp.builder.quotes import find_quotes
from quizapp.builder.text import fold

SHINGLE = 7  # words in a row; independent reports of one event seldom share seven of their own
MIN_COPIED = 30  # words of an article's own prose found in another's, for a copy
EXACT_UP_TO = 40  # articles; more are first sampled (a draft holds at most 30)
SAMPLE = 8
COPIED_SHARE = 0.2  # ... and this part of the shorter article's own runs of words
AGENCIES = (
    "Associated Press|AP|Reuters|Agence France-Presse|AFP|United Press International|UPI|"
    "Deutsche Presse-Agentur|dpa|Xinhua|Press Association|PA Media|PA|ANSA|EFE|Kyodo|Yonhap|"
    "Australian Associated Press|AAP|Canadian Press|Bloomberg|Anadolu|Europa Press|TASS"
)
# A dateline credit: "KYIV, Ukraine (AP) —", "LONDON (Reuters) -"
DATELINE = re.compile(rf"^[^\n]{{0,80}}?\((?P<agency>{AGENCIES})\)\s*[-—–]")
WIRE = re.compile(
    rf"\b(?:(?:The\s+)?(?P<agency>{AGENCIES})\s+contributed\s+to\s+this\s+(?:report|story)|"
    r"(?P<wire>with\s+wire\s+(?:reports|services)|wire\s+services\s+contributed))\b",
    re.IGNORECASE,
)
AGENCY_NAME = re.compile(rf"^(?:The\s+)?(?:{AGENCIES})$")
WORD = re.compile(r"[^\W_][\w'’-]*")


@dataclass(frozen=True)
class Source:
    """Where one article stands: the line it belongs to, and why, in a student's words."""

    file: str
    name: str  # the article's own label
    line: str  # the label of its line: the first article's label, or an agency's name
    reason: str

    @property
    def repeats(self) -> bool:
        return self.reason != OWN


OWN = "its own reporting"


def label(article: Article) -> str:
    return label_of(article.outlet, article.title, article.file)


def label_of(outlet: str, title: str, file: str) -> str:
    """How students know an article: by its outlet, else its title, else its file."""
    title = title.strip()
    return outlet.strip() or (f"“{title}”" if title else file)


def agency_of(article: Article) -> tuple[str, str] | None:
    """The news agency whose story the article carries, and the words that show it."""
    if AGENCY_NAME.match(article.outlet.strip()):
        return article.outlet.strip(), f"its outlet is {article.outlet.strip()}"
    lead = article.body.lstrip()[:300]
    if match := DATELINE.match(lead):
        return match["agency"], f"its dateline credits ({match['agency']})"
    if match := WIRE.search(article.body):
        name = match["agency"] or "a news agency"
        return name, f"it says “{match.group().strip()}”"
    return None


def _own_words(body: str) -> list[str]:
    """The article's words outside quotation marks, folded; a quotation leaves a gap."""
    pieces, position = [], 0
    for quote in find_quotes(body):
        pieces.append(body[position : quote.open_mark])
        pieces.append(" \x00 ")  # no shingle runs across a quotation
        position = quote.after
    pieces.append(body[position:])
    return WORD.findall(fold(" ".join(pieces)))


def _shingles(words: list[str]) -> dict[int, int]:
    """Each run of SHINGLE words (by its hash) and where it starts, the first time."""
    runs: dict[int, int] = {}
    for start in range(len(words) - SHINGLE + 1):
        run = tuple(words[start : start + SHINGLE])
        if "\x00" not in run:
            runs.setdefault(zlib.crc32(" ".join(run).encode()), start)
    return runs


def _copied(runs: dict[int, int], shared: set[int]) -> int:
    """How many of the article's own words lie in runs it shares with another article."""
    covered: set[int] = set()
    for run in shared:
        covered.update(range(runs[run], runs[run] + SHINGLE))
    return len(covered)


def reporting_lines(articles: list[Article]) -> dict[str, Source]:
    """Each article's reporting line and the reason, for every article of the cluster."""
    runs = {a.file: _shingles(_own_words(a.body)) for a in articles}
    by_file = {a.file: a for a in articles}
    parent = {a.file: a.file for a in articles}
    reasons: dict[str, str] = {}

    def root(file: str) -> str:
        while parent[file] != file:
            file = parent[file]
        return file

    # Copies, the most copied first; the copy is the article whose own prose is mostly shared
    # (or the later one, when both are dated), and it joins the line of the article it copies.
    copies = []
    for a, b in _pairs_to_compare([a.file for a in articles], runs):
        shared = runs[a].keys() & runs[b].keys()
        shorter = min(len(runs[a]), len(runs[b]))
        if len(shared) >= max(MIN_COPIED - SHINGLE + 1, COPIED_SHARE * shorter):
            copies.append((len(shared), a, b, shared))
    for _n, a, b, shared in sorted(copies, key=lambda c: c[0], reverse=True):
        if root(a) == root(b):
            continue
        counts = {f: _copied(runs[f], shared) for f in (a, b)}
        copy, original = _direction(by_file[a], by_file[b], counts, len(runs[a]), len(runs[b]))
        parent[root(copy)] = root(original)
        credited = fold(label(by_file[original])) in fold(by_file[copy].body)
        reasons.setdefault(
            copy,
            f"repeats the words of {label(by_file[original])} ({counts[copy]} words of its own "
            f"text are the same){' and credits it' if credited else ', without crediting it'}",
        )
    # One outlet is one line: its reporters share their sources and its editors.
    first_of_outlet: dict[str, Article] = {}
    for article in articles:
        outlet = fold(article.outlet.strip())
        if not outlet:
            continue
        first = first_of_outlet.setdefault(outlet, article)
        if first is not article and root(article.file) != root(first.file):
            parent[root(article.file)] = root(first.file)
            title = f"“{first.title}”" if first.title else first.file
            reasons.setdefault(article.file, f"is published by {article.outlet}, like {title}")
    # Articles that carry one agency's story are one line, whether or not the agency's own
    # article is in the cluster.
    agency_lines: dict[str, str] = {}
    for article in articles:
        found = agency_of(article)
        if not found:
            continue
        name, shown = found
        reasons.setdefault(article.file, f"carries a story from {name}: {shown}")
        if name in agency_lines:
            first = agency_lines[name]
            if root(article.file) != root(first):
                parent[root(article.file)] = root(first)
        else:
            agency_lines[name] = article.file
    agency_root = {root(file): name for name, file in agency_lines.items()}
    sources = {}
    for article in articles:
        top = root(article.file)
        line = agency_root.get(top) or label(by_file[top])
        reason = reasons.get(article.file, OWN)
        sources[article.file] = Source(article.file, label(article), line, reason)
    return sources


def _pairs_to_compare(files: list[str], runs: dict[str, dict[int, int]]) -> list[tuple[str, str]]:
    """Every pair of a draft-sized cluster; in a large folder, the pairs that share runs among
    the eighth of them whose hash is a multiple of 8 (the same runs in every article)."""
    if len(files) <= EXACT_UP_TO:
        return [(a, b) for i, a in enumerate(files) for b in files[i + 1 :]]
    sampled: dict[int, list[str]] = defaultdict(list)
    for file in files:
        for run in runs[file]:
            if run % SAMPLE == 0:
                sampled[run].append(file)
    proposed: Counter[tuple[str, str]] = Counter()
    for holders in sampled.values():
        for i, a in enumerate(holders):
            for b in holders[i + 1 :]:
                proposed[a, b] += 1
    return [pair for pair, hits in proposed.items() if hits >= 2]


def _direction(
    a: Article, b: Article, counts: dict[str, int], length_a: int, length_b: int
) -> tuple[str, str]:
    """(copy, original): by date when both have one and they differ, else the article whose own
    prose is the larger part shared."""
    n = min(len(a.published), len(b.published))  # "2019" says nothing against "2019-03-17"
    if n and a.published[:n] != b.published[:n]:
        return (a.file, b.file) if a.published > b.published else (b.file, a.file)
    share_a, share_b = counts[a.file] / max(length_a, 1), counts[b.file] / max(length_b, 1)
    return (a.file, b.file) if share_a >= share_b else (b.file, a.file)
