from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import CaseEvent, CaseStateError
from contracts.models import Condition
from contracts.tests.test_contracts import assessed_case
from oocr.audit.models import AccessLog
from oocr.notifications.models import Delivery
from oocr.notifications.services import delivery_send
from referrals import services
from referrals.models import Referral, ReferralUpdate
from referrals.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_a_referral_without_consent_to_share_is_refused_and_nothing_is_saved(active_case, partner, alcohol):
    case, holder, _ = active_case
    with pytest.raises(ValidationError) as error:
        services.referral_create(case_id=case.pk, user=holder, partner=partner, need_domain=alcohol,
                                 shared="Drinking daily.", consent_to_share=False)
    assert error.value.message_dict["consent_to_share"] == [
        "The person must agree to share this with the partner before you refer them"]
    assert not Referral.objects.exists() and not case.events.filter(kind=CaseEvent.Kind.REFERRAL).exists()


def test_a_referral_to_a_partner_not_taking_referrals_is_refused(active_case, alcohol):
    case, holder, _ = active_case
    closed = PartnerFactory(name="Closed service", is_active=False)
    with pytest.raises(ValidationError) as error:
        services.referral_create(case_id=case.pk, user=holder, partner=closed, need_domain=alcohol,
                                 shared="x", consent_to_share=True)
    assert error.value.message_dict["partner"] == ["Closed service is not taking referrals. Choose another partner"]
    assert not Referral.objects.exists()


def test_a_person_outside_the_partners_eligibility_needs_a_reason_then_it_is_kept(active_case, alcohol):
    case, holder, _ = active_case  # a man of 30
    women = PartnerFactory(name="Women's centre", sex="female")
    with pytest.raises(ValidationError) as error:
        services.referral_create(case_id=case.pk, user=holder, partner=women, need_domain=alcohol,
                                 shared="x", consent_to_share=True)
    assert error.value.message_dict["eligibility_override"] == [
        "Women's centre takes women only. Give a reason to refer them anyway"]
    referral = services.referral_create(case_id=case.pk, user=holder, partner=women, need_domain=alcohol, shared="x",
                                        consent_to_share=True, eligibility_override="Agreed with the centre's manager.")
    assert referral.eligibility_override == "Agreed with the centre's manager."


def test_referrals_wait_for_the_person_to_accept_the_scheme(partner, alcohol):
    from keyworkers.tests.factories import AllocatedCaseFactory

    case = AllocatedCaseFactory()
    with pytest.raises(CaseStateError, match="so no referral can be made"):
        services.referral_create(case_id=case.pk, user=case.allocations.get().keyworker, partner=partner,
                                 need_domain=alcohol, shared="x", consent_to_share=True)


def test_only_a_rehabilitative_condition_of_the_same_case_can_be_linked(active_case, partner, alcohol):
    case, holder, _ = active_case
    standard = Condition.objects.get(contract__case=case, kind="standard")
    with pytest.raises(ValidationError, match="Choose a rehabilitative condition"):
        services.referral_create(case_id=case.pk, user=holder, partner=partner, need_domain=alcohol, shared="x",
                                 consent_to_share=True, condition_id=standard.pk)


def test_sending_by_email_sets_the_expected_dates_emails_once_and_logs_the_disclosure(
    active_case, make_referral, partner, django_capture_on_commit_callbacks,
):
    case, holder, _ = active_case
    referral = make_referral(case, holder)
    friday = date(2026, 11, 20)
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder, sent_by="email", on=friday)
    assert (referral.status, referral.acknowledge_by, referral.engage_by) == ("sent", date(2026, 11, 25), date(2026, 12, 4))
    [email] = mail.outbox
    assert email.to == [partner.referral_email]
    assert case.person.first_names in email.body and "Drinking daily." in email.body
    crime = case.crimes.first()
    assert crime.reference not in email.body and crime.offences.first().title not in email.body  # no offence details
    delivery = Delivery.objects.get(key=f"referral:{referral.pk}")
    assert (delivery.status, delivery.recipient) == ("sent", partner.referral_email)
    assert delivery_send(delivery_id=delivery.pk) == "nothing"  # a retried task sends nothing
    assert len(mail.outbox) == 1
    [disclosure] = AccessLog.objects.filter(kind="disclosure", recipient=partner.referral_email)
    assert (disclosure.recipient, disclosure.person_id, disclosure.object_id) == (partner.referral_email, case.person_id, referral.pk)


def test_a_warm_introduction_records_who_was_present_and_how(active_case, make_referral):
    case, holder, _ = active_case
    referral = make_referral(case, holder)
    with pytest.raises(ValidationError) as error:
        services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder, sent_by="warm_introduction",
                               on=timezone.localdate())
    assert set(error.value.message_dict) == {"introduction_present", "introduced_how"}
    assert Referral.objects.get(pk=referral.pk).status == "draft"
    referral = services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder, sent_by="warm_introduction",
                                      on=timezone.localdate(), introduction_present="The person, me and Jo",
                                      introduced_how="three_way_call")
    assert (referral.introduction_present, referral.introduced_how, referral.sent_to) == (
        "The person, me and Jo", "three_way_call", referral.partner.name)
    assert not mail.outbox


