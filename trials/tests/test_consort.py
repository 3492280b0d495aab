"""The CONSORT counts on a fixed simulated trial, the diagram drawn from them, and the CSV."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.tests.factories import AwaitingAllocationCaseFactory
from contracts.models import Contract
from oocr.audit.models import AccessLog
from trials import services
from trials.consort import consort_layout, consort_of, consort_rows
from trials.models import Allocation
from trials.tests.factories import RunningTrialFactory

pytestmark = pytest.mark.django_db


def _contract(case, user):
    Contract.objects.create(case=case, status=Contract.Status.ACTIVE, start_date=timezone.localdate(), created_by=user,
                            end_date=timezone.localdate() + timezone.timedelta(weeks=16))


def simulated_trial():
    """18 submissions while the trial ran: 3 closed ineligible, 2 on a route the trial does not take, 1 eligible but
    not randomised, 12 randomised. In each arm, by order of randomisation:
    scheme: 1st excluded (randomised in error), 2nd crossed over, 3rd and 4th signed a contract, the rest declined;
    usual: 1st signed a contract anyway, 2nd excluded (died), the rest the usual process.
    Follow-up reached: the scheme's 3rd and 5th, the usual arm's 3rd."""
    trial = RunningTrialFactory(routes=["deferred_caution"])
    manager = trial.created_by
    for _ in range(3):
        Case.objects.filter(pk=AwaitingAllocationCaseFactory().pk).update(status=Case.Status.INELIGIBLE)
    for _ in range(2):
        Case.objects.filter(pk=AwaitingAllocationCaseFactory().pk).update(route=Case.Route.DEFERRED_CHARGE)
    AwaitingAllocationCaseFactory()
    for _ in range(12):
        case = AwaitingAllocationCaseFactory()
        services.case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by)
    scheme = list(Allocation.objects.filter(trial=trial, arm__code="scheme").order_by("number"))
    usual = list(Allocation.objects.filter(trial=trial, arm__code="usual").order_by("number"))
    services.allocation_exclude(allocation_id=scheme[0].pk, user=manager, reason="randomised_in_error", details="")
    services.allocation_crossover_record(allocation_id=scheme[1].pk, user=manager, received_arm_id=usual[0].arm_id,
                                         reason="The officer charged")
    _contract(scheme[2].case, manager), _contract(scheme[3].case, manager)
    Case.objects.filter(pk__in=[allocation.case_id for allocation in scheme[4:]]).update(status=Case.Status.DECLINED)
    _contract(usual[0].case, manager)
    services.allocation_exclude(allocation_id=usual[1].pk, user=manager, reason="died", details="")
    followed_up = {scheme[2].case_id, scheme[4].case_id, usual[2].case_id}
    return trial, scheme, usual, followed_up


def test_the_consort_counts_of_a_fixed_simulated_trial():
    trial, scheme, usual, followed_up = simulated_trial()
    consort = consort_of(trial=trial, followed_up=followed_up)
    assert (consort.assessed, consort.randomised) == (18, 12)
    assert dict(consort.not_randomised) == {"Did not meet the scheme's rules": 3,
                                            "Did not meet the trial's criteria: route": 2, "Eligible, but not randomised": 1}
    s, u = consort.arms[0] if consort.arms[0].arm.code == "scheme" else consort.arms[1], next(
        flow for flow in consort.arms if flow.arm.code == "usual")
    assert len(scheme) + len(usual) == 12 and len(scheme) >= 5 and len(usual) >= 5
    assert (s.allocated, s.received, s.not_yet_known) == (len(scheme), 2, 1)  # the excluded one is still within the window
    assert dict(s.not_received) == {"Crossed over to Usual process": 1,
                                    "No contract: declined: opted for court": len(scheme) - 4}
    assert (s.excluded_total, dict(s.excluded)) == (1, {"Randomised in error": 1})
    assert (s.analysed, s.not_followed_up) == (2, len(scheme) - 1 - 2)
    assert (u.allocated, u.received, dict(u.not_received), u.not_yet_known) == (len(usual), len(usual) - 1, {"Received the scheme": 1}, 0)
    assert (dict(u.excluded), u.analysed, u.not_followed_up) == ({"Died": 1}, 1, len(usual) - 1 - 1)
    # Every randomised person is in exactly one of excluded, not followed up and analysed.
    for flow in consort.arms:
        assert flow.excluded_total + flow.not_followed_up + flow.analysed == flow.allocated


def test_without_a_published_check_nobody_is_analysed_yet():
    trial, scheme, usual, _ = simulated_trial()
    consort = consort_of(trial=trial, followed_up=None)
    assert all(flow.analysed == 0 for flow in consort.arms)


def test_the_diagram_is_an_accessible_svg_with_the_table_beside_it_and_the_csv_is_logged(client):
    trial, scheme, usual, followed_up = simulated_trial()
    consort = consort_of(trial=trial, followed_up=followed_up)
    layout = consort_layout(consort)
    assert len(layout.boxes) == 3 + 3 * 2 and all(box.x + box.width <= layout.width for box in layout.boxes)
    client.force_login(trial.created_by)
    page = client.get(reverse("trials:consort", args=[trial.pk])).content.decode()
    assert 'role="img"' in page and 'aria-labelledby="consort-title consort-desc"' in page
    assert "<desc id=\"consort-desc\">18 assessed for eligibility, 6 excluded before randomisation, 12 randomised." in page
    assert "Assessed for eligibility (n = 18)" in page and 'data-testid="consort-table"' in page
    assert "Interim: the trial is running" in page
    response = client.get(reverse("trials:consort_csv", args=[trial.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[4] == ["stage", "arm", "what", "number"]
    assert rows[5:] == [[str(cell) for cell in row] for row in consort_rows(consort_of(trial=trial, followed_up=None))]
    entry = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert entry.user == trial.created_by and "CONSORT" in entry.justification
