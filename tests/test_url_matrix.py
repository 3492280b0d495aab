"""Every URL of the project, for every role: allowed, forbidden, or sent to sign in; with real objects.

The URL list comes from walking the resolver, so a new page without an
expectation here fails `test_every_url_has_an_expectation`. Parameterised
URLs are filled with objects from one small world: an active case held by
a keyworker of the team, a draft submission by an evidence review officer,
proposals waiting for a supervisor, a referral, a retention review.

Outcomes: "allowed" is any answer but 403/404 or a redirect to sign in (a
page that only takes POST answers 405 to GET); "forbidden" is 403 or 404,
never the record; "sign in" is a redirect to the sign-in page. Every answer
also carries the Content-Security-Policy header.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.services import api_client_create
from cases.models import Case, Person, Victim
from cases.tests.factories import DraftCaseFactory
from contracts.models import ConditionTemplate, NeedDomain
from contracts.services.closure import closure_propose
from contracts.services.variation import variation_propose
from contracts.tests.factories import AssessedCaseFactory, BookedContactFactory, TailoredConditionFactory, breach_record
from contracts.tests.test_closure import active_case
from documents.tests.factories import CaseDocumentFactory
from documents.tests.fixtures import documents_in_a_temporary_folder  # noqa: F401  (autouse: files to a temp folder)
from keyworkers.models import StaffProfile
from keyworkers.services import calendar_token_issue
from keyworkers.tests.factories import AwaitingAllocationCaseFactory, StaffProfileFactory, SupervisorProfileFactory, TeamFactory
from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import AdministratorFactory, EvidenceReviewOfficerFactory, TeamManagerFactory
from oocr.accounts.tests.test_views import service_paths
from oocr.notifications.services import notification_send
from referrals import services as referral_services
from portal import services as portal_services
from portal.tests.factories import PACK, PartnerUserFactory
from referrals.tests.factories import PartnerFactory
from retention.models import RetentionReview

pytestmark = pytest.mark.django_db

ANON, ERO, OTHER_ERO, HOLDER, KEYWORKER, SUPERVISOR, MANAGER, ADMIN, TRIALS = (
    "anonymous", "ERO who made the draft", "another ERO", "keyworker holding the case", "another keyworker",
    Role.SUPERVISOR, Role.TEAM_MANAGER, Role.ADMINISTRATOR, Role.TRIAL_MANAGER,
)
STAFF = {ERO, OTHER_ERO, HOLDER, KEYWORKER, SUPERVISOR, MANAGER, ADMIN, TRIALS}
# Partner organisations' users (the portal): the referral's partner's point of contact and a colleague, and another
# partner's point of contact. They reach /partner/ and the sign-in pages only (portal.middleware).
PARTNER_CONTACT, PARTNER, OTHER_PARTNER = "partner's point of contact", "partner's user", "another partner's point of contact"
PARTNERS = {PARTNER_CONTACT, PARTNER, OTHER_PARTNER}
SIGNED_IN = STAFF | PARTNERS
EVERYONE = SIGNED_IN | {ANON}
CASE_READERS = {HOLDER, SUPERVISOR, MANAGER}
CASEWORKERS = {HOLDER, KEYWORKER, SUPERVISOR, MANAGER}

# Who may open each URL (everyone else: forbidden if signed in, sent to sign in if not).
EXPECTED: dict[str, set[str]] = {
    "/": SIGNED_IN,
    "/account/sign-in/": EVERYONE,
    "/account/sign-out/": SIGNED_IN,  # POST only (405 to GET) once signed in
    "/account/session/keep-alive/": SIGNED_IN,  # POST only
    "/account/session/timed-out/": EVERYONE,  # POST only; open when signed out (the session may have ended)
    "/account/password/change/": SIGNED_IN,
    "/account/password/change/done/": SIGNED_IN,
    "/account/password/reset/": EVERYONE,
    "/account/password/reset/<uidb64>/<token>/": EVERYONE,
    "/account/password/reset/done/": EVERYONE,
    "/account/password/reset/sent/": EVERYONE,
    "/account/two-factor/": SIGNED_IN,
    "/account/two-factor/backup-codes/": SIGNED_IN,
    "/account/two-factor/set-up/": SIGNED_IN,
    "/administration/": {ADMIN},
    "/administration/access-log/": {ADMIN},
    "/administration/access-log/subject-access/": {ADMIN},
    "/administration/offences/import/": {ADMIN},
    "/administration/reminders/": {ADMIN},
    "/administration/retention/": {MANAGER, ADMIN},
    "/administration/retention/<int:pk>/": {MANAGER, ADMIN},
    "/administration/users/": {ADMIN},
    "/administration/users/<int:pk>/": {ADMIN},
    "/administration/users/new/": {ADMIN},
    "/administration/users/<int:pk>/roles/": {ADMIN},
    "/administration/users/<int:pk>/close/": {ADMIN},
    "/administration/users/<int:pk>/reopen/": {ADMIN},
    "/administration/users/<int:pk>/two-factor/reset/": {SUPERVISOR, MANAGER, ADMIN},
    "/allocation/": {SUPERVISOR, MANAGER},  # the team manager reads the queue; only supervisors allocate
    "/allocation/<int:pk>/": {SUPERVISOR},
    "/allocation/<int:pk>/reallocate/": {SUPERVISOR},
    "/allocation/<int:pk>/send-back/": {SUPERVISOR},  # the queue is the force's, like /allocation/<int:pk>/
    "/allocation/decisions/": {SUPERVISOR},
    "/allocation/decisions/closures/<int:pk>/": {SUPERVISOR},
    "/allocation/decisions/variations/<int:pk>/": {SUPERVISOR},
    "/allocation/reviews/": {SUPERVISOR},
    "/allocation/reviews/<int:pk>/": {SUPERVISOR},
    "/calendar/<str:token>.ics": STAFF | {ANON},  # a private address: the long random token is the key
    "/caseload/": {HOLDER, KEYWORKER},
    "/caseload/week/": {HOLDER, KEYWORKER},
    "/caseload/appointments-without-outcome/": {HOLDER, KEYWORKER},
    "/cases/<int:pk>/": CASE_READERS,
    "/cases/<int:pk>/actions/new/": {HOLDER},
    "/cases/<int:pk>/assessment/": CASE_READERS,
    "/cases/<int:pk>/assessment/<str:kind>/": {HOLDER},
    "/cases/<int:pk>/close/": {HOLDER},
    "/cases/<int:pk>/contacts/": CASE_READERS,
    "/cases/<int:pk>/contacts/<int:contact_pk>/outcome/": {HOLDER},
    "/cases/<int:pk>/contacts/<int:contact_pk>/move/": {HOLDER},
    "/cases/<int:pk>/contacts/<int:contact_pk>/cancel/": {HOLDER},
    "/cases/<int:pk>/contacts/new/": {HOLDER},
    "/cases/<int:pk>/correct/crime/": {HOLDER, SUPERVISOR},
    "/cases/<int:pk>/correct/person/": {HOLDER, SUPERVISOR},
    "/cases/<int:pk>/correct/identity/": {HOLDER, SUPERVISOR},
    "/cases/<int:pk>/correct/victims/<int:victim_pk>/": {HOLDER, SUPERVISOR},
    "/cases/<int:pk>/correct/victims/new/": {HOLDER, SUPERVISOR},
    "/cases/<int:pk>/contract/": CASE_READERS,
    "/cases/<int:pk>/contract/approve/": {SUPERVISOR},
    "/cases/<int:pk>/contract/decide/": {SUPERVISOR},
    "/cases/<int:pk>/contract/conditions/<int:condition_pk>/": {HOLDER},
    "/cases/<int:pk>/contract/conditions/<int:condition_pk>/remove/": {HOLDER},
    "/cases/<int:pk>/contract/conditions/<int:condition_pk>/edit/": {HOLDER},
    "/cases/<int:pk>/contract/conditions/new/": {HOLDER},
    "/cases/<int:pk>/contract/document.<str:format>": CASE_READERS,
    "/cases/<int:pk>/contract/document/": CASE_READERS,
    "/cases/<int:pk>/contract/sign/": {HOLDER},
    "/cases/<int:pk>/contract/start/": {HOLDER},
    "/cases/<int:pk>/contract/variation/": {HOLDER},
    "/cases/<int:pk>/documents/": CASE_READERS,
    "/cases/<int:pk>/documents/<int:document_pk>/download/": CASE_READERS,
    "/cases/<int:pk>/documents/breach-pack/": {SUPERVISOR},  # POST only; the case must be breached for it to make one
    "/cases/<int:pk>/documents/new/": {HOLDER},
    "/cases/<int:pk>/documents/warning-letter/": {HOLDER},
    "/cases/<int:pk>/first-contact/": {HOLDER},
    "/cases/<int:pk>/first-contact/correct/": {HOLDER},
    "/cases/<int:pk>/history/": CASE_READERS,
    "/cases/<int:pk>/history/changes/": CASE_READERS,
    "/cases/<int:pk>/non-compliance/new/": {HOLDER},
    "/cases/<int:pk>/reason/": {SUPERVISOR, MANAGER},
    "/cases/<int:pk>/referrals/": CASE_READERS,
    "/cases/<int:pk>/referrals/<int:referral_pk>/": CASE_READERS,
    "/cases/<int:pk>/referrals/<int:referral_pk>/condition/": {HOLDER},
    "/cases/<int:pk>/referrals/<int:referral_pk>/progress/": {HOLDER},
    "/cases/<int:pk>/referrals/<int:referral_pk>/send/": {HOLDER},
    "/cases/<int:pk>/referrals/new/": {HOLDER},
    "/cases/<int:pk>/referrals/new/<int:partner_pk>/": {HOLDER},
    "/cases/<int:pk>/reminders/": {HOLDER},
    "/cases/<int:pk>/surveys/": CASE_READERS,
    "/cases/<int:pk>/surveys/<int:instrument>/new/": {HOLDER},
    "/cases/<int:pk>/surveys/answers/<int:response>/": {HOLDER},
    "/cases/<int:pk>/victim/": CASE_READERS,
    "/cases/<int:pk>/victim/contact/": {HOLDER},
    "/evaluation/": {ADMIN},
    "/evaluation/checks/<int:pk>/": {ADMIN},
    "/evaluation/checks/<int:pk>/publish/": {ADMIN},
    "/evaluation/checks/run/": {ADMIN},
    "/evaluation/harm-weights/": {ADMIN},
    "/evaluation/harm-weights/import/": {ADMIN},
    "/evaluation/imports/<int:pk>/": {ADMIN},
    "/evaluation/imports/<int:pk>/cancel/": {ADMIN},
    "/evaluation/imports/<int:pk>/errors.csv": {ADMIN},
    "/evaluation/imports/<int:pk>/retry/": {ADMIN},
    "/evaluation/imports/new/": {ADMIN},
    "/evaluation/matches/": {ADMIN},
    "/evaluation/matches/<int:pk>/": {ADMIN},
    "/evaluation/report/": {MANAGER, ADMIN},
    "/evaluation/surveys/": {MANAGER, ADMIN},
    "/evaluation/surveys/export.csv": {MANAGER, ADMIN},
    "/evaluation/report/<str:chart>.svg": {MANAGER, ADMIN},
    "/evaluation/report/<str:table>.csv": {MANAGER, ADMIN},
    "/evaluation/report/jobs/<int:pk>/retry/": {MANAGER, ADMIN},
    "/evaluation/time-to-reoffence/": {MANAGER, ADMIN},
    "/evaluation/time-to-reoffence/chart.svg": {MANAGER, ADMIN},
    "/evaluation/time-to-reoffence/<str:table>.csv": {MANAGER, ADMIN},
    "/outcomes/": {MANAGER, ADMIN},
    "/outcomes/charts/<str:chart>.svg": {MANAGER, ADMIN},
    "/intake/": {ERO, OTHER_ERO, ADMIN},
    "/search/": STAFF - {TRIALS},  # every role that sees cases or submissions: each finds only what it may open
    "/intake/new/": {ERO, OTHER_ERO, ADMIN},
    "/intake/<int:pk>/": {ERO, ADMIN},
    "/intake/<int:pk>/check/": {ERO, ADMIN},
    "/intake/<int:pk>/correct/crime/": {ERO, ADMIN},
    "/intake/<int:pk>/correct/person/": {ERO, ADMIN},
    "/intake/<int:pk>/correct/identity/": {ERO, ADMIN},
    "/intake/<int:pk>/correct/victims/<int:victim_pk>/": {ERO, ADMIN},
    "/intake/<int:pk>/correct/victims/new/": {ERO, ADMIN},
    "/intake/<int:pk>/delete/": {ERO, ADMIN},
    "/intake/<int:pk>/crime/": {ERO, ADMIN},
    "/intake/<int:pk>/done/": {ERO, ADMIN},
    "/intake/<int:pk>/person/": {ERO, ADMIN},
    "/intake/<int:pk>/questions/": {ERO, ADMIN},
    "/intake/<int:pk>/victims/": {ERO, ADMIN},
    "/intake/<int:pk>/victims/<int:victim_pk>/remove/": {ERO, ADMIN},
    "/intake/<int:pk>/withdraw/": {ERO, ADMIN},
    "/notifications/": STAFF,
    "/notifications/<int:pk>/": {HOLDER},  # one's own inbox only
    "/notifications/read/": STAFF,
    "/notifications/settings/": STAFF,
    "/notifications/templates/": {ADMIN},
    "/partners/": CASEWORKERS | {ADMIN},
    "/partners/<int:pk>/": CASEWORKERS | {ADMIN},
    "/partners/<int:pk>/edit/": {MANAGER, ADMIN},
    "/partners/import/": {MANAGER, ADMIN},
    "/partners/new/": {MANAGER, ADMIN},
    "/partners/report/": {MANAGER, ADMIN},
    "/team/": {SUPERVISOR, MANAGER},
    "/today/": {ERO, OTHER_ERO, HOLDER, KEYWORKER, SUPERVISOR, MANAGER},  # administrators start on Administration
    "/team/<int:pk>/caseload/": {SUPERVISOR, MANAGER},
    "/team/<int:pk>/profile/": {MANAGER},
    "/team/<int:pk>/reallocate/": {SUPERVISOR},
    "/api/v1/schema/": {ADMIN},
    "/api/v1/reference/": {ADMIN},
    "/administration/api-clients/": {ADMIN},
    "/administration/api-clients/new/": {ADMIN},
    "/administration/api-clients/<int:pk>/": {ADMIN},
    "/administration/api-clients/<int:pk>/revoke/": {ADMIN},
    # The partner portal
    "/partner/": PARTNERS,
    "/partner/referrals/<int:pk>/": {PARTNER_CONTACT, PARTNER},
    "/partner/referrals/<int:pk>/acknowledge/": {PARTNER_CONTACT, PARTNER},
    "/partner/referrals/<int:pk>/appointment/": {PARTNER_CONTACT, PARTNER},
    "/partner/referrals/<int:pk>/sessions/": {PARTNER_CONTACT, PARTNER},
    "/partner/referrals/<int:pk>/notes/": {PARTNER_CONTACT, PARTNER},
    "/partner/referrals/<int:pk>/close/": {PARTNER_CONTACT, PARTNER},
    "/partner/colleagues/": {PARTNER_CONTACT, OTHER_PARTNER},
    "/partner/colleagues/<int:pk>/remove/": {PARTNER_CONTACT},  # POST only
    "/partner/invitation/<str:token>/": EVERYONE,  # the link's token is the key; signed in, it says to sign out first
    "/cases/<int:pk>/referrals/<int:referral_pk>/pack/": {HOLDER},
    "/partners/<int:pk>/portal/": {ADMIN},
    "/partners/<int:pk>/portal/<int:user_pk>/remove/": {ADMIN},  # POST only
    # Randomised trials (issue 19): the trial manager only, administrators included out; the officer randomises their own.
    "/trials/": {TRIALS},
    "/trials/new/": {TRIALS},
    "/trials/<int:pk>/": {TRIALS},
    "/trials/<int:pk>/edit/": {TRIALS},  # a started trial: sent back to its page
    "/trials/<int:pk>/start/": {TRIALS},
    "/trials/<int:pk>/stop/": {TRIALS},
    "/trials/<int:pk>/consort/": {TRIALS},
    "/trials/<int:pk>/analysis/": {TRIALS},
    "/trials/<int:pk>/export.csv": {TRIALS},
    "/trials/<int:pk>/consort.csv": {TRIALS},
    "/trials/<int:pk>/allocations/<int:allocation_pk>/exclude/": {TRIALS},
    "/trials/<int:pk>/allocations/<int:allocation_pk>/crossover/": {TRIALS},
    "/intake/<int:pk>/randomise/": {ERO},
    "/intake/<int:pk>/randomise/<int:allocation_pk>/": {ERO},
}
# The API's operations and its token endpoint take no session (a signed-in person gets 401, as anyone without a
# token does): api/tests/test_api.py tries each with no token, a wrong scope, an expired token and a session.
API_OPERATIONS = {"/api/v1/token/", "/api/v1/referrals/<path:crime_reference>", "/api/v1/cases/<path:crime_reference>",
                  "/api/v1/outcomes", "/^api/"}


def _evaluation_world(*, person) -> dict:
    """An extract with a doubtful match waiting, a published reoffending check and a current questionnaire."""
    from evaluation.models import CrimeRecord, PersonMatch, ReoffendingDefinition, SurveyInstrument
    from evaluation.services import reoffending_check_run, reoffending_check_run_publish
    from evaluation.tests.factories import CompletedCaseFactory, CrimeRecordFactory, CrimeRecordImportFactory

    extract = CrimeRecordImportFactory()
    record = CrimeRecordFactory(person=None, source=extract)
    match = PersonMatch.objects.create(crime_record=record, person=person, reason="Same date of birth and surname")
    completed = CompletedCaseFactory()
    # Its ending questionnaire, with comments: the survey report lists them for managers.
    instrument = SurveyInstrument.objects.filter(is_current=True).first()
    from evaluation.services import survey_response_record
    survey_response_record(case_id=completed.pk, user=AdministratorFactory(), instrument_id=instrument.pk, timing="end",
                           scores={item["code"]: 4 for item in instrument.items}, comments="Treated fairly.")
    definition = ReoffendingDefinition.objects.filter(is_active=True).first()
    run = reoffending_check_run(definition_id=definition.pk, as_of=timezone.localdate())
    reoffending_check_run_publish(run_id=run.pk, user=AdministratorFactory())
    assert CrimeRecord.objects.exists()
    # Figures a large run prepared in the background, which failed: its "Try again" page.
    from evaluation.models import ReportJob
    job = ReportJob.objects.create(run=run, key="figures:matrix", kind=ReportJob.Kind.REPORT, status=ReportJob.Status.FAILED,
                                   filters={"measure": f"{definition.pk}-{definition.follow_up_months[0]}", "sex": "female"})
    return {"import": extract, "match": match, "instrument": SurveyInstrument.objects.filter(is_current=True).first(),
            "run": run, "report_job": job}


def _trials_world(*, officer) -> dict:
    """A running trial with one of the officer's submissions randomised in it."""
    from trials.services import case_randomise
    from trials.tests.factories import RunningTrialFactory

    trial = RunningTrialFactory()
    randomised = AwaitingAllocationCaseFactory(created_by=officer)
    allocation = case_randomise(trial_id=trial.pk, case_id=randomised.pk, user=officer)
    return {"trial": trial, "allocation": allocation, "manager": trial.created_by}