def test_a_partner_without_a_referral_email_cannot_be_emailed(active_case, make_referral):
    case, holder, _ = active_case
    referral = make_referral(case, holder, to=PartnerFactory(referral_email=""))
    with pytest.raises(ValidationError, match="has no referral email"):
        services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder, sent_by="email",
                               on=timezone.localdate())


@pytest.mark.parametrize("steps, condition_status", [
    ([("acknowledged", "")], "not_started"),
    ([("engaged", "")], "in_progress"),
    ([("engaged", ""), ("completed", "")], "met"),
    ([("acknowledged", ""), ("disengaged", "did_not_attend")], "not_met"),
    ([("engaged", ""), ("withdrawn", "consent_withdrawn")], "not_started"),
    ([("declined", "no_capacity")], "not_started"),
])
def test_a_linked_condition_follows_its_referral(active_case, make_referral, steps, condition_status):
    case, holder, condition = active_case
    referral = make_referral(case, holder, condition=condition, sent_on=timezone.localdate() - timedelta(days=7))
    for status, reason in steps:
        services.referral_progress_record(case_id=case.pk, referral_id=referral.pk, user=holder, status=status,
                                          reason=reason, on=timezone.localdate(), source="Jo at the service")
    condition.refresh_from_db()
    assert condition.status == condition_status
    if condition_status != "not_started" or len(steps) > 1:
        assert f"referral to {referral.partner.name}" in condition.evidence


def test_a_met_condition_stays_met_whatever_the_referral_does(active_case, make_referral):
    case, holder, condition = active_case
    Condition.objects.filter(pk=condition.pk).update(status="met")
    referral = make_referral(case, holder, condition=None, sent_on=timezone.localdate())
    Referral.objects.filter(pk=referral.pk).update(condition=condition)
    services.referral_progress_record(case_id=case.pk, referral_id=referral.pk, user=holder, status="declined",
                                      reason="no_capacity", on=timezone.localdate())
    condition.refresh_from_db()
    assert condition.status == "met"


def test_an_update_between_steps_needs_words(active_case, make_referral):
    case, holder, _ = active_case
    referral = make_referral(case, holder, sent_on=timezone.localdate())
    with pytest.raises(ValidationError, match="Enter what happened"):
        services.referral_progress_record(case_id=case.pk, referral_id=referral.pk, user=holder, on=timezone.localdate())
    services.referral_progress_record(case_id=case.pk, referral_id=referral.pk, user=holder, on=timezone.localdate(),
                                      text="Waiting list of two weeks.", source="Reception, by phone")
    update = ReferralUpdate.objects.filter(referral=referral).first()
    assert (update.status, update.text, update.source) == ("", "Waiting list of two weeks.", "Reception, by phone")
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_a_refused_step_saves_nothing(active_case, make_referral):
    case, holder, _ = active_case
    referral = make_referral(case, holder, sent_on=timezone.localdate())
    with pytest.raises(CaseStateError):
        services.referral_progress_record(case_id=case.pk, referral_id=referral.pk, user=holder, status="completed",
                                          on=timezone.localdate(), text="Finished")
    assert ReferralUpdate.objects.filter(referral=referral).count() == 1  # the sending only
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_an_update_from_a_source_longer_than_is_kept_is_refused_and_saves_nothing(active_case, make_referral):
    case, holder, _ = active_case
    referral = make_referral(case, holder, sent_on=timezone.localdate())
    with pytest.raises(ValidationError) as error:
        services.referral_progress_record(case_id=case.pk, referral_id=referral.pk, user=holder, status="acknowledged",
                                          on=timezone.localdate(), source="Jo at the service " * 12, text="Seen")
    assert list(error.value.message_dict) == ["source"]
    assert ReferralUpdate.objects.filter(referral=referral).count() == 1  # the sending only
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_a_future_date_is_refused(active_case, make_referral):
    case, holder, _ = active_case
    referral = make_referral(case, holder)
    with pytest.raises(ValidationError, match="today or in the past"):
        services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder, sent_by="phone",
                               on=timezone.localdate() + timedelta(days=1))


def test_linking_a_condition_later_brings_it_up_to_date(active_case, make_referral):
    case, holder, condition = active_case
    referral = make_referral(case, holder, sent_on=timezone.localdate())
    services.referral_progress_record(case_id=case.pk, referral_id=referral.pk, user=holder, status="engaged",
                                      on=timezone.localdate())
    services.referral_condition_link(case_id=case.pk, referral_id=referral.pk, user=holder, condition_id=condition.pk)
    condition.refresh_from_db()
    assert condition.status == "in_progress"


def test_a_referral_during_the_assessment_links_no_condition_yet(partner, alcohol):
    case, holder = assessed_case()
    referral = services.referral_create(case_id=case.pk, user=holder, partner=partner, need_domain=alcohol,
                                        shared="x", consent_to_share=True)
    assert referral.status == "draft" and referral.condition is None
