"""The cohort report's statistics, from well-kept libraries (statsmodels, scipy, lifelines).

Pure functions of counts and lists: no database. Every interval is 95%. The libraries are imported where they are
used: together they take seconds to import, which every web and worker process would otherwise pay at start-up.
"""

from dataclasses import dataclass

# Chi-square is trusted only when every expected cell count reaches this; otherwise Fisher's exact test.
CHI_SQUARE_MIN_EXPECTED = 5
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 2026
BOOTSTRAP_BATCH_VALUES = 5_000_000
# Above this many values, and with at most 1 distinct value for every BOOTSTRAP_DISTINCT_SHARE, the resamples are drawn
# as counts of the distinct values (see mean_bootstrap): at national size (750,000 people in a group) resampling every
# value took minutes a figure.
BOOTSTRAP_BY_COUNTS_ABOVE = 10_000
BOOTSTRAP_DISTINCT_SHARE = 20


@dataclass(frozen=True)
class Proportion:
    count: int
    n: int
    low: float | None
    high: float | None

    @property
    def value(self) -> float | None:
        return self.count / self.n if self.n else None


def proportion_wilson(count: int, n: int) -> Proportion:
    """The share with a Wilson score 95% interval (good for small groups and shares near 0 or 1)."""
    from statsmodels.stats.proportion import proportion_confint

    if n == 0:
        return Proportion(count, n, None, None)
    low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
    return Proportion(count, n, float(low), float(high))


@dataclass(frozen=True)
class Comparison:
    """Group A against group B (the reference): A - B and A / B with intervals, and a test of no difference."""

    risk_difference: float
    difference_low: float
    difference_high: float
    relative_risk: float | None
    ratio_low: float | None
    ratio_high: float | None
    p_value: float
    test: str


