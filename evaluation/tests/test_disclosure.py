"""Disclosure control on hand-made small groups: primary suppression, secondary suppression, the rule in words."""

import itertools

import pytest

from evaluation import disclosure
from evaluation.disclosure import PRIMARY, SECONDARY


def hidden(table):
    """The positions hidden, as {(row, column): kind}, margins included (row total: column -1; column total: row -1)."""
    out = {}
    for i, row in enumerate(table.cells):
        for j, c in enumerate(row):
            if c.suppressed:
                out[(i, j)] = c.suppressed
    for i, c in enumerate(table.row_totals or []):
        if c.suppressed:
            out[(i, -1)] = c.suppressed
    for j, c in enumerate(table.column_totals or []):
        if c.suppressed:
            out[(-1, j)] = c.suppressed
    if table.grand_total is not None and table.grand_total.suppressed:
        out[(-1, -1)] = table.grand_total.suppressed
    return out


def recoverable(table):
    """Every hidden figure a reader could work out by adding up one line: none may exist."""
    n_rows, n_cols = len(table.cells), len(table.cells[0])
    lines = []
    if table.row_totals:
        lines += [([c for c in table.cells[i]], table.row_totals[i]) for i in range(n_rows)]
    if table.column_totals:
        lines += [([table.cells[i][j] for i in range(n_rows)], table.column_totals[j]) for j in range(n_cols)]
    if table.row_totals and table.column_totals:
        lines.append((table.row_totals, table.grand_total))
        lines.append((table.column_totals, table.grand_total))
    found = []
    for parts, total in lines:
        members = parts + [total]
        if sum(1 for c in members if c.suppressed) == 1:
            found.append(next(c for c in members if c.suppressed))
    return found


def test_the_threshold_comes_from_the_setting(settings):
    settings.DISCLOSURE_THRESHOLD = 5
    assert disclosure.threshold() == 5
    assert disclosure.cell(4).text == "fewer than 5"
    assert disclosure.cell(5).text == "5"
    assert "below 5" in disclosure.rule_statement()


def test_default_threshold_is_ten(settings):
    del settings.DISCLOSURE_THRESHOLD
    assert disclosure.threshold() == 10


@pytest.mark.parametrize("count, text", [(0, "fewer than 10"), (1, "fewer than 10"), (9, "fewer than 10"), (10, "10"), (250, "250")])
def test_a_lone_count_below_the_threshold_is_shown_as_fewer_than(count, text):
    assert disclosure.cell(count, 10).text == text


def test_a_group_of_three_shows_no_rate_or_interval():
    # The example: "33.3% (6.1-79.2%)" for 1 of 3.
    result = disclosure.share(1, 3, 10)
    assert result.suppressed == PRIMARY and result.text == "fewer than 10"
    assert result.count.text == "fewer than 10" and result.n.text == "fewer than 10"


def test_a_small_count_in_a_large_group_hides_the_count_and_rate_but_not_the_group():
    result = disclosure.share(4, 120, 10)
    assert result.suppressed == PRIMARY
    assert result.count.text == "fewer than 10" and result.n.text == "120"


def test_a_small_complement_hides_the_count_as_withheld():
    # 48 of 50 reoffended: the rate and the count would show that 2 did not.
    result = disclosure.share(48, 50, 10)
    assert result.suppressed == SECONDARY and result.text == "withheld"
    assert result.count.text == "withheld" and result.n.text == "50"


def test_a_share_with_both_parts_large_is_shown():
    result = disclosure.share(19, 100, 10)
    assert result.shown and result.count.text == "19" and result.n.text == "100"


def test_one_small_group_in_a_breakdown_with_a_total_hides_the_next_smallest():
    cells, total = disclosure.suppress_counts([40, 3, 25, 60], limit=10)
    assert [c.text for c in cells] == ["40", "fewer than 10", "withheld", "60"]
    assert total.text == "128"
    # 128 - 40 - 60 = 28: the two hidden groups together, not either of them.


def test_a_breakdown_without_a_total_needs_no_second_figure_hidden():
    cells, total = disclosure.suppress_counts([40, 3, 25], total=False, limit=10)
    assert [c.text for c in cells] == ["40", "fewer than 10", "25"] and total is None


def test_two_small_groups_protect_each_other_when_together_they_reach_the_threshold():
    cells, total = disclosure.suppress_counts([40, 6, 5, 60], limit=10)
    assert [c.suppressed for c in cells] == ["", PRIMARY, PRIMARY, ""] and total.text == "111"


def test_small_groups_that_add_up_to_a_small_group_take_another_with_them():
    # 105 less 40 and 60 would give back 5: the two hidden groups together, a small group.
    cells, total = disclosure.suppress_counts([40, 3, 2, 60], limit=10)
    assert [c.suppressed for c in cells] == [SECONDARY, PRIMARY, PRIMARY, ""] and total.text == "105"
    # Hidden zeros would be given back as zeros the same way.
    cells, total = disclosure.suppress_counts([40, 0, 0, 60], limit=10)
    assert [c.suppressed for c in cells] == [SECONDARY, PRIMARY, PRIMARY, ""]
    # With nothing else to hide, the total goes.
    cells, total = disclosure.suppress_counts([3, 2, 60], limit=10)
    assert [c.suppressed for c in cells] == [PRIMARY, PRIMARY, SECONDARY] and total.text == "65"


def test_a_small_total_is_hidden_with_all_its_parts():
    cells, total = disclosure.suppress_counts([3, 4], limit=10)
    assert all(c.suppressed == PRIMARY for c in cells) and total.suppressed == PRIMARY