def project_paths() -> set[str]:
    return {path for path in service_paths() if not path.startswith("/django-admin/")} - API_OPERATIONS


def test_every_url_has_an_expectation():
    assert project_paths() == set(EXPECTED), "Add the new URL to EXPECTED with the roles that may open it"


def build_world() -> dict:
    """The people and records the URLs are filled with. Everyone works in one team."""
    case, holder, condition = active_case()
    team = StaffProfile.objects.get(user=holder).team
    supervisor = SupervisorProfileFactory(team=team).user
    manager = StaffProfileFactory(team=team, user=TeamManagerFactory()).user
    keyworker = StaffProfileFactory(team=team).user
    contact = BookedContactFactory(case=case, recorded_by=holder)  # booked earlier, its time now passed
    drafting = AssessedCaseFactory(keyworker=holder)  # a draft contract: its conditions still change
    draft_condition = TailoredConditionFactory(contract=drafting.contract)
    variation = variation_propose(case_id=case.pk, user=holder, kind="extension", reason="In hospital",
                                  extension_days=14)
    closing, closing_holder, _ = active_case()
    closure = closure_propose(case_id=closing.pk, user=closing_holder, result="breached", breach=breach_record(), reason="Stopped")
    partner = PartnerFactory()
    referral = referral_services.referral_create(case_id=case.pk, user=holder, partner=partner,
                                                 need_domain=NeedDomain.objects.get(code="alcohol"), shared="Drinking.",
                                                 consent_to_share=True)
    shared = referral_services.referral_create(case_id=case.pk, user=holder, partner=partner,
                                               need_domain=NeedDomain.objects.get(code="alcohol"), shared="Drinking.",
                                               consent_to_share=True)
    referral_services.referral_send(case_id=case.pk, referral_id=shared.pk, user=holder, sent_by="phone",
                                    on=timezone.localdate())
    portal_services.pack_save(referral_id=shared.pk, case_id=case.pk, user=holder, data=PACK)
    partner_contact = PartnerUserFactory(partner=partner, is_point_of_contact=True)
    partner_user = PartnerUserFactory(partner=partner)
    invitation = portal_services.point_of_contact_invite(partner_id=partner.pk, by=AdministratorFactory(),
                                                         email="contact@partner.example.org", first_name="Kit",
                                                         last_name="Trewin", base_url="http://testserver")
    ero = EvidenceReviewOfficerFactory()
    draft = DraftCaseFactory(created_by=ero)
    victim = Victim.objects.filter(crime__case=draft).first()
    waiting = AwaitingAllocationCaseFactory()
    case_victim = Victim.objects.create(crime=case.crimes.first(), name="Morwenna Tregear")
    retired = AwaitingAllocationCaseFactory()
    Case.objects.filter(pk=retired.pk).update(status=Case.Status.COMPLETED, closed_at=timezone.now() - timedelta(days=2300))
    review = RetentionReview.objects.create(case=retired, due_on=timezone.localdate())
    document = CaseDocumentFactory(case=case)
    notification = notification_send(user=holder, text="A case for you", url=reverse("cases:case_detail", args=[case.pk]))
    evaluation = _evaluation_world(person=case.person)
    from evaluation.services import survey_response_record
    survey = survey_response_record(case_id=case.pk, user=holder, instrument_id=evaluation["instrument"].pk, timing="start",
                                    scores={item["code"]: 3 for item in evaluation["instrument"].items})
    api_client = api_client_create(by=AdministratorFactory(), name="Niche RMS", scopes=["outcome:read"],
                                   allowed_addresses="127.0.0.1")[0]
    trials = _trials_world(officer=ero)
    # Names no page holds by chance (a random "Page" or "Case" would be found in every page's text).
    for person, name in ((case.person, "Quillerbrook"), (closing.person, "Trevennack"), (draft.person, "Polglazey")):
        if person is not None:
            Person.objects.filter(pk=person.pk).update(last_name=name)
            person.last_name = name
    users = {
        ERO: ero, OTHER_ERO: EvidenceReviewOfficerFactory(), HOLDER: holder, KEYWORKER: keyworker, SUPERVISOR: supervisor,
        MANAGER: manager, ADMIN: AdministratorFactory(), TRIALS: trials["manager"],
        PARTNER_CONTACT: partner_contact.user, PARTNER: partner_user.user,
        OTHER_PARTNER: PartnerUserFactory(partner=PartnerFactory(), is_point_of_contact=True).user,
    }
    fill = {
        "/administration/retention/<int:pk>/": {"pk": review.pk},
        "/administration/users/": {"pk": holder.pk},
        "/allocation/<int:pk>/": {"pk": waiting.pk},
        "/allocation/<int:pk>/reallocate/": {"pk": case.pk},
        "/allocation/decisions/closures/": {"pk": closure.pk},
        "/allocation/decisions/variations/": {"pk": variation.pk},
        "/allocation/reviews/": {"pk": case.allocations.get(ended_at=None).review.pk},
        "/calendar/": {"token": calendar_token_issue(user=holder)},
        "/cases/": {"pk": case.pk, "kind": "baseline", "contact_pk": contact.pk, "condition_pk": condition.pk,
                    "format": "pdf", "referral_pk": referral.pk, "partner_pk": partner.pk, "document_pk": document.pk,
                    "instrument": evaluation["instrument"].pk, "victim_pk": case_victim.pk},
        "/cases/<int:pk>/surveys/answers/": {"pk": case.pk, "response": survey.pk},
        **{f"/cases/<int:pk>/contract/conditions/<int:condition_pk>/{step}/": {"pk": drafting.pk, "condition_pk": draft_condition.pk}
           for step in ("edit", "remove")},
        "/cases/<int:pk>/first-contact/correct/": {"pk": drafting.pk},
        "/evaluation/checks/": {"pk": evaluation["run"].pk},
        "/evaluation/imports/": {"pk": evaluation["import"].pk},
        "/evaluation/matches/": {"pk": evaluation["match"].pk},
        "/evaluation/report/": {"chart": "reoffending", "table": "groups"},
        "/evaluation/report/jobs/": {"pk": evaluation["report_job"].pk},
        "/evaluation/time-to-reoffence/": {"table": "kaplan-meier"},
        "/outcomes/charts/": {"chart": "distance-travelled"},
        "/intake/": {"pk": draft.pk, "victim_pk": victim.pk if victim else 0},
        "/notifications/": {"pk": notification.pk},
        "/partners/": {"pk": partner.pk, "user_pk": partner_user.pk},
        "/partner/": {"pk": shared.pk, "token": invitation.link.rstrip("/").rsplit("/", 1)[1]},
        "/partner/colleagues/": {"pk": partner_user.pk},
        "/team/": {"pk": holder.pk},
        "/account/password/reset/": {"uidb64": "MQ", "token": "set-password"},
        "/administration/api-clients/": {"pk": api_client.pk},
        "/trials/": {"pk": trials["trial"].pk, "allocation_pk": trials["allocation"].pk},
        "/intake/<int:pk>/randomise/<int:allocation_pk>/": {"pk": trials["allocation"].case_id,
                                                            "allocation_pk": trials["allocation"].pk},
    }
    # Pages that need a choice made on the page before.
    queries = {
        "/cases/<int:pk>/contract/conditions/new/": f"?template={ConditionTemplate.objects.filter(is_active=True).first().pk}",
        "/cases/<int:pk>/referrals/new/<int:partner_pk>/": f"?need={NeedDomain.objects.get(code='alcohol').pk}",
    }
    return {"users": users, "fill": fill, "queries": queries, "case": case, "draft": draft, "closing": closing}


