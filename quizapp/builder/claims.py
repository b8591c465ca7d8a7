"""Claims shared by two or more articles, and whether the articles confirm them independently."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from quizapp.builder.articles import Article
from quizapp.builder.figures import SMALL, find_figures
from quizapp.builder.lines import Source, label_of, reporting_lines
from quizapp.builder.quotes import find_quotes
from quizapp.builder.speakers import ANONYMITY, attribute
from quizapp.builder.text import (
    STOPWORDS,
    WORD,
    Span,
    fold,
    paragraph_spans,
    sentence_spans,
    stem,
    words_of,
)

CREDITED_LINE = "credited to another source"  # the line of a sentence an article credits to another
SIMILAR = 0.25  # weighted overlap above which two sentences state the same claim
BALANCE = 0.7  # 0.5 is the cosine; more weighs the shorter sentence, so a long one can still match
COHERENCE = 0.5  # a sentence joins a claim if its mean likeness to it is this part of SIMILAR
MIN_SHARED = 3  # a claim needs a few words in common, not one name and a common noun
RARE_FLOOR = 40  # a key shared by at most this many sentences proposes candidate pairs
TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_][\w'’-]*")
# "one" is mostly an article or a pronoun ("one doctor said"), not a count
SPELLED = {word: value for word, value in SMALL.items() if " " not in word and word != "one"}
# Suffixes that derive a word from another (nation, demonym, adjective, noun); with the
# shortest base each may follow. Only applied when the base word is itself in the corpus.
DERIVATIONS = (
    ("ulent", 4), ("ation", 4), ("ition", 4), ("ment", 4), ("ical", 4), ("ian", 4), ("ial", 4),
    ("ion", 4), ("ist", 4), ("ism", 4), ("ity", 4), ("ive", 4), ("ous", 4), ("al", 4), ("ic", 4),
    ("ly", 4), ("er", 4), ("or", 4), ("an", 4), ("n", 4), ("e", 3),
)  # fmt: skip
# Words that end a news outlet's name ("the Wendle Valley Gazette", "The New York Times").
NAMEPLATE = (
    r"Times|Post|Journal|Guardian|Telegraph|Herald|Tribune|News|Gazette|Mail|Observer|Economist|"
    r"Chronicle|Courier|Ledger|Dispatch|Record|Standard|Star|Sun|Independent|Examiner|Inquirer|"
    r"Enquirer|Sentinel|Register|Bulletin|Express|Mirror|Review|Monitor|Globe|Courant|Argus|Echo|"
    r"Advertiser|Press|Reuters|AP|AFP|BBC|CNN|NPR|Bloomberg|Associated Press|Agence France-Presse"
)
OUTLET = rf"(?:The\s+|the\s+)?(?:[A-Z][\w.&’'-]*\s+){{0,4}}(?:{NAMEPLATE})\b"
# An outlet credited as the source of what follows, or told something by a source.
CREDITED = re.compile(
    rf"(?i:according) to {OUTLET}|"
    rf"{OUTLET}\s+(?:first\s+)?(?:reported|said|says|reports|found|revealed|wrote)|"
    rf"(?:reported|revealed|published|broken)\s+(?:first\s+)?by\s+{OUTLET}"
)
TOLD = re.compile(rf"(?:told|to)\s+{OUTLET}")
RELAYED = re.compile(
    r"told the (?:paper|newspaper|outlet|station|network)|"
    r"\b(?:[Tt]he|[Aa]|[Aa] new|[Tt]he new)\s+"
    r"(?:report|investigation|study|story|article|survey)\s+"
    r"(?:has\s+)?(?:revealed|found|showed|shows|interviewed|reported|said|says)|"
    r"\b(?:the|The) (?:paper|newspaper) (?:reported|said|says|found)",
)
# What a re-report heard itself: a speaker addressing a crowd or a meeting its reporter attended.
FIRST_HAND = re.compile(
    r"\b(?:told|addressed|telling)\s+(?:the\s+|a\s+)?(?:crowd|audience|rally|meeting|reporters|"
    r"journalists|supporters|protesters|news conference|press conference|hearing)\b|"
    r"\bsaid at (?:a|the) (?:rally|meeting|protest|vigil|hearing|news conference|press conference|"
    r"briefing|town hall)\b"
)
SPEECH = re.compile(
    r"\b(?:said|says|told|tells|stated|explained|described how|recalled|reported|according to|"
    r"asserted|claimed|confirmed|denounced|revealed)\b"
)


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
TIME_UNITS = words_of("second minute hour day night week month year decade")
# Why a source is anonymous is how the article reports, not what it reports.
ANONYMITY_CLAUSE = re.compile(rf"\bwho\s+(?:{ANONYMITY})[^,.;:]*")


@dataclass
class Claim:
    claim: str
    articles: list[str]
    independent: bool
    evidence: dict[str, str]
    lines: dict[str, str]  # article file -> the reporting line that carries its sentence
    reason: str  # why it is, or is not, confirmed independently, in a student's words


def _outlet_key(mention: str) -> str:
    """The nameplate word of an outlet mention: "gazette" for "told the Wendle Valley Gazette"."""
    return fold(re.findall(rf"\b(?:{NAMEPLATE})\b", mention)[-1])


def own_outlets(article: Article) -> set[str]:
    """The article's own outlet, by the last word of its name: the outlet given for it, else one
    the text says was told things but never credits ("Atterby told the Gazette" in the Gazette)."""
    if article.outlet.strip():
        return {fold(article.outlet.split()[-1])}
    told = {_outlet_key(m.group()) for m in TOLD.finditer(article.body)}
    credited = {_outlet_key(m.group()) for m in CREDITED.finditer(article.body)}
    return told - credited


def _credits_another(text: str, own: set[str]) -> bool:
    """The text credits another outlet, a report or "the paper" for what it says."""
    mentions = [m.group() for m in (*CREDITED.finditer(text), *TOLD.finditer(text))]
    return bool(RELAYED.search(text)) or any(_outlet_key(m) not in own for m in mentions)


def relays_another_source(article: Article, own: set[str] = frozenset()) -> bool:
    """A re-report: its opening paragraphs credit the story to another outlet or report."""
    lead = " ".join(p.text for p in paragraph_spans(article.body)[:2])
    return _credits_another(lead, own)


def relayed_people(article: Article) -> set[str]:
    """Surnames of the people a re-report quotes: the other outlet's sources, not its own."""
    speakers = [found.speaker for found in attribute(article.body, find_quotes(article.body))]
    return {fold(s.split()[-1]) for s in speakers if s and s.split()[-1][:1].isupper()}


