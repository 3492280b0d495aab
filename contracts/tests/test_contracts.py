from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import services as case_services
from cases.models import Case, CaseStateError, Victim
from contracts.documents import contract_pdf
from contracts.models import Condition, ConditionTemplate, Contract, NeedDomain, SchemeSettings
from contracts.services.assessment import needs_assessment_record
from contracts.services.contract import condition_add, condition_progress_record, contract_approve, contract_draft_start, contract_sign
from contracts.tests.factories import backdate_case
from keyworkers.tests.factories import AllocatedCaseFactory
from oocr.accounts.tests.factories import SupervisorFactory
from oocr.audit.models import AccessLog

pytestmark = pytest.mark.django_db


def template(title):
    return ConditionTemplate.objects.get(title=title)


def assessed_case(*, offered_on=None, **kwargs):
    """An allocated case the person agreed to (today, or on `offered_on`), with its first needs assessment: ready for a
    contract."""
    case = AllocatedCaseFactory(**kwargs)
    holder = case.allocations.get(ended_at=None).keyworker
    if offered_on:
        backdate_case(case, to=offered_on)
    case_services.case_first_contact_record(case_id=case.pk, user=holder, offered_on=offered_on or timezone.localdate(),
                                            method="phone", answer="accepted")
    needs_assessment_record(case_id=case.pk, user=holder, kind="baseline", data={}, scores={
        d.pk: {"score": 2, "notes": "", "safeguarding": False} for d in NeedDomain.objects.filter(is_active=True)
    })
    contract_draft_start(case_id=case.pk, user=holder)
    return case, holder


def add(case, holder, title, **data):
    return condition_add(case_id=case.pk, user=holder, template=template(title), data={
        "description": template(title).text, "due_date": timezone.localdate() + timedelta(days=60), "recurrence": "", "need_domain": None,
        "victim": None, "target": "", "hours_required": None, **data,
    })


def test_a_draft_contract_always_holds_the_standard_condition():
    case, _ = assessed_case()
    [standard] = Contract.objects.get(case=case).conditions.all()
    assert standard.is_standard and "not commit any offence" in standard.description


def test_a_contract_is_drafted_only_during_the_assessment():
    case = AllocatedCaseFactory()
    with pytest.raises(CaseStateError, match="a contract cannot be drafted"):
        contract_draft_start(case_id=case.pk, user=case.allocations.get().keyworker)


@pytest.mark.parametrize(
    "title, data, field, message",
    [
        ("Drug service assessment and treatment", {"need_domain": None}, "need_domain", "Choose the need"),
        ("No contact with a named person", {"target": " "}, "target", "Name the person or place"),
        ("Debt advice", {"due_date": None, "recurrence": ""}, "due_date", "Enter a due date, or how often it repeats"),
        ("Unpaid work in the community", {"hours_required": 21}, "hours_required", "at most 20 hours"),
        ("Unpaid work in the community", {"hours_required": None}, "hours_required", "Enter the number of hours"),
        ("Letter of apology", {}, "victim", "Choose the victim"),
    ],
)
def test_contract_rules_refuse_a_condition_with_a_clear_message(title, data, field, message):
    case, holder = assessed_case()
    if title == "Drug service assessment and treatment":
        data = {**data}
    with pytest.raises(ValidationError) as refused:
        add(case, holder, title, **data)
    assert message in " ".join(refused.value.message_dict[field])
    assert Condition.objects.filter(contract__case=case).count() == 1


def test_unpaid_work_up_to_the_cap_is_allowed_and_the_cap_is_configurable():
    case, holder = assessed_case()
    assert add(case, holder, "Unpaid work in the community", hours_required=20).hours_required == 20
    SchemeSettings.objects.update(unpaid_work_hours_cap=10)
    with pytest.raises(ValidationError, match="at most 10 hours"):
        add(case, holder, "Unpaid work in the community", hours_required=12)


def test_a_restorative_condition_with_the_victim_needs_their_consent():
    case, holder = assessed_case()
    victim = Victim.objects.create(crime=case.crimes.get(), name="Tesco Extra", restorative_consent="not_asked")
    with pytest.raises(ValidationError, match="Tesco Extra has not consented to a restorative approach"):
        add(case, holder, "Letter of apology", victim=victim)
    victim.restorative_consent = "yes"
    victim.save()
    assert add(case, holder, "Letter of apology", victim=victim).victim == victim


def test_signing_starts_the_contract_for_16_weeks_from_the_day_signed():
    case, holder = assessed_case(offered_on=date(2026, 11, 2))
    add(case, holder, "Debt advice", need_domain=NeedDomain.objects.get(code="finance"), due_date=date(2026, 12, 20))
    contract = contract_sign(case_id=case.pk, user=holder, signed_on=date(2026, 11, 2), agreement="signed_in_person")
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    assert contract.status == Contract.Status.ACTIVE
    assert (contract.start_date, contract.end_date) == (date(2026, 11, 2), date(2027, 2, 22))
    assert contract.week_on(date(2026, 11, 2)) == 1 and contract.week_on(date(2026, 11, 9)) == 2