def concrete(path: str, fill: dict) -> str:
    """The path with its converters replaced by the world's objects (the longest matching prefix's)."""
    values = next((values for prefix, values in sorted(fill.items(), key=lambda item: -len(item[0]))
                   if path.startswith(prefix)), {})
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), path)


# Inline script, an inline event handler or a style attribute: none may appear under the Content-Security-Policy.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=", re.IGNORECASE)


def outcome(response) -> str:
    if response.status_code in (403, 404):
        return "forbidden"
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "sign in"
    return "allowed"


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_every_url_for_every_role_is_allowed_forbidden_or_sent_to_sign_in_and_has_the_csp(client, who, world):
    from tests.test_query_garbage import parameters_tried, query_parameters

    # One role per test, so that the matrix spreads over the workers; the world is built once per module (conftest.py).
    if who != ANON:
        client.force_login(world["users"][who])
    mismatches, without_csp, inline, untried = [], [], [], []
    for path in sorted(EXPECTED):
        url = concrete(path, world["fill"]) + world["queries"].get(path, "")
        response = client.get(url)
        if who in EXPECTED[path] and response.get("Content-Type", "").startswith("text/html"):
            # A filter or link that sends a parameter the garbage test does not try would go untested.
            untried += [f"{path}?{name}" for name in query_parameters(response.content.decode()) - parameters_tried(path)]
        if who in EXPECTED[path]:
            expected = "allowed"
        else:
            expected = "sign in" if who == ANON else "forbidden"
        if outcome(response) != expected:
            mismatches.append(f"{url} as {who}: expected {expected}, got {response.status_code}")
        policy = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy:
            without_csp.append(url)
        if response.get("Content-Type", "").startswith("text/html") and INLINE.search(response.content.decode()):
            inline.append(url)  # the browser would refuse it under the policy (the browser journeys bypass it)
    assert mismatches == [], "\n".join(mismatches)
    assert sorted(set(untried)) == [], "Add the parameter to PAGES in tests/test_query_garbage.py"
    assert without_csp == []
    assert sorted(set(inline)) == []