def test_a_two_way_table_hides_a_second_cell_in_the_row_and_column_and_a_fourth_to_close_the_rectangle():
    counts = [
        [20, 30, 40],
        [25, 4, 50],
        [35, 45, 55],
    ]
    table = disclosure.suppress_table(counts, limit=10)
    marks = hidden(table)
    assert marks[(1, 1)] == PRIMARY
    # The row (25, 4, 50 | 79) and the column (30, 4, 45 | 79) each get their smallest other cell hidden,
    # which leaves row 0 and column 0 each with one: the smallest that closes the rectangle is hidden too.
    assert marks[(1, 0)] == SECONDARY and marks[(0, 1)] == SECONDARY and marks[(0, 0)] == SECONDARY
    assert len(marks) == 4
    assert recoverable(table) == []


def test_no_hidden_figure_can_be_added_back_from_any_line_on_many_small_tables():
    values = [0, 2, 7, 12, 30]
    for combination in itertools.product(values, repeat=4):
        counts = [list(combination[:2]), list(combination[2:])]
        for row_totals, column_totals in [(True, True), (True, False), (False, True)]:
            table = disclosure.suppress_table(counts, row_totals=row_totals, column_totals=column_totals, limit=10)
            assert recoverable(table) == [], (counts, row_totals, column_totals)
            for i, j in itertools.product(range(2), range(2)):
                assert table.cells[i][j].shown == (counts[i][j] >= 10 and table.cells[i][j].suppressed == "")
                if counts[i][j] < 10:
                    assert table.cells[i][j].suppressed == PRIMARY


def test_shares_in_a_breakdown_hide_a_small_complement_and_protect_it_from_the_totals():
    # Area A: 12 of 14 reoffended (2 did not); B: 20 of 60; C: 30 of 80. Overall 62 of 154 shown.
    shares, overall = disclosure.suppress_shares([(12, 14), (20, 60), (30, 80)], limit=10)
    a, b, c = shares
    assert not a.shown and a.count.suppressed == SECONDARY  # 12 would give back the 2 through n = 14
    # The 2 who did not reoffend in A are hidden; the column of "did not" gets a second figure hidden (B's 40),
    # which in turn hides B's count so that B's row does not give it back.
    assert not b.shown and b.count.suppressed == SECONDARY
    assert c.shown and c.count.text == "30" and c.n.text == "80"
    assert overall.shown and overall.count.text == "62" and overall.n.text == "154"
    # What remains visible cannot give back A's 2: A's count and B's count are both hidden, so 62 - 30 = 32 is their sum.
    assert a.count.value + b.count.value == 62 - 30


def test_a_group_of_three_in_a_breakdown_hides_its_size_and_another_group():
    shares, overall = disclosure.suppress_shares([(1, 3), (20, 60), (30, 80)], limit=10)
    assert shares[0].suppressed == PRIMARY and shares[0].n.text == "fewer than 10"
    assert shares[1].n.suppressed == SECONDARY  # else 143 - 60 - 80 gives back the 3
    assert shares[2].shown and overall.shown


def test_the_rule_is_stated_in_words():
    text = disclosure.rule_statement(10)
    assert "below 10" in text and "fewer than 10" in text and "withheld" in text


def test_a_threshold_of_zero_shows_everything(settings):
    settings.DISCLOSURE_THRESHOLD = 0
    assert disclosure.cell(0).shown and disclosure.share(3, 3).shown
    cells, total = disclosure.suppress_counts([1, 2])
    assert all(c.shown for c in cells) and total.shown


def test_an_empty_breakdown_has_nothing_to_show_and_no_error():
    assert disclosure.suppress_counts([], limit=10) == ([], disclosure.cell(0, 10))
    shares, overall = disclosure.suppress_shares([], limit=10)
    assert shares == [] and not overall.shown
    assert disclosure.suppress_counts([], total=False, limit=10) == ([], None)


def test_an_enclosing_group_is_withheld_when_less_its_shown_groups_it_leaves_a_small_one():
    # All who started: 60 of 200. Completed 40 of 150 shown; breached 15 of 45 shown; 5 of 5 withdrew after starting.
    assert disclosure.remainder_small((60, 200), [(40, 150), (15, 45)], limit=10)
    # Breached hidden: 200 less 150 is 50 people, 20 reoffending: nothing small is given back.
    assert not disclosure.remainder_small((60, 200), [(40, 150)], limit=10)
    # ... unless those left are nearly all one way: 48 of 50 would give back the 2 who did not.
    assert disclosure.remainder_small((88, 200), [(40, 150)], limit=10)
    # Nothing left over gives nothing back.
    assert not disclosure.remainder_small((55, 195), [(40, 150), (15, 45)], limit=10)
    assert disclosure.withheld(disclosure.share(60, 200, limit=10)).text == "withheld"


def test_an_enclosing_group_s_lone_count_withholds_it_when_shown_and_its_remainder_is_small():
    shares = [((60, 200), [(40, 150), (20, 50)])]  # nothing left over
    # 30 censored, 25 of them in the groups inside shown: the 5 left are given back.
    assert disclosure.enclosing_withheld(pairs=shares, counts=[(30, [20, 5])], limit=10)
    # A part hidden (None) is not subtracted: 10 left.
    assert not disclosure.enclosing_withheld(pairs=shares, counts=[(30, [20, None])], limit=10)
    # The enclosing count hidden itself ("fewer than 10"): nothing to subtract from.
    assert not disclosure.enclosing_withheld(pairs=shares, counts=[(8, [5])], limit=10)
    # Nothing left gives nothing back; a pair's small remainder is enough.
    assert not disclosure.enclosing_withheld(pairs=shares, counts=[(30, [20, 10])], limit=10)
    assert disclosure.enclosing_withheld(pairs=[((60, 200), [(40, 150), (15, 45)])], counts=[], limit=10)
