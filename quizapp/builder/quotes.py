"""Finding direct quotations: straight, curly, low, angle and typewriter (`` '') double marks,
single marks, split and multi-paragraph quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.builder.text import paragraph_spans

# Characters after which a straight double mark opens a quote rather than closing one.
OPEN_CONTEXT = " \t\n([{—–-/:;,.“‘"
WORD = re.compile(r"[\w][\w’'-]*")
NAME_LINKS = frozenset(["of", "the", "and", "for", "de", "la"])
# Verbs of saying, for a quote's speaker (builder.speakers) and for telling a short quote from
# a scare quote.
SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|recalled|recalls|asked|asks|explained|explains|wrote|"
    "writes|stated|states|noted|notes|warned|warns|insisted|insists|argued|argues|claimed|claims|"
    "remembered|replied|answered|continued|concluded|declared|announced|admitted|acknowledged|"
    "complained|shouted|yelled|whispered|testified|tweeted|posted|recounted|observed|countered|"
    "conceded|cautioned|urged|saying|adding|telling|explaining|recalling|writing|noting|warning|"
    "insisting|arguing|claiming|asking|laments|lamented|joked|jokes|agreed|agrees|wondered|"
    "demanded|demands|scolded|reads|read|quipped|responded|responds|predicted|boasted|vowed|"
    "pleaded|mused|charged|contended|suggested|suggests|reiterated|emphasized|emphasised|"
    "stressed|maintained|calling|called|describing|described|reported|commented|ruled|"
    "remarked|opined|barked|retorted|chanted|exclaimed|snapped|estimated|contends|reacted|"
    "confided|boomed|scoffed|fumed|sighed|gushed|shot back|fired back|hit back"
)
SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
# A verb of saying right before a short quote ("he replied: “Never.”"), or calling someone
# or something a name ("called it “shameful.”", not "a card called the “homeland card”"), or
# after it ("“Absolutely,” he said").
SAID_BEFORE = re.compile(
    rf"(?:\b(?!call)(?:{SPEECH_VERBS})[\s:,]*"
    rf"|(?<!so-)\bcall(?:ed|ing|s)?\s+(?:it|him|her|them|[A-Z][\w’'-]*)\s*)$"
)
SAID_AFTER = re.compile(rf"^\s*(?:[\w’'.-]+\s+){{0,2}}(?:{SPEECH_VERBS})\b")


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # offset of the first character inside the marks
    end: int  # offset of the closing mark
    text: str
    open_mark: int  # offset of the opening mark
    after: int  # offset just after the closing mark (marks may be two characters: `` '')


def find_quotes(body: str) -> list[QuoteSpan]:
    """Every direct quotation in the body; scare quotes and quoted names are left out."""
    doubles = [
        q for q in _quoted_spans(body) if is_direct_quote(q.text) or _reported_short(body, q)
    ]
    inside = [(q.open_mark, q.after) for q in doubles]
    singles = [
        q
        for q in _single_quoted(body)
        if not any(a <= q.open_mark < b for a, b in inside) and _single_is_speech(q.text)
    ]
    return sorted(doubles + singles, key=lambda q: q.start)


def _quoted_spans(body: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    paragraphs = paragraph_spans(body)
    opened: tuple[int, int] | None = None  # the opening mark's offset and width
    for index, paragraph in enumerate(paragraphs):
        position = paragraph.start
        if opened is not None:
            # News style: a quote running on opens each new paragraph with a mark.
            width = _opener(body, position)
            if width:
                position += width
            else:
                opened = None
        while position < paragraph.end:
            width = _opener(body, position)
            if opened is None:
                if width:
                    opened = (position, width)
                    position += width
                    continue
            elif closing := _closer(body, position):
                start = opened[0] + opened[1]
                spans.append(
                    QuoteSpan(start, position, body[start:position], opened[0], position + closing)
                )
                opened = None
                position += closing
                continue
            elif body[position] == "“" or body.startswith("``", position):
                opened = (position, width)  # an unclosed quote before: keep the newer one
                position += width
                continue
            position += 1
        if opened is not None and (
            index + 1 == len(paragraphs) or not _opener(body, paragraphs[index + 1].start)
        ):
            opened = None
    return spans


def _opener(body: str, position: int) -> int:
    """The width of the opening double mark at position (0 if none): “ „ « ``, or a straight "
    that opens."""
    if body.startswith("``", position):
        return 2
    char = body[position] if position < len(body) else ""
    if char in "“„«" or (char == '"' and _opens(body, position)):
        return 1
    return 0


def _closer(body: str, position: int) -> int:
    """The width of the closing double mark at position (0 if none): ” » '', or a straight "
    that does not open."""
    if body.startswith("''", position):
        return 2
    char = body[position]
    if char in "”»" or (char == '"' and not _opens(body, position)):
        return 1
    return 0


SINGLE = re.compile(r"(?<![\w’'])([‘'])(?=[^\s’'])(.+?[,.!?…])([’'])(?![\w’'])", re.DOTALL)


def _single_quoted(body: str) -> list[QuoteSpan]:
    """Quotations in single marks, as some outlets use: ‘…,’ or '…,' within one paragraph, the
    closing mark after the punctuation that ends speech (so an apostrophe cannot close one)."""
    spans = []
    for paragraph in paragraph_spans(body):
        for match in SINGLE.finditer(body, paragraph.start, paragraph.end):
            if (match[1] == "‘") != (match[3] == "’"):
                continue  # a curly mark pairs with a curly one
            spans.append(
                QuoteSpan(match.start(2), match.end(2), match[2], match.start(1), match.end(3))
            )
    return spans


def _single_is_speech(text: str) -> bool:
    return len(WORD.findall(text)) >= 3 and is_direct_quote(text)


def _reported_short(body: str, quote: QuoteSpan) -> bool:
    """A quote of one or two words that a verb of saying reports ("called it “shameful.”",
    "“Absolutely,” he said"), unlike a scare quote or a title."""
    if not 1 <= len(WORD.findall(quote.text)) <= 2:
        return False
    before = body[max(0, quote.open_mark - 60) : quote.open_mark]
    if SAID_BEFORE.search(before.split("\n")[-1]):
        return True
    after = body[quote.after : quote.after + 40].split("\n")[0]
    return quote.text.rstrip().endswith((",", "!", "?")) and SAID_AFTER.match(after) is not None


def _opens(body: str, position: int) -> bool:
    """Whether a straight double mark opens: it follows a space or bracket and precedes text."""
    before = body[position - 1] if position > 0 else " "
    after = body[position + 1] if position + 1 < len(body) else " "
    return (before in OPEN_CONTEXT or position == 0) and not after.isspace()


def is_direct_quote(text: str) -> bool:
    """Quotations, not scare quotes or names: three words or more, with sentence-like shape."""
    words = WORD.findall(text)
    if len(words) <= 2:
        return False
    stripped = text.rstrip(" ’'\n")
    ends_like_speech = stripped.endswith((".", ",", "!", "?", "…", ":", ";", "—"))
    if len(words) <= 4:
        if all(w[0].isupper() or w.lower() in NAME_LINKS for w in words):
            return False  # "Inside the Neighborhood", a name or title
        return ends_like_speech
    return True
