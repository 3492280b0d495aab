"""The case work forms, for the form harness (oocr/tests/form_harness.py)."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from contracts.models import (
    ClosureProposal, Condition, ConditionTemplate, Contact, Contract, KeyworkerAction, NeedDomain, NeedsAssessment,
    NonCompliance, VariationProposal,
)
from contracts.tests.factories import (
    ActiveContractFactory, AssessedCaseFactory, AwaitingApprovalContractFactory, BookedContactFactory, ConsentingVictimFactory,
    PendingClosureFactory, PendingExtensionFactory, TailoredConditionFactory, holder_of,
)
from keyworkers.models import StaffProfile
from keyworkers.services import calendar_token_issue
from keyworkers.tests.factories import StaffProfileFactory, SupervisorProfileFactory
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.notifications.models import ReminderRun
from oocr.tests.concurrency import one_time_token, version_of
from oocr.tests.form_harness import FormCase

HOLDER, SUPERVISOR, ADMIN = "keyworker holding the case", "Supervisor", "Administrator"


def _date(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _on(case, name, *args):
    """The holder, and the address of one of the case's pages."""
    return {"user": holder_of(case), "case": case, "url": reverse(f"contracts:{name}", args=[case.pk, *args])}


def _tailored(contract):
    return contract.conditions.exclude(kind="standard").get()


# --- Assessment and keyworker actions -----------------------------------------------------------------


def _closing_assessment():
    return _on(ActiveContractFactory().case, "assessment_form", "closing")


def _scores(context):
    domains = NeedDomain.objects.filter(is_active=True)
    return {**{f"score_{domain.pk}": "1" for domain in domains}, f"notes_{domains[0].pk}": "Sleeping at his sister's",
            f"safeguarding_{domains[0].pk}": "on", "strengths": "Kept every appointment", "goals": "A job by the summer",
            **version_of(NeedsAssessment.objects.filter(case=context["case"], kind=NeedsAssessment.Kind.CLOSING).first())}


def _closing_recorded(context):
    assessment = NeedsAssessment.objects.get(case=context["case"], kind=NeedsAssessment.Kind.CLOSING)
    assert (assessment.strengths, assessment.goals) == ("Kept every appointment", "A job by the summer")
    assert {score.score for score in assessment.scores.all()} == {1}
    assert [score.notes for score in assessment.scores.filter(safeguarding=True)] == ["Sleeping at his sister's"]


def _action():
    return _on(ActiveContractFactory().case, "action_new")


def _intelligence(context):
    return {"kind": "intelligence", "concern": "", "sent_to": "Truro neighbourhood team", "reference": "INT/2291",
            "offence": "", **_date("raised_on", timezone.localdate()), "notes": "Seen with the co-accused", **one_time_token()}


def _action_recorded(context):
    action = KeyworkerAction.objects.get(case=context["case"])
    assert (action.kind, action.sent_to, action.reference, action.raised_on) == (
        "intelligence", "Truro neighbourhood team", "INT/2291", timezone.localdate())


# --- The contract ---------------------------------------------------------------------------------------


def _no_contract_yet():
    return _on(AssessedCaseFactory(draft_contract=False), "contract_start")


def _drafting_started(context):
    contract = Contract.objects.get(case=context["case"])
    assert contract.status == Contract.Status.DRAFT
    assert [condition.kind for condition in contract.conditions.all()] == ["standard"]


def _apology():
    """A draft contract, a victim of the case who consented, and one of another case: the letter of apology names one."""
    victim = ConsentingVictimFactory()
    template = ConditionTemplate.objects.get(title="Letter of apology")
    context = _on(victim.crime.case, "condition_new")
    return {**context, "url": f"{context['url']}?template={template.pk}", "victim": victim,
            "stranger": ConsentingVictimFactory()}


def _letter(context):
    return {"description": "You will write to the shop's manager to say sorry.", "recurrence": "", "hours_required": "",
            **_date("due_date", timezone.localdate() + timedelta(days=30)), "victim": str(context["victim"].pk),
            **one_time_token()}


def _letter_added(context):
    condition = Condition.objects.get(contract__case=context["case"], kind="restorative")
    assert (condition.description, condition.victim, condition.due_date) == (
        "You will write to the shop's manager to say sorry.", context["victim"], timezone.localdate() + timedelta(days=30))


def _compensation():
    """A draft contract and the library's compensation template, which asks for the amount in pounds."""
    case = AssessedCaseFactory()
    template = ConditionTemplate.objects.get(title="Compensation to the victim")
    context = _on(case, "condition_new")
    return {**context, "url": f"{context['url']}?template={template.pk}"}


