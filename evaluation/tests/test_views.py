"""The evaluation pages through the test client: what each shows, what each refuses, what is logged."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import services
from evaluation.models import CrimeRecord, CrimeRecordImport, PersonMatch, ReoffendingDefinition, ReoffendingResult, SurveyResponse
from evaluation.tests.factories import BreachedCaseFactory, CompletedCaseFactory, CrimeRecordFactory, DeclinedCaseFactory
from keyworkers.models import Allocation
from oocr.accounts.tests.factories import AdministratorFactory, KeyworkerFactory, TeamManagerFactory
from oocr.audit.models import AccessLog

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 1)
HEADER = "crime_reference,event_type,offence_code,offence_title,offence_date,outcome_date,pnc_id,surname,forenames,date_of_birth\n"


@pytest.fixture(autouse=True)
def every_figure_shown(settings):
    """These tests check the figures on small hand-made cohorts: disclosure control is off here, and on (at 10) in
    test_report_figures.py."""
    settings.DISCLOSURE_THRESHOLD = 0


def proven() -> ReoffendingDefinition:
    return ReoffendingDefinition.objects.get(name__startswith="Proven reoffending")


def cohort(completed=3, completed_reoffending=1, declined=2, declined_reoffending=1, breached=1, publish=True):
    """Closed cases old enough for a year's follow-up, some with a later conviction; then a check, published."""
    def make(factory, count, reoffending):
        for number in range(count):
            case = factory(person__date_of_birth=date(1990, 3, 1), crime__offence_date=date(2023, 12, 1), closed__on=date(2024, 5, 1), closed__decided_on=date(2024, 1, 10))
            if number < reoffending:
                CrimeRecordFactory(person=case.person, offence_code="AS-ABH", offence_date=date(2024, 6, 1), outcome_date=date(2024, 8, 1))
    make(CompletedCaseFactory, completed, completed_reoffending)
    make(DeclinedCaseFactory, declined, declined_reoffending)
    make(BreachedCaseFactory, breached, 0)
    run = services.reoffending_check_run(definition_id=proven().pk, as_of=AS_OF)
    return services.reoffending_check_run_publish(run_id=run.pk, user=AdministratorFactory()) if publish else run


def csv_parts(response) -> tuple[dict[str, str], list[list[str]]]:
    """A report download's first lines (name, value) up to the blank line, and the table after it."""
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    blank = rows.index([])
    return dict(rows[:blank]), rows[blank + 1:]


def test_the_report_shows_each_group_s_figures_and_the_caution(client):
    cohort()
    client.force_login(AdministratorFactory())
    response = client.get(reverse("evaluation:report"))
    content = response.content.decode()
    groups = {g.key: g for g in response.context["report"].groups}
    assert (groups["completed"].reoffending.count, groups["completed"].reoffending.n) == (1, 3)
    assert (groups["declined"].reoffending.count, groups["declined"].reoffending.n) == (1, 2)
    assert (groups["started"].reoffending.count, groups["started"].reoffending.n) == (1, 4)  # completed + breached
    assert "33.3%" in content  # 1 of 3 completers
    assert "These comparisons are not randomised" in content
    assert groups["completed"].harm_after.mean == pytest.approx(365 / 3)


def test_the_report_filters_by_sex_and_the_filter_is_in_the_url(client):
    cohort()
    client.force_login(TeamManagerFactory())
    response = client.get(reverse("evaluation:report"), {"sex": "female"})
    assert all(g.reoffending.n == 0 for g in response.context["report"].groups)  # every factory person is male
    response = client.get(reverse("evaluation:report"), {"sex": "male", "age_band": "26+"})
    assert response.context["report"].group["completed"].reoffending.n == 3


def test_a_filter_value_not_in_the_list_is_reported_and_the_other_filters_still_apply(client):
    cohort()
    client.force_login(TeamManagerFactory())
    # A bookmark from a year that has dropped out of the list, and a hand-edited route.
    response = client.get(reverse("evaluation:report"), {"period": "2015", "route": "zzz", "sex": "male"})
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Select the year the case closed in from the list (the report shows any year until you do)" in content
    assert "Select a route from the list" in content
    assert 'href="#id_period"' in content
    assert response.context["report"].group["completed"].reoffending.n == 3  # every year, every route, men
    response = client.get(reverse("evaluation:report"), {"period": "2015", "sex": "female"})
    assert response.context["report"].group["completed"].reoffending.n == 0  # the valid filter is still applied


