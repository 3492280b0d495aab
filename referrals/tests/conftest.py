from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.models import NeedDomain
from contracts.services.contract import contract_sign
from contracts.tests.test_contracts import add, assessed_case
from referrals import services
from referrals.tests.factories import PartnerFactory


@pytest.fixture
def alcohol():
    return NeedDomain.objects.get(code="alcohol")


@pytest.fixture
def partner():
    return PartnerFactory()


@pytest.fixture
def active_case():
    """An active contract with an alcohol condition: (case, keyworker, condition)."""
    case, holder = assessed_case(offered_on=timezone.localdate() - timedelta(weeks=2))
    condition = add(case, holder, "Alcohol service sessions", need_domain=NeedDomain.objects.get(code="alcohol"))
    contract_sign(case_id=case.pk, user=holder, agreement="verbal",
                  signed_on=timezone.localdate() - timedelta(weeks=2))
    case.refresh_from_db()
    return case, holder, condition


@pytest.fixture
def make_referral(alcohol, partner):
    def make(case, holder, *, sent_on=None, condition=None, to=None, **kwargs):
        referral = services.referral_create(
            case_id=case.pk, user=holder, partner=to or partner, need_domain=alcohol, shared="Drinking daily.",
            consent_to_share=True, condition_id=condition.pk if condition else None, **kwargs,
        )
        if sent_on:
            referral = services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder,
                                              sent_by="phone", on=sent_on)
        return referral
    return make


