import re

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import Case
from cases.tests.factories import AwaitingAllocationCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory, SupervisorFactory, TeamManagerFactory
from oocr.audit.models import AccessLog
from oocr.forms import FORM_TOKEN_FIELD
from oocr.tests.concurrency import posted_twice, read_token, signed_in
from trials.models import Allocation, Trial, TrialSequence
from trials.tests.factories import DraftTrialFactory, RunningTrialFactory

pytestmark = pytest.mark.django_db


def test_only_the_trial_manager_opens_the_trials_and_administrators_do_not_have_the_right(client):
    trial = RunningTrialFactory()
    for user in (AdministratorFactory(), SupervisorFactory(), TeamManagerFactory()):
        client.force_login(user)
        assert client.get(reverse("trials:list")).status_code == 403
        assert client.get(reverse("trials:detail", args=[trial.pk])).status_code == 403
    assert not AdministratorFactory().has_perm("trials.manage_trial")
    client.force_login(trial.created_by)
    page = client.get(reverse("trials:detail", args=[trial.pk])).content.decode()
    assert trial.sequence_hash in page  # shown to be published with the protocol


def test_the_trial_manager_sets_up_and_starts_a_trial_and_each_change_is_in_the_access_log(client):
    trial = DraftTrialFactory(name="Shorter contracts")
    client.force_login(trial.created_by)
    response = client.post(reverse("trials:start", args=[trial.pk]), {"confirm": "on", "record_version": trial.version})
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status == Trial.Status.RUNNING
    entry = AccessLog.objects.get(kind=AccessLog.Kind.CHANGE)
    assert (entry.user, entry.object_id, entry.content_type.model) == (trial.created_by, trial.pk, "trial")
    # Started: the set-up page sends them back, and a posted change is refused.
    response = client.get(reverse("trials:edit", args=[trial.pk]), follow=True)
    assert "it can only be stopped" in response.content.decode()
    response = client.post(reverse("trials:stop", args=[trial.pk]), {"reason": "", "record_version": trial.version})
    assert response.status_code == 200 and Trial.objects.get(pk=trial.pk).status == Trial.Status.RUNNING
    client.post(reverse("trials:stop", args=[trial.pk]), {"reason": "Funding ended", "record_version": trial.version})
    assert Trial.objects.get(pk=trial.pk).status == Trial.Status.STOPPED
    assert AccessLog.objects.filter(kind=AccessLog.Kind.CHANGE, object_id=trial.pk).count() == 2


def test_the_officer_randomises_their_submission_once_and_is_told_what_happens_next(client):
    trial = RunningTrialFactory()
    case = AwaitingAllocationCaseFactory()
    client.force_login(case.created_by)
    page = client.get(reverse("cases:submission", args=[case.pk])).content.decode()
    assert reverse("trials:randomise", args=[case.pk]) in page
    url = reverse("trials:randomise", args=[case.pk])
    officer = signed_in(case.created_by)
    other_tab = read_token(officer, url)  # the same page open in a second tab
    first, second = posted_twice(url, user=case.created_by, data={"trial": trial.pk, "confirm": "on"})
    allocation = Allocation.objects.get(case=case)  # the back button and the same post again: one allocation
    assert first["Location"] == second["Location"] == reverse("trials:randomised", args=[case.pk, allocation.pk])
    # The second tab's post: refused, and sent to the allocation made before.
    response = officer.post(url, {"trial": trial.pk, "confirm": "on", FORM_TOKEN_FIELD: other_tab}, follow=True)
    assert "was randomised already" in response.content.decode()
    assert Allocation.objects.filter(case=case).count() == 1
    assert f'name="trial" class="govuk-radios__input" id="id_trial_1" value="{trial.pk}"' not in officer.get(url).content.decode()
    shown = officer.get(reverse("trials:randomised", args=[case.pk, allocation.pk])).content.decode()
    assert allocation.arm.name in shown
    case.refresh_from_db()
    if allocation.arm.delivers_scheme:
        assert "stays in the team&#x27;s allocation queue" in shown and case.status == Case.Status.AWAITING_ALLOCATION
    else:
        assert "The usual process" in shown and case.status == Case.Status.WITHDRAWN
    logged = AccessLog.objects.filter(kind=AccessLog.Kind.CHANGE, object_id=allocation.pk).get()
    assert (logged.user, logged.person_id) == (case.created_by, case.person_id)


