"""Intake, the offence catalogue and the case pages' own forms, for the form harness (oocr/tests/form_harness.py)."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Case, Crime, EligibilityAssessment, FirstContact, Offence, Person, SubmissionReturn, Victim, VictimContact,
)
from cases.tests.factories import (
    AwaitingAllocationCaseFactory, CrimeFactory, DraftCaseFactory, PersonFactory, ReadyDraftCaseFactory,
)
from cases.views.case_page import CASE_ACCESS_REASONS_SESSION_KEY
from cases.views.search import SEARCH_SESSION_KEY
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.accounts.tests.factories import AdministratorFactory, EvidenceReviewOfficerFactory, TeamManagerFactory
from oocr.concurrency.services import versions_total
from oocr.tests.concurrency import one_time_token, version_of
from oocr.tests.form_harness import FormCase

ERO, ADMIN, HOLDER = "ERO who made the draft", "Administrator", "Keyworker holding the case"


def _date(name: str, day) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


# --- Intake: a draft of the officer's, opened by the officer or an administrator ---------------------------------


def _draft(url_name: str, *, by_admin: bool, factory=DraftCaseFactory) -> dict:
    case = factory()
    user = AdministratorFactory() if by_admin else case.created_by
    return {"user": user, "case": case, "url": reverse(url_name, args=[case.pk])}


def _with_crime(by_admin: bool) -> dict:
    crime = CrimeFactory()
    user = AdministratorFactory() if by_admin else crime.case.created_by
    return {"user": user, "case": crime.case, "crime": crime}


def _start(by_admin: bool) -> dict:
    user = AdministratorFactory() if by_admin else EvidenceReviewOfficerFactory()
    return {"user": user, "url": reverse("cases:intake_start")}


def _started(context):
    assert Case.objects.filter(created_by=context["user"], status=Case.Status.DRAFT).exists()


PERSON = {
    "first_names": "Kerensa", "last_name": "Penhaligon-Vosper",
    "date_of_birth_0": "14", "date_of_birth_1": "6", "date_of_birth_2": "2001",
    "sex": "female", "ethnicity": "NS", "pnc_id": "", "address_line_1": "4 Quay Street", "address_line_2": "",
    "town": "Truro", "postcode": "TR1 2AB", "phone": "07700 900123", "email": "kerensa@example.org",
    "preferred_contact": "phone", "continue": "",
}


def _person_page(by_admin: bool) -> dict:
    return {**_draft("cases:intake_person", by_admin=by_admin), "stranger": PersonFactory()}


def _person(context) -> dict:
    return {**PERSON, **version_of(context["case"].person)}


def _person_saved(context):
    case = Case.objects.select_related("person").get(pk=context["case"].pk)
    assert (case.person.first_names, case.person.last_name, case.person.postcode) == ("Kerensa", "Penhaligon-Vosper", "TR1 2AB")


def _crime(context) -> dict:
    offence = Offence.objects.filter(is_active=True).order_by("code").first()
    return {
        "reference": "CR/40417/26", "offence_1": str(offence.pk), "offence_2": "", "offence_3": "",
        **_date("offence_date", timezone.localdate() - timedelta(days=4)), "offence_postcode": "TR1 3XX",
        "domestic_abuse": "on", "officer_name": "PC Morwenna Hicks", "officer_collar_number": "4521",
        "officer_email": "morwenna.hicks@example.org", "continue": "", **version_of(context["case"].crimes.first()),
    }


def _crime_saved(context):
    crime = Crime.objects.get(case=context["case"])
    assert (crime.reference, crime.domestic_abuse, crime.officer_name) == ("CR/40417/26", True, "PC Morwenna Hicks")
    assert crime.offences.count() == 1


def _victims_page(by_admin: bool) -> dict:
    context = _with_crime(by_admin)
    return {**context, "url": reverse("cases:intake_victims", args=[context["case"].pk])}


def _victim(context) -> dict:
    return {"name": "Demelza Rowe", "phone": "07700 900456", "email": "demelza@example.org", "view": "supports",
            "restorative_consent": "yes", **_date("date_asked", timezone.localdate() - timedelta(days=1)), "continue": "",
            **one_time_token()}


def _victim_added(context):
    victim = Victim.objects.get(crime=context["crime"])
    assert (victim.name, victim.view, victim.restorative_consent) == ("Demelza Rowe", "supports", "yes")
    assert victim.date_asked == timezone.localdate() - timedelta(days=1)


def _victim_to_remove(by_admin: bool) -> dict:
    context = _with_crime(by_admin)
    victim = Victim.objects.create(crime=context["crime"], name="Demelza Rowe")
    return {**context, "victim": victim, "url": reverse("cases:intake_victim_remove", args=[context["case"].pk, victim.pk])}


def _victim_removed(context):
    assert not Victim.objects.filter(pk=context["victim"].pk).exists()


ANSWERS = {"consent": "yes", "admission": "accepts_responsibility", "no_dvpo": "yes", "no_court_order": "yes",
           "no_prison_licence": "yes", "no_other_bail": "yes", "previous_offences": "3", "previous_cautions": "1",
           "previous_convictions": "0", "continue": ""}


def _answers_saved(context):
    answers = Case.objects.get(pk=context["case"].pk).draft_answers
    assert answers["admission"] == "accepts_responsibility"
    assert (answers["previous_offences"], answers["previous_cautions"]) == (3, 1)


def _ineligible_draft(by_admin: bool) -> dict:
    """Ready for the check, but the person did not consent: close it, or submit it by override."""
    context = _draft("cases:intake_check", by_admin=by_admin, factory=ReadyDraftCaseFactory)
    Case.objects.filter(pk=context["case"].pk).update(draft_answers={**context["case"].draft_answers, "consent": "no"})
    return context


def _submitted(context):
    case = Case.objects.get(pk=context["case"].pk)
    assert (case.status, case.route) == (Case.Status.AWAITING_ALLOCATION, Case.Route.DEFERRED_CHARGE)
    assert EligibilityAssessment.objects.get(case=case).decision == EligibilityAssessment.Decision.SUBMITTED


def _closed_ineligible(context):
    case = Case.objects.get(pk=context["case"].pk)
    assert case.status == Case.Status.INELIGIBLE
    assert EligibilityAssessment.objects.get(case=case).decision == EligibilityAssessment.Decision.CLOSED_INELIGIBLE


def _overridden(context):
    case = Case.objects.get(pk=context["case"].pk)
    assert (case.status, case.override_reason) == (Case.Status.AWAITING_ALLOCATION, "The supervisor agreed: first offence")
    assert EligibilityAssessment.objects.get(case=case).decision == EligibilityAssessment.Decision.OVERRIDDEN


def _intake(path, arrange, valid, done, **options) -> list[FormCase]:
    """The same page for the officer who made the draft and for an administrator."""
    return [FormCase(path, role, lambda by_admin=by_admin: arrange(by_admin), valid, done, **options)
            for role, by_admin in ((ERO, False), (ADMIN, True))]


# --- The offence catalogue -------------------------------------------------------------------------------------


OFFENCES_CSV = ("code,title,mode_of_trial,crime_subgroup\n"
                "TH-BIKE-X,Theft of a pedal cycle (Theft Act 1968 s.1),either_way,Bicycle theft\n")


def _offence_import():
    return {"user": AdministratorFactory(), "url": reverse("cases:offence_import")}


def _offences_imported(context):
    offence = Offence.objects.get(code="TH-BIKE-X")
    assert (offence.mode_of_trial, offence.crime_subgroup) == ("either_way", "Bicycle theft")


# --- The case pages: a case allocated to the keyworker who holds it --------------------------------------------


def _held(url_name: str) -> dict:
    case = AllocatedCaseFactory()
    return {"user": case.allocations.get(ended_at=None).keyworker, "case": case, "url": reverse(url_name, args=[case.pk])}


def _first_contact(context) -> dict:
    return {**_date("offered_on", timezone.localdate()), "method": "phone", "answer": "accepted",
            "notes": "Agreed on the phone, wants to start soon"}


def _first_contact_saved(context):
    first_contact = FirstContact.objects.get(case=context["case"])
    assert (first_contact.answer, first_contact.method, first_contact.notes) == (
        "accepted", "phone", "Agreed on the phone, wants to start soon")
    assert Case.objects.get(pk=context["case"].pk).status == Case.Status.ASSESSMENT


def _declined_saved(context):
    case = Case.objects.get(pk=context["case"].pk)
    assert (case.status, case.closed_by) == (Case.Status.DECLINED, context["user"])
    assert FirstContact.objects.get(case=case).answer == "declined"


def _reminders_saved(context):
    assert Person.objects.get(pk=context["case"].person_id).reminders_by == "sms"


def _victim_contact_page() -> dict:
    context = _held("cases:victim_contact")
    victim = Victim.objects.create(crime=context["case"].crimes.get(), name="Demelza Rowe")
    other = Victim.objects.create(crime=CrimeFactory(), name="Jory Angove")
    return {**context, "victim": victim, "other_victim": other}


def _victim_contact(context) -> dict:
    return {"victim": str(context["victim"].pk), **_date("contacted_on", timezone.localdate() - timedelta(days=1)),
            "method": "phone", "purpose": "views", "view": "supports", "restorative_consent": "yes",
            "notes": "Happy with the approach", **one_time_token(),
            "record_version": str(versions_total(Victim.objects.filter(crime__case=context["case"])))}


def _victim_contact_saved(context):
    contact = VictimContact.objects.get(victim=context["victim"])
    assert (contact.purpose, contact.method, contact.notes) == ("views", "phone", "Happy with the approach")
    victim = Victim.objects.get(pk=context["victim"].pk)
    assert (victim.view, victim.restorative_consent) == ("supports", "yes")


# --- A supervisor or manager of another team, asked for a reason before reading a case ----------------------------


def _outside_team(user_factory) -> dict:
    case = AllocatedCaseFactory()
    north = TeamFactory(name="North team")
    user = user_factory(north)
    return {"user": user, "case": case, "url": reverse("cases:case_access_reason", args=[case.pk])}


def _reason(context) -> dict:
    return {"reason": "covering", "details": "Covering for Tamsin while she is on leave",
            "next": reverse("cases:case_detail", args=[context["case"].pk])}


def _reason_kept(context):
    reasons = [session.get_decoded().get(CASE_ACCESS_REASONS_SESSION_KEY, {}) for session in Session.objects.all()]
    assert {str(context["case"].pk): "Covering for a colleague who is away: Covering for Tamsin while she is on leave"} in reasons


# --- Corrections, deletion, withdrawal and sending back (issue 16) ----------------------------------------------

SUPERVISOR = "Supervisor of the team"


def _submitted_by_officer(url_name: str, *, victim: bool = False) -> dict:
    case = AwaitingAllocationCaseFactory()
    context = {"user": case.created_by, "case": case}
    return _with_url(context, url_name, victim=victim)


def _with_url(context: dict, url_name: str, *, victim: bool) -> dict:
    case = context["case"]
    if victim:
        context["victim"] = Victim.objects.create(crime=case.crimes.get(), name="Demelza Rowe")
        return {**context, "url": reverse(url_name, args=[case.pk, context["victim"].pk])}
    return {**context, "url": reverse(url_name, args=[case.pk])}


def _held_correction(url_name: str, *, victim: bool = False, by_supervisor: bool = False) -> dict:
    case = AllocatedCaseFactory()
    # A supervisor of the keyworker's team (TeamFactory's one team), or the keyworker.
    user = SupervisorProfileFactory().user if by_supervisor else case.allocations.get(ended_at=None).keyworker
    return _with_url({"user": user, "case": case}, url_name, victim=victim)


REASON = "Typed from the wrong custody record"


def _contact_details(context) -> dict:
    return {"address_line_1": "3 Lemon Street", "address_line_2": "", "town": "Truro", "postcode": "TR1 2LS",
            "phone": "07700 900456", "email": "", "preferred_contact": "phone", "reason": REASON,
            **version_of(context["case"].person)}


def _contact_corrected(context):
    person = Person.objects.get(pk=context["case"].person_id)
    assert (person.address_line_1, person.postcode) == ("3 Lemon Street", "TR1 2LS")
    assert person.history.latest().history_change_reason == f"Correction: {REASON}"


def _identity(context) -> dict:
    person = context["case"].person
    return {"first_names": person.first_names, "last_name": "Tregenza", **_date("date_of_birth", person.date_of_birth),
            "pnc_id": "26/1234a", "reason": REASON, **version_of(person)}


def _identity_corrected(context):
    person = Person.objects.get(pk=context["case"].person_id)
    assert (person.last_name, person.pnc_id) == ("Tregenza", "2026/0001234A")
    assert person.history.latest().history_change_reason == f"Correction: {REASON}"


def _crime_correction(context) -> dict:
    crime = context["case"].crimes.get()
    return {**{key: value for key, value in _crime(context).items() if key != "continue"}, "reference": "CR/40418/26",
            "reason": REASON, **version_of(crime)}


def _crime_corrected(context):
    crime = Crime.objects.get(case=context["case"])
    assert (crime.reference, crime.domestic_abuse) == ("CR/40418/26", True)
    assert crime.history.latest().history_change_reason == f"Correction: {REASON}"


def _victim_correction(context) -> dict:
    return {"name": "Demelza Rowe-Pascoe", "phone": "", "email": "demelza@example.org", "view": "supports",
            "restorative_consent": "no", **_date("date_asked", timezone.localdate()), "reason": REASON,
            **version_of(context["victim"])}


def _victim_corrected(context):
    victim = Victim.objects.get(pk=context["victim"].pk)
    assert (victim.name, victim.view) == ("Demelza Rowe-Pascoe", "supports")
    assert victim.history.latest().history_change_reason == f"Correction: {REASON}"


def _victim_addition(context) -> dict:
    return {"name": "Tamsin Keast", "phone": "", "email": "tamsin@example.org", "view": "supports",
            "restorative_consent": "no", **_date("date_asked", timezone.localdate()), "reason": REASON, **one_time_token()}


def _victim_added_later(context):
    victim = Victim.objects.get(crime__case=context["case"], name="Tamsin Keast")
    assert victim.history.get().history_change_reason == f"Correction: {REASON}"


def _deletable() -> dict:
    return _draft("cases:draft_delete", by_admin=False, factory=ReadyDraftCaseFactory)


def _deleted(context):
    assert not Case.objects.filter(pk=context["case"].pk).exists()


def _withdrawn(context):
    case = Case.objects.get(pk=context["case"].pk)
    assert (case.status, case.withdrawal_reason, case.closed_by) == (Case.Status.WITHDRAWN, "duplicate", context["user"])


def _waiting_for_allocation() -> dict:
    case = AwaitingAllocationCaseFactory()
    return {"user": SupervisorProfileFactory().user, "case": case, "url": reverse("cases:send_back", args=[case.pk])}


def _sent_back(context):
    case = Case.objects.get(pk=context["case"].pk)
    assert case.status == Case.Status.DRAFT
    assert SubmissionReturn.objects.get(case=case).reasons == "The crime reference belongs to another force"


CORRECTION_CASES = [
    FormCase("/intake/<int:pk>/correct/person/", ERO, lambda: _submitted_by_officer("cases:submission_person_correct"),
             _contact_details, _contact_corrected),
    FormCase("/intake/<int:pk>/correct/crime/", ERO, lambda: _submitted_by_officer("cases:submission_crime_correct"),
             _crime_correction, _crime_corrected),
    FormCase("/intake/<int:pk>/correct/victims/<int:victim_pk>/", ERO,
             lambda: _submitted_by_officer("cases:submission_victim_correct", victim=True), _victim_correction,
             _victim_corrected),
    FormCase("/cases/<int:pk>/correct/person/", HOLDER, lambda: _held_correction("cases:case_person_correct"),
             _contact_details, _contact_corrected),
    FormCase("/cases/<int:pk>/correct/crime/", SUPERVISOR,
             lambda: _held_correction("cases:case_crime_correct", by_supervisor=True), _crime_correction, _crime_corrected),
    FormCase("/cases/<int:pk>/correct/victims/<int:victim_pk>/", HOLDER,
             lambda: _held_correction("cases:case_victim_correct", victim=True), _victim_correction, _victim_corrected),
    FormCase("/intake/<int:pk>/correct/victims/new/", ERO,
             lambda: _submitted_by_officer("cases:submission_victim_add"), _victim_addition, _victim_added_later),
    FormCase("/cases/<int:pk>/correct/victims/new/", SUPERVISOR,
             lambda: _held_correction("cases:case_victim_add", by_supervisor=True), _victim_addition, _victim_added_later),
    FormCase("/intake/<int:pk>/correct/identity/", ERO, lambda: _submitted_by_officer("cases:submission_identity_correct"),
             _identity, _identity_corrected),
    FormCase("/cases/<int:pk>/correct/identity/", SUPERVISOR,
             lambda: _held_correction("cases:case_identity_correct", by_supervisor=True), _identity, _identity_corrected),
    FormCase("/intake/<int:pk>/delete/", ERO, _deletable, lambda context: {}, _deleted, button=True),
    FormCase("/intake/<int:pk>/withdraw/", ERO, lambda: _submitted_by_officer("cases:submission_withdraw"),
             lambda context: {"reason": "duplicate", "details": ""}, _withdrawn),
    FormCase("/allocation/<int:pk>/send-back/", SUPERVISOR, _waiting_for_allocation,
             lambda context: {"kind": "returned", "reasons": "The crime reference belongs to another force"}, _sent_back),
]
def _search_page() -> dict:
    return {"user": SupervisorProfileFactory().user, "url": reverse("cases:search")}


def _search_kept(context):
    searches = [session.get_decoded().get(SEARCH_SESSION_KEY) for session in Session.objects.all()]
    assert "Jon Smyth 27/3/1990" in searches


FORM_CASES = [
    FormCase("/search/", "Supervisor", _search_page, lambda context: {"q": "Jon Smyth 27/3/1990"}, _search_kept,
             optional=True,
             note="A refused search redirects back to the search page, which shows the GOV.UK error and what was typed "
                  "(kept in the session): the error is not on the post's own response. cases/tests/test_search.py "
                  "submits each refusal and reads it there."),
    FormCase("/administration/offences/import/", ADMIN, _offence_import,
             lambda context: {"file": SimpleUploadedFile("offences.csv", OFFENCES_CSV.encode(), content_type="text/csv")},
             _offences_imported),
    *_intake("/intake/new/", _start, lambda context: {}, _started, button=True),
    *_intake("/intake/<int:pk>/person/", _person_page, _person, _person_saved,
             # Linking the draft to someone on record who is not one of the possible matches shown.
             foreign=lambda context: {**_person(context), "match": str(context["stranger"].pk), "match_asked": "on"}),
    *_intake("/intake/<int:pk>/crime/", lambda by_admin: _draft("cases:intake_crime", by_admin=by_admin), _crime, _crime_saved),
    *_intake("/intake/<int:pk>/victims/", _victims_page, _victim, _victim_added),
    *_intake("/intake/<int:pk>/victims/<int:victim_pk>/remove/", _victim_to_remove, lambda context: {}, _victim_removed,
             button=True),
    *_intake("/intake/<int:pk>/questions/", lambda by_admin: _draft("cases:intake_questions", by_admin=by_admin),
             lambda context: {**ANSWERS, **version_of(context["case"])}, _answers_saved),
    *_intake("/intake/<int:pk>/check/",
             lambda by_admin: _draft("cases:intake_check", by_admin=by_admin, factory=ReadyDraftCaseFactory),
             lambda context: {"decision": "submitted", "route": "deferred_charge", **one_time_token()}, _submitted),
    FormCase("/intake/<int:pk>/check/", f"{ERO}, closing it as ineligible", lambda: _ineligible_draft(False),
             lambda context: {"decision": "closed_ineligible"}, _closed_ineligible),
    FormCase("/intake/<int:pk>/check/", f"{ADMIN}, overriding the rules", lambda: _ineligible_draft(True),
             lambda context: {"decision": "overridden", "route": "deferred_caution",
                              "override_reason": "The supervisor agreed: first offence"}, _overridden),
    FormCase("/cases/<int:pk>/reason/", "Supervisor of another team",
             lambda: _outside_team(lambda team: SupervisorProfileFactory(team=team).user), _reason, _reason_kept),
    FormCase("/cases/<int:pk>/reason/", "Team manager of another team",
             lambda: _outside_team(lambda team: StaffProfileFactory(team=team, user=TeamManagerFactory()).user),
             _reason, _reason_kept),
    FormCase("/cases/<int:pk>/first-contact/", HOLDER, lambda: _held("cases:first_contact"), _first_contact,
             _first_contact_saved),
    FormCase("/cases/<int:pk>/first-contact/", f"{HOLDER}, the person declining", lambda: _held("cases:first_contact"),
             lambda context: {**_first_contact(context), "answer": "declined", "notes": "Wants to go to court"},
             _declined_saved),
    FormCase("/cases/<int:pk>/reminders/", HOLDER, lambda: _held("cases:person_reminders"),
             lambda context: {"reminders_by": "sms", **version_of(context["case"].person)}, _reminders_saved, optional=True),
    FormCase("/cases/<int:pk>/victim/contact/", HOLDER, _victim_contact_page, _victim_contact, _victim_contact_saved,
             foreign=lambda context: {**_victim_contact(context), "victim": str(context["other_victim"].pk)}),
    *CORRECTION_CASES,
]
