import pytest

from quizapp.services.grading import correct_answer, grade, is_answered

SINGLE = {"choices": [{"id": "a"}, {"id": "b"}], "answer": "a"}
MULTI = {"choices": [{"id": x} for x in "abcde"], "answer": ["a", "c"]}
MATCH = {
    "items": [{"id": "1"}, {"id": "2"}, {"id": "3"}, {"id": "4"}],
    "answer": {"1": "r1", "2": "r2", "3": "r3", "4": "r4"},
}


@pytest.mark.parametrize(
    ("answer", "expected"), [({"choice": "a"}, 1.0), ({"choice": "b"}, 0.0), (None, 0.0), ({}, 0.0)]
)
def test_single_choice_is_all_or_nothing(answer, expected):
    assert grade("single", SINGLE, answer) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["a", "c"], 1.0),  # both right
        (["a"], 0.5),  # one of two right
        (["a", "b"], 0.0),  # one right, one wrong cancel out
        (["a", "c", "b"], 0.5),  # a wrong tick costs as much as a right one earns
        (["a", "b", "c", "d", "e"], 0.0),  # ticking everything earns nothing, never below zero
        (["b", "d"], 0.0),
    ],
)
def test_multiple_select_partial_credit(chosen, expected):
    assert grade("multiple", MULTI, {"choices": chosen}) == expected


def test_matching_earns_the_share_of_items_matched():
    answer = {"pairs": {"1": "r1", "2": "r2", "3": "r4", "4": "r3"}}
    assert grade("matching", MATCH, answer) == 0.5
    assert grade("matching", MATCH, {"pairs": {"1": "r1"}}) == 0.25
    assert grade("matching", MATCH, correct_answer(MATCH)) == 1.0


def test_is_answered_by_type():
    assert not is_answered("multiple", MULTI, {"choices": []})
    assert not is_answered("matching", MATCH, {"pairs": {"1": "r2"}})
    assert is_answered("matching", MATCH, correct_answer(MATCH))
    assert not is_answered("single", SINGLE, None)