def _compensation_of(context):
    return {"description": "You will pay the shop for the broken window.", "recurrence": "", "hours_required": "",
            "amount": "85.50", **_date("due_date", timezone.localdate() + timedelta(days=30)), "victim": "", **one_time_token()}


def _compensation_added(context):
    condition = Condition.objects.get(contract__case=context["case"], kind="reparative")
    assert (condition.template.title, condition.amount) == ("Compensation to the victim", Decimal("85.50"))


def _removable():
    case = AssessedCaseFactory()
    condition = TailoredConditionFactory(contract=case.contract)
    return {**_on(case, "condition_remove", condition.pk), "condition": condition}


def _removed(context):
    assert not Condition.objects.filter(pk=context["condition"].pk).exists()
    assert Condition.objects.filter(contract__case=context["case"], kind="standard").exists()


def _editable():
    case = AssessedCaseFactory()
    condition = TailoredConditionFactory(contract=case.contract)
    return {**_on(case, "condition_edit", condition.pk), "condition": condition}


def _reworded(context):
    return {"description": "You will see the Citizens Advice debt adviser twice.", "recurrence": "", "hours_required": "",
            **_date("due_date", timezone.localdate() + timedelta(days=45)),
            "need_domain": str(context["condition"].need_domain_id), **version_of(context["condition"])}


def _condition_changed(context):
    condition = Condition.objects.get(pk=context["condition"].pk)
    assert (condition.description, condition.due_date, condition.version) == (
        "You will see the Citizens Advice debt adviser twice.", timezone.localdate() + timedelta(days=45),
        context["condition"].version + 1)


def _first_contact_to_correct():
    """In assessment: the first contact, recorded today by phone, may still be corrected."""
    case = AssessedCaseFactory()
    return {"user": holder_of(case), "case": case, "url": reverse("cases:first_contact_correct", args=[case.pk]),
            "first_contact": case.first_contact}


def _corrected_first_contact(context):
    return {**_date("offered_on", timezone.localdate()), "method": "face_to_face", "notes": "Met at the station, not by phone",
            **version_of(context["first_contact"])}


def _first_contact_corrected(context):
    from cases.models import FirstContact

    first_contact = FirstContact.objects.get(case=context["case"])
    assert (first_contact.method, first_contact.notes, first_contact.answer) == (
        "face_to_face", "Met at the station, not by phone", "accepted")
    assert Case.objects.get(pk=context["case"].pk).status == Case.Status.ASSESSMENT


def _ready_to_sign():
    case = AssessedCaseFactory()
    TailoredConditionFactory(contract=case.contract)
    return _on(case, "contract_sign")


def _signed(context):
    contract = Contract.objects.get(case=context["case"])
    today = timezone.localdate()
    assert (contract.status, contract.agreement, contract.start_date, contract.end_date) == (
        Contract.Status.ACTIVE, "signed_in_person", today, today + timedelta(weeks=contract.weeks))
    assert Case.objects.get(pk=context["case"].pk).status == Case.Status.ACTIVE


def _awaiting_approval():
    contract = AwaitingApprovalContractFactory()
    return {"user": SupervisorProfileFactory().user, "case": contract.case,
            "url": reverse("contracts:contract_approve", args=[contract.case.pk])}


def _approved(context):
    contract = Contract.objects.get(case=context["case"])
    assert (contract.status, contract.approved_by) == (Contract.Status.ACTIVE, context["user"])
    assert Case.objects.get(pk=context["case"].pk).status == Case.Status.ACTIVE


def _decision_waiting():
    contract = AwaitingApprovalContractFactory()
    return {"user": SupervisorProfileFactory().user, "case": contract.case,
            "url": reverse("contracts:contract_decide", args=[contract.case.pk])}


def _returned(context):
    contract = Contract.objects.get(case=context["case"])
    assert (contract.status, contract.start_date) == (Contract.Status.DRAFT, None)
    decision = contract.decisions.get()
    assert (decision.decision, decision.comments, decision.by) == ("returned", "Cap the unpaid work at 10 hours", context["user"])


def _condition_under_way():
    contract = ActiveContractFactory()
    condition = _tailored(contract)
    return {**_on(contract.case, "condition_progress", condition.pk), "condition": condition}


def _progress(context):
    return {"status": "in_progress", "evidence": "Met the debt adviser on Monday", "hours_done": "2",
            **version_of(context["condition"])}