def derived(
    article: Article,
    sentence: Span,
    relay: bool,
    people: set[str] = frozenset(),
    own: set[str] = frozenset(),
) -> bool:
    """The article credits this sentence's claim to another outlet or report."""
    paragraph = next(
        (p for p in paragraph_spans(article.body) if p.start <= sentence.start < p.end), sentence
    )
    if _credits_another(sentence.text, own) or _credits_another(paragraph.text, own):
        return True
    if not relay:
        return False
    told_own = any(_outlet_key(m.group()) in own for m in TOLD.finditer(paragraph.text))
    if told_own or FIRST_HAND.search(paragraph.text):
        return False  # its own reporting: a source spoke to it, or in front of its reporter
    named = {fold(w) for w in WORD.findall(sentence.text)}
    return bool(SPEECH.search(sentence.text) or "“" in sentence.text or named & people)


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


def _tokens(text: str) -> list[str]:
    """Content words of a sentence in order: folded, stemmed, numbers written one way, and a
    number followed by a unit of time carries it ("ten days" is not "ten minutes")."""
    tokens = []
    raws = TOKEN.findall(ANONYMITY_CLAUSE.sub(" ", text))
    for index, raw in enumerate(raws):
        following = stem(fold(raws[index + 1])) if index + 1 < len(raws) else ""
        unit = following if following in TIME_UNITS else ""
        if raw[0].isdigit():
            tokens.append("#" + raw.replace(",", "").rstrip(".") + unit)
            continue
        word = re.sub(r"'s$", "", fold(raw)).strip("'-")
        parts = [word, *word.split("-")] if "-" in word else [word]
        for part in parts:
            if part in SPELLED:
                tokens.append(f"#{SPELLED[part]}{unit}")
            elif part and part not in STOPWORDS and len(part) > 1:
                tokens.append(stem(part))
    return tokens