def test_another_officer_cannot_randomise_or_see_someone_elses_submission(client):
    RunningTrialFactory()
    case = AwaitingAllocationCaseFactory()
    other = AwaitingAllocationCaseFactory().created_by
    client.force_login(other)
    assert client.get(reverse("trials:randomise", args=[case.pk])).status_code == 404


def test_a_case_that_fails_the_trials_criteria_is_shown_why_and_offered_no_randomisation(client):
    RunningTrialFactory(min_age=18, max_age=25)
    case = AwaitingAllocationCaseFactory()  # aged 30
    client.force_login(case.created_by)
    page = client.get(reverse("trials:randomise", args=[case.pk])).content.decode()
    assert re.search(r"Aged (29|30) on the offence date; the trial takes people aged 18 to 25\.", page)
    assert "does not meet any running trial" in page and 'name="confirm"' not in page


def _normalised(html: str) -> str:
    """The page without its one-time values (CSRF and form tokens), which differ on every render."""
    return re.sub(r'(name="(csrfmiddlewaretoken|form_token)"[^>]*value=")[^"]*"|(value="[^"]*")([^>]*name="(csrfmiddlewaretoken|form_token)")',
                  r"\1", html)


def test_no_page_depends_on_the_sequence_so_none_can_reveal_the_next_arm(client):
    """Concealment: every page of the trial, to the trial manager and the officer, is the same whatever the sequence
    holds. The sequence is swapped arm for arm between two renders of each page; the seed appears on none."""
    trial = RunningTrialFactory()
    done = AwaitingAllocationCaseFactory()
    from trials.services import case_randomise

    allocation = case_randomise(trial_id=trial.pk, case_id=done.pk, user=done.created_by)
    waiting = AwaitingAllocationCaseFactory(created_by=done.created_by)
    manager_pages = [reverse(name, args=[trial.pk]) for name in ("trials:detail", "trials:consort", "trials:stop", "trials:start",
                                                                 "trials:edit", "trials:analysis")]
    manager_pages += [reverse("trials:list"), reverse("trials:exclude", args=[trial.pk, allocation.pk])]
    officer_pages = [reverse("trials:randomise", args=[waiting.pk]), reverse("trials:randomise", args=[done.pk]),
                     reverse("cases:submission", args=[waiting.pk]), reverse("cases:intake_done", args=[waiting.pk]),
                     reverse("trials:randomised", args=[done.pk, allocation.pk])]

    def render() -> list[str]:
        pages = []
        for user, urls in ((trial.created_by, manager_pages), (done.created_by, officer_pages)):
            client.force_login(user)
            for url in urls:
                response = client.get(url, follow=True)
                assert response.status_code == 200, url
                pages.append(_normalised(response.content.decode()))
        return pages

    before = render()
    for row in TrialSequence.objects.filter(trial=trial):
        swap = {"scheme": "usual", "usual": "scheme"}
        row.values = [[swap[arm] for arm in block] for block in row.values]
        row.save()
    after = render()
    assert before == after
    assert not any(trial.seed in page for page in before)
    assert TrialSequence not in admin.site._registry and Allocation not in admin.site._registry
    assert not any("trialsequence" in str(pattern.pattern) for pattern in __import__("trials.urls").urls.urlpatterns)


def test_the_trial_page_lists_randomisations_with_treatment_received_in_a_fixed_number_of_queries(
        client, django_assert_max_num_queries):
    from trials.services import case_randomise

    trial = RunningTrialFactory()
    client.force_login(trial.created_by)
    case = AwaitingAllocationCaseFactory()
    case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("trials:detail", args=[trial.pk]))
    for _ in range(5):
        case = AwaitingAllocationCaseFactory()
        case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("trials:detail", args=[trial.pk])).content.decode()
    assert "Treatment as assigned" in page


def test_the_set_up_start_and_stop_pages_show_no_edit_conflict_until_there_is_one(client):
    """The conflict panel comes from the base layout, only after a refused edit (it once showed on every view)."""
    trial = DraftTrialFactory()
    client.force_login(trial.created_by)
    for url in (reverse("trials:create"), reverse("trials:edit", args=[trial.pk]), reverse("trials:start", args=[trial.pk])):
        assert "The version saved meanwhile" not in client.get(url).content.decode(), url
    refused = client.post(reverse("trials:create"), {}).content.decode()  # empty: errors, and still no conflict panel
    assert "govuk-error-summary" in refused and "The version saved meanwhile" not in refused