def test_the_report_s_downloads_and_the_dashboard_ignore_a_filter_value_not_in_the_list(client):
    cohort()
    client.force_login(TeamManagerFactory())
    garbage = {"route": "zzz", "period": "2015", "age_band": "99999999999999999999", "enhanced": "31/02/2015"}
    header, rows = csv_parts(client.get(reverse("evaluation:report_export", args=["groups"]), garbage))
    assert rows[1][:3] == ["Completed the contract", "3", "1"]
    chart = client.get(reverse("evaluation:report_chart", args=["reoffending"]), garbage)
    assert chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content
    dashboard = client.get(reverse("evaluation:dashboard"), garbage)
    assert dashboard.context["report"].group["completed"].reoffending.n == 3


def test_the_report_without_a_published_check_says_so_and_tells_the_administrator_what_to_do(client):
    cohort(publish=False)
    client.force_login(AdministratorFactory())
    content = client.get(reverse("evaluation:report")).content.decode()
    assert "No reoffending check has been published for Proven reoffending" in content
    assert "open it under Latest checks when it has finished, and choose Publish this run" in content
    assert 'data-testid="groups-table"' not in content
    client.force_login(TeamManagerFactory())
    content = client.get(reverse("evaluation:dashboard")).content.decode()
    assert "No reoffending check has been published" in content and "Ask an administrator to publish" in content
    assert client.get(reverse("evaluation:report_export", args=["groups"])).status_code == 404


def test_report_page_query_count_does_not_grow_with_the_cases(client, django_assert_max_num_queries):
    cohort(completed=2, completed_reoffending=1, declined=1, declined_reoffending=0, breached=0)
    client.force_login(AdministratorFactory())
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("evaluation:report"))
    cohort(completed=6, completed_reoffending=3, declined=5, declined_reoffending=2, breached=2)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("evaluation:report"))
    assert response.context["report"].group["completed"].reoffending.n == 8


def test_dashboard_query_count_does_not_grow_with_the_cases(client, django_assert_max_num_queries):
    cohort(completed=1, completed_reoffending=0, declined=1, declined_reoffending=0, breached=0)
    client.force_login(TeamManagerFactory())
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("evaluation:dashboard"))
    cohort(completed=4, completed_reoffending=2, declined=3, declined_reoffending=1, breached=2)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("evaluation:dashboard"))


def test_a_csv_export_holds_the_table_and_is_logged_as_a_disclosure(client):
    run = cohort()
    admin = AdministratorFactory()
    client.force_login(admin)
    response = client.get(reverse("evaluation:report_export", args=["groups"]), {"route": "deferred_caution"})
    header, rows = csv_parts(response)
    assert header["published check run"] == str(run.pk) and header["as at"] == "2026-11-01"
    assert rows[0][:4] == ["group", "n", "reoffended", "share"]
    assert rows[1][:3] == ["Completed the contract", "3", "1"]
    log = AccessLog.objects.get(kind=AccessLog.Kind.DISCLOSURE)
    assert (log.user, log.object_id, log.person_id) == (admin, run.pk, None)
    assert "groups" in log.justification and "route=deferred_caution" in log.justification


def test_comparisons_export_has_the_tests_p_value():
    from evaluation.selectors import cohort_report, report_results
    from evaluation.views import report_table

    cohort(completed=4, completed_reoffending=1, declined=4, declined_reoffending=3, breached=0)
    report = cohort_report(results=report_results(definition_id=proven().pk, months=12), definition=proven(), months=12)
    rows = report_table(report, "comparisons")
    per_protocol = rows[1]
    assert per_protocol[0].startswith("Per protocol")
    assert per_protocol[1] == -0.5 and per_protocol[-1] == "Fisher's exact"
    # 1 of 4 completers against 3 of 4 who chose court: two-sided Fisher's exact p = 34/70.
    assert per_protocol[-2] == round(34 / 70, 6)


def test_each_chart_is_an_svg_image_without_scripts(client):
    cohort()
    client.force_login(AdministratorFactory())
    for chart in ("reoffending", "survival", "harm"):
        response = client.get(reverse("evaluation:report_chart", args=[chart]))
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.lstrip().startswith(b"<?xml") and b"<svg" in response.content
        assert b"<script" not in response.content
    assert client.get(reverse("evaluation:report_chart", args=["pie"])).status_code == 404
    response = client.get(reverse("evaluation:distance_chart", args=["distance-travelled"]))
    assert response["Content-Type"] == "image/svg+xml"


