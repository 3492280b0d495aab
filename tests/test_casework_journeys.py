"""Case work in the system Chromium: a case run to completion, and a missed appointment that ends in breach."""

from datetime import datetime, time, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case
from contracts.tests.factories import BookedContactFactory, backdate_case
from documents.tests.fixtures import documents_in_a_temporary_folder  # noqa: F401  (autouse: the breach pack's file)
from keyworkers.tests.factories import AllocatedCaseFactory, SupervisorProfileFactory
from tests.browser import check_and_capture, click_and_wait, sign_in

pytestmark = pytest.mark.browser


def fill_date(page, field, day):
    for part, value in zip("012", [day.day, day.month, day.year]):
        page.fill(f"#id_{field}_{part}", str(value))


def score_every_domain(page, score):
    for radio in page.locator(f"input[type=radio][value='{score}']").all():
        radio.check()


def record_contact(page, day, outcome):
    click_and_wait(page, "#new-contact")
    page.check("input[name=type][value=face_to_face]")
    fill_date(page, "day", day)
    page.fill("#id_time", "10:30")
    page.fill("#id_place", "Truro police station")
    page.select_option("#id_outcome", outcome)
    click_and_wait(page, "#id_submit")


@pytest.mark.django_db(transaction=True)
def test_a_keyworker_runs_a_case_from_first_contact_to_completion(live_server, page):
    case = AllocatedCaseFactory(person__first_names="Kelly", person__last_name="Trewartha")
    backdate_case(case, to=timezone.localdate() - timedelta(weeks=19))  # allocated before the first contact below
    keyworker = case.allocations.get().keyworker
    sign_in(page, live_server, keyworker)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    check_and_capture(page, "casework-1-overview")

    click_and_wait(page, "text=Record first contact")
    fill_date(page, "offered_on", timezone.localdate() - timedelta(weeks=18))
    page.check("input[name=method][value=face_to_face]")
    page.check("input[name=answer][value=accepted]")
    check_and_capture(page, "casework-2-first-contact")
    click_and_wait(page, "#id_submit")

    click_and_wait(page, "text=Record the needs assessment")
    score_every_domain(page, 2)
    page.fill("#id_strengths", "Close to her sister")
    check_and_capture(page, "casework-3-assessment")
    click_and_wait(page, "#id_submit")

    page.goto(f"{live_server.url}/cases/{case.pk}/contract/")
    click_and_wait(page, "#start-contract")
    click_and_wait(page, "text=Debt advice")
    page.fill("#id_recurrence", "Fortnightly until the debts are in a plan")
    click_and_wait(page, "#id_submit")
    check_and_capture(page, "casework-4-contract-draft")
    click_and_wait(page, "#sign-contract")
    fill_date(page, "signed_on", timezone.localdate() - timedelta(weeks=17))
    page.check("input[name=agreement][value=signed_in_person]")
    click_and_wait(page, "#id_submit")
    with page.expect_download() as download:
        page.click("[data-testid=contract-pdf]")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(open(download.value.path(), "rb").read())).pages)
    assert "You will meet a debt adviser" in " ".join(text.split())

    page.goto(f"{live_server.url}/cases/{case.pk}/contacts/")
    for weeks_ago in (16, 10, 2):
        record_contact(page, timezone.localdate() - timedelta(weeks=weeks_ago), "attended")
    assert page.locator("[data-testid=contacts] tbody tr").count() == 3
    check_and_capture(page, "casework-5-contacts")

    page.goto(f"{live_server.url}/cases/{case.pk}/contract/")
    click_and_wait(page, "text=Record progress")
    page.check("input[name=status][value=met]")
    page.fill("#id_evidence", "Debt management plan agreed")
    click_and_wait(page, "#id_submit")
    page.goto(f"{live_server.url}/cases/{case.pk}/assessment/")
    click_and_wait(page, "text=Record the closing assessment")
    score_every_domain(page, 1)
    click_and_wait(page, "#id_submit")
    distance = page.get_by_test_id("distance-travelled").inner_text()
    assert distance.count("Need down by 1") == 12
    check_and_capture(page, "casework-6-distance-travelled")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    click_and_wait(page, "#close-case")
    page.check("input[name=result][value=completed]")
    page.fill("#id_reason", "Every condition met; debts in a plan.")
    click_and_wait(page, "#id_submit")
    assert "Case closed as completed." in page.inner_text(".govuk-notification-banner")
    assert "Completed" in page.get_by_test_id("identity-bar").inner_text()
    check_and_capture(page, "casework-7-completed")
    case.refresh_from_db()
    assert (case.status, case.outcome_code) == (Case.Status.COMPLETED, 3)


