"""Every decision tells who it concerns, the same minute, in the inbox and by email; and no one else."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.tests.factories import ReadyDraftCaseFactory
from contracts.models import Contract, SchemeSettings
from contracts.services.assessment import needs_assessment_record
from contracts.services.closure import closure_decide, closure_propose
from contracts.services.contract import contract_approve
from contracts.services.variation import variation_decide, variation_propose
from contracts.tests.factories import (
    ActiveContractFactory, AwaitingApprovalContractFactory, PendingClosureFactory, PendingExtensionFactory, breach_record,
    holder_of,
)
from keyworkers import services as keyworker_services
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import AdministratorFactory, EvidenceReviewOfficerFactory
from oocr.notifications.kinds import KINDS
from oocr.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


class Told:
    """What one action sent: inbox items by user, and emails by address with their template."""

    def __init__(self):
        self.inbox: dict = {}
        self.emails: dict = {}


@contextmanager
def told():
    notifications, deliveries = Notification.objects.count() and Notification.objects.latest("id").pk or 0, \
        Delivery.objects.count() and Delivery.objects.latest("id").pk or 0
    result = Told()
    yield result
    for notification in Notification.objects.filter(pk__gt=notifications).select_related("user"):
        result.inbox.setdefault(notification.user, []).append(notification.text)
    for delivery in Delivery.objects.filter(pk__gt=deliveries):
        result.emails.setdefault(delivery.recipient, []).append(delivery.template)


def team_supervisors(team_name="OoCR team") -> set:
    return {profile.user for profile in TeamFactory(name=team_name).staff.select_related("user")
            if profile.user.groups.filter(name=Role.SUPERVISOR).exists() and profile.user.is_active}


def officer_email(case) -> str:
    return case.crimes.get().officer_email


def test_the_table_names_twenty_five_kinds_each_with_a_template_and_known_recipients():
    from oocr.notifications.kinds import RECIPIENT_LABELS
    from oocr.notifications.selectors import notification_templates

    assert len(KINDS) == 25  # 19, and six from the partner portal
    assert all(set(kind.recipients) <= set(RECIPIENT_LABELS) for kind in KINDS.values())
    assert all(item["source"].strip() for item in notification_templates())


def test_an_allocation_tells_the_keyworker_and_emails_the_officer_who_and_when():
    from cases.tests.factories import AwaitingAllocationCaseFactory

    case = AwaitingAllocationCaseFactory()
    keyworker, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    with told() as sent:
        allocation = keyworker_services.case_allocate(case_id=case.pk, keyworker=keyworker, user=supervisor)
    assert sent.inbox == {keyworker: [f"Case {case.number} has been allocated to you by {supervisor.get_full_name()}"]}
    assert sent.emails == {keyworker.email: ["case_allocated"], officer_email(case): ["officer_allocated"]}
    body = Delivery.objects.get(template="officer_allocated").body
    assert keyworker.get_full_name() in body and f"{timezone.localtime(allocation.allocated_at):%H:%M}" in body


def test_a_reallocation_tells_both_keyworkers_and_no_one_else():
    case = AllocatedCaseFactory()
    before = case.allocations.get().keyworker
    after, supervisor = StaffProfileFactory().user, SupervisorProfileFactory().user
    with told() as sent:
        keyworker_services.case_reallocate(case_id=case.pk, keyworker=after, user=supervisor, reason="workload", note="Loads")
    assert set(sent.inbox) == {before, after}
    assert sent.emails == {before.email: ["case_reallocated"], after.email: ["case_reallocated"]}


def test_a_breach_proposed_tells_the_teams_supervisors_at_once_and_its_decision_the_keyworker_and_the_officer():
    contract = ActiveContractFactory()
    case, holder = contract.case, holder_of(contract.case)
    SupervisorProfileFactory(team=TeamFactory(name="North team"))  # another team's supervisor hears nothing
    with told() as sent:
        proposal = closure_propose(case_id=case.pk, user=holder, result="breached", reason="Stopped coming",
                                   breach=breach_record())
    supervisors = team_supervisors()
    assert supervisors and set(sent.inbox) == supervisors
    assert all(texts == [f"Case {case.number}: breach proposed by {holder.get_full_name()}, waiting for a decision"]
               for texts in sent.inbox.values())
    assert sent.emails == {user.email: ["proposal_waiting"] for user in supervisors}
    decider = next(iter(supervisors))
    with told() as sent:
        closure_decide(proposal_id=proposal.pk, user=decider, approve=True, note="Broke down after a warning")
    assert sent.inbox == {holder: [f"{decider.get_full_name()} approved the breach proposed for case {case.number}: "
                                   "Broke down after a warning"]}
    assert sent.emails == {holder.email: ["breach_decided"], officer_email(case): ["officer_breached"]}


def test_a_breach_is_decided_with_a_rationale_and_refused_tells_the_keyworker_not_the_officer():
    proposal = PendingClosureFactory()
    supervisor = SupervisorProfileFactory().user
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="rationale"):
        closure_decide(proposal_id=proposal.pk, user=supervisor, approve=True)
    with told() as sent:
        closure_decide(proposal_id=proposal.pk, user=supervisor, approve=False, note="One more chance")
    holder = holder_of(proposal.case)
    assert list(sent.inbox) == [holder] and sent.emails == {holder.email: ["breach_decided"]}


def test_a_breach_is_refused_without_what_led_to_it_and_what_was_tried():
    from django.core.exceptions import ValidationError

    contract = ActiveContractFactory()
    with pytest.raises(ValidationError) as refused:
        closure_propose(case_id=contract.case_id, user=holder_of(contract.case), result="breached", reason="x",
                        breach=breach_record(new_offence="", circumstances="", tried="", breach_on=None))
    assert set(refused.value.message_dict) == {"breach_on", "conditions_breached", "circumstances", "tried"}
    assert not contract.case.closure_proposals.exists()


def test_a_completion_closing_at_once_tells_the_officer_what_happens_next_and_no_staff():
    contract = ActiveContractFactory(start_date=timezone.localdate() - timedelta(weeks=17))
    case, holder = contract.case, holder_of(contract.case)
    contract.conditions.exclude(kind="standard").update(status="met")
    from contracts.models import NeedDomain

    needs_assessment_record(case_id=case.pk, user=holder, kind="closing", data={}, scores={
        domain.pk: {"score": 0, "notes": "", "safeguarding": False} for domain in NeedDomain.objects.filter(is_active=True)})
    with told() as sent:
        closure_propose(case_id=case.pk, user=holder, result="completed", reason="All met")
    assert sent.inbox == {}  # the keyworker decided it themselves
    assert sent.emails == {officer_email(case): ["officer_completed"]}
    body = Delivery.objects.get(template="officer_completed").body
    assert "What happens next:" in body


def test_a_withdrawal_a_supervisor_approves_tells_the_keyworker_and_the_officer():
    SchemeSettings.objects.update_or_create(pk=1, defaults={"closure_approval_required": True})
    contract = ActiveContractFactory()
    case, holder = contract.case, holder_of(contract.case)
    with told() as sent:
        proposal = closure_propose(case_id=case.pk, user=holder, result="withdrawn", reason="Moved to Leeds",
                                   withdrawal_reason="moved_away")
    assert set(sent.inbox) == team_supervisors()
    supervisor = next(iter(team_supervisors()))
    with told() as sent:
        closure_decide(proposal_id=proposal.pk, user=supervisor, approve=True)
    assert list(sent.inbox) == [holder]
    assert sent.emails == {holder.email: ["closure_decided"], officer_email(case): ["officer_withdrawn"]}


def test_a_contract_waiting_for_approval_tells_the_supervisors_and_its_approval_the_keyworker():
    contract = AwaitingApprovalContractFactory()
    case, holder = contract.case, holder_of(contract.case)
    supervisor = next(iter(team_supervisors()))
    with told() as sent:
        contract_approve(case_id=case.pk, user=supervisor)
    assert sent.inbox == {holder: [f"{supervisor.get_full_name()} approved the contract of case {case.number}"]}
    assert sent.emails == {holder.email: ["contract_approved"]}
    assert Contract.objects.get(pk=contract.pk).status == "active"


def test_an_extension_proposed_and_decided_tells_the_supervisors_then_the_keyworker():
    contract = ActiveContractFactory()
    case, holder = contract.case, holder_of(contract.case)
    with told() as sent:
        proposal = variation_propose(case_id=case.pk, user=holder, kind="extension", reason="In hospital",
                                     extension_days=14)
    assert set(sent.inbox) == team_supervisors() and holder not in sent.inbox
    supervisor = next(iter(team_supervisors()))
    with told() as sent:
        variation_decide(proposal_id=proposal.pk, user=supervisor, approve=False, note="Not needed yet")
    assert sent.inbox == {holder: [f"{supervisor.get_full_name()} refused the extension proposed for case {case.number}: "
                                   "Not needed yet"]}
    assert sent.emails == {holder.email: ["variation_decided"]}


def test_an_override_submitted_tells_the_supervisors_who_allocate():
    supervisor = SupervisorProfileFactory().user
    elsewhere = SupervisorProfileFactory(team=TeamFactory(name="North team")).user
    case = ReadyDraftCaseFactory(person__postcode="BS1 4DJ")  # lives outside the force area
    officer = EvidenceReviewOfficerFactory()
    from cases.services import intake_submit

    with told() as sent:
        intake_submit(case=case, user=officer, decision="overridden", route="deferred_caution",
                      override_reason="The order ended last week")
    assert {supervisor, elsewhere} <= set(sent.inbox)  # before allocation, every team's supervisors share the queue
    assert officer not in sent.inbox
    assert all(template == ["override_waiting"] for template in sent.emails.values())


def test_an_administrator_reads_every_template_and_no_one_else_may():
    client = Client()
    client.force_login(AdministratorFactory())
    page = client.get(reverse("notifications:templates"))
    assert page.status_code == 200
    content = page.content.decode()
    assert all(f'data-testid="template-{code}"' in content for code in KINDS)
    assert "Date of the breach" in content
    client.force_login(StaffProfileFactory().user)
    assert client.get(reverse("notifications:templates")).status_code == 403


def test_an_inactive_keyworker_is_not_told():
    case = AllocatedCaseFactory()
    keyworker = case.allocations.get().keyworker
    keyworker.is_active = False
    keyworker.save()
    from oocr.notifications.services import notify

    result = notify(kind="contract_approved", case=case, actor=SupervisorProfileFactory().user, event="x",
                    context={"contract": None})
    assert result == {}


# --- Sending a submission back, corrections, the officer's own withdrawal, the breach pack, disposal ---------------

CONTACT = {"address_line_1": "3 Lemon Street", "address_line_2": "", "town": "Truro", "postcode": "TR1 2LS",
           "phone": "07700 900456", "email": "", "preferred_contact": "phone"}


def test_a_returned_submission_tells_its_officer_only_and_its_resubmission_the_supervisor_who_returned_it():
    from cases import services as case_services
    from cases.models import Case, SubmissionReturn
    from cases.tests.factories import AwaitingAllocationCaseFactory

    case = AwaitingAllocationCaseFactory()
    supervisor, other = SupervisorProfileFactory().user, SupervisorProfileFactory().user
    StaffProfileFactory()  # a keyworker: not told
    with told() as sent:
        case_services.submission_send_back(case_id=case.pk, user=supervisor, kind=SubmissionReturn.Kind.RETURNED,
                                           reasons="The crime reference is another force's")
    assert sent.inbox == {case.created_by: [f"{supervisor.get_full_name()} returned case {case.number} to you to correct. "
                                            "Reasons: The crime reference is another force's"]}
    assert sent.emails == {case.created_by.email: ["submission_returned"]}
    assert "another force's" in Delivery.objects.get(template="submission_returned").body
    case.refresh_from_db()
    with told() as sent:
        case_services.intake_submit(case=case, user=case.created_by, decision="submitted", route=Case.Route.DEFERRED_CAUTION)
    assert sent.inbox == {supervisor: [f"Case {case.number}, which you returned to the officer, has been corrected and "
                                       "submitted again"]}
    assert other not in sent.inbox and sent.emails == {supervisor.email: ["submission_resubmitted"]}


def test_an_override_refused_tells_its_officer_only():
    from cases import services as case_services
    from cases.models import SubmissionReturn

    case = ReadyDraftCaseFactory(draft_answers={**ReadyDraftCaseFactory._meta.declarations["draft_answers"].function(),
                                                "consent": "no"})
    case_services.intake_submit(case=case, user=case.created_by, decision="overridden", route="deferred_caution",
                                override_reason="Consent expected tomorrow")
    supervisor = SupervisorProfileFactory().user
    with told() as sent:
        case_services.submission_send_back(case_id=case.pk, user=supervisor, kind=SubmissionReturn.Kind.OVERRIDE_REFUSED,
                                           reasons="No consent, no scheme")
    assert list(sent.inbox) == [case.created_by] and "refused the override" in sent.inbox[case.created_by][0]
    assert sent.emails == {case.created_by.email: ["override_refused"]}


def test_a_correction_that_makes_a_case_ineligible_tells_the_supervisors_what_changed_and_no_one_else():
    from cases import services as case_services
    from cases.tests.factories import AwaitingAllocationCaseFactory

    supervisors = {SupervisorProfileFactory().user, SupervisorProfileFactory(team=TeamFactory(name="North team")).user}
    StaffProfileFactory()
    case = AwaitingAllocationCaseFactory()
    with told() as sent:
        case_services.person_correct(case_id=case.pk, user=case.created_by, read_version=case.person.version,
                                     data={**CONTACT, "postcode": "M1 1AA"}, reason="Typed the old address")
    assert set(sent.inbox) == supervisors  # before allocation the queue is every team's
    assert all(texts == [f"A correction made case {case.number} ineligible: decide whether it goes ahead"]
               for texts in sent.inbox.values())
    assert sent.emails == {user.email: ["case_ineligible"] for user in supervisors}
    assert "not met now" in Delivery.objects.filter(template="case_ineligible").first().body


def test_an_officer_withdrawing_their_submission_emails_the_officer_in_the_case_and_tells_no_staff():
    from cases import services as case_services
    from cases.tests.factories import AwaitingAllocationCaseFactory

    case = AwaitingAllocationCaseFactory()
    SupervisorProfileFactory()
    with told() as sent:
        case_services.case_submission_withdraw(case_id=case.pk, user=case.created_by, reason="duplicate")
    assert sent.inbox == {} and sent.emails == {officer_email(case): ["officer_withdrawn"]}
    body = Delivery.objects.get(template="officer_withdrawn").body
    assert "before it was allocated" in body and "What happens next:" in body


def test_the_breach_email_to_the_officer_carries_the_breach_pack_and_states_date_conditions_rationale_next_step(mailoutbox):
    from documents.models import CaseDocument
    from oocr.notifications.services import delivery_send

    proposal = PendingClosureFactory()
    case, supervisor = proposal.case, SupervisorProfileFactory().user
    closure_decide(proposal_id=proposal.pk, user=supervisor, approve=True, note="Every chance was given")
    pack = CaseDocument.objects.get(case=case, kind=CaseDocument.Kind.BREACH_PACK)
    delivery = Delivery.objects.get(template="officer_breached")
    assert delivery.attachment == pack.storage_name and delivery.attachment_filename == f"breach-pack-{case.number}.pdf"
    for words in (f"Date of the breach: {proposal.breach_on:%-d %B %Y}", "New offence: Theft from a shop",
                  "rationale", "Every chance was given", "What happens next: the case returns to you", "attached"):
        assert words in delivery.body
    mailoutbox.clear()
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    [email] = [message for message in mailoutbox if message.to == [officer_email(case)]]
    [(filename, content, mimetype)] = email.attachments
    assert filename == f"breach-pack-{case.number}.pdf" and content.startswith(b"%PDF") and mimetype == "application/pdf"


def test_disposal_blanks_the_inbox_text_about_the_case_and_no_other():
    from cases.tests.factories import AwaitingAllocationCaseFactory
    from oocr.notifications.services import DISPOSED_TEXT, case_messages_erase, notification_send

    case, other = AwaitingAllocationCaseFactory(), AwaitingAllocationCaseFactory()
    user = SupervisorProfileFactory().user
    about = notification_send(user=user, text=f"Case {case.number}: reasons naming someone", case=case)
    linked = notification_send(user=user, text="An older item, linked only", url=f"/intake/{case.pk}/")
    kept = notification_send(user=user, text=f"Case {other.number}", url=f"/intake/{other.pk}/", case=other)
    case_messages_erase(case_id=case.pk, person_id=None)
    assert [Notification.objects.get(pk=n.pk).text for n in (about, linked, kept)] == [
        DISPOSED_TEXT, DISPOSED_TEXT, f"Case {other.number}"]
