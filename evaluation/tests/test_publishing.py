"""A reoffending check's as-at date, and publishing a run: the reports read only the published run."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import ReoffendingCheckRun, ReoffendingResult
from evaluation.tests.factories import CompletedCaseFactory, CrimeRecordFactory
from evaluation.tests.test_views import AS_OF, cohort, csv_parts, every_figure_shown, proven  # noqa: F401 (a fixture)
from oocr.accounts.tests.factories import AdministratorFactory, TeamManagerFactory

pytestmark = pytest.mark.django_db

FIRST_CONTACT = date(2024, 1, 10)  # the first contact of every case `cohort()` makes: the scheme's first case


def as_of_refusal(as_of: date) -> str:
    with pytest.raises(ValidationError) as refused:
        services.reoffending_check_run(definition_id=proven().pk, as_of=as_of)
    return " ".join(refused.value.message_dict["as_of"])


# --- The as-at date ------------------------------------------------------------------------------------


def test_a_check_cannot_be_as_at_a_date_in_the_future():
    cohort(publish=False)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert as_of_refusal(tomorrow) == (f"The check cannot be as at a date in the future: enter today, "
                                       f"{timezone.localdate():%-d %B %Y}, or an earlier date")
    assert as_of_refusal(date(2030, 1, 1)).startswith("The check cannot be as at a date in the future")
    assert ReoffendingCheckRun.objects.count() == 1  # only cohort()'s own run
    assert services.reoffending_check_run(definition_id=proven().pk, as_of=timezone.localdate()).status == "finished"


def test_a_check_cannot_be_as_at_a_date_before_the_scheme_s_first_case():
    cohort(publish=False)
    assert as_of_refusal(FIRST_CONTACT - timedelta(days=1)) == (
        "The check cannot be as at a date before the scheme's first case on 10 January 2024")
    run = services.reoffending_check_run(definition_id=proven().pk, as_of=FIRST_CONTACT)
    assert (run.as_of, run.status) == (FIRST_CONTACT, ReoffendingCheckRun.Status.FINISHED)


def test_the_scheme_s_first_case_is_its_earliest_submission_or_first_contact():
    from evaluation.selectors import scheme_first_case_on

    assert scheme_first_case_on() is None
    case = CompletedCaseFactory(closed__on=date(2025, 3, 3))  # submitted today through the service, first contact 3 March
    assert scheme_first_case_on() == date(2025, 3, 3)
    case.__class__.objects.filter(pk=case.pk).update(submitted_at=timezone.now() - timedelta(days=2000))
    assert scheme_first_case_on() == timezone.localdate() - timedelta(days=2000)


def test_the_check_form_shows_the_as_at_refusal_at_the_field_and_runs_nothing(client):
    cohort(publish=False)
    client.force_login(AdministratorFactory())
    url = reverse("evaluation:check_run")
    for day, message in ((date(2030, 1, 1), "The check cannot be as at a date in the future"),
                         (date(2023, 6, 1), "The check cannot be as at a date before the scheme&#x27;s first case on 10 January 2024")):
        response = client.post(url, {"definition": proven().pk, "as_of_0": day.day, "as_of_1": day.month, "as_of_2": day.year})
        content = response.content.decode()
        assert response.status_code == 200
        assert 'class="govuk-error-summary"' in content and 'href="#id_as_of_0"' in content
        assert content.count(message) == 2  # in the summary, and at the field
        assert message in content.split('class="govuk-error-message"')[1].split("</p>")[0]
    assert ReoffendingCheckRun.objects.count() == 1


def test_the_check_command_refuses_a_date_in_the_future():
    with pytest.raises(CommandError, match="The check cannot be as at a date in the future"):
        call_command("run_reoffending_checks", "--as-of", "2030-01-01")
    assert not ReoffendingCheckRun.objects.exists()


# --- Publishing -----------------------------------------------------------------------------------------


def later_conviction_for_a_completer() -> None:
    """One more completer reoffends: a run after this differs from the run before it."""
    case = ReoffendingResult.objects.filter(reoffended=False, case__status="completed").select_related("case").first().case
    CrimeRecordFactory(person=case.person, offence_code="AS-ABH", offence_date=date(2024, 7, 1), outcome_date=date(2024, 8, 1))


def test_a_new_run_changes_nothing_on_the_reports_until_an_administrator_publishes_it(client):
    published = cohort()
    later_conviction_for_a_completer()
    newer = services.reoffending_check_run(definition_id=proven().pk, as_of=AS_OF + timedelta(days=14))
    assert newer.cases_reoffended == published.cases_reoffended + 1
    client.force_login(TeamManagerFactory())

    def reports():
        page = client.get(reverse("evaluation:report"))
        dashboard = client.get(reverse("evaluation:dashboard"))
        header, rows = csv_parts(client.get(reverse("evaluation:report_export", args=["groups"])))
        return page, dashboard, header, rows

    page, dashboard, header, rows = reports()
    assert page.context["report"].run == published
    assert page.context["report"].group["completed"].reoffending.count == 1
    assert dashboard.context["report"].group["completed"].reoffending.count == 1
    assert "As at <strong>1 November 2026</strong> (run %d)" % published.pk in page.content.decode()
    assert "As at <strong>1 November 2026</strong>" in dashboard.content.decode()
    assert (header["published check run"], header["as at"], rows[1][:3]) == (
        str(published.pk), "2026-11-01", ["Completed the contract", "3", "1"])
    assert header["definition"] == proven().name and header["follow-up"] == "12 months"
    assert header["start point"] == proven().get_start_point_display()

    admin = AdministratorFactory(first_name="Ada", last_name="Admin")
    client.force_login(admin)
    response = client.post(reverse("evaluation:check_publish", args=[newer.pk]))
    assert response["Location"] == reverse("evaluation:check_detail", args=[newer.pk])
    page, dashboard, header, rows = reports()
    assert page.context["report"].run == newer
    assert page.context["report"].group["completed"].reoffending.count == 2
    assert dashboard.context["report"].group["completed"].reoffending.count == 2
    assert "As at <strong>15 November 2026</strong> (run %d)" % newer.pk in page.content.decode()
    assert (header["published check run"], header["as at"], rows[1][:3]) == (
        str(newer.pk), "2026-11-15", ["Completed the contract", "3", "2"])
    assert header["published"].endswith("by Ada Admin")

    newer.refresh_from_db()
    published.refresh_from_db()
    assert (newer.status, newer.published_by, newer.published_at is not None) == ("published", admin, True)
    assert (published.status, published.superseded_by, published.superseded_at is not None) == ("superseded", newer, True)
    assert (published.cases_checked, published.published_at is not None) == (6, True)  # the record is kept
    assert not ReoffendingResult.objects.filter(run=published).exists()  # its results are not


def test_an_unpublished_run_is_set_aside_by_a_newer_run_and_cannot_then_be_published(client):
    published = cohort()
    first = services.reoffending_check_run(definition_id=proven().pk, as_of=AS_OF)
    second = services.reoffending_check_run(definition_id=proven().pk, as_of=AS_OF)
    first.refresh_from_db()
    assert (first.status, first.superseded_by) == (ReoffendingCheckRun.Status.SET_ASIDE, second)
    assert set(ReoffendingResult.objects.values_list("run", flat=True)) == {published.pk, second.pk}
    client.force_login(AdministratorFactory())
    response = client.post(reverse("evaluation:check_publish", args=[first.pk]))
    assert response["Location"] == reverse("evaluation:check_detail", args=[first.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "A newer run of this definition finished before this one was published, and its results are no longer kept: "
        "publish the newer run instead."]
    assert ReoffendingCheckRun.objects.get(status="published") == published


def test_publishing_twice_is_refused_and_the_first_publication_stands(client):
    run = cohort(publish=False)
    first, second = AdministratorFactory(), AdministratorFactory()
    client.force_login(first)
    client.post(reverse("evaluation:check_publish", args=[run.pk]))
    client.force_login(second)  # a second tab, or a second administrator, on the same confirmation page
    response = client.post(reverse("evaluation:check_publish", args=[run.pk]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][-1].startswith("This run is already published")
    run.refresh_from_db()
    assert (run.status, run.published_by) == ("published", first)
    page = client.get(reverse("evaluation:check_publish", args=[run.pk])).content.decode()
    assert "This run is already published" in page  # the back button shows why, not a second chance


@pytest.mark.parametrize("status, refusal", [
    (ReoffendingCheckRun.Status.FAILED, "This run failed, so it has no results to publish. Run the check again."),
    (ReoffendingCheckRun.Status.RUNNING, "This run has not finished yet: it can be published once it has."),
])
def test_a_failed_or_running_run_cannot_be_published(client, status, refusal):
    run = cohort(publish=False)
    ReoffendingCheckRun.objects.filter(pk=run.pk).update(status=status)
    client.force_login(AdministratorFactory())
    assert refusal in client.get(reverse("evaluation:check_detail", args=[run.pk])).content.decode()
    response = client.post(reverse("evaluation:check_publish", args=[run.pk]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [refusal]
    assert ReoffendingCheckRun.objects.get(pk=run.pk).status == status
    assert client.get(reverse("evaluation:report")).context["report"].run is None


def test_the_database_holds_one_published_run_per_definition():
    published = cohort()
    newer = services.reoffending_check_run(definition_id=proven().pk, as_of=AS_OF)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReoffendingCheckRun.objects.filter(pk=newer.pk).update(status=ReoffendingCheckRun.Status.PUBLISHED)
    assert ReoffendingCheckRun.objects.get(status="published") == published


def test_the_run_page_offers_publishing_and_the_confirmation_says_what_it_changes(client):
    published = cohort()
    newer = services.reoffending_check_run(definition_id=proven().pk, as_of=AS_OF)
    client.force_login(AdministratorFactory())
    home = client.get(reverse("evaluation:home")).content.decode()
    assert reverse("evaluation:check_detail", args=[newer.pk]) in home and "Published: the reports use it" in home
    page = client.get(reverse("evaluation:check_detail", args=[newer.pk])).content.decode()
    assert "This check changes no report until it is published" in page
    assert reverse("evaluation:check_publish", args=[newer.pk]) in page
    confirm = client.get(reverse("evaluation:check_publish", args=[newer.pk])).content.decode()
    assert "Publish this run: the cohort report, the outcomes dashboard and their downloads will use it." in confirm
    assert "It replaces the" in confirm and reverse("evaluation:check_detail", args=[published.pk]) in confirm
    earlier = services.reoffending_check_run(definition_id=proven().pk, as_of=AS_OF - timedelta(days=30))
    confirm = client.get(reverse("evaluation:check_publish", args=[earlier.pk])).content.decode()
    assert "the reports will go back to what was known on 2 October 2026" in confirm
    refused = client.get(reverse("evaluation:check_publish", args=[newer.pk])).content.decode()  # set aside by `earlier`
    assert "publish the newer run instead" in refused and "Publish this run:" not in refused
    assert client.get(reverse("evaluation:check_publish", args=[987654])).status_code == 404
    assert client.post(reverse("evaluation:check_publish", args=[987654])).status_code == 404