@pytest.mark.django_db(transaction=True)
def test_a_missed_appointment_leads_to_a_breach_a_supervisor_approves(live_server, browser):
    case = AllocatedCaseFactory(person__first_names="Dean", person__last_name="Rowe")
    keyworker = case.allocations.get().keyworker
    supervisor = SupervisorProfileFactory().user
    from cases import services as case_services
    from contracts.models import ConditionTemplate, NeedDomain
    from contracts.services.assessment import needs_assessment_record
    from contracts.services.contract import condition_add, contract_draft_start, contract_sign

    week_ago = timezone.localdate() - timedelta(weeks=1)
    backdate_case(case, to=week_ago)
    case_services.case_first_contact_record(case_id=case.pk, user=keyworker, offered_on=week_ago,
                                            method="phone", answer="accepted")
    needs_assessment_record(case_id=case.pk, user=keyworker, kind="baseline", data={}, scores={
        d.pk: {"score": 2, "notes": "", "safeguarding": False} for d in NeedDomain.objects.all()})
    contract_draft_start(case_id=case.pk, user=keyworker)
    debt = ConditionTemplate.objects.get(title="Debt advice")
    condition_add(case_id=case.pk, user=keyworker, template=debt, data={
        "description": debt.text, "due_date": None, "recurrence": "Fortnightly", "need_domain": debt.need_domain,
        "victim": None, "target": "", "hours_required": None})
    contract_sign(case_id=case.pk, user=keyworker, signed_on=week_ago, agreement="verbal")
    # Booked last week for yesterday: a booking is made before its time, its outcome recorded after.
    yesterday = timezone.localdate() - timedelta(days=1)
    BookedContactFactory(case=case, recorded_by=keyworker, place="Truro police station",
                         starts_at=timezone.make_aware(datetime.combine(yesterday, time(10, 30))))

    page = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 800})
    sign_in(page, live_server, keyworker)
    page.goto(f"{live_server.url}/cases/{case.pk}/contacts/")
    click_and_wait(page, "text=Record outcome")
    page.check("input[name=outcome][value=absent_unacceptable]")
    click_and_wait(page, "#id_submit")
    check_and_capture(page, "breach-1-non-compliance")
    page.check("input[name=kind][value=missed_appointment]")
    page.check("input[name=reasonable_excuse][value=no]")
    page.check("input[name=response][value=propose_breach]")
    click_and_wait(page, "#id_submit")
    page.fill("#id_reason", "Missed appointments and stopped answering calls.")
    fill_date(page, "breach_on", yesterday)
    page.check("input[name=conditions_breached]")
    page.fill("#id_circumstances", "Missed the appointment of yesterday and has not answered since.")
    page.fill("#id_tried", "Calls, texts and a letter; a warning last month.")
    page.fill("#id_discussion", "Talked through at supervision this morning.")
    check_and_capture(page, "breach-2-propose")
    click_and_wait(page, "#id_submit")
    assert "a supervisor will decide" in page.inner_text(".govuk-notification-banner")
    assert page.get_by_test_id("pending-closure").is_visible()

    approver = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 800})
    sign_in(approver, live_server, supervisor)
    approver.goto(f"{live_server.url}/allocation/decisions/")
    check_and_capture(approver, "breach-3-decisions")
    click_and_wait(approver, "a[href*='/decisions/closures/']")
    check_and_capture(approver, "breach-4-decide")
    assert "Calls, texts and a letter" in approver.inner_text("main")
    approver.check("input[name=approve][value=yes]")
    approver.fill("#id_note", "No contact since a warning: the contract has broken down.")
    click_and_wait(approver, "#id_submit")
    approver.goto(f"{live_server.url}/cases/{case.pk}/")
    assert "Breached" in approver.get_by_test_id("identity-bar").inner_text()
    check_and_capture(approver, "breach-5-breached")
    case.refresh_from_db()
    assert case.status == Case.Status.BREACHED
    # The breach pack was made at the approval, kept on the case, and goes with the officer's email.
    from oocr.notifications.models import Delivery

    email = Delivery.objects.get(template="officer_breached")
    assert email.attachment_filename == f"breach-pack-{case.number}.pdf"
    assert "No contact since a warning" in email.body and "Date of the breach" in email.body
    approver.goto(f"{live_server.url}/cases/{case.pk}/documents/")
    assert "Breach pack" in approver.inner_text("main")