def test_uploading_a_bad_extract_loads_nothing_and_offers_the_error_report(client, django_capture_on_commit_callbacks):
    client.force_login(AdministratorFactory())
    text = HEADER + "CR/1,conviction,TH-SHOP,,2025-02-30,,,Pascoe,Liam,1996-02-03\nCR/2,caution,TH-SHOP,,2025-01-01,,,,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:import_new"), {"file": SimpleUploadedFile("rms.csv", text.encode())})
    upload = CrimeRecordImport.objects.get()
    assert response["Location"] == reverse("evaluation:import_detail", args=[upload.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was loaded: 4 problems found" in page
    assert 'class="govuk-error-summary"' in page
    assert CrimeRecord.objects.count() == 0
    report = client.get(reverse("evaluation:import_errors", args=[upload.pk]))
    rows = list(csv.reader(io.StringIO(report.content.decode())))
    assert rows[0] == ["line", "column", "problem"]
    assert rows[1] == ["2", "offence_date", "'2025-02-30' is not a date: use YYYY-MM-DD or DD/MM/YYYY"]
    assert {row[1] for row in rows[2:]} == {"surname", "forenames", "date_of_birth"}
    assert AccessLog.objects.filter(kind=AccessLog.Kind.DISCLOSURE, object_id=upload.pk).count() == 1


def test_uploading_without_a_file_shows_the_error_summary(client):
    client.force_login(AdministratorFactory())
    response = client.post(reverse("evaluation:import_new"), {})
    content = response.content.decode()
    assert 'class="govuk-error-summary"' in content and "Choose a CSV file to upload" in content
    assert not CrimeRecordImport.objects.exists()


def test_reviewing_a_match_logs_the_view_and_keeps_the_decision(client):
    from cases.tests.factories import PersonFactory

    person = PersonFactory(first_names="Liam", last_name="Pascoe", date_of_birth=date(1996, 2, 3))
    CrimeRecordFactory(forenames="William", surname="Pascoe", date_of_birth=date(1996, 2, 3))
    services.crime_records_match()
    match = PersonMatch.objects.get()
    admin = AdministratorFactory()
    client.force_login(admin)
    page = client.get(reverse("evaluation:match_decide", args=[match.pk])).content.decode()
    assert "William" in page and "Liam" in page
    assert AccessLog.objects.filter(user=admin, person_id=person.pk, kind=AccessLog.Kind.VIEW).count() == 1
    response = client.post(reverse("evaluation:match_decide", args=[match.pk]), {})
    assert "Select whether this is the same person" in response.content.decode()
    client.post(reverse("evaluation:match_decide", args=[match.pk]), {"decision": "reject"})
    match.refresh_from_db()
    assert (match.status, match.decided_by) == (PersonMatch.Status.REJECTED, admin)


def test_running_a_check_from_the_page_stores_results(client):
    CompletedCaseFactory(crime__offence_date=date(2023, 12, 1), closed__on=date(2024, 5, 1), closed__decided_on=date(2024, 1, 10))
    client.force_login(AdministratorFactory())
    response = client.post(reverse("evaluation:check_run"), {
        "definition": proven().pk, "as_of_0": "1", "as_of_1": "11", "as_of_2": "2026"})
    assert response["Location"] == reverse("evaluation:home")
    assert ReoffendingResult.objects.filter(run__definition=proven()).count() == 2  # 12 and 24 months
    response = client.post(reverse("evaluation:check_run"), {"definition": "999"})
    assert "Choose a definition from the list" in response.content.decode()


def test_the_dashboard_shows_the_share_not_returned_for_breach(client):
    for _ in range(3):
        CompletedCaseFactory()
    BreachedCaseFactory()
    client.force_login(TeamManagerFactory())
    response = client.get(reverse("evaluation:dashboard"))
    dashboard = response.context["dashboard"]
    assert (dashboard.completed, dashboard.breached, dashboard.received) == (3, 1, 4)
    assert dashboard.not_returned_for_breach.value == 0.75
    assert "Referral engagement" in response.content.decode()


def keyworker_case():
    case = CompletedCaseFactory()
    keyworker = KeyworkerFactory()
    Allocation.objects.create(case=case, keyworker=keyworker, allocated_by=keyworker, allocated_at=case.submitted_at,
                              ended_at=case.closed_at, end_reason=Allocation.EndReason.CASE_CLOSED)
    return case, keyworker


def test_the_keyworker_who_closed_the_case_records_the_ending_survey(client):
    from evaluation.models import SurveyInstrument

    case, keyworker = keyworker_case()
    instrument = SurveyInstrument.objects.get(code="victim_satisfaction")
    client.force_login(keyworker)
    url = reverse("evaluation:survey_record", args=[case.pk, instrument.pk])
    response = client.post(url, {"timing": "end"})
    assert "Answer at least one question" in response.content.decode()
    response = client.post(url, {"timing": "end", "item_overall": "4", "item_kept_informed": "2", "item_outcome": ""})
    assert response["Location"] == reverse("evaluation:case_surveys", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "3.00" in page and "2 of 5" in page
    assert AccessLog.objects.filter(user=keyworker, person_id=case.person_id).exists()
    client.force_login(KeyworkerFactory())
    assert client.get(url).status_code == 404  # another keyworker cannot even see the case
    assert SurveyResponse.objects.count() == 1


def _doubtful_pairs(count):
    from cases.tests.factories import PersonFactory

    for number in range(count):
        born = date(1990, 1, 1 + number)
        PersonFactory(first_names="Liam", last_name=f"Pascoe{'x' * number}", date_of_birth=born)
        CrimeRecordFactory(forenames="William", surname=f"Pascoe{'x' * number}", date_of_birth=born)
    services.crime_records_match()


@pytest.mark.parametrize("url_name", ["evaluation:home", "evaluation:match_list", "evaluation:weight_sets"])
def test_administration_pages_query_count_does_not_grow(client, django_assert_max_num_queries, url_name):
    admin = AdministratorFactory()
    client.force_login(admin)
    _doubtful_pairs(1)
    cohort(completed=1, completed_reoffending=0, declined=1, declined_reoffending=0, breached=0)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url_name))
    _doubtful_pairs(4)
    for _ in range(3):
        cohort(completed=2, completed_reoffending=1, declined=1, declined_reoffending=1, breached=1)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_the_dashboard_shows_how_many_referrals_led_to_a_first_appointment(client):
    from datetime import timedelta

    from django.utils import timezone

    from contracts.models import NeedDomain
    from contracts.tests.test_contracts import assessed_case
    from referrals import services as referral_services
    from referrals.tests.factories import PartnerFactory

    case, holder = assessed_case()
    alcohol, today = NeedDomain.objects.get(code="alcohol"), timezone.localdate()
    for engaged in (True, False, False, False):
        referral = referral_services.referral_create(case_id=case.pk, user=holder, partner=PartnerFactory(),
                                                     need_domain=alcohol, shared="x", consent_to_share=True)
        referral_services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder, sent_by="phone",
                                        on=today - timedelta(days=3))
        if engaged:
            referral_services.referral_progress_record(case_id=case.pk, referral_id=referral.pk, user=holder,
                                                       status="engaged", on=today)
    client.force_login(AdministratorFactory())
    page = client.get(reverse("evaluation:dashboard")).content.decode()
    engagement = page.split('id="referral-engagement">')[1].split("</dd>")[0]
    assert engagement.startswith("25% of 4 referrals sent to partners led to a first appointment"), engagement


