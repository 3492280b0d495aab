"""Referral, partner and partner import forms, for the form harness (oocr/tests/form_harness.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from contracts.models import Condition, ConditionKind, Contract, NeedDomain
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory
from oocr.accounts.tests.factories import AdministratorFactory, TeamManagerFactory
from oocr.tests.concurrency import one_time_token, version_of
from oocr.tests.form_harness import FormCase
from oocr.tests.uploads import Upload
from referrals import services
from referrals.models import Partner, Referral, ReferralUpdate
from referrals.tests.factories import PartnerFactory


def _active_case():
    """A case with an active contract holding an alcohol condition, set directly: (case, keyworker, condition)."""
    case = AllocatedCaseFactory()
    holder = case.allocations.get().keyworker
    Case.objects.filter(pk=case.pk).update(status=Case.Status.ACTIVE)
    start = timezone.localdate() - timedelta(weeks=2)
    contract = Contract.objects.create(case=case, status=Contract.Status.ACTIVE, start_date=start,
                                       end_date=start + timedelta(weeks=16), agreement="verbal", created_by=holder)
    condition = Condition.objects.create(contract=contract, kind=ConditionKind.REHABILITATIVE,
                                         description="You will attend sessions at the alcohol service.",
                                         need_domain=NeedDomain.objects.get(code="alcohol"),
                                         due_date=timezone.localdate() + timedelta(days=60))
    return case, holder, condition


def _referral(*, sent: bool, condition: bool = False):
    case, holder, linkable = _active_case()
    referral = services.referral_create(case_id=case.pk, user=holder, partner=PartnerFactory(),
                                        need_domain=NeedDomain.objects.get(code="alcohol"), shared="Drinking daily.",
                                        consent_to_share=True, condition_id=linkable.pk if condition else None)
    if sent:
        services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder, sent_by="phone",
                               on=timezone.localdate())
    return {"user": holder, "case": case, "referral": referral, "condition": linkable,
            "other_condition": _active_case()[2]}


def _referral_url(name):
    def arrange(**state):
        def build():
            context = _referral(**state)
            return {**context, "url": reverse(f"referrals:{name}", args=[context["case"].pk, context["referral"].pk])}
        return build
    return arrange


def _new_referral():
    case, holder, condition = _active_case()
    partner = PartnerFactory()
    need = NeedDomain.objects.get(code="alcohol")
    url = reverse("referrals:referral_new", args=[case.pk, partner.pk]) + f"?need={need.pk}"
    return {"user": holder, "case": case, "partner": partner, "condition": condition,
            "other_condition": _active_case()[2], "url": url}


def _today(prefix):
    today = timezone.localdate()
    return {f"{prefix}_0": str(today.day), f"{prefix}_1": str(today.month), f"{prefix}_2": str(today.year)}


def _with_other_condition(valid):
    return lambda context: {**valid(context), "condition": str(context["other_condition"].pk)}


def _refer(context):
    return {"shared": "Drinks daily; wants help to cut down.", "consent_to_share": "on",
            "condition": str(context["condition"].pk), **one_time_token()}


def _referred(context):
    referral = Referral.objects.get(case=context["case"])
    assert (referral.partner, referral.status, referral.created_by) == (context["partner"], Referral.Status.DRAFT, context["user"])
    assert (referral.shared, referral.consent_to_share, referral.condition) == (
        "Drinks daily; wants help to cut down.", True, context["condition"])


def _send(context):
    return {"sent_by": "warm_introduction", **_today("on"), "introduction_present": "The person, me and Sam from the service",
            "introduced_how": "in_person"}


def _sent(context):
    referral = Referral.objects.get(pk=context["referral"].pk)
    assert (referral.status, referral.sent_on, referral.sent_by) == (Referral.Status.SENT, timezone.localdate(),
                                                                      "warm_introduction")
    assert (referral.introduction_present, referral.introduced_how) == ("The person, me and Sam from the service", "in_person")
    assert referral.acknowledge_by is not None
    assert ReferralUpdate.objects.filter(referral=referral, status=Referral.Status.SENT).exists()


def _progress(context):
    return {"status": "acknowledged", **_today("on"), "reason": "", "source": "Jo at the service, by phone",
            "text": "First appointment offered for next week", **one_time_token()}


def _progressed(context):
    referral = Referral.objects.get(pk=context["referral"].pk)
    assert (referral.status, referral.acknowledged_on) == (Referral.Status.ACKNOWLEDGED, timezone.localdate())
    update = ReferralUpdate.objects.get(referral=referral, status=Referral.Status.ACKNOWLEDGED)
    assert (update.source, update.text, update.recorded_by) == ("Jo at the service, by phone",
                                                                "First appointment offered for next week", context["user"])


def _linked(context):
    assert Referral.objects.get(pk=context["referral"].pk).condition == context["condition"]


# --- The partner directory ---------------------------------------------------------------------------------


def _partner_data(context):
    return {"name": "Harbour Recovery Service", "kind": "voluntary", "services": "Group and one-to-one alcohol support.",
            "need_domains": [str(NeedDomain.objects.get(code="alcohol").pk)], "areas": "TR PL", "sex": "",
            "min_age": "18", "max_age": "65", "eligibility_notes": "Adults who want to cut down.",
            "route": "warm_introduction", "referral_email": "referrals@harbour.example.org",
            "email": "info@harbour.example.org", "phone": "01872 000000", "acknowledge_days": "3",
            "appointment_days": "10", "is_active": "on", "record_version": context.get("record_version", ""), **one_time_token()}


def _new_partner(user_factory):
    return lambda: {"user": user_factory(), "url": reverse("referrals:partner_new")}


def _edit_partner(user_factory):
    def arrange():
        partner = PartnerFactory()
        return {"user": user_factory(), "partner": partner, "record_version": str(partner.version),
                "url": reverse("referrals:partner_edit", args=[partner.pk])}
    return arrange


def _partner_saved(context):
    partner = Partner.objects.get(name="Harbour Recovery Service")
    if "partner" in context:
        assert partner.pk == context["partner"].pk
    assert (partner.kind, partner.areas, partner.min_age, partner.max_age, partner.route) == (
        "voluntary", "TR PL", 18, 65, "warm_introduction")
    assert (partner.referral_email, partner.acknowledge_days, partner.appointment_days, partner.is_active) == (
        "referrals@harbour.example.org", 3, 10, True)
    assert list(partner.need_domains.values_list("code", flat=True)) == ["alcohol"]


PARTNER_CSV = (
    ",".join(services.PARTNER_COLUMNS) + "\n"
    "Harbour Recovery Service,voluntary,Group alcohol support,alcohol,TR PL,,18,65,Adults,01872 000000,"
    "info@harbour.example.org,referrals@harbour.example.org,warm_introduction,3,10,yes\n"
)


def _import_partners(user_factory):
    return lambda: {"user": user_factory(), "url": reverse("referrals:partner_import")}


def _partners_file(context):
    return {"file": Upload("partners.csv", PARTNER_CSV.encode(), content_type="text/csv")}


def _manager():
    return StaffProfileFactory(user=TeamManagerFactory()).user


FOREIGN_CONDITION = "another case's record: a condition of another case's contract"

FORM_CASES = [
    FormCase("/cases/<int:pk>/referrals/new/<int:partner_pk>/", "Keyworker holding the case", _new_referral, _refer,
             _referred, foreign=_with_other_condition(_refer), note=FOREIGN_CONDITION),
    FormCase("/cases/<int:pk>/referrals/<int:referral_pk>/send/", "Keyworker holding the case",
             _referral_url("referral_send")(sent=False), _send, _sent),
    FormCase("/cases/<int:pk>/referrals/<int:referral_pk>/progress/", "Keyworker holding the case",
             _referral_url("referral_progress")(sent=True), _progress, _progressed),
    FormCase("/cases/<int:pk>/referrals/<int:referral_pk>/condition/", "Keyworker holding the case",
             _referral_url("referral_condition")(sent=True),
             lambda context: {"condition": str(context["condition"].pk), **version_of(context["referral"])},
             _linked, optional=True,
             foreign=lambda context: {"condition": str(context["other_condition"].pk), **version_of(context["referral"])},
             note=f"{FOREIGN_CONDITION}; 'None' (the empty choice) unlinks the referral, so the empty post is valid"),
]
for role, user_factory in (("Team manager", _manager), ("Administrator", AdministratorFactory)):
    FORM_CASES += [
        FormCase("/partners/new/", role, _new_partner(user_factory), _partner_data, _partner_saved),
        FormCase("/partners/<int:pk>/edit/", role, _edit_partner(user_factory), _partner_data, _partner_saved),
        FormCase("/partners/import/", role, _import_partners(user_factory), _partners_file, _partner_saved),
    ]
