"""The trial's analysis: intention to treat and per protocol side by side, and the complier average causal effect.

Pure functions over one row per randomised person whose follow-up is reached (no database). The same statistics as
the cohort report (evaluation/statistics.py: Wilson intervals per arm; risk difference with Newcombe's interval,
relative risk, Fisher's or chi-square test between arms; bootstrap means of harm) and its disclosure control
(evaluation/disclosure.py: a count, group or complement below the threshold hides the figures built on it).

- **Intention to treat**: everyone as randomised, whatever they received (exclusions after randomisation left out,
  as the CONSORT diagram shows).
- **Per protocol**: only those who received what they were allocated.
- **CACE** (complier average causal effect, Angrist, Imbens and Rubin 1996): the Wald / instrumental-variable
  estimator with randomisation (Z) as the instrument for receiving the scheme (D): the ITT effect on the outcome
  divided by the ITT effect on receipt, cov(Z, Y) / cov(Z, D). Its 95% interval uses the heteroskedasticity-robust
  (HC0) sandwich variance of that just-identified two-stage least squares estimate, sum((z - z̄)² u²) /
  (sum((z - z̄)(d - d̄)))², with u = (y - ȳ) - β (d - d̄). Reported only when randomisation moved receipt (the
  first stage is not zero).
"""

import math
from dataclasses import dataclass

from evaluation import disclosure
from evaluation import statistics as stats

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Person:
    treatment_arm: bool  # Z: randomised to the arm being tested
    received_scheme: bool  # D: received the treatment arm's intervention (a control person may have crossed over)
    as_allocated: bool  # received what they were allocated
    reoffended: bool  # Y
    harm_after: float


@dataclass(frozen=True)
class ArmFigures:
    share: stats.Proportion
    shown: disclosure.Share
    harm: stats.MeanInterval
    harm_shown: bool


@dataclass(frozen=True)
class Analysis:
    label: str
    treatment: ArmFigures
    control: ArmFigures
    comparison: stats.Comparison | None  # None when hidden (a group or count too small) or a group is empty


@dataclass(frozen=True)
class Cace:
    estimate: float
    low: float
    high: float
    first_stage: float  # the difference in the share receiving the scheme, treatment minus control arm
    n: int


def _arm(people: list[Person]) -> ArmFigures:
    count, n = sum(person.reoffended for person in people), len(people)
    return ArmFigures(stats.proportion_wilson(count, n), disclosure.share(count, n),
                      stats.mean_bootstrap([person.harm_after for person in people]), disclosure.group_shown(n))


def compare(label: str, people: list[Person]) -> Analysis:
    treatment = [person for person in people if person.treatment_arm]
    control = [person for person in people if not person.treatment_arm]
    figures_t, figures_c = _arm(treatment), _arm(control)
    comparison = None
    if figures_t.shown.shown and figures_c.shown.shown:
        comparison = stats.proportions_compare(figures_t.share.count, figures_t.share.n, figures_c.share.count, figures_c.share.n)
    return Analysis(label, figures_t, figures_c, comparison)


def intention_to_treat(people: list[Person]) -> Analysis:
    return compare("Intention to treat: everyone as randomised", people)


def per_protocol(people: list[Person]) -> Analysis:
    return compare("Per protocol: those who received what they were allocated", [p for p in people if p.as_allocated])


def cace(people: list[Person]) -> Cace | None:
    """The Wald / IV estimate with its robust 95% interval; None without both arms or without a first stage."""
    n = len(people)
    treated = sum(person.treatment_arm for person in people)
    if n == 0 or treated in (0, n):
        return None
    z = [float(person.treatment_arm) for person in people]
    d = [float(person.received_scheme) for person in people]
    y = [float(person.reoffended) for person in people]
    z_mean, d_mean, y_mean = sum(z) / n, sum(d) / n, sum(y) / n
    szd = sum((zi - z_mean) * (di - d_mean) for zi, di in zip(z, d))
    if abs(szd) < 1e-12:
        return None
    szy = sum((zi - z_mean) * (yi - y_mean) for zi, yi in zip(z, y))
    beta = szy / szd
    residuals = [(yi - y_mean) - beta * (di - d_mean) for yi, di in zip(y, d)]
    variance = sum((zi - z_mean) ** 2 * ui ** 2 for zi, ui in zip(z, residuals)) / szd ** 2
    se = math.sqrt(variance)
    first_stage = (sum(di for zi, di in zip(z, d) if zi) / treated) - (sum(di for zi, di in zip(z, d) if not zi) / (n - treated))
    return Cace(beta, beta - Z_95 * se, beta + Z_95 * se, first_stage, n)


def cace_shown(people: list[Person]) -> bool:
    """The CACE rests on each arm's size and counts of reoffending and of receipt: hidden when any is small (a count of
    receipt of none or all of an arm is the design, not a person, and does not hide it)."""
    for arm in (True, False):
        group = [person for person in people if person.treatment_arm == arm]
        n = len(group)
        if disclosure.is_small(n) or not disclosure.share(sum(p.reoffended for p in group), n).shown:
            return False
        received = sum(p.received_scheme for p in group)
        if received not in (0, n) and not disclosure.share(received, n).shown:
            return False
    return True