@pytest.mark.django_db(transaction=True)
def test_a_keyworker_moves_an_appointment_and_records_one_outcome_late(live_server, page):
    from contracts.tests.factories import ActiveContractFactory

    case = ActiveContractFactory(case__person__first_names="Jenna", case__person__last_name="Penrose",
                                 case__person__preferred_contact="text").case
    keyworker = case.allocations.get().keyworker
    tomorrow, three_days_ago = timezone.localdate() + timedelta(days=1), timezone.localdate() - timedelta(days=3)
    upcoming = BookedContactFactory(case=case, recorded_by=keyworker, place="Truro police station",
                                    starts_at=timezone.make_aware(datetime.combine(tomorrow, time(10, 30))))
    forgotten = BookedContactFactory(case=case, recorded_by=keyworker,
                                     starts_at=timezone.make_aware(datetime.combine(three_days_ago, time(14, 0))))
    sign_in(page, live_server, keyworker)

    page.goto(f"{live_server.url}/cases/{case.pk}/contacts/")
    click_and_wait(page, f"a[href$='/contacts/{upcoming.pk}/move/']")
    fill_date(page, "day", tomorrow + timedelta(days=1))
    page.fill("#id_time", "11:15")
    page.fill("#id_reason", "Jenna has a job interview")
    check_and_capture(page, "appointments-1-move")
    click_and_wait(page, "#id_submit")
    assert "The person has been sent a message" in page.inner_text(".govuk-notification-banner")
    assert "First booked for" in page.get_by_test_id("contacts").inner_text()

    page.goto(f"{live_server.url}/caseload/appointments-without-outcome/")
    listed = page.get_by_test_id("appointments-without-outcome").inner_text()
    assert case.number in listed and "Penrose" in listed
    check_and_capture(page, "appointments-2-without-outcome")
    click_and_wait(page, f"a[href$='/contacts/{forgotten.pk}/outcome/']")
    page.check("input[name=outcome][value=attended]")
    page.fill("#id_notes", "Talked about the interview")
    click_and_wait(page, "#id_submit")
    page.goto(f"{live_server.url}/caseload/appointments-without-outcome/")
    assert "Every past appointment has its outcome" in page.get_by_test_id("appointments-without-outcome").inner_text()

    upcoming.refresh_from_db()
    forgotten.refresh_from_db()
    assert (timezone.localtime(upcoming.starts_at).date(), upcoming.times_moved) == (tomorrow + timedelta(days=1), 1)
    assert forgotten.outcome == "attended"
    assert case.events.filter(text__contains="recorded late").exists()
