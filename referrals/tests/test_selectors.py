from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Person
from cases.tests.factories import PersonFactory
from contracts.models import NeedDomain
from keyworkers.selectors import caseload, caseload_flag
from referrals import selectors
from referrals.filters import PartnerFilter
from referrals.models import Partner, Referral
from referrals.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_seeded_partners():
    Partner.objects.all().delete()


def test_matching_puts_the_need_first_then_the_area_then_eligibility(no_seeded_partners, alcohol):
    person = PersonFactory(postcode="PL4 8AA", sex=Person.Sex.MALE)
    PartnerFactory(name="A debt advice in PL", needs=["finance"], areas="PL")
    PartnerFactory(name="B alcohol in Cornwall", areas="TR")
    PartnerFactory(name="C alcohol for women in PL", areas="PL", sex="female")
    PartnerFactory(name="D alcohol in PL", areas="PL")
    PartnerFactory(name="E alcohol force-wide")
    PartnerFactory(name="F alcohol in PL, closed", areas="PL", is_active=False)
    matches = selectors.partners_matching(person=person, need_domain=alcohol, on=timezone.localdate())
    assert [p.name for p in matches] == [
        "D alcohol in PL", "E alcohol force-wide", "C alcohol for women in PL", "B alcohol in Cornwall",
        "A debt advice in PL",
    ]
    assert [(p.serves_need, p.serves_area, bool(p.eligibility_problems_found)) for p in matches] == [
        (True, True, False), (True, True, False), (True, True, True), (True, False, False), (False, True, False),
    ]
    serving = selectors.partners_matching(person=person, need_domain=alcohol, on=timezone.localdate(), serving_only=True)
    assert [p.name for p in serving] == [p.name for p in matches[:4]]  # the debt adviser is not offered for alcohol


def test_matching_costs_two_queries_however_many_partners(no_seeded_partners, alcohol, django_assert_num_queries):
    person = PersonFactory()
    for _ in range(12):
        PartnerFactory(needs=["alcohol", "drugs"])
    with django_assert_num_queries(2):  # partners, then their needs
        matches = selectors.partners_matching(person=person, need_domain=alcohol, on=timezone.localdate())
        [list(p.need_domains.all()) for p in matches]


@pytest.mark.parametrize("query, names", [
    ({"q": "debt"}, ["Money advice"]),
    ({"need": "alcohol"}, ["Alcohol service", "Women's centre"]),
    ({"area": "TQ"}, ["Alcohol service", "Money advice"]),
    ({"area": "PL"}, ["Money advice", "Women's centre"]),
    ({"kind": "health"}, ["Alcohol service"]),
    ({}, ["Alcohol service", "Money advice", "Women's centre"]),
    ({"active": "all"}, ["Alcohol service", "Closed service", "Money advice", "Women's centre"]),
])
def test_the_directory_filters_by_words_need_area_type_and_activity(no_seeded_partners, query, names):
    PartnerFactory(name="Alcohol service", kind="health", areas="TQ EX")
    PartnerFactory(name="Money advice", needs=["finance"], services="Debt and budgeting.")
    PartnerFactory(name="Women's centre", areas="PL", sex="female", needs=["alcohol", "relationships"])
    PartnerFactory(name="Closed service", is_active=False)
    if "need" in query:
        query = {**query, "need": NeedDomain.objects.get(code=query["need"]).pk}
    found = PartnerFilter(query or None, queryset=selectors.partner_directory()).qs
    assert sorted(partner.name for partner in found) == names


def test_the_report_counts_engagement_and_median_days_per_partner_and_need(no_seeded_partners, active_case, make_referral):
    case, holder, _ = active_case
    fast, slow = PartnerFactory(name="Fast service"), PartnerFactory(name="Slow service")
    day = date(2026, 10, 1)
    rows = [(fast, 1, 3, 5), (fast, 3, 5, 9), (fast, 2, None, None), (slow, 10, 20, None)]
    for partner, acknowledged, engaged, completed in rows:
        referral = make_referral(case, holder, to=partner)
        Referral.objects.filter(pk=referral.pk).update(
            status="sent", sent_on=day, acknowledged_on=day + timedelta(days=acknowledged),
            engaged_on=engaged and day + timedelta(days=engaged), completed_on=completed and day + timedelta(days=completed),
        )
    make_referral(case, holder, to=fast)  # a draft: never sent, not counted
    report = selectors.referral_report()
    assert [(r.partner, r.need, r.referred, r.engaged, r.completed, r.engaged_percent, r.median_days_to_acknowledge,
             r.median_days_to_engage) for r in report] == [
        ("Fast service", "Alcohol", 3, 2, 2, 67, 2, 4),
        ("Slow service", "Alcohol", 1, 1, 0, 100, 10, 20),
    ]
    # A second need at the same partner: a row for it, then the partner's own figures over both.
    drugs = make_referral(case, holder, to=fast)
    Referral.objects.filter(pk=drugs.pk).update(need_domain=NeedDomain.objects.get(code="drugs"), status="sent", sent_on=day,
                                                acknowledged_on=day + timedelta(days=4))
    assert [(r.partner, r.need, r.referred, r.engaged, r.median_days_to_acknowledge, r.median_days_to_engage)
            for r in selectors.referral_report()] == [
        ("Fast service", "Drugs", 1, 0, 4, None),
        ("Fast service", "Alcohol", 3, 2, 2, 4),
        ("Fast service", "All needs", 4, 2, 2.5, 4),
        ("Slow service", "Alcohol", 1, 1, 10, 20),
    ]
    assert selectors.referral_report(sent_from=date(2026, 10, 2)) == []


def test_an_overdue_referral_flags_the_case_on_the_caseload(active_case, make_referral):
    case, holder, _ = active_case
    make_referral(case, holder, sent_on=timezone.localdate() - timedelta(days=30))
    [row] = caseload(keyworker=holder)
    assert row.referrals_overdue == 1
    flag = caseload_flag(row, today=timezone.localdate())
    assert (flag.colour, flag.reason) == ("amber", "1 referral(s) overdue: chase the partner")
