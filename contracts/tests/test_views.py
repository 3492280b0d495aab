from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseEvent
from contracts.models import ClosureProposal, Condition, ConditionTemplate, Contact, NeedDomain, VariationProposal
from contracts.services.closure import closure_decide, closure_propose
from contracts.services.contacts import contact_record
from contracts.services.contract import contract_approve, contract_sign
from contracts.services.variation import variation_decide, variation_propose
from contracts.tests.factories import breach_record
from contracts.tests.test_closure import active_case
from contracts.tests.test_contracts import assessed_case
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, in_the_team
from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import FACTORY_BY_ROLE, SupervisorFactory
from oocr.audit.models import AccessLog

pytestmark = pytest.mark.django_db

READ_PAGES = ["cases:case_detail", "cases:case_history", "cases:case_victim", "contracts:assessment"]
CHANGE_PAGES = ["cases:first_contact", "contracts:action_new"]


def keyworker_of(case):
    return case.allocations.get(ended_at=None).keyworker


@pytest.mark.parametrize("role", Role.ALL + ["holder", "other keyworker"])
def test_case_pages_permission_matrix(client, role):
    case = AllocatedCaseFactory()
    user = {"holder": keyworker_of(case), "other keyworker": StaffProfileFactory().user}.get(role) or in_the_team(FACTORY_BY_ROLE[role]())
    client.force_login(user)
    reads = {client.get(reverse(name, args=[case.pk])).status_code for name in READ_PAGES}
    changes = {client.get(reverse(name, args=[case.pk])).status_code for name in CHANGE_PAGES}
    expected = {
        "holder": ({200}, {200}),
        "other keyworker": ({404}, {404}),
        Role.KEYWORKER: ({404}, {404}),  # a keyworker not holding the case does not learn it exists
        Role.SUPERVISOR: ({200}, {403}),
        Role.TEAM_MANAGER: ({200}, {403}),
    }.get(role, ({403}, {403}))
    assert (reads, changes) == expected


def test_a_supervisor_cannot_record_consent_on_a_keyworkers_case(client):
    case = AllocatedCaseFactory()
    client.force_login(FACTORY_BY_ROLE[Role.SUPERVISOR]())
    response = client.post(reverse("cases:first_contact", args=[case.pk]), {
        "offered_on_0": "1", "offered_on_1": "11", "offered_on_2": "2026", "method": "phone", "answer": "accepted",
    })
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.ALLOCATED


def test_the_keyworker_records_consent_and_is_sent_to_the_assessment(client):
    case = AllocatedCaseFactory()
    client.force_login(keyworker_of(case))
    page = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert "Record first contact" in page.content.decode()
    today = timezone.localdate()
    response = client.post(reverse("cases:first_contact", args=[case.pk]), {
        "offered_on_0": today.day, "offered_on_1": today.month, "offered_on_2": today.year,
        "method": "face_to_face", "answer": "accepted",
    }, follow=True)
    assert "Consent recorded. Next: the needs assessment." in response.content.decode()
    assert "Record the needs assessment" in response.content.decode()


def test_first_contact_form_names_each_missing_answer(client):
    case = AllocatedCaseFactory()
    client.force_login(keyworker_of(case))
    response = client.post(reverse("cases:first_contact", args=[case.pk]), {})
    errors = [e for errs in response.context["form"].errors.values() for e in errs]
    assert "Enter the date the scheme was offered" in errors
    assert "Select whether the person agrees to take part" in errors


def test_a_closed_case_offers_no_changes_and_refuses_them(client):
    case = AllocatedCaseFactory()
    holder = keyworker_of(case)
    case_services.case_first_contact_record(case_id=case.pk, user=holder, offered_on=timezone.localdate(), method="phone", answer="declined")
    client.force_login(holder)
    page = client.get(reverse("contracts:assessment", args=[case.pk])).content.decode()
    assert "Record safeguarding" not in page
    response = client.post(reverse("contracts:action_new", args=[case.pk]), {
        "kind": "intelligence", "reference": "INT-9", "raised_on_0": "1", "raised_on_1": "11", "raised_on_2": "2026",
    })
    assert response.status_code == 403  # a closed case has no holder: everyone reads it, nobody changes it
    assert "Read-only" in page


