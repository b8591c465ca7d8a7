"""Figure detection on hand-written snippets: money, percentages, counts, ages, durations."""

import pytest

from quizapp.builder.conflicts import find_conflicts
from quizapp.builder.figures import find_figures


def found(body: str) -> list[tuple[str, float, str]]:
    return [(f.text, f.value, f.unit) for f in find_figures(body)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "The club pays its coach $200,000 per year.",
            [("$200,000 per year", 200000, "USD per year")],
        ),
        ("Turnout fell to 41.5 percent.", [("41.5 percent", 41.5, "percent")]),
        ("Prices rose 12% in March.", [("12%", 12, "percent")]),
        ("More than 3,000 nurses went on strike.", [("More than 3,000", 3000, "nurses")]),
        ("A 72-year-old fisherman was rescued.", [("72-year-old", 72, "age in years")]),
        ("The trial lasted six weeks.", [("six weeks", 6, "weeks")]),
        ("The city spent €1.2 billion on trams.", [("€1.2 billion", 1.2e9, "EUR")]),
        ("Sixteen schools closed.", [("Sixteen", 16, "schools")]),
        ("At least a dozen boats sank.", [("At least a dozen", 12, "boats")]),
        ("She bought a kilo of rice.", [("a kilo", 1, "kg")]),
        ("Almost 40mm of rain fell.", [("Almost 40mm", 40, "mm")]),
        ("The route is 12km long.", [("12km", 12, "km")]),
    ],
)
def test_figures_with_their_value_and_unit(body, expected):
    assert found(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "The law was passed in 1998 and amended on March 3, 2004.",
        "Article 12.4 of the charter forbids it.",
        "It happened on 10 April 2020 in the 1960s style.",
        "One official said the two countries had agreed.",
        "Thousands of people marched; dozens were hurt.",
        "COVID-19 cases were reported.",
        "The doors open at 9 a.m. and close at 11pm.",
        "By six o’clock the square was empty.",
    ],
)
def test_dates_identifiers_and_vague_amounts_are_not_figures(body):
    assert found(body) == []


def test_offsets_and_what_the_figure_measures():
    body = "Officials said 585 volunteers joined the search."
    [figure] = find_figures(body)
    assert body[figure.start : figure.end] == "585"
    assert figure.measures == "volunteers"
    assert figure.sentence == body


@pytest.mark.parametrize(
    "body",
    [
        "The Falcon 9 rocket lifted off on time.",
        "Tugboats will use Pier 4 from Friday.",
        "Residents can call the hotline at 555-013-4477 for details.",
    ],
)
def test_numbers_in_names_and_telephone_numbers_are_not_figures(body):
    assert found(body) == []


def test_a_count_after_a_weekday_is_still_a_figure():
    assert [t for t, _v, _u in found("Officials said Tuesday 40 people were hurt.")] == ["40"]


def _located(*sentences):
    return [(f"article-{n}", f) for n, s in enumerate(sentences) for f in find_figures(s)]


def test_hedged_figures_that_can_both_be_true_are_not_a_conflict():
    figures = _located(
        "The election was called fraudulent by more than 60 countries around the world.",
        "The election was called fraudulent by more than 50 countries around the world.",
    )
    assert find_conflicts(figures) == []


def test_figures_of_one_measure_that_cannot_both_be_true_conflict_with_a_reason():
    figures = _located(
        "Some 1,000 migrants crossed the border at Dunmore every year, officials said.",
        "About 900 migrants crossed the border at Dunmore every year, officials said.",
    )
    [conflict] = find_conflicts(figures)
    assert conflict.kind == "conflict"
    assert conflict.reason.endswith("as Some 1,000 and as About 900: both cannot be right")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("The airline wants $4.2b from the state.", [("$4.2b", 4.2e9, "USD")]),
        ("The transfer fee was 25k.", [("25k", 25000, "")]),
        ("The shares trade at a 24pc discount.", [("24pc", 24, "percent")]),
        ("The fine was INR1 trillion.", [("INR1 trillion", 1e12, "INR")]),
        ("The flat sold for HK$5.4m in June.", [("HK$5.4m", 5.4e6, "HKD")]),
        ("The plan comes with 54GB of data.", [("54GB", 54, "GB")]),
        ("There were 4 hundred guests.", [("4 hundred", 400, "guests")]),
        (
            "Markets: Stoxx 50 -1.3%, FTSE -0.6%.",
            [("-1.3%", -1.3, "percent"), ("-0.6%", -0.6, "percent")],
        ),
        ("Nights fell to minus 12 degrees.", [("minus 12", -12, "degrees")]),
        (
            "Growth will slow from 4.8 to 4.7 percent.",
            [("4.8", 4.8, "percent"), ("4.7 percent", 4.7, "percent")],
        ),
        ("Between 10 and 20 people came.", [("10", 10, "people"), ("20", 20, "people")]),
        ("Prices rose 10-20% this year.", [("10", 10, "percent"), ("20%", 20, "percent")]),
    ],
)  # fmt: skip
def test_scales_codes_signs_and_ranges(body, expected):
    assert found(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "Call 555-1234 for tickets.",
        "Staff ran COVID -19 tests at the gate.",
        "The S&P 500 closed higher.",
        "The base iPhone 11 went on sale.",
    ],
)
def test_codes_and_names_with_numbers_are_not_figures(body):
    assert [f for f in found(body) if f[1] in (555, 1234, -19, 500, 11)] == []