def test_a_survey_and_a_crime_record_extract_posted_twice_are_recorded_once():
    from evaluation.models import CrimeRecordImport, SurveyResponse
    from evaluation.tests import form_cases
    from oocr.tests.concurrency import posted_twice

    context = form_cases._survey_due()
    first, second = posted_twice(context["url"], user=context["user"], data=form_cases._answers(context))
    assert first["Location"] == second["Location"]
    assert SurveyResponse.objects.filter(case=context["case"]).count() == 1

    context = form_cases._admin("evaluation:import_new")()
    client_data = form_cases._extract(context)
    first, second = posted_twice(context["url"], user=context["user"], data=client_data)
    assert first["Location"] == second["Location"]
    assert CrimeRecordImport.objects.filter(uploaded_by=context["user"]).count() == 1


def test_the_keyworker_corrects_a_survey_from_the_case_and_a_locked_one_offers_no_link(client):
    from django.utils import timezone

    from cases.models import Case
    from evaluation import services as evaluation_services
    from evaluation.models import SurveyInstrument
    from keyworkers.tests.factories import AllocatedCaseFactory

    case = AllocatedCaseFactory()
    keyworker = case.allocations.get().keyworker
    instrument = SurveyInstrument.objects.filter(is_current=True).first()
    codes = [item["code"] for item in instrument.items]
    response = evaluation_services.survey_response_record(case_id=case.pk, user=keyworker, instrument_id=instrument.pk,
                                                          timing="start", scores={code: 3 for code in codes})
    client.force_login(keyworker)
    url = reverse("evaluation:survey_correct", args=[case.pk, response.pk])
    assert url in client.get(reverse("evaluation:case_surveys", args=[case.pk])).content.decode()
    page = client.get(url).content.decode()
    assert 'name="record_version" value="1"' in page and "Correcting the answers" in page
    posted = client.post(url, {**{f"item_{code}": "3" for code in codes}, f"item_{codes[0]}": "1", "record_version": "1"})
    assert posted.status_code == 302 and response.answers.get(item_code=codes[0]).score == 1
    stale = client.post(url, {**{f"item_{code}": "5" for code in codes}, "record_version": "1"})
    assert stale.status_code == 200 and response.answers.get(item_code=codes[1]).score == 3  # refused, shown as it is now
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED, closed_at=timezone.now())
    assert url not in client.get(reverse("evaluation:case_surveys", args=[case.pk])).content.decode()
    assert client.get(url).status_code == 302  # locked: back to the surveys, with why