def _progress_saved(context):
    condition = Condition.objects.get(pk=context["condition"].pk)
    assert (condition.status, condition.evidence, condition.hours_done) == ("in_progress", "Met the debt adviser on Monday", 2)


def _variation():
    contract = ActiveContractFactory()
    return {**_on(contract.case, "variation_new"), "condition": _tailored(contract),
            "stranger": _tailored(ActiveContractFactory())}


def _vary(context):
    return {"kind": "variation", "reason": "The adviser moved to Camborne", "extension_days": "",
            "condition": str(context["condition"].pk), "new_description": "You will meet a debt adviser in Camborne.",
            **_date("new_due_date", timezone.localdate() + timedelta(days=40)), "new_recurrence": "", "new_hours_required": "",
            **one_time_token()}


def _variation_proposed(context):
    proposal = VariationProposal.objects.get(contract__case=context["case"])
    assert (proposal.kind, proposal.decision, proposal.reason, proposal.condition, proposal.new_description) == (
        "variation", "pending", "The adviser moved to Camborne", context["condition"],
        "You will meet a debt adviser in Camborne.")
    assert (proposal.new_due_date, proposal.new_hours_required) == (timezone.localdate() + timedelta(days=40), None)
    assert Condition.objects.get(pk=context["condition"].pk).status == "not_started"  # nothing changes until approved


# --- Contacts, non-compliance and closure ------------------------------------------------------------------------


def _contacts():
    return _on(ActiveContractFactory().case, "contact_new")


def _contact_logged(context):
    return {"type": "face_to_face", **_date("day", timezone.localdate() - timedelta(days=1)), "time": "14:30",
            "place": "Truro office", "outcome": "attended", "duration_minutes": "45", "notes": "Talked about the debt plan",
            **one_time_token()}


def _contact_recorded(context):
    contact = Contact.objects.get(case=context["case"])
    assert (contact.type, contact.place, contact.outcome, contact.duration_minutes, contact.notes) == (
        "face_to_face", "Truro office", "attended", 45, "Talked about the debt plan")
    assert timezone.localtime(contact.starts_at).date() == timezone.localdate() - timedelta(days=1)


def _booked():
    contact = BookedContactFactory()
    return {**_on(contact.case, "contact_outcome", contact.pk), "contact": contact}


def _how_it_went(context):
    return {"outcome": "late", "duration_minutes": "30", "notes": "Bus was late", **version_of(context["contact"])}


def _outcome_recorded(context):
    contact = Contact.objects.get(pk=context["contact"].pk)
    assert (contact.outcome, contact.duration_minutes, contact.notes) == ("late", 30, "Bus was late")


def _booked_later():
    """An appointment booked for tomorrow, which the keyworker moves or cancels."""
    contact = BookedContactFactory(starts_at=timezone.now() + timedelta(days=1))
    return {**_on(contact.case, "contact_reschedule", contact.pk), "contact": contact}


def _to_next_week(context):
    return {**_date("day", timezone.localdate() + timedelta(days=7)), "time": "10:15", "reason": "The person starts work",
            **version_of(context["contact"])}


def _moved(context):
    contact = Contact.objects.get(pk=context["contact"].pk)
    assert timezone.localtime(contact.starts_at).date() == timezone.localdate() + timedelta(days=7)
    assert (f"{timezone.localtime(contact.starts_at):%H:%M}", contact.times_moved) == ("10:15", 1)
    assert contact.first_booked_for == context["contact"].starts_at
    assert context["case"].events.filter(text__contains="The person starts work").exists()


def _booked_to_cancel():
    contact = BookedContactFactory(starts_at=timezone.now() + timedelta(days=1))
    return {**_on(contact.case, "contact_cancel", contact.pk), "contact": contact}


def _cancel_reason(context):
    return {"reason": "The person is in hospital", **version_of(context["contact"])}


def _cancelled(context):
    contact = Contact.objects.get(pk=context["contact"].pk)
    assert (contact.cancel_reason, contact.cancelled_by, contact.outcome) == ("The person is in hospital", context["user"], "")
    assert contact.cancelled_at is not None


def _non_compliance():
    case = ActiveContractFactory().case
    return {**_on(case, "non_compliance_new"), "missed": BookedContactFactory(case=case, outcome="absent_unacceptable"),
            "stranger": BookedContactFactory()}


