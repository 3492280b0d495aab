"""The report's statistics against independent computations, and the worked example of the scheme's own figures."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from evaluation import statistics

counts = st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


def wilson_by_hand(count, n, z=1.959963984540054):
    """The Wilson score interval from its formula (Wilson 1927), not from a library."""
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@settings(max_examples=60, deadline=None)
@given(counts)
def test_wilson_interval_equals_the_formula_to_6_places(pair):
    count, n = pair
    proportion = statistics.proportion_wilson(count, n)
    low, high = wilson_by_hand(count, n)
    assert proportion.low == pytest.approx(low, abs=1e-6)
    assert proportion.high == pytest.approx(high, abs=1e-6)


def chi_square_by_hand(a, b, c, d):
    """Pearson's X² of a 2x2 table without continuity correction, N(ad - bc)² / (r1 r2 c1 c2), and its p on 1 df."""
    n = a + b + c + d
    x2 = n * (a * d - b * c) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    return x2, math.erfc(math.sqrt(x2 / 2))  # the upper tail of chi-square on 1 df


def fisher_by_hand(a, b, c, d):
    """Two-sided Fisher's exact p: every table with the same margins at most as likely as the one seen."""
    row, column, n = a + b, a + c, a + b + c + d
    def chance(x):
        return math.comb(column, x) * math.comb(n - column, row - x) / math.comb(n, row)
    seen = chance(a)
    return sum(chance(x) for x in range(max(0, row + column - n), min(row, column) + 1) if chance(x) <= seen * (1 + 1e-7))


