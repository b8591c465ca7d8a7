"""The report formulas on small cases worked out by hand."""

import pytest

from quizapp.services.statistics import (
    correlation,
    discrimination,
    flags,
    histogram,
    summarise,
)


def test_summary_of_scores():
    s = summarise([40.0, 60.0, 80.0, 100.0])
    assert (s.count, s.mean, s.median, s.low, s.high) == (4, 70.0, 70.0, 40.0, 100.0)
    assert s.spread == pytest.approx(22.3607, abs=1e-4)  # sqrt(500)
    assert summarise([]).mean is None


def test_histogram_puts_100_in_the_last_band():
    assert histogram([0, 9.9, 10, 55, 99.9, 100]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]


def test_correlation_by_hand():
    assert correlation([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert correlation([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert correlation([1, 1, 1], [1, 2, 3]) is None  # nothing varies, nothing to measure


def test_discrimination_leaves_the_question_out_of_the_total():
    item = [1, 1, 0, 0, 1]
    totals = [5, 4, 1, 2, 1]
    # rest = [4, 3, 1, 2, 0]; mean item 0.6, mean rest 2; cov = 0.4*2+0.4*1-0.6*-1-0.6*0+0.4*-2
    # = 1.0; var item = 1.2, var rest = 10 → r = 1 / sqrt(12)
    assert discrimination(item, totals) == pytest.approx(1 / 12**0.5)
    assert discrimination(item[:4], totals[:4]) is None  # too few students


def test_flags_in_plain_words():
    assert flags(0.5, 0.4) == []
    assert flags(0.95, None)[0].startswith("Very easy")
    assert flags(0.1, 0.4)[0].startswith("Very hard")
    assert flags(0.5, -0.2)[0].startswith("Negative discrimination")
    assert flags(0.5, 0.1)[0].startswith("Weak discrimination")
