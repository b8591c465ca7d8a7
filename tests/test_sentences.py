from quizapp.builder.sentences import passage_sentences, sentences_touching, split_paragraph


def texts(paragraph: str) -> list[str]:
    return [s.text for s in split_paragraph(paragraph, 1)]


def test_sentences_end_after_closing_quotes():
    assert texts("“We had to leave it,” he said. “It was for the election.” Then he left.") == [
        "“We had to leave it,” he said.",
        "“It was for the election.”",
        "Then he left.",
    ]


def test_titles_initials_and_abbreviations_do_not_end_sentences():
    assert texts("Dr. Arias met Mr. Maduro. George W. Bush signed it in the U.S. in 2006.") == [
        "Dr. Arias met Mr. Maduro.",
        "George W. Bush signed it in the U.S. in 2006.",
    ]


def test_question_and_exclamation_marks_end_sentences():
    assert texts("Are you going to vote? Yes! Fine.") == ["Are you going to vote?", "Yes!", "Fine."]


def test_offsets_point_back_into_the_paragraph():
    paragraph = "One. Two three.  Four."
    for sentence in split_paragraph(paragraph, 4):
        assert paragraph[sentence.start : sentence.end] == sentence.text
        assert sentence.id.startswith("4-")


def test_sentences_touching_a_quote_are_the_answer():
    body = "First one. Second one.\n\nThird one. Fourth one."
    sentences = passage_sentences(body, 1, 2)
    assert [s.id for s in sentences] == ["1-1", "1-2", "2-1", "2-2"]
    assert sentences_touching(body, sentences, ["Second"]) == ["1-2"]
    assert sentences_touching(body, sentences, ["Third one. Fourth"]) == ["2-1", "2-2"]
    assert sentences_touching(body, sentences, ["absent"]) == []