def proportions_compare(count_a: int, n_a: int, count_b: int, n_b: int) -> Comparison | None:
    """Risk difference (Newcombe's score interval) and relative risk (log interval), with Fisher's or chi-square p.

    Returns None when either group is empty.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    if not n_a or not n_b:
        return None
    difference_low, difference_high = confint_proportions_2indep(count_a, n_a, count_b, n_b, method="newcomb", compare="diff")
    if count_a and count_b:
        ratio_low, ratio_high = confint_proportions_2indep(count_a, n_a, count_b, n_b, method="log", compare="ratio")
        relative_risk = (count_a / n_a) / (count_b / n_b)
    else:
        ratio_low = ratio_high = relative_risk = None
    p_value, test = two_by_two_test(count_a, n_a, count_b, n_b)
    return Comparison(
        risk_difference=count_a / n_a - count_b / n_b, difference_low=float(difference_low), difference_high=float(difference_high),
        relative_risk=relative_risk, ratio_low=None if ratio_low is None else float(ratio_low),
        ratio_high=None if ratio_high is None else float(ratio_high), p_value=p_value, test=test,
    )


def two_by_two_test(count_a: int, n_a: int, count_b: int, n_b: int) -> tuple[float, str]:
    """Pearson's chi-square (no continuity correction) when every expected cell is at least 5, else Fisher's exact."""
    import numpy as np
    from scipy import stats

    table = np.array([[count_a, n_a - count_a], [count_b, n_b - count_b]])
    column_totals = table.sum(axis=0)
    if 0 in column_totals:
        return 1.0, "none: nobody (or everybody) reoffended"
    expected = stats.contingency.expected_freq(table)
    if expected.min() >= CHI_SQUARE_MIN_EXPECTED:
        return float(stats.chi2_contingency(table, correction=False).pvalue), "chi-square"
    return float(stats.fisher_exact(table).pvalue), "Fisher's exact"


def per_hundred(count: int, n: int) -> float | None:
    return 100 * count / n if n else None


@dataclass(frozen=True)
class MeanInterval:
    mean: float | None
    low: float | None
    high: float | None
    n: int


def mean_bootstrap(values: list[float]) -> MeanInterval:
    """The mean with a percentile bootstrap 95% interval: harm is very skewed, so no normal approximation."""
    import numpy as np
    from scipy import stats

    n = len(values)
    if n == 0:
        return MeanInterval(None, None, None, 0)
    data = np.asarray(values, dtype=float)
    if n == 1 or np.all(data == data[0]):
        return MeanInterval(float(data.mean()), float(data.mean()), float(data.mean()), n)
    if n > BOOTSTRAP_BY_COUNTS_ABOVE:
        distinct, counts = np.unique(data, return_counts=True)
        if len(distinct) * BOOTSTRAP_DISTINCT_SHARE <= n:
            low, high = _bootstrap_by_counts(distinct, counts)
            return MeanInterval(float(data.mean()), low, high, n)
    result = stats.bootstrap(
        (data,), np.mean, n_resamples=BOOTSTRAP_RESAMPLES, confidence_level=0.95, method="percentile",
        random_state=np.random.default_rng(BOOTSTRAP_SEED), vectorized=True,
        # Resamples in batches of about 5 million values (40 MB): all 2,000 at once for 600,000 people is 9.6 GB.
        # Small groups (every test) still take them in one batch, so the interval is the same as before.
        batch=max(1, BOOTSTRAP_BATCH_VALUES // n),
    )
    return MeanInterval(float(data.mean()), float(result.confidence_interval.low), float(result.confidence_interval.high), n)


def _bootstrap_by_counts(distinct, counts) -> tuple[float, float]:
    """The percentile bootstrap 95% interval of the mean of `counts[i]` copies of each `distinct[i]`, resampling counts.

    A resample of n values drawn with replacement holds each distinct value a multinomial number of times (n draws,
    each value's share as its probability), so its mean is the counts' weighted mean: the same bootstrap distribution
    as resampling the n values one by one (scipy.stats.bootstrap), drawn with k numbers a resample instead of n. The
    same resample count, seed and percentile interpolation (linear) as mean_bootstrap's scipy path.
    """
    import numpy as np

    n = int(counts.sum())
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    batch = max(1, BOOTSTRAP_BATCH_VALUES // len(distinct))
    means = []
    for start in range(0, BOOTSTRAP_RESAMPLES, batch):
        drawn = rng.multinomial(n, counts / n, size=min(batch, BOOTSTRAP_RESAMPLES - start))
        means.append(drawn @ distinct / n)
    low, high = np.quantile(np.concatenate(means), [0.025, 0.975])
    return float(low), float(high)


@dataclass(frozen=True)
class SurvivalPoint:
    day: int
    still_not_reoffended: float
    at_risk: int


def kaplan_meier(days: list[int], events: list[bool]) -> list[SurvivalPoint]:
    """Kaplan-Meier estimate of the share not yet reoffending, at each day something happened.

    `days` is the time to the first reoffence (event) or to the end of what was
    observed (censored: the follow-up has not yet passed, or ended without one).
    """
    from lifelines import KaplanMeierFitter

    if not days:
        return []
    durations, observed, weights = tied(days, events)
    fitter = KaplanMeierFitter().fit(durations, event_observed=observed, weights=weights)
    table = fitter.event_table
    survival = fitter.survival_function_.iloc[:, 0]
    return [SurvivalPoint(int(day), float(survival.loc[day]), int(table.loc[day, "at_risk"])) for day in survival.index]


def tied(days: list[int], events: list[bool]):
    """(durations, events, weights): each distinct (day, event) once, weighted by how many share it.

    lifelines' Kaplan-Meier and log-rank work from the table of events and people at risk by day, which counts the
    same with the ties given as weights: identical figures, from hundreds of rows instead of a million.
    """
    import numpy as np

    pairs, weights = np.unique(np.column_stack([np.asarray(days, dtype=np.int64), np.asarray(events, dtype=np.int64)]),
                               axis=0, return_counts=True)
    return pairs[:, 0], pairs[:, 1].astype(bool), weights


def mean_t_interval(values: list[float]) -> MeanInterval:
    """The mean with its 95% t interval (mean ± t(0.975, n - 1) × s / √n): survey scores are bounded and near normal
    when averaged over items. No interval below two values; none is needed when every value is the same."""
    n = len(values)
    if n == 0:
        return MeanInterval(None, None, None, 0)
    mean = sum(values) / n
    if n == 1 or all(value == values[0] for value in values):
        return (MeanInterval(mean, None, None, n) if n == 1 else MeanInterval(mean, mean, mean, n))
    from statsmodels.stats.weightstats import DescrStatsW

    low, high = DescrStatsW(values).tconfint_mean(alpha=0.05)
    return MeanInterval(float(mean), float(low), float(high), n)
