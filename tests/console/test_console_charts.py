"""The results page's bars, drawn on the server: the most voted as wide as the room allows, the
others in proportion, none for nobody; long labels shortened for the chart only."""

from __future__ import annotations

from engine.web.console.results import LEFT, ROW, WIDTH, bars


def test_bars_are_in_proportion_to_their_counts() -> None:
    chart = bars((("A", "Moonlight Drive", 4), ("B", "Paper Planes", 2), ("C", "Blue", 0)))
    widths = [bar.width for bar in chart.bars]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert max(widths) + LEFT < WIDTH  # the count fits after the longest
    assert [bar.y for bar in chart.bars] == [0, ROW, 2 * ROW]
    assert (chart.total, chart.height) == (6, 3 * ROW)


def test_no_votes_no_bars_and_answers_counted_as_pairs() -> None:
    chart = bars((("A", "A", 0), ("B", "B", 0)))
    assert [bar.width for bar in chart.bars] == [0, 0] and chart.total == 0
    assert bars(()).height == ROW  # an empty chart still has a row for its caption
    answers = bars(((7, 3), ("a very long answer that goes on and on and on", 1)))
    assert [(b.key, b.count) for b in answers.bars] == [("7", 3), (answers.bars[1].key, 1)]
    assert answers.bars[1].label.endswith("…") and len(answers.bars[1].label) == 28
