"""Intake, the offence catalogue and the case pages' own forms, for the form harness (oocr/tests/form_harness.py)."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Crime, EligibilityAssessment, FirstContact, Offence, Person, Victim, VictimContact
from cases.tests.factories import CrimeFactory, DraftCaseFactory, PersonFactory, ReadyDraftCaseFactory
from cases.views import CASE_ACCESS_REASONS_SESSION_KEY, SEARCH_SESSION_KEY
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


def _search_page() -> dict:
    return {"user": SupervisorProfileFactory().user, "url": reverse("cases:search")}


def _search_kept(context):
    searches = [session.get_decoded().get(SEARCH_SESSION_KEY) for session in Session.objects.all()]
    assert "Jon Smyth 27/3/1990" in searches


FORM_CASES = [
    FormCase("/search/", "Supervisor", _search_page, lambda context: {"q": "Jon Smyth 27/3/1990"}, _search_kept),
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
]