@settings(max_examples=60, deadline=None)
@given(counts, counts)
def test_p_value_is_chi_square_when_every_expected_cell_is_5_or_more_else_fisher_to_6_places(a, b):
    (count_a, n_a), (count_b, n_b) = a, b
    p, test = statistics.two_by_two_test(count_a, n_a, count_b, n_b)
    cells = (count_a, n_a - count_a, count_b, n_b - count_b)
    table = [[count_a, n_a - count_a], [count_b, n_b - count_b]]
    total, events = n_a + n_b, count_a + count_b
    expected = [n * k / total for n in (n_a, n_b) for k in (events, total - events)]
    if events in (0, total):
        assert p == 1.0
    elif min(expected) >= 5:
        assert test == "chi-square"
        assert p == pytest.approx(chi_square_by_hand(*cells)[1], abs=1e-6)
        assert p == pytest.approx(scipy_stats.chi2_contingency(table, correction=False)[1], abs=1e-6)
    else:
        assert test == "Fisher's exact"
        assert p == pytest.approx(fisher_by_hand(*cells), abs=1e-6)
        assert p == pytest.approx(scipy_stats.fisher_exact(table)[1], abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(counts, counts)
def test_relative_risk_interval_equals_the_log_method_by_hand(a, b):
    (count_a, n_a), (count_b, n_b) = a, b
    comparison = statistics.proportions_compare(count_a, n_a, count_b, n_b)
    assert comparison.risk_difference == pytest.approx(count_a / n_a - count_b / n_b, abs=1e-12)
    if count_a and count_b:
        rr = (count_a / n_a) / (count_b / n_b)
        se = math.sqrt(1 / count_a - 1 / n_a + 1 / count_b - 1 / n_b)
        assert comparison.relative_risk == pytest.approx(rr, abs=1e-6)
        assert comparison.ratio_low == pytest.approx(rr * math.exp(-1.959963984540054 * se), abs=1e-6)
        assert comparison.ratio_high == pytest.approx(rr * math.exp(1.959963984540054 * se), abs=1e-6)
    else:
        assert comparison.relative_risk is None


@settings(max_examples=60, deadline=None)
@given(counts, counts)
def test_risk_difference_interval_is_newcombe_s_hybrid_score_interval(a, b):
    """Newcombe (1998) method 10, from the two Wilson intervals."""
    (count_a, n_a), (count_b, n_b) = a, b
    comparison = statistics.proportions_compare(count_a, n_a, count_b, n_b)
    p1, p2 = count_a / n_a, count_b / n_b
    l1, u1 = wilson_by_hand(count_a, n_a)
    l2, u2 = wilson_by_hand(count_b, n_b)
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert comparison.difference_low == pytest.approx(low, abs=1e-6)
    assert comparison.difference_high == pytest.approx(high, abs=1e-6)


def test_worked_example_19_of_100_completers_against_40_of_100_who_chose_court():
    """What a statistician computes by hand for the scheme's published figures."""
    completers = statistics.proportion_wilson(19, 100)
    court = statistics.proportion_wilson(40, 100)
    comparison = statistics.proportions_compare(19, 100, 40, 100)
    # Wilson: 19% (12.5% to 27.8%) and 40% (30.9% to 49.8%).
    assert (round(completers.low, 4), round(completers.high, 4)) == (0.1251, 0.2778)
    assert (round(court.low, 4), round(court.high, 4)) == (0.3094, 0.4980)
    # 21 points fewer (8.4 to 32.8 fewer, Newcombe); relative risk 0.475 (0.297 to 0.760, log method).
    assert round(comparison.risk_difference, 6) == -0.21
    assert (round(comparison.difference_low, 4), round(comparison.difference_high, 4)) == (-0.3275, -0.0838)
    assert round(comparison.relative_risk, 6) == 0.475
    assert (round(comparison.ratio_low, 4), round(comparison.ratio_high, 4)) == (0.2967, 0.7604)
    # Every expected cell is 29.5 or 70.5, so chi-square: X² = 10.60 on 1 df, p = 0.0011.
    assert comparison.test == "chi-square"
    x2, p = chi_square_by_hand(19, 81, 40, 60)
    assert round(x2, 4) == 10.6022
    assert round(comparison.p_value, 6) == round(p, 6) == 0.00113  # 0.0011295
    assert statistics.per_hundred(19, 100) == 19.0


def test_small_groups_use_fisher_s_exact_test():
    p, test = statistics.two_by_two_test(1, 10, 6, 10)
    assert test == "Fisher's exact"
    assert p == pytest.approx(0.057275, abs=1e-6)


def test_an_empty_group_gives_no_comparison_and_no_interval():
    assert statistics.proportions_compare(0, 0, 3, 10) is None
    assert statistics.proportion_wilson(0, 0).low is None


def test_bootstrap_interval_contains_the_mean_and_is_reproducible():
    harm = [0] * 40 + [1, 2, 2, 5, 10, 365, 0.5, 3]
    first, second = statistics.mean_bootstrap(harm), statistics.mean_bootstrap(harm)
    assert first == second
    assert first.mean == pytest.approx(np.mean(harm))
    assert first.low < first.mean < first.high
    # Skewed data: the interval reaches much further above the mean than below it.
    assert first.high - first.mean > first.mean - first.low


def test_kaplan_meier_by_hand():
    # Five people: reoffences on days 10 and 20, censored on 30, 365, 365.
    points = statistics.kaplan_meier([10, 20, 30, 365, 365], [True, True, False, False, False])
    survival = {point.day: point.still_not_reoffended for point in points}
    assert survival[10] == pytest.approx(4 / 5)
    assert survival[20] == pytest.approx(4 / 5 * 3 / 4)
    assert survival[365] == pytest.approx(0.6)


def test_a_large_group_s_bootstrap_by_counts_agrees_with_scipy_resampling_every_value(monkeypatch):
    # Above BOOTSTRAP_BY_COUNTS_ABOVE values with few distinct ones, the resamples are drawn as counts of the distinct
    # values: the same bootstrap distribution, so the interval agrees with scipy's to within the resampling's own noise.
    rng = np.random.default_rng(7)
    harm = list(rng.choice([0.0, 0.0, 0.0, 0.0, 1.0, 7.5, 10.0, 365.0, 3650.0], size=4000))
    by_counts = statistics.mean_bootstrap(harm)  # 4,000 values: below the threshold, scipy resamples every value
    monkeypatch.setattr(statistics, "BOOTSTRAP_BY_COUNTS_ABOVE", 1000)
    counted = statistics.mean_bootstrap(harm)
    assert counted != by_counts  # the other path was taken
    assert counted.mean == by_counts.mean == pytest.approx(np.mean(harm))
    reference = scipy_stats.bootstrap((np.asarray(harm),), np.mean, n_resamples=statistics.BOOTSTRAP_RESAMPLES,
                                      method="percentile", rng=np.random.default_rng(1)).confidence_interval
    spread = np.std(harm) / np.sqrt(len(harm))  # the mean's standard error
    assert counted.low == pytest.approx(reference.low, abs=0.25 * spread)
    assert counted.high == pytest.approx(reference.high, abs=0.25 * spread)
    assert statistics.mean_bootstrap(harm) == counted  # reproducible


def test_many_distinct_values_are_resampled_one_by_one(monkeypatch):
    monkeypatch.setattr(statistics, "BOOTSTRAP_BY_COUNTS_ABOVE", 10)
    values = [float(i) for i in range(100)]  # 100 distinct values in 100: counting them saves nothing
    reference = scipy_stats.bootstrap((np.asarray(values),), np.mean, n_resamples=statistics.BOOTSTRAP_RESAMPLES,
                                      method="percentile", rng=np.random.default_rng(statistics.BOOTSTRAP_SEED),
                                      vectorized=True, batch=statistics.BOOTSTRAP_BATCH_VALUES // 100).confidence_interval
    result = statistics.mean_bootstrap(values)
    assert (result.low, result.high) == (pytest.approx(reference.low), pytest.approx(reference.high))


def test_kaplan_meier_from_ties_as_weights_is_lifelines_on_every_person():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(3)
    days, events = list(rng.integers(0, 366, 3000)), list(rng.random(3000) < 0.3)
    every = KaplanMeierFitter().fit(days, event_observed=events)
    points = statistics.kaplan_meier(days, events)
    assert [p.day for p in points] == list(every.survival_function_.index)
    assert [p.still_not_reoffended for p in points] == pytest.approx(list(every.survival_function_.iloc[:, 0]), abs=1e-12)
    assert [p.at_risk for p in points] == list(every.event_table["at_risk"])
