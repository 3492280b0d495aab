"""ITT, per protocol and CACE against figures computed here independently (numpy's two-stage least squares)."""

import numpy as np
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from trials import analysis
from trials.analysis import Person


def people_of(spec: list[tuple[bool, bool, bool, bool, int]]) -> list[Person]:
    """(treatment arm, received the scheme, reoffended, as allocated... computed, how many)."""
    people = []
    for treatment_arm, received, reoffended, count in spec:
        as_allocated = received if treatment_arm else not received
        people += [Person(treatment_arm, received, as_allocated, reoffended, 10.0 if reoffended else 0.0)] * count
    return people


# 120 in the treatment arm (90 received the scheme, 30 did not), 100 in control (10 crossed over to the scheme).
TRIAL = people_of([
    (True, True, True, 15), (True, True, False, 75),
    (True, False, True, 12), (True, False, False, 18),
    (False, False, True, 27), (False, False, False, 63),
    (False, True, True, 2), (False, True, False, 8),
])


def test_intention_to_treat_and_per_protocol_count_the_right_people():
    itt = analysis.intention_to_treat(TRIAL)
    assert (itt.treatment.share.count, itt.treatment.share.n) == (27, 120)
    assert (itt.control.share.count, itt.control.share.n) == (29, 100)
    assert itt.comparison.risk_difference == pytest.approx(27 / 120 - 29 / 100)
    per_protocol = analysis.per_protocol(TRIAL)
    assert (per_protocol.treatment.share.count, per_protocol.treatment.share.n) == (15, 90)
    assert (per_protocol.control.share.count, per_protocol.control.share.n) == (27, 90)
    assert per_protocol.comparison.relative_risk == pytest.approx((15 / 90) / (27 / 90))
    assert itt.treatment.harm.mean == pytest.approx(27 * 10 / 120)


def test_cace_is_the_wald_ratio_and_matches_two_stage_least_squares_with_a_robust_interval():
    result = analysis.cace(TRIAL)
    itt_y = 27 / 120 - 29 / 100
    itt_d = 90 / 120 - 10 / 100
    assert result.estimate == pytest.approx(itt_y / itt_d)
    assert result.first_stage == pytest.approx(itt_d)
    # Independently: 2SLS in matrix form, y = a + b d, instrumented by z, with the HC0 sandwich variance.
    z = np.array([p.treatment_arm for p in TRIAL], dtype=float)
    d = np.array([p.received_scheme for p in TRIAL], dtype=float)
    y = np.array([p.reoffended for p in TRIAL], dtype=float)
    Z = np.column_stack([np.ones_like(z), z])
    X = np.column_stack([np.ones_like(d), d])
    beta = np.linalg.solve(Z.T @ X, Z.T @ y)
    u = y - X @ beta
    bread = np.linalg.inv(Z.T @ X)
    meat = Z.T @ np.diag(u ** 2) @ Z
    se = float(np.sqrt((bread @ meat @ bread.T)[1, 1]))
    assert result.estimate == pytest.approx(beta[1])
    assert (result.low, result.high) == (pytest.approx(beta[1] - 1.959964 * se), pytest.approx(beta[1] + 1.959964 * se))
    assert analysis.cace_shown(TRIAL)


def test_no_cace_without_a_first_stage_or_an_arm():
    nobody_moved = people_of([(True, False, True, 20), (True, False, False, 20), (False, False, True, 20), (False, False, False, 20)])
    assert analysis.cace(nobody_moved) is None
    assert analysis.cace([p for p in TRIAL if p.treatment_arm]) is None


@override_settings(DISCLOSURE_THRESHOLD=10)
def test_small_arms_and_counts_are_hidden_as_on_the_cohort_report():
    small = people_of([(True, True, True, 3), (True, True, False, 20), (False, False, True, 12), (False, False, False, 15)])
    itt = analysis.intention_to_treat(small)
    assert not itt.treatment.shown.shown and itt.treatment.shown.count.text == "fewer than 10"
    assert itt.comparison is None
    assert not analysis.cace_shown(small)
    assert itt.control.shown.shown


@pytest.mark.django_db
def test_the_analysis_page_reads_the_published_check_and_marks_an_interim_look(client):
    from cases.tests.factories import AwaitingAllocationCaseFactory
    from evaluation.models import HarmWeightSet, ReoffendingCheckRun, ReoffendingDefinition, ReoffendingResult
    from trials.models import Allocation
    from trials.services import case_randomise
    from trials.tests.factories import RunningTrialFactory

    trial = RunningTrialFactory(treatment_window_days=1)
    for _ in range(24):
        case = AwaitingAllocationCaseFactory()
        case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by, today=timezone.localdate())
    # Randomised long enough ago for the treatment window to have passed (a queryset update: the model refuses edits).
    Allocation.objects.filter(trial=trial).update(randomised_at=timezone.now() - timezone.timedelta(days=10))
    definition = ReoffendingDefinition.objects.filter(is_active=True).first()
    months = definition.follow_up_months[0]
    run = ReoffendingCheckRun.objects.create(definition=definition, as_of=timezone.localdate(), status="published",
                                             weight_set=HarmWeightSet.objects.first(), published_at=timezone.now())
    today = timezone.localdate()
    for index, allocation in enumerate(Allocation.objects.filter(trial=trial)):
        ReoffendingResult.objects.create(run=run, case=allocation.case, follow_up_months=months, start_date=today,
                                         window_end=today, reached_follow_up=True, observed_days=365,
                                         reoffended=index % 3 == 0, reoffence_count=int(index % 3 == 0),
                                         harm_after=5 if index % 3 == 0 else 0, harm_before=0)
    client.force_login(trial.created_by)
    page = client.get(reverse("trials:analysis", args=[trial.pk]), {"measure": f"{definition.pk}-{months}"}).content.decode()
    assert 'data-testid="interim"' in page
    assert "Intention to treat: everyone as randomised" in page and "Per protocol" in page
    assert "Complier average causal effect" in page
    # Nobody in the scheme arm signed a contract: randomisation moved nobody, so there is no CACE to estimate.
    assert "Not estimable" in page or "Not shown" in page
    assert "fewer than 10" in page  # 12 per arm, 4 reoffending in each: hidden