@pytest.mark.parametrize(
    "start, extension_days, end",
    [(date(2027, 3, 1), 0, date(2027, 6, 21)),      # across the spring clock change (28 March 2027)
     (date(2026, 10, 1), 0, date(2027, 1, 21)),     # across the autumn one (25 October 2026)
     (date(2026, 10, 1), 28, date(2027, 2, 18))],   # with four weeks of approved extension
)
def test_the_end_date_is_calendar_weeks_plus_extensions(start, extension_days, end):
    assert Contract(start_date=start, weeks=16, extension_days=extension_days).compute_end_date() == end


def test_a_contract_needs_the_assessment_and_a_tailored_condition_before_it_is_agreed():
    case, holder = assessed_case()
    with pytest.raises(ValidationError, match="at least one condition tailored"):
        contract_sign(case_id=case.pk, user=holder, signed_on=timezone.localdate(), agreement="verbal")
    case.refresh_from_db()
    assert case.status == Case.Status.ASSESSMENT


def test_where_the_scheme_requires_it_a_supervisor_approves_before_the_case_starts():
    SchemeSettings.objects.update(contract_approval_required=True)
    case, holder = assessed_case()
    add(case, holder, "Debt advice", need_domain=NeedDomain.objects.get(code="finance"))
    contract = contract_sign(case_id=case.pk, user=holder, signed_on=timezone.localdate(), agreement="verbal")
    case.refresh_from_db()
    assert (contract.status, case.status) == (Contract.Status.AWAITING_APPROVAL, Case.Status.ASSESSMENT)
    supervisor = SupervisorFactory()
    contract_approve(case_id=case.pk, user=supervisor)
    case.refresh_from_db()
    contract.refresh_from_db()
    assert (contract.status, contract.approved_by, case.status) == (Contract.Status.ACTIVE, supervisor, Case.Status.ACTIVE)
    with pytest.raises(CaseStateError, match="not waiting for approval"):
        contract_approve(case_id=case.pk, user=supervisor)


def test_conditions_cannot_change_once_agreed_and_progress_is_checked():
    case, holder = assessed_case()
    unpaid = add(case, holder, "Unpaid work in the community", hours_required=10)
    contract_sign(case_id=case.pk, user=holder, signed_on=timezone.localdate(), agreement="verbal")
    with pytest.raises(CaseStateError, match="no draft contract"):
        add(case, holder, "Debt advice", need_domain=NeedDomain.objects.get(code="finance"))
    with pytest.raises(ValidationError, match="cannot be more than the 10 required"):
        condition_progress_record(case_id=case.pk, user=holder, condition_id=unpaid.pk, status="in_progress",
                                  evidence="", hours_done=11)
    with pytest.raises(ValidationError, match="through a variation"):
        condition_progress_record(case_id=case.pk, user=holder, condition_id=unpaid.pk, status="withdrawn",
                                  evidence="", hours_done=0)
    done = condition_progress_record(case_id=case.pk, user=holder, condition_id=unpaid.pk, status="met",
                                     evidence="Signed sheet from the allotment project", hours_done=10)
    assert (done.status, done.hours_done) == ("met", 10)


def pdf_text(contract) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(contract_pdf(contract))).pages)
    return " ".join(text.split())


def test_the_pdf_holds_every_condition_and_the_breach_consequence_of_the_route():
    case, holder = assessed_case(offered_on=date(2026, 11, 2))
    add(case, holder, "No contact with a named person", target="Dean Rowe", due_date=None, recurrence="Throughout")
    contract = contract_sign(case_id=case.pk, user=holder, signed_on=date(2026, 11, 2), agreement="verbal")
    text = pdf_text(contract)
    assert "You will not commit any offence during the contract." in text
    assert "You will not contact the person named below" in text and "Dean Rowe" in text
    assert "ends on 22 February 2027" in text
    assert "simple caution" in text and "may charge you" not in text
    Case.objects.filter(pk=case.pk).update(route=Case.Route.DEFERRED_CHARGE)
    charge = pdf_text(Contract.objects.select_related("case__person").get(pk=contract.pk))
    assert "may charge you" in charge and "simple caution" not in charge


def test_downloading_the_pdf_is_logged_as_an_export(client):
    case, holder = assessed_case()
    add(case, holder, "Debt advice", need_domain=NeedDomain.objects.get(code="finance"))
    contract_sign(case_id=case.pk, user=holder, signed_on=timezone.localdate(), agreement="verbal")
    client.force_login(holder)
    response = client.get(reverse("contracts:contract_pdf", args=[case.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT, object_id=case.pk).count() == 1


def test_only_the_keyworker_builds_the_contract(client):
    case, holder = assessed_case()
    client.force_login(SupervisorFactory())
    url = reverse("contracts:condition_new", args=[case.pk]) + f"?template={template('Debt advice').pk}"
    assert client.get(url).status_code == 403
    client.force_login(holder)
    page = client.get(url)
    assert page.status_code == 200
    assert "Rehabilitative condition: debt advice" in page.content.decode()