def test_assessment_with_a_safeguarding_concern_prompts_an_alert(client):
    case = AllocatedCaseFactory()
    holder = keyworker_of(case)
    case_services.case_first_contact_record(case_id=case.pk, user=holder, offered_on=timezone.localdate(), method="phone", answer="accepted")
    client.force_login(holder)
    data = {f"score_{d.pk}": "1" for d in NeedDomain.objects.all()}
    data[f"safeguarding_{NeedDomain.objects.get(code='alcohol').pk}"] = "on"
    response = client.post(reverse("contracts:assessment_form", args=[case.pk, "baseline"]), data)
    assert response["Location"] == reverse("contracts:action_new", args=[case.pk]) + "?kind=safeguarding"
    page = client.get(reverse("contracts:assessment", args=[case.pk]))
    assert len(page.context["distance"]) == 12


def test_an_unscored_domain_is_named(client):
    case = AllocatedCaseFactory()
    holder = keyworker_of(case)
    case_services.case_first_contact_record(case_id=case.pk, user=holder, offered_on=timezone.localdate(), method="phone", answer="accepted")
    client.force_login(holder)
    response = client.post(reverse("contracts:assessment_form", args=[case.pk, "baseline"]), {})
    assert "Select a score for accommodation" in response.content.decode()
    assert client.get(reverse("contracts:assessment_form", args=[case.pk, "nonsense"])).status_code == 404


def test_the_timeline_filters_by_kind(client):
    case = AllocatedCaseFactory()
    client.force_login(keyworker_of(case))
    everything = client.get(reverse("cases:case_history", args=[case.pk])).context["events"]
    assert {event.kind for event in everything} == {CaseEvent.Kind.SUBMITTED, CaseEvent.Kind.ALLOCATED}
    journey = client.get(reverse("cases:case_history", args=[case.pk]), {"kind": "assessment"}).context["events"]
    assert list(journey) == []


def test_each_view_of_a_case_page_is_logged(client):
    case = AllocatedCaseFactory()
    client.force_login(keyworker_of(case))
    for name in READ_PAGES:
        client.get(reverse(name, args=[case.pk]))
    # Views only: the officer in the case was emailed of the allocation, a disclosure logged as such.
    assert AccessLog.objects.filter(object_id=case.pk, person_id=case.person_id, kind=AccessLog.Kind.VIEW).count() == len(READ_PAGES)


@pytest.mark.parametrize("name", ["cases:case_detail", "cases:case_history"])
def test_case_page_query_counts_do_not_grow_with_history(client, django_assert_max_num_queries, name):
    case = AllocatedCaseFactory()
    holder = keyworker_of(case)
    client.force_login(holder)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse(name, args=[case.pk]))
    CaseEvent.objects.bulk_create([CaseEvent(case=case, kind=CaseEvent.Kind.ACTION, by=holder, text=f"note {n}") for n in range(30)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name, args=[case.pk])).status_code == 200


def test_the_keyworker_proposes_an_extension_and_a_supervisor_of_the_team_sees_it_waiting(client):
    case, holder, _ = active_case(signed_weeks_ago=2)
    client.force_login(holder)
    assert "Propose to a supervisor" in client.get(reverse("contracts:variation_new", args=[case.pk])).content.decode()
    response = client.post(reverse("contracts:variation_new", args=[case.pk]), {
        "kind": "extension", "reason": "In hospital for a fortnight", "extension_days": "14",
    })
    assert response.status_code == 302
    proposal = VariationProposal.objects.get(contract__case=case)
    assert (proposal.kind, proposal.extension_days, proposal.reason, proposal.proposed_by, proposal.decision) == (
        "extension", 14, "In hospital for a fortnight", holder, "pending")
    client.force_login(in_the_team(SupervisorFactory()))
    assert list(client.get(reverse("contracts:decisions")).context["variations"]) == [proposal]


def test_the_keyworker_proposes_new_words_and_a_date_for_one_condition(client):
    case, holder, condition = active_case(signed_weeks_ago=2)
    client.force_login(holder)
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(reverse("contracts:variation_new", args=[case.pk]), {
        "kind": "variation", "reason": "New adviser", "condition": str(condition.pk),
        "new_description": "You will meet the CAB debt adviser.",
        "new_due_date_0": due.day, "new_due_date_1": due.month, "new_due_date_2": due.year,
    })
    assert response.status_code == 302
    proposal = VariationProposal.objects.get(contract__case=case)
    assert (proposal.kind, proposal.condition, proposal.new_description, proposal.new_due_date) == (
        "variation", condition, "You will meet the CAB debt adviser.", due)


