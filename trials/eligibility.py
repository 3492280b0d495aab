"""Who a trial may randomise: the scheme's own rules (as stored by the eligibility engine at submission) plus the
trial's. Pure, and shaped as the engine's results (`RuleResult`, pass or fail with a plain-English reason), so the
officer reads them as they read the check at intake."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cases.eligibility import ELIGIBLE, FAIL, PASS, RuleResult

ROUTE_NAMES = {"deferred_caution": "deferred caution", "deferred_charge": "deferred charge"}


@dataclass(frozen=True)
class TrialCriteria:
    min_age: int | None
    max_age: int | None
    routes: Sequence[str]
    include_overrides: bool


@dataclass(frozen=True)
class Submission:
    """What was locked at submission: the stored assessment and the baseline."""

    assessment_outcome: str  # the engine's outcome: eligible / ineligible
    overridden: bool
    answers: Mapping[str, object]
    age: int
    route: str


def trial_eligibility(submission: Submission, criteria: TrialCriteria) -> list[RuleResult]:
    results = []
    if submission.assessment_outcome == ELIGIBLE:
        results.append(RuleResult("scheme", "The scheme's rules", PASS, "Every rule of the scheme was met at submission."))
    elif submission.overridden and criteria.include_overrides:
        results.append(RuleResult("scheme", "The scheme's rules", PASS,
                                  "Submitted by override, and this trial takes cases submitted by override."))
    else:
        results.append(RuleResult("scheme", "The scheme's rules", FAIL,
                                  "Submitted by override: this trial takes only cases that met every rule of the scheme."))
    consented = submission.answers.get("consent") == "yes"
    results.append(RuleResult("consent", "Consent", PASS if consented else FAIL,
                              "The person consented at intake." if consented else "The person's consent is not recorded."))
    low, high = criteria.min_age, criteria.max_age
    if low is not None or high is not None:
        inside = (low is None or submission.age >= low) and (high is None or submission.age <= high)
        span = f"{low if low is not None else 18} to {high}" if high is not None else f"{low} and over"
        results.append(RuleResult("age", "Age", PASS if inside else FAIL,
                                  f"Aged {submission.age} on the offence date; the trial takes people aged {span}."))
    if criteria.routes:
        inside = submission.route in criteria.routes
        wanted = " or ".join(ROUTE_NAMES.get(route, route) for route in criteria.routes)
        results.append(RuleResult("route", "Route", PASS if inside else FAIL,
                                  f"The route is {ROUTE_NAMES.get(submission.route, 'not set')}; the trial takes {wanted}."))
    return results


def is_eligible(results: Sequence[RuleResult]) -> bool:
    return all(result.outcome == PASS for result in results)