def test_a_record_is_never_shown_to_the_right_role_on_the_wrong_team_or_caseload(client, world):
    """IDOR: every detail and edit URL of a record, for people of the right role who are not entitled to that record."""
    case, draft = world["case"], world["draft"]
    north = TeamFactory(name="North team")
    strangers = {
        "keyworker of another team": StaffProfileFactory(team=north).user,
        "another keyworker of the team": world["users"][KEYWORKER],
        "another ERO": world["users"][OTHER_ERO],
    }
    detail_paths = [path for path in EXPECTED if "<" in path and path.startswith(("/cases/", "/intake/", "/notifications/"))]
    leaks = []
    for who, user in strangers.items():
        client.force_login(user)
        for path in detail_paths:
            response = client.get(concrete(path, world["fill"]))
            if response.status_code not in (403, 404, 405):  # 405: a POST-only button, answered before any record is read
                leaks.append(f"{path} as {who}: {response.status_code}")
            content = response.content.decode(errors="replace")
            for secret in (case.person.last_name, draft.person.last_name if draft.person_id else None):
                if secret and secret in content:
                    leaks.append(f"{path} as {who} shows a name")
    assert leaks == []
    # Supervisors and managers of another team act on none of this team's cases, reviews, decisions or staff;
    # the queue of cases not yet allocated (/allocation/<pk>/, and sending one back) is the force's and stays open to them.
    team_paths = [path for path in EXPECTED if path.startswith(("/allocation/", "/team/"))
                  and path not in ("/allocation/<int:pk>/", "/allocation/<int:pk>/send-back/")]
    for user in (SupervisorProfileFactory(team=north).user, StaffProfileFactory(team=north, user=TeamManagerFactory()).user):
        client.force_login(user)
        for path in [path for path in team_paths if EXPECTED[path] & {SUPERVISOR, MANAGER} & set(user.groups.values_list("name", flat=True))]:
            response = client.get(concrete(path, world["fill"]))
            if "<" in path and response.status_code not in (403, 404):
                leaks.append(f"{path} as another team's {user.groups.get().name}: {response.status_code}")
            content = response.content.decode(errors="replace")
            if case.person.last_name in content or world["closing"].person.last_name in content:
                leaks.append(f"{path} as another team's {user.groups.get().name} shows a name")
    assert leaks == []
    # A supervisor of another team is asked for a reason first: never the record straight away.
    client.force_login(SupervisorProfileFactory(team=north).user)
    for path in [path for path in EXPECTED if path.startswith("/cases/") and EXPECTED[path] & {SUPERVISOR}]:
        response = client.get(concrete(path, world["fill"]))
        if path == "/cases/<int:pk>/reason/":
            assert case.person.last_name not in response.content.decode()
            continue
        assert response.status_code in (302, 403, 404), path
        if response.status_code == 302:
            assert response["Location"].startswith(f"/cases/{case.pk}/reason/"), path