def test_a_variation_without_its_condition_or_an_extension_without_days_is_named_and_nothing_saved(client):
    case, holder, _ = active_case(signed_weeks_ago=2)
    client.force_login(holder)
    variation = client.post(reverse("contracts:variation_new", args=[case.pk]), {
        "kind": "variation", "reason": "x", "new_description": "New words"})
    extension = client.post(reverse("contracts:variation_new", args=[case.pk]), {"kind": "extension", "reason": "x"})
    too_long = client.post(reverse("contracts:variation_new", args=[case.pk]), {
        "kind": "extension", "reason": "x", "extension_days": "90"})
    assert "Choose the condition to vary" in variation.content.decode()
    assert "Enter the extension in days, up to 56" in extension.content.decode()
    assert "Enter the extension in days, up to 56" in too_long.content.decode()
    assert not VariationProposal.objects.exists()


def test_the_outcome_of_another_cases_appointment_or_of_none_is_not_found_and_nothing_changes(client):
    case, holder, _ = active_case(signed_weeks_ago=2)
    other, other_holder, _ = active_case(signed_weeks_ago=2)
    elsewhere = contact_record(case_id=other.pk, user=other_holder, data={
        "type": "phone", "starts_at": timezone.now() + timedelta(hours=2), "place": "", "outcome": "",
        "duration_minutes": None, "notes": ""})
    Contact.objects.filter(pk=elsewhere.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    client.force_login(holder)
    for contact_pk in (elsewhere.pk, elsewhere.pk + 1000):
        url = reverse("contracts:contact_outcome", args=[case.pk, contact_pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "attended", "notes": "Fine"}).status_code == 404
    elsewhere.refresh_from_db()
    assert (elsewhere.outcome, elsewhere.notes) == ("", "")
    assert not Contact.objects.filter(case=case).exists()
    assert not case.events.filter(kind=CaseEvent.Kind.CONTACT).exists()


def bespoke(**data):
    due = timezone.localdate() + timedelta(days=30)
    return {"description": "You will write to the shop manager.", "due_date_0": due.day, "due_date_1": due.month,
            "due_date_2": due.year, "recurrence": "", **data}


def test_the_keyworker_writes_a_condition_of_their_own_from_the_contract_page(client):
    case, holder = assessed_case()
    client.force_login(holder)
    contract_page = client.get(reverse("contracts:contract", args=[case.pk])).content.decode()
    url = reverse("contracts:condition_new", args=[case.pk])
    assert f'href="{url}"' in contract_page and "write your own condition" in contract_page
    assert "What kind of condition is it?" in client.get(url).content.decode()
    finance = NeedDomain.objects.get(code="finance")
    response = client.post(url, bespoke(kind="rehabilitative", need_domain=finance.pk,
                                        description="You will see the credit union about the payday loan."))
    assert response.status_code == 302
    condition = Condition.objects.get(contract__case=case, kind="rehabilitative")
    assert (condition.template, condition.need_domain, condition.description, condition.status) == (
        None, finance, "You will see the credit union about the payday loan.", "not_started")


@pytest.mark.parametrize("data, message", [
    ({}, "Select the kind of condition"),
    ({"kind": "restrictive"}, "Name the person or place the restriction is about"),
    ({"kind": "rehabilitative"}, "Choose the need this condition addresses"),
    ({"kind": "reparative", "hours_required": "40"}, "Unpaid work can be at most 20 hours"),
    ({"kind": "standard"}, "Select the kind of condition"),
    ({"kind": "restorative", "description": ""}, "Describe the condition in plain words for the person"),
    ({"kind": "restorative", "due_date_0": "", "due_date_1": "", "due_date_2": ""}, "Enter a due date, or how often it repeats"),
])
def test_a_condition_of_ones_own_missing_what_its_kind_needs_is_named_and_not_added(client, data, message):
    case, holder = assessed_case()
    client.force_login(holder)
    response = client.post(reverse("contracts:condition_new", args=[case.pk]), bespoke(**data))
    assert response.status_code == 200
    errors = [error for errors in response.context["form"].errors.values() for error in errors]
    assert message in errors
    assert "This field" not in " ".join(errors)
    assert list(Condition.objects.filter(contract__case=case).values_list("kind", flat=True)) == ["standard"]


@pytest.mark.parametrize("template", ["abc", "99999", "-1", "1.5"])
def test_a_template_not_in_the_library_is_not_found(client, template):
    case, holder = assessed_case()
    client.force_login(holder)
    url = reverse("contracts:condition_new", args=[case.pk]) + f"?template={template}"
    assert client.get(url).status_code == 404
    assert client.post(url, bespoke(kind="restorative")).status_code == 404
    assert Condition.objects.filter(contract__case=case).count() == 1


def compensation_url(case) -> str:
    template = ConditionTemplate.objects.get(title="Compensation to the victim")
    return reverse("contracts:condition_new", args=[case.pk]) + f"?template={template.pk}"


def test_compensation_from_the_library_asks_for_the_amount_and_the_contract_states_it(client):
    case, holder = assessed_case()
    client.force_login(holder)
    form_page = client.get(compensation_url(case)).content.decode()
    assert "Amount of compensation, in pounds" in form_page and 'class="govuk-input__prefix" aria-hidden="true">£' in form_page
    response = client.post(compensation_url(case), bespoke(description="You will pay the shop for the broken window.",
                                                           amount="1250.5"))
    assert response.status_code == 302
    condition = Condition.objects.get(contract__case=case, kind="reparative")
    assert (condition.template.title, condition.description, condition.amount) == (
        "Compensation to the victim", "You will pay the shop for the broken window.", Decimal("1250.50"))
    assert "Compensation: £1,250.50" in client.get(reverse("contracts:contract", args=[case.pk])).content.decode()
    assert "Amount: £1,250.50." in client.get(reverse("contracts:contract_document", args=[case.pk])).content.decode()


def test_compensation_without_an_amount_is_refused_and_nothing_added(client):
    case, holder = assessed_case()
    client.force_login(holder)
    response = client.post(compensation_url(case), bespoke())
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == ["Enter the amount of compensation, in pounds"]
    assert list(Condition.objects.filter(contract__case=case).values_list("kind", flat=True)) == ["standard"]


@pytest.mark.parametrize("amount, message", [
    ("-50", "The amount of compensation must be more than £0"),
    ("0", "The amount of compensation must be more than £0"),
    ("12.345", "Enter the amount of compensation in pounds and pence, like 150.50"),
    ("5000.01", "The amount of compensation must be £5,000 or less"),
    ("99999", "The amount of compensation must be £5,000 or less"),
    ("fifty", "Enter the amount of compensation in pounds, like 150 or 150.50"),
])
def test_an_amount_of_compensation_not_in_pounds_and_pence_up_to_the_cap_is_refused(client, amount, message):
    case, holder = assessed_case()
    client.force_login(holder)
    response = client.post(compensation_url(case), bespoke(amount=amount))
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [message]
    assert Condition.objects.filter(contract__case=case).count() == 1


def test_a_condition_of_ones_own_carries_an_amount_only_to_make_good_the_harm(client):
    case, holder = assessed_case()
    client.force_login(holder)
    url = reverse("contracts:condition_new", args=[case.pk])
    assert "Amount of compensation, in pounds (for compensation only)" in client.get(url).content.decode()
    refused = client.post(url, bespoke(kind="restrictive", target="Tesco, Fore Street", amount="40"))
    assert refused.context["form"].errors["amount"] == [
        "Only a condition to pay compensation has an amount: leave the amount empty"]
    assert client.post(url, bespoke(kind="reparative", amount="40")).status_code == 302
    assert Condition.objects.get(contract__case=case, kind="reparative").amount == Decimal("40.00")


def test_a_library_condition_that_is_not_compensation_does_not_ask_for_or_take_an_amount(client):
    case, holder = assessed_case()
    client.force_login(holder)
    template = ConditionTemplate.objects.get(title="Repair the damage")
    url = reverse("contracts:condition_new", args=[case.pk]) + f"?template={template.pk}"
    assert "Amount of compensation" not in client.get(url).content.decode()
    assert client.post(url, bespoke(amount="40")).status_code == 302
    assert Condition.objects.get(contract__case=case, kind="reparative").amount is None


def decided_message_shown(response) -> str:
    assert response.status_code == 302 and response["Location"] == reverse("contracts:decisions")
    return " ".join(str(message) for message in response.wsgi_request._messages)


def test_a_closure_another_supervisor_has_just_decided_says_who_decided_it_and_when(client):
    case, holder, _ = active_case()
    proposal = closure_propose(case_id=case.pk, user=holder, result="breached", breach=breach_record(), reason="Stopped coming")
    first, second = in_the_team(SupervisorFactory(first_name="Morwenna", last_name="Tregear")), in_the_team(SupervisorFactory())
    closure_decide(proposal_id=proposal.pk, user=first, approve=True, note="No contact for three weeks after a warning")  # the case closes as breached
    client.force_login(second)
    url = reverse("contracts:closure_decide", args=[proposal.pk])
    shown = decided_message_shown(client.get(url))
    decided_at = timezone.localtime(ClosureProposal.objects.get(pk=proposal.pk).decided_at)
    assert "approved by Morwenna Tregear" in shown and f"{decided_at:%H:%M}" in shown
    assert "Morwenna Tregear" in decided_message_shown(client.post(url, {"approve": "no", "note": "Too late"}))
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decided_by, proposal.decision_note) == (
        "approved", first, "No contact for three weeks after a warning")


