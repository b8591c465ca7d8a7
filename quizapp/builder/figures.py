"""Finding figures: money, percentages, counts, ages and durations, with what they measure."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

from quizapp.builder.text import sentence_spans, words_of

SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "a hundred": 100, "a dozen": 12, "dozen": 12,
    "a thousand": 1000, "half a dozen": 6,
}  # fmt: skip
SCALE = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "bn": 1e9, "m": 1e6, "k": 1e3, "b": 1e9, "mil": 1e6, "mn": 1e6, "mln": 1e6, "tn": 1e12,
}  # fmt: skip
CURRENCY = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "HK$": "HKD", "S$": "SGD",
    "A$": "AUD", "C$": "CAD", "NZ$": "NZD", "R$": "BRL", "RM": "MYR", "Rs": "INR", "Rs.": "INR",
}  # fmt: skip
# ISO codes written before the amount: "INR1 trillion", "AUD 1.5m".
ISO_CURRENCY = r"(?:USD|EUR|GBP|JPY|CNY|INR|AUD|CAD|NZD|CHF|HKD|SGD|MYR|BRL|MXN|ZAR|RUB|KRW)"
CURRENCY_WORDS = (
    r"dollars|euros|pounds|pesos|[A-Z][a-z]+ (?:Pesos|pesos|dollars|Dollars)|yuan|rupees|rubles|"
    r"roubles|reais|bolivars|bolívares|francs|yen"
)
UNITS = (
    r"years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries|century|percent|per cent|"
    r"percentage points?|kilos?|kilograms?|kg|pounds|tons?|tonnes?|miles?|kilometers?|kilometres?|"
    r"km|meters?|metres?|feet|foot|liters?|litres?|gallons?|acres?|hectares?|kilo|pound|ton|mile"
)
# Unit symbols written against the number, as in "90mm" or "5km" (with a space they are UNITS).
ATTACHED_UNITS = (
    r"mm|cm|km|kg|mg|ml|mph|kph|km/h|kWh|kW|MW|GW|ha|°C|°F|GB|MB|TB|(?i:GHz)|Mbps|bhp|sq ?m|sq ?ft"
)
MEASURE_UNITS = (
    r"kilos?|kilograms?|pounds?|tons?|tonnes?|miles?|liters?|litres?|gallons?|meters?|metres?"
)
SPELLED = "|".join(sorted((re.escape(k) for k in SMALL), key=len, reverse=True))
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A scale word, or a short one written against the number ("$4.2b", "25k", "RM3mil").
NUMBER = (
    rf"(?:{DIGITS})(?:\s?(?:hundred|thousand|million|billion|trillion|bn|m)\b"
    rf"|(?:k|b|M|mil|mn|mln|tn)\b)?"
)
QUALIFIER = (
    r"(?i:more than|less than|fewer than|at least|at most|about|around|approximately|nearly|"
    r"almost|some|up to|over|under|roughly|upwards of|as many as|as much as|as few as|"
    r"an estimated|estimated|only|just over|just under|close to|well over|no more than)"
)
PERIOD = r"(?:\s+(?:per|a|an|each|every)\s+(?:year|month|week|day|hour|person|head|doctor)\b)"
FIGURE = re.compile(
    rf"(?:(?P<qual>{QUALIFIER})\s+)?"
    rf"(?:(?P<cur>(?:US|HK|S|A|C|NZ|R)\$|[$€£¥]|\bRM|\bRs\.?|\b{ISO_CURRENCY}(?=\s?\d))"
    rf"\s?(?P<money>{NUMBER})"
    rf"|(?P<num>{NUMBER}|(?i:\b(?:{SPELLED})\b)|\ba(?=\s(?:{MEASURE_UNITS})\b))"
    rf"(?P<age>-year-old|-month-old)?"
    rf"(?:-(?P<hyunit>year|month|week|day|hour|minute)\b)?"
    rf"(?:\s?(?P<pct>%|pc\b|percent\b|per cent\b|percentage points?\b))?"
    rf"(?:\s(?P<curword>{CURRENCY_WORDS})\b)?"
    rf"(?:\s(?P<unit>{UNITS}|{ATTACHED_UNITS})\b|(?P<abbr>{ATTACHED_UNITS})\b)?)"
    rf"(?P<period>{PERIOD})?",
)
MONTH = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
TIME_AFTER = re.compile(r"\s?(?:[ap]\.m\.|[ap]m\b|o['’]clock\b)", re.IGNORECASE)
DATE_BEFORE = re.compile(rf"(?:{MONTH})\.?\s+$")
DATE_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTH})\b|^,\s+\d{{4}}")
IDENTIFIER_BEFORE = re.compile(
    r"(?:Article|No\.|Number|Section|Chapter|Rule|Resolution|Law|Room|Route|Flight|page|"
    r"version|Case|Bill|Highway|Interstate|Apartment|Level|Phase|Act|Title|Amendment|"
    r"paragraph|Item|Decree|Resolution)\s+$",
    re.IGNORECASE,
)
# A capitalised word inside the sentence, right before a bare number, makes it part of a name.
NAME_BEFORE = re.compile(
    r"\S\s+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s)"
    r"(?:[A-Z]|[a-z]+[A-Z])[\w’'&/-]*\s$"
)
NOUN_AFTER = re.compile(r"^(?:\s+of\s+the)?\s+([\w’'-]+(?:\s+[\w’'-]+){0,3})")
IRREGULAR_PLURALS = words_of("people children men women police personnel staff feet teeth mice")
STOP_NOUN = words_of(
    "and or but to of in on at for with by from as the a an than that is was who which"
)


@dataclass(frozen=True)
class Figure:
    text: str
    value: float
    unit: str
    measures: str
    sentence: str
    start: int
    end: int


# A minus sign that starts a number ("FTSE -0.6%", not "10-20") or the word.
NEGATIVE_BEFORE = re.compile(r"(?:^|[\s(:])(?P<sign>[-−–])$|\b(?P<sign_word>minus)\s+$", re.I)
RANGE_END_BEFORE = re.compile(r"(?:^|\s)\d[\d,.]*[-–]$")
HYPHENED = re.compile(r"[-–]\d")
RANGE_BETWEEN = re.compile(r"\s*(?:to|and|or|-|–)\s*")
DEFINITE_BEFORE = re.compile(r"\b(?:the|these|those|both|all)\s+$", re.IGNORECASE)
LOOSE_QUALIFIERS = ("some", "only", "over", "under")


def find_figures(body: str) -> list[Figure]:
    """Every figure that counts or measures something; dates, years and identifiers are skipped."""
    figures = []
    for sentence in sentence_spans(body):
        for match in FIGURE.finditer(sentence.text):
            figure = _figure(body, sentence, match)
            if figure:
                figures.append(figure)
    return _ranges_share_units(body, figures)


def _ranges_share_units(body: str, figures: list[Figure]) -> list[Figure]:
    """The first end of a range takes the unit of the second: "from 4.8 to 4.7 percent",
    "10-20%". A number joined by a hyphen to one without a unit is a code ("555-1234",
    "16-18 Mill Road") and is left out."""
    shared = list(figures)
    for index, (first, second) in enumerate(pairwise(figures)):
        if first.unit or not second.unit or first.sentence != second.sentence:
            continue
        if RANGE_BETWEEN.fullmatch(body[first.end : second.start]):
            shared[index] = replace(first, unit=second.unit, measures=second.measures)
    return [f for f in shared if f.unit or not HYPHENED.match(body, f.end)]


def _figure(body: str, sentence, match: re.Match) -> Figure | None:
    text = sentence.text
    raw = match.group("money") or match.group("num")
    if not raw:
        return None
    before, after = text[: match.start()], text[match.end() :]
    start = match.start()
    negative = NEGATIVE_BEFORE.search(before)  # "-1.3%", "minus 233 Celsius"
    joined = start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-./")
    # the 20 of "10-20%", kept when it has a unit (a code such as "555-1234" has none)
    range_end = joined and RANGE_END_BEFORE.search(before) is not None
    if joined and not negative and not range_end:
        return None
    if re.match(r"[\w/:]", after[:1]) or re.match(r"^\.\d|^[-.]\d{3}[-.]\d{4}\b", after):
        return None  # part of a word, a time, a telephone number or a longer code
    spelled = raw.lower() in SMALL or raw.lower() == "a"
    value = -_value(raw) if negative else _value(raw)
    money = bool(match.group("cur") or match.group("curword"))
    unit_word = (match.group("unit") or match.group("abbr") or match.group("hyunit") or "").lower()
    has_unit = bool(
        money or match.group("pct") or match.group("age") or unit_word or match.group("period")
    )
    if (range_end or (negative and negative["sign"])) and not has_unit:
        return None  # "555-1234", "COVID -19": a code, not a figure
    year_like = not money and not spelled and re.fullmatch(r"\d{4}", raw) and 1800 <= value <= 2100
    if year_like and (not has_unit or unit_word in ("", "years")):
        return None  # a year
    if re.match(r"^s\b|^’s\b", after):
        return None  # 1960s
    if not money and TIME_AFTER.match(after):
        return None  # a time of day: "10 p.m.", "four o'clock"
    if not money and (DATE_BEFORE.search(before) or DATE_AFTER.search(after)):
        return None
    if IDENTIFIER_BEFORE.search(before):
        return None
    if not has_unit and not spelled and NAME_BEFORE.search(before) and raw.isdigit():
        return None  # part of a name: "Falcon 9", "Pier 4", "Launch Complex 2"
    if spelled:
        word = raw.lower()
        if word == "one" and not unit_word:
            return None  # "one doctor", "one of the ..." are not counts
        if DEFINITE_BEFORE.search(before) and not unit_word:
            return None  # "the two countries" names, it does not count
        if not has_unit and not _counts_something(after):
            return None
    qual = match.group("qual") or ""
    if qual.lower() in LOOSE_QUALIFIERS and not (has_unit or _counts_something(after)):
        qual = ""
    if negative:
        begin = negative.start("sign") if negative["sign"] else negative.start("sign_word")
    elif qual:
        begin = match.start()
    else:
        begin = match.start("cur") if match.group("cur") else match.start("num")
    end = match.end()
    figure_text = text[begin:end].rstrip()
    unit, measures = _describe(match, after, before)
    absolute = sentence.start + begin
    return Figure(figure_text, value, unit, measures, text, absolute, absolute + len(figure_text))


def _counts_something(after: str) -> bool:
    return bool(_noun_phrase(after))


def _noun_phrase(after: str) -> str:
    """The words after a number up to a function word: "Cuban medical professionals"."""
    match = NOUN_AFTER.match(after)
    if not match:
        return ""
    words = []
    for word in match.group(1).split():
        lowered = word.lower()
        if lowered in STOP_NOUN or lowered in ("have", "had", "has", "were", "are", "will"):
            break
        if words and lowered.endswith("ed"):
            break
        words.append(word)
        plural = lowered.endswith("s") and not lowered.endswith("ss") and len(lowered) > 3
        if plural or lowered in IRREGULAR_PLURALS:
            break  # a plural noun ends what is counted: "3,000 nurses went", "20 people came"
    return " ".join(words)


def _head(phrase: str) -> str:
    words = phrase.split()
    return words[-1].lower() if words else ""


def _value(raw: str) -> float:
    lowered = raw.lower()
    if lowered == "a":
        return 1.0
    if lowered in SMALL:
        return float(SMALL[lowered])
    parts = lowered.split()
    number = float(re.sub(r"[^\d.]", "", parts[0]) or 0)
    scale = parts[1] if len(parts) > 1 else ""
    if not scale:
        tail = re.search(r"(hundred|thousand|[mbtr]illion|bn|mil|mln|mn|tn|m|k|b)$", lowered)
        scale = tail.group(1) if tail else ""
    return number * SCALE.get(scale, 1)


def _describe(match: re.Match, after: str, before: str) -> tuple[str, str]:
    """The unit (currency and period, percent, a time unit or the counted noun) and the measure."""
    period = (match.group("period") or "").strip()
    following = _noun_phrase(after)
    context = " ".join(before.split()[-4:])
    if match.group("cur") or match.group("curword"):
        sign = match.group("cur") or ""
        currency = CURRENCY.get(sign, sign if re.fullmatch(ISO_CURRENCY, sign) else "")
        currency = currency or match.group("curword") or ""
        unit = f"{currency} {period}".strip()
        return unit, f"{context} … {following}".strip(" …")
    if match.group("pct"):
        return "percent", f"{context} … {following}".strip(" …")
    if match.group("age"):
        return "age in years", following
    unit_word = match.group("unit") or match.group("abbr") or match.group("hyunit")
    if unit_word:
        unit = unit_word.lower()
        if unit.startswith("kilo") or unit == "kg":
            return "kg", following
        if re.fullmatch(ATTACHED_UNITS, unit_word):
            return unit_word, f"{context} … {following}".strip(" …")
        return (unit if unit.endswith("s") else unit + "s"), f"{context} … {following}".strip(" …")
    return _head(following), following