def _missed(context):
    return {"kind": "missed_appointment", **_date("occurred_on", timezone.localdate()), "reasonable_excuse": "no",
            "contact": str(context["missed"].pk), "response": "warning", "notes": "No answer on the phone",
            **one_time_token()}


def _decision_recorded(context):
    event = NonCompliance.objects.get(case=context["case"])
    assert (event.kind, event.occurred_on, event.reasonable_excuse, event.response, event.notes, event.contact) == (
        "missed_appointment", timezone.localdate(), False, "warning", "No answer on the phone", context["missed"])


def _closing():
    contract = ActiveContractFactory()
    return {**_on(contract.case, "closure"), "condition": _tailored(contract),
            "stranger": _tailored(ActiveContractFactory())}


def _breach(context):
    return {"result": "breached", "withdrawal_reason": "", "reason": "Three missed appointments and a new offence",
            **_date("breach_on", timezone.localdate()), "conditions_breached": [str(context["condition"].pk)],
            "new_offence": "", "circumstances": "Missed three appointments in a row",
            "tried": "A warning, then a home visit", "discussion": "Talked it through at supervision on Monday",
            **one_time_token()}


def _breach_proposed(context):
    proposal = ClosureProposal.objects.get(case=context["case"])
    assert (proposal.result, proposal.decision, proposal.reason, proposal.proposed_by) == (
        "breached", "pending", "Three missed appointments and a new offence", context["user"])
    assert (proposal.breach_on, proposal.circumstances, proposal.tried, proposal.discussion) == (
        timezone.localdate(), "Missed three appointments in a row", "A warning, then a home visit",
        "Talked it through at supervision on Monday")
    assert list(proposal.conditions_breached.all()) == [context["condition"]]
    assert Case.objects.get(pk=context["case"].pk).status == Case.Status.ACTIVE  # a breach waits for a supervisor


def _closing_with_a_victim_untold():
    """A victim who was never given the restorative justice information: the closure asks why."""
    case = ActiveContractFactory().case
    ConsentingVictimFactory(crime=case.crimes.get())
    return _on(case, "closure")


def _withdrawal_with_reason(context):
    return {"result": "withdrawn", "withdrawal_reason": "moved_away", "reason": "Moved out of the area",
            "victim_update_reason": "The victim asked not to be contacted again", **one_time_token()}


def _withdrawn_with_reason(context):
    proposal = ClosureProposal.objects.get(case=context["case"])
    assert proposal.victim_update_reason == "The victim asked not to be contacted again"
    assert Case.objects.get(pk=context["case"].pk).status == Case.Status.WITHDRAWN


# --- Supervisors' decisions, and the reminders job ---------------------------------------------------------------


def _closure_waiting():
    proposal = PendingClosureFactory()
    return {"user": SupervisorProfileFactory().user, "proposal": proposal,
            "url": reverse("contracts:closure_decide", args=[proposal.pk])}


def _extension_waiting():
    proposal = PendingExtensionFactory()
    return {"user": SupervisorProfileFactory().user, "proposal": proposal,
            "url": reverse("contracts:variation_decide", args=[proposal.pk])}


def _approve(context):
    return {"approve": "yes", "note": "Agreed after speaking to the keyworker"}


def _breach_approved(context):
    proposal = ClosureProposal.objects.get(pk=context["proposal"].pk)
    assert (proposal.decision, proposal.decided_by, proposal.decision_note) == (
        "approved", context["user"], "Agreed after speaking to the keyworker")
    assert Case.objects.get(pk=proposal.case_id).status == Case.Status.BREACHED
    contract = Contract.objects.get(case_id=proposal.case_id)
    assert (contract.status, contract.end_date) == (Contract.Status.ENDED, timezone.localdate())  # ended early, that day


def _extension_approved(context):
    proposal = VariationProposal.objects.get(pk=context["proposal"].pk)
    contract = Contract.objects.get(pk=proposal.contract_id)
    assert (proposal.decision, proposal.decided_by) == ("approved", context["user"])
    assert (contract.extension_days, contract.end_date) == (14, context["proposal"].contract.end_date + timedelta(days=14))


def _reminders():
    return {"user": AdministratorFactory(), "url": reverse("contracts:reminders")}


def _reminders_run(context):
    # The job is queued for after the commit, which the harness's savepoint never reaches: run what was queued.
    queued = [callback for _, callback, _ in connection.run_on_commit]
    assert queued, "the reminders job was not queued"
    for callback in queued:
        callback()
    assert ReminderRun.objects.filter(run_date=timezone.localdate()).exists()