SCRIPT = "<script>alert(1)</script>"
SHORT = "<i>x</i>"


@pytest.mark.parametrize("who", sorted(SIGNED_IN))
def test_stored_html_in_every_text_field_renders_as_text_on_every_page(client, who, world):
    """Every text a user typed, shown back anywhere, is escaped: a stored <script> is shown as text, never run."""
    from django.db import models

    from django.db.models.functions import Cast, Concat

    from cases.models import Offence
    from contracts.models import Condition, ConditionTemplate, Contact, KeyworkerAction, NeedDomain, NeedsAssessment, NeedScore
    from keyworkers.models import Team
    from portal.models import ReferralPack
    from referrals.models import Partner, Referral
    from evaluation.models import SurveyResponse
    from trials.models import Trial, TrialArm

    # What users type, and the names administrators type (shown as labels, legends and choices on others' pages).
    for model in [Case.person.field.related_model, Case, Case.crimes.rel.related_model, Victim, Contact, Condition, Referral,
                  Partner, NeedsAssessment, NeedScore, KeyworkerAction, NeedDomain, Offence, ConditionTemplate, Team,
                  ReferralPack, Trial, TrialArm, SurveyResponse]:
        values = {}
        for field in model._meta.concrete_fields:  # a unique name: the payload and the row's own number
            if isinstance(field, models.CharField) and field.unique and not field.choices and field.max_length >= 60:
                values[field.name] = Concat(models.Value(SCRIPT), Cast("pk", models.CharField()))
        # Unique fields, alone or in a unique constraint (a person's PNC ID), cannot all take one payload.
        constrained = {name for constraint in model._meta.constraints if isinstance(constraint, models.UniqueConstraint)
                       for name in constraint.fields}
        for field in model._meta.concrete_fields:
            if (not isinstance(field, (models.CharField, models.TextField)) or field.choices or field.unique
                    or field.name in constrained or not field.editable):
                continue
            limit = field.max_length or 10_000
            if limit >= len(SCRIPT):
                values[field.name] = SCRIPT
            elif limit >= len(SHORT):
                values[field.name] = SHORT
        model.objects.update(**values)
    raw, escaped = [], 0
    client.force_login(world["users"][who])
    for path in sorted(path for path in EXPECTED if who in EXPECTED[path]):
        url = concrete(path, world["fill"]) + world["queries"].get(path, "")
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        content = response.content.decode()
        if SCRIPT in content or SHORT in content:
            raw.append(f"{url} as {who}")
        escaped += "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert raw == []
    if who not in (ERO, OTHER_ERO):  # officers' pages show their own drafts, whose typed fields the payload skips
        assert escaped > 0  # the payloads were shown, as text