def _family(vocabulary: set[str]) -> dict[str, str]:
    """Each word that is another corpus word plus a derivational suffix, mapped to that word:
    'canadian' to 'canada', 'payment' to 'pay', 'vote' to 'vot' when 'voted' is there too."""
    family = {}
    for word in vocabulary:
        for suffix, shortest in DERIVATIONS:
            base = word[: -len(suffix)]
            if word.endswith(suffix) and len(base) >= shortest and base in vocabulary:
                family[word] = base
                break
    for word, base in family.items():
        while base in family and family[base] != base:
            base = family[base]
        family[word] = base
    return family


class _Corpus:
    """The claim sentences of all articles, weighted by how rare their words are (TF-IDF), and
    their paragraphs, since an article may spread over two sentences what another says in one."""

    def __init__(self, articles: list[Article]) -> None:
        units = []
        for article in articles:
            paragraphs = paragraph_spans(article.body)
            for unit in claim_units(article.body):
                paragraph = next(n for n, p in enumerate(paragraphs) if unit.start < p.end)
                units.append((article, unit, paragraph, _tokens(unit.text)))
        family = _family({t for *_rest, tokens in units for t in tokens})
        self.sentences = [
            (a, s, Counter(family.get(t, t) for t in tokens))
            for a, s, _p, tokens in units
            if len(s.text) > 40
        ]
        frequency = Counter(k for _a, _s, keys in self.sentences for k in keys)
        total = len(self.sentences) or 1
        self.weight = {k: math.log((total + 1) / (n + 0.5)) for k, n in frequency.items()}
        # items: one sentence, or the sentences of one paragraph (file, members, keys)
        self.items = [(a.file, (i,), keys) for i, (a, _s, keys) in enumerate(self.sentences)]
        by_paragraph: dict[tuple[str, int], list[int]] = defaultdict(list)
        kept = iter(range(total))
        for a, s, p, _words in units:
            if len(s.text) > 40:
                by_paragraph[a.file, p].append(next(kept))
        for (file, _p), members in by_paragraph.items():
            if len(members) > 1:
                keys = sum((self.sentences[i][2] for i in members), Counter())
                self.items.append((file, tuple(members), keys))
        self.mass = [sum(self.weight[k] for k in keys) or 1.0 for _f, _m, keys in self.items]
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, (_f, _m, keys) in enumerate(self.items):
            for key in keys:
                self.index[key].append(i)
        self.rare = max(RARE_FLOOR, total // 50)

    def file(self, i: int) -> str:
        return self.sentences[i][0].file

    def _shared(self, a: Counter, b: Counter) -> float:
        return sum(self.weight[k] for k in a.keys() & b.keys())

    def similarity(self, i: int, j: int) -> float:
        """How alike two items are: shared weight over their masses, the smaller weighing more."""
        common = self.items[i][2].keys() & self.items[j][2].keys()
        if len(common) < MIN_SHARED:
            return 0.0
        shared = sum(self.weight[k] for k in common)
        smaller, larger = sorted((self.mass[i], self.mass[j]))
        return shared / (smaller**BALANCE * larger ** (1 - BALANCE))

    def _evidence(self, item: int, other: int) -> int:
        """The sentence of an item that shares most with the other item."""
        members = self.items[item][1]
        keys = self.items[other][2]
        return max(members, key=lambda m: self._shared(self.sentences[m][2], keys))

    def pairs(self) -> list[tuple[float, int, int]]:
        """Sentence pairs from different articles that state the same thing, best first."""
        best: dict[tuple[int, int], float] = {}
        for i, (file_i, members_i, keys) in enumerate(self.items):
            # Only keys that few items share propose candidate pairs; common ones still score.
            candidates = {
                j for k in keys if len(self.index[k]) <= self.rare for j in self.index[k] if j > i
            }
            for j in candidates:
                file_j, members_j, _keys_j = self.items[j]
                if file_i == file_j or (len(members_i) > 1 and len(members_j) > 1):
                    continue
                score = self.similarity(i, j)
                if score >= SIMILAR:
                    pair = tuple(sorted((self._evidence(i, j), self._evidence(j, i))))
                    best[pair] = max(score, best.get(pair, 0.0))
        return sorted(((score, a, b) for (a, b), score in best.items()), reverse=True)


def _clusters(corpus: _Corpus) -> list[dict[str, int]]:
    """Group matching pairs into claims, best first, with at most one sentence per article.

    A sentence joins a claim only if it is like the claim's sentences on average, not just
    like the one it was paired with, so one loose match cannot chain two claims together."""
    cluster_of: dict[int, int] = {}
    clusters: list[dict[str, int]] = []  # article file -> sentence index
    for _score, i, j in corpus.pairs():
        ci, cj = cluster_of.get(i), cluster_of.get(j)
        if ci is None and cj is None:
            clusters.append({corpus.file(i): i, corpus.file(j): j})
            cluster_of[i] = cluster_of[j] = len(clusters) - 1
            continue
        new, claim = (j, ci) if cj is None else (i, cj) if ci is None else (None, None)
        if new is None or corpus.file(new) in clusters[claim]:
            continue
        members = clusters[claim].values()
        likeness = sum(corpus.similarity(new, m) for m in members) / len(members)
        if likeness >= SIMILAR * COHERENCE:
            clusters[claim][corpus.file(new)] = new
            cluster_of[new] = claim
    return clusters


def find_claims(articles: list[Article], sources: dict[str, Source] | None = None) -> list[Claim]:
    """Sentences from different articles that state the same thing, grouped into claims, judged
    by the articles' reporting lines (sources, when the caller has found them already)."""
    corpus = _Corpus(articles)
    sentences = corpus.sentences
    outlets = {a.file: own_outlets(a) for a in articles}
    relay = {a.file: relays_another_source(a, outlets[a.file]) for a in articles}
    people = {a.file: relayed_people(a) if relay[a.file] else set() for a in articles}
    sources = sources or reporting_lines(articles)
    claims = []
    for cluster in _clusters(corpus):
        files = sorted(cluster)
        evidence = {f: sentences[cluster[f]][1].text for f in files}
        own = [
            f
            for f in files
            if not derived(*sentences[cluster[f]][:2], relay[f], people[f], outlets[f])
        ]
        first = min(files, key=lambda f: (f not in own, len(evidence[f])))
        claims.append(
            Claim(
                _claim_text(evidence[first]),
                files,
                evidence=evidence,
                **_judge(evidence, own, sources),
            )
        )
    return sorted(claims, key=lambda c: (-len(c.articles), fold(c.claim)))


OWN_LINE = ""  # a teacher's word that an article is a line of its own


def rejudge(extraction: dict, joined: dict[str, str]) -> dict:
    """The extraction with the reporting lines a teacher set: joined maps an article to the
    article whose line it belongs to, or to OWN_LINE; every other article keeps the line the
    builder found ("as_found" keeps it beside the teacher's). The claims are judged again."""
    entries = {}
    for entry in extraction["articles"]:
        found = entry.get("as_found") or {
            "line": entry["line"],
            "line_reason": entry["line_reason"],
        }
        entries[entry["file"]] = {k: v for k, v in entry.items() if k != "as_found"} | found
    names = {f: label_of(a["outlet"], a["title"], f) for f, a in entries.items()}
    joined = {f: other for f, other in joined.items() if f in entries and other in (*entries, "")}

    def line_of(file: str, depth: int = 0) -> str:
        other = joined.get(file)
        if other is None or depth > len(joined):
            return entries[file]["line"]
        return names[file] if other == OWN_LINE else line_of(other, depth + 1)

    articles = []
    for file, entry in entries.items():
        if file in joined:
            other = joined[file]
            reason = (
                "its own reporting, as you said"
                if other == OWN_LINE
                else f"on the line of {names[other]}, as you said"
            )
            found = {"line": entry["line"], "line_reason": entry["line_reason"]}
            entry = entry | {"line": line_of(file), "line_reason": reason, "as_found": found}
        articles.append(entry)
    sources = {
        a["file"]: Source(a["file"], names[a["file"]], a["line"], a["line_reason"])
        for a in articles
    }
    claims = []
    for claim in extraction["claims"]:
        own = [f for f in claim["articles"] if claim["lines"].get(f) != CREDITED_LINE]
        claims.append(claim | _judge(claim["evidence"], own, sources))
    return extraction | {"articles": articles, "claims": claims}


def _judge(evidence: dict[str, str], own: list[str], sources: dict[str, Source]) -> dict:
    """A claim's lines, whether two of them confirm it, and why; own: the articles that report
    it themselves (the others credit it to someone else)."""
    files = sorted(evidence)
    lines = {f: sources[f].line for f in own}
    differ = _differing_figures([evidence[f] for f in files])
    return {
        "lines": lines | {f: CREDITED_LINE for f in files if f not in own},
        "independent": len(set(lines.values())) >= 2 and not differ,
        "reason": _differ_reason(differ) if differ else _verdict(files, own, sources),
    }


def _differ_reason(differ: str) -> str:
    return (
        f"The articles give different figures ({differ}): a difference to check, not a "
        "confirmation."
    )


def _differing_figures(sentences: list[str]) -> str:
    """Figures of one unit that two sentences stating one claim give differently ("30,000
    people" against "31,000 people"); empty when every shared unit has a value in common."""
    found = [find_figures(s) for s in sentences]
    for i, first in enumerate(found):
        for second in found[i + 1 :]:
            for unit in {f.unit for f in first} & {f.unit for f in second}:
                ones = [f for f in first if f.unit == unit]
                others = [f for f in second if f.unit == unit]
                if not {f.value for f in ones} & {f.value for f in others}:
                    return f"{ones[0].text} against {others[0].text}"
    return ""


def _verdict(files: list[str], own: list[str], sources: dict[str, Source]) -> str:
    """Why a claim is confirmed independently or not, from the reporting lines that carry it."""
    by_line: dict[str, list[str]] = defaultdict(list)
    for f in own:
        by_line[sources[f].line].append(f)
    credited = len(files) - len(own)
    others = (
        ""
        if not credited
        else " The other article credits it to another outlet or report."
        if credited == 1
        else f" {credited} of the articles credit it to another outlet or report."
    )
    if len(by_line) >= 2:
        count = NUMBER_WORDS.get(len(by_line), str(len(by_line)))
        return f"{count.capitalize()} separate reporting lines carry it: {_and(by_line)}.{others}"
    if not by_line:
        return "Every article credits it to another outlet or report."
    line, members = next(iter(by_line.items()))
    if len(members) == 1:
        return f"Only {line} reports it itself.{others}"
    repeats = [f"{sources[f].name} {sources[f].reason}" for f in members if sources[f].repeats]
    return f"Only one reporting line carries it ({line}): {'; '.join(repeats)}.{others}"


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _claim_text(sentence: str) -> str:
    return sentence if len(sentence) <= 240 else sentence[:237].rsplit(" ", 1)[0] + "…"