def test_a_variation_another_supervisor_has_just_refused_says_so_and_stays_refused(client):
    case, holder, _ = active_case(signed_weeks_ago=2)
    proposal = variation_propose(case_id=case.pk, user=holder, kind="extension", reason="x", extension_days=7)
    first = in_the_team(SupervisorFactory(first_name="Jory", last_name="Pascoe"))
    variation_decide(proposal_id=proposal.pk, user=first, approve=False, note="Not needed")
    client.force_login(in_the_team(SupervisorFactory()))
    url = reverse("contracts:variation_decide", args=[proposal.pk])
    assert "refused by Jory Pascoe" in decided_message_shown(client.post(url, {"approve": "yes"}))
    proposal.refresh_from_db()
    case.contract.refresh_from_db()
    assert (proposal.decision, proposal.decided_by, case.contract.extension_days) == ("refused", first, 0)


def test_another_teams_supervisor_still_does_not_find_a_decided_proposal(client):
    from keyworkers.tests.factories import SupervisorProfileFactory, TeamFactory

    case, holder, _ = active_case()
    closure = closure_propose(case_id=case.pk, user=holder, result="breached", breach=breach_record(), reason="Stopped coming")
    closure_decide(proposal_id=closure.pk, user=in_the_team(SupervisorFactory()), approve=False, note="Carry on")
    variation = variation_propose(case_id=case.pk, user=holder, kind="extension", reason="x", extension_days=7)
    variation_decide(proposal_id=variation.pk, user=in_the_team(SupervisorFactory()), approve=True)
    client.force_login(SupervisorProfileFactory(team=TeamFactory(name="North team")).user)
    assert client.get(reverse("contracts:closure_decide", args=[closure.pk])).status_code == 404
    assert client.get(reverse("contracts:variation_decide", args=[variation.pk])).status_code == 404


def test_approving_a_contract_another_supervisor_has_just_approved_says_who_did(client):
    from contracts.models import Contract, SchemeSettings
    from contracts.tests.test_contracts import add

    SchemeSettings.objects.update(contract_approval_required=True)
    case, holder = assessed_case()
    add(case, holder, "Debt advice", need_domain=NeedDomain.objects.get(code="finance"))
    contract_sign(case_id=case.pk, user=holder, signed_on=timezone.localdate(), agreement="verbal")
    first = in_the_team(SupervisorFactory(first_name="Tamsin", last_name="Rowe"))
    contract_approve(case_id=case.pk, user=first)
    client.force_login(in_the_team(SupervisorFactory()))
    response = client.post(reverse("contracts:contract_approve", args=[case.pk]), follow=True)
    assert "approved already by Tamsin Rowe" in response.content.decode()
    assert Contract.objects.get(case=case).approved_by == first