SENSITIVE = "Sensitive: disclosed a mental health crisis"


@pytest.mark.parametrize("who", [ERO, OTHER_ERO, KEYWORKER, ADMIN, PARTNER_CONTACT])
def test_health_and_safeguarding_details_are_shown_only_to_the_keyworker_supervisors_and_manager(client, who, world):
    from contracts.models import KeyworkerAction, NeedsAssessment, NeedScore

    case = world["case"]
    NeedsAssessment.objects.filter(case=case).update(offence_context=SENSITIVE)
    NeedScore.objects.filter(assessment__case=case).update(notes=SENSITIVE)
    KeyworkerAction.objects.create(case=case, kind=KeyworkerAction._meta.get_field("kind").choices[0][0],
                                   notes=SENSITIVE, raised_on=timezone.localdate(), recorded_by=world["users"][HOLDER])
    assessment = reverse("contracts:assessment", args=[case.pk])
    for reader in (HOLDER, SUPERVISOR, MANAGER):
        client.force_login(world["users"][reader])
        assert SENSITIVE in client.get(assessment).content.decode(), reader
    shown = []
    client.force_login(world["users"][who])
    for path in sorted(EXPECTED):
        response = client.get(concrete(path, world["fill"]) + world["queries"].get(path, ""))
        if SENSITIVE in response.content.decode(errors="replace"):
            shown.append(f"{path} as {who}")
    assert shown == []
