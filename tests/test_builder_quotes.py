"""Quote detection on hand-written snippets: marks, split, multi-paragraph, nested, scare quotes."""

from quizapp.builder.quotes import find_quotes


def texts(body: str) -> list[str]:
    return [q.text for q in find_quotes(body)]


def test_offsets_point_at_the_characters_between_the_marks():
    body = "The mayor said: “We will rebuild the bridge by spring.”"
    [quote] = find_quotes(body)
    assert body[quote.start : quote.end] == quote.text == "We will rebuild the bridge by spring."


def test_straight_and_curly_marks_are_both_quotes():
    body = (
        '"The river rose faster than anyone expected," the engineer said.\n\n'
        "“We had two hours to move the pumps,” she added."
    )
    assert texts(body) == [
        "The river rose faster than anyone expected,",
        "We had two hours to move the pumps,",
    ]


def test_a_split_quote_gives_two_quotes():
    body = '"The vote was close," he said, "but the result is clear."'
    assert texts(body) == ["The vote was close,", "but the result is clear."]


def test_a_quote_over_two_paragraphs_runs_to_the_final_closing_mark():
    body = (
        "“The harvest failed twice in three years. Families sold their goats.\n\n"
        "“Now the young people leave for the cities,” the farmer said.\n\n"
        "The ministry did not comment."
    )
    [quote] = find_quotes(body)
    assert quote.text.startswith("The harvest failed")
    assert quote.text.endswith("leave for the cities,")
    assert body[quote.start : quote.end] == quote.text


def test_a_nested_quote_stays_inside_the_outer_quote():
    body = "“The coach told us, ‘Run until you cannot run any more,’ and we did,” Lee said."
    assert texts(body) == ["The coach told us, ‘Run until you cannot run any more,’ and we did,"]


def test_scare_quotes_and_named_terms_are_not_quotes():
    body = (
        "The so-called “reform” was sold as a “fresh start” under the "
        "“Better Homes for All” plan, which critics call “a giveaway to developers”."
    )
    assert texts(body) == []


def test_a_short_quote_that_ends_like_speech_is_kept():
    assert texts("He shrugged: “Not my problem.”") == ["Not my problem."]


def test_an_unclosed_mark_gives_no_quote():
    assert texts("The sign read “closed for repairs and nothing else.\n\nNext paragraph.") == []


def test_typewriter_marks_open_and_close_a_quote():
    body = "``It was the calmest winter we have had in a decade,'' said the site manager."
    [quote] = find_quotes(body)
    assert quote.text == "It was the calmest winter we have had in a decade,"
    assert body[quote.open_mark : quote.open_mark + 2] == "``"
    assert body[quote.end : quote.after] == "''"


def test_single_marks_hold_a_quote_but_apostrophes_do_not():
    body = (
        "'We were worried about the noise, but it was fine,' said a neighbour. "
        "‘The workers’ union will not give up,’ its leader said. The drivers' depot stays shut."
    )
    assert texts(body) == [
        "We were worried about the noise, but it was fine,",
        "The workers’ union will not give up,",
    ]


def test_a_single_mark_inside_a_double_quote_is_not_a_second_quote():
    body = "“He told us, ‘Leave the building now,’ and then he left,” the guard said."
    assert texts(body) == ["He told us, ‘Leave the building now,’ and then he left,"]


def test_a_short_quote_reported_by_a_verb_of_saying_is_a_quote():
    body = (
        "Asked whether the bridge would reopen this year, the mayor replied: “Never.”\n\n"
        "“Absolutely,” the engineer said when asked if the cables were safe.\n\n"
        "The council leader called it “reckless.”\n\n"
        "The town uses a permit called the “green pass,” and its so-called “quiet zone” "
        "starts at the river. Shops were “very busy” on Saturday."
    )
    assert [q.text for q in find_quotes(body)] == ["Never.", "Absolutely,", "reckless."]