def _calendar_address():
    """A keyworker whose calendar address has been shared by mistake: they ask for a new one."""
    keyworker = StaffProfileFactory().user
    return {"user": keyworker, "url": reverse("contracts:week"), "old": calendar_token_issue(user=keyworker)}


def _calendar_address_renewed(context):
    token = StaffProfile.objects.get(user=context["user"]).calendar_token
    assert token and token != context["old"]


FORM_CASES = [
    FormCase("/cases/<int:pk>/assessment/<str:kind>/", HOLDER, _closing_assessment, _scores, _closing_recorded),
    FormCase("/cases/<int:pk>/actions/new/", HOLDER, _action, _intelligence, _action_recorded),
    FormCase("/cases/<int:pk>/contract/start/", HOLDER, _no_contract_yet, lambda context: {}, _drafting_started, button=True),
    FormCase("/cases/<int:pk>/contract/conditions/new/", HOLDER, _apology, _letter, _letter_added,
             foreign=lambda context: {**_letter(context), "victim": str(context["stranger"].pk)}),
    FormCase("/cases/<int:pk>/contract/conditions/new/", f"{HOLDER}, for compensation", _compensation, _compensation_of,
             _compensation_added),
    FormCase("/cases/<int:pk>/contract/conditions/<int:condition_pk>/remove/", HOLDER, _removable, lambda context: {}, _removed,
             button=True),
    FormCase("/cases/<int:pk>/contract/conditions/<int:condition_pk>/edit/", HOLDER, _editable, _reworded, _condition_changed),
    FormCase("/cases/<int:pk>/first-contact/correct/", HOLDER, _first_contact_to_correct, _corrected_first_contact,
             _first_contact_corrected),
    FormCase("/cases/<int:pk>/contract/sign/", HOLDER, _ready_to_sign,
             lambda context: {**_date("signed_on", timezone.localdate()), "agreement": "signed_in_person",
                              **version_of(Contract.objects.get(case=context["case"]))}, _signed),
    FormCase("/cases/<int:pk>/contract/approve/", SUPERVISOR, _awaiting_approval, lambda context: {}, _approved, button=True),
    FormCase("/cases/<int:pk>/contract/decide/", SUPERVISOR, _decision_waiting,
             lambda context: {"decision": "returned", "comments": "Cap the unpaid work at 10 hours",
                              **version_of(Contract.objects.get(case=context["case"]))}, _returned),
    FormCase("/cases/<int:pk>/contract/conditions/<int:condition_pk>/", HOLDER, _condition_under_way, _progress, _progress_saved),
    FormCase("/cases/<int:pk>/contract/variation/", HOLDER, _variation, _vary, _variation_proposed,
             foreign=lambda context: {**_vary(context), "condition": str(context["stranger"].pk)}),
    FormCase("/cases/<int:pk>/contacts/new/", HOLDER, _contacts, _contact_logged, _contact_recorded),
    FormCase("/cases/<int:pk>/contacts/<int:contact_pk>/outcome/", HOLDER, _booked, _how_it_went, _outcome_recorded),
    FormCase("/cases/<int:pk>/contacts/<int:contact_pk>/move/", HOLDER, _booked_later, _to_next_week, _moved),
    FormCase("/cases/<int:pk>/contacts/<int:contact_pk>/cancel/", HOLDER, _booked_to_cancel, _cancel_reason, _cancelled),
    FormCase("/cases/<int:pk>/non-compliance/new/", HOLDER, _non_compliance, _missed, _decision_recorded,
             foreign=lambda context: {**_missed(context), "contact": str(context["stranger"].pk)}),
    FormCase("/cases/<int:pk>/close/", HOLDER, _closing, _breach, _breach_proposed,
             foreign=lambda context: {**_breach(context), "conditions_breached": [str(context["stranger"].pk)]}),
    FormCase("/cases/<int:pk>/close/", f"{HOLDER}, a victim not told", _closing_with_a_victim_untold,
             _withdrawal_with_reason, _withdrawn_with_reason),
    FormCase("/allocation/decisions/closures/<int:pk>/", SUPERVISOR, _closure_waiting, _approve, _breach_approved),
    FormCase("/allocation/decisions/variations/<int:pk>/", SUPERVISOR, _extension_waiting, _approve, _extension_approved),
    FormCase("/administration/reminders/", ADMIN, _reminders, lambda context: {}, _reminders_run, button=True),
    FormCase("/caseload/week/", "Keyworker", _calendar_address, lambda context: {}, _calendar_address_renewed, button=True),
]
