"""The one YAML reader of the bank and the builder: no alias is ever followed, and any text
gives either data or one line saying why it was refused."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.builder.safe_yaml import YamlRefused, dump_yaml, load_yaml
from tests.odd_input import ALIAS_BOMB


def read(text: str):
    return load_yaml(text, what="the file", max_chars=10_000)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # harmless, but an alias all the same
        "base: &b {title: x}\nfirst:\n  <<: *b\n",  # a merge key is an alias too
        "- &x [1, 2]\n- *x\n",
        ALIAS_BOMB,
    ],
)
def test_every_alias_is_refused_before_anything_is_built(text):
    """Not a size limit that a cleverer bomb could stay under: no alias is read at all."""
    with pytest.raises(YamlRefused, match=r"uses the alias \*\w+; aliases are not accepted"):
        read(text)


def test_an_anchor_alone_is_plain_data():
    assert read("a: &x 1\nb: 2\n") == {"a": 1, "b": 2}


def test_what_we_write_has_no_alias_and_reads_back():
    shared = {"article": "a", "quote": "q"}
    data = {"questions": [{"evidence": [shared]}, {"evidence": [shared]}]}
    text = dump_yaml(data)
    assert "&" not in text and "*" not in text
    assert read(text) == data


def test_the_size_is_checked_before_parsing():
    with pytest.raises(YamlRefused, match="the file is longer than 10,000 characters"):
        read("[" * 10_001)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(
                [
                    "a",
                    ": ",
                    "- ",
                    "&x ",
                    "*x",
                    "[",
                    "]",
                    "{",
                    "}",
                    "!!",
                    "'",
                    '"',
                    "\n",
                    "  ",
                    "#",
                    "?",
                    "|",
                    ">",
                    "2019-02-30",
                    "1e999",
                    "0x",
                    "9" * 50,
                    "<<",
                    ",",
                    "%",
                ]
            ),
            max_size=60,
        ).map("".join),
    )
)
def test_any_text_gives_data_or_a_one_line_refusal(text):
    try:
        read(text)
    except YamlRefused as exc:
        assert "\n" not in str(exc) and str(exc).startswith("the file ")
