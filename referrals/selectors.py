"""Reads for the partner directory, the case's referrals and the referral report."""

import re
from dataclasses import dataclass
from datetime import date
from statistics import median

from django.db.models import (
    BooleanField, Count, DateField, ExpressionWrapper, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery,
)
from django.db.models.functions import Coalesce

from contracts.models import Condition, ConditionKind, NeedDomain, NeedScore
from oocr.prepared import PreparedQuery, Slot, aggregate_row
from referrals.models import Partner, Referral, ReferralUpdate


def partner_directory() -> QuerySet[Partner]:
    """Every partner, with the needs each serves (filtered by PartnerFilter)."""
    return Partner.objects.prefetch_related(Prefetch("need_domains", queryset=NeedDomain.objects.order_by("position")))


def area_served(area: str) -> Q:
    """Partners covering a postcode area: those that name it, and those covering the whole force."""
    return Q(areas="") | Q(areas__regex=rf"(^| ){re.escape(area)}( |$)")


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def partners_matching(*, person, need_domain: NeedDomain, on: date, serving_only: bool = False) -> list[Partner]:
    """Active partners in the order a keyworker wants them: serving the need, then the person's area, then
    taking someone like them. Each carries `serves_need`, `serves_area` and `eligibility_problems`."""
    partners = (
        partner_directory().filter(is_active=True)
        .annotate(
            serves_need=_flag(Q(pk__in=Partner.need_domains.through.objects.filter(needdomain=need_domain).values("partner"))),
            serves_area=_flag(area_served(person.postcode_area)) if person.postcode_area else _flag(Q(areas="")),
        )
        .order_by("-serves_need", "-serves_area", "name")
    )
    partners = [partner for partner in partners if partner.serves_need or not serving_only]
    for partner in partners:
        partner.eligibility_problems_found = partner.eligibility_problems(person, on=on)
    # Eligible partners before the rest within each need and area group; sorted() keeps the database order otherwise.
    return sorted(partners, key=lambda p: (not p.serves_need, not p.serves_area, bool(p.eligibility_problems_found)))


def overdue(today: date) -> Q:
    """Referrals the partner has not acknowledged, or not seen the person for, by the dates they should have."""
    return Q(status=Referral.Status.SENT, acknowledge_by__lt=today) | Q(status__in=Referral.WAITING, engage_by__lt=today)


def overdue_count(*, today: date) -> Coalesce:
    """An annotation for a case queryset: how many of each case's referrals are overdue."""
    return Coalesce(
        Subquery(
            Referral.objects.filter(overdue(today), case=OuterRef("pk"))
            .values("case").annotate(n=Count("id")).values("n")
        ),
        0,
    )


# Every case page asks (cases.sections): built and compiled once a process (oocr/prepared.py).
_CASE_OVERDUE = PreparedQuery(lambda: aggregate_row(
    Referral.objects.filter(overdue(Slot("today", DateField())), case_id=Slot("case", IntegerField())), overdue=Count("id")))


def case_referrals_overdue(*, case, today: date) -> int:
    return _CASE_OVERDUE.rows({"case": case.pk, "today": today})[0]["overdue"]


def case_referrals(*, case) -> QuerySet[Referral]:
    """A case's referrals, newest first, with the partner, need and linked condition."""
    return case.referrals.select_related("partner", "need_domain", "condition").order_by("-created_at", "-id")


def case_referral(*, case, referral_id: int) -> Referral:
    """One referral of a case with its updates; raises Referral.DoesNotExist for another case's."""
    return (
        case.referrals.select_related("partner", "need_domain", "condition", "created_by")
        .prefetch_related(Prefetch("updates", queryset=ReferralUpdate.objects.select_related("recorded_by")))
        .get(pk=referral_id)
    )


def case_needs_for_referral(*, case) -> list[NeedDomain]:
    """The need domains to refer for: those the first assessment scored as a need first, most severe first."""
    scores = {
        score.domain_id: score.score
        for score in NeedScore.objects.filter(assessment__case=case, assessment__kind="baseline", score__gt=0)
    }
    domains = list(NeedDomain.objects.filter(is_active=True))
    return sorted(domains, key=lambda domain: -scores.get(domain.pk, 0))


def linkable_conditions(*, case) -> QuerySet[Condition]:
    """The case's rehabilitative conditions a referral can be the evidence for."""
    return Condition.objects.filter(contract__case=case, kind=ConditionKind.REHABILITATIVE).exclude(status__in=Condition.SETTLED)


ALL_NEEDS = "All needs"  # the need of a partner's own row, over every need it was referred for


@dataclass
class PartnerFigures:
    partner: str
    need: str
    referred: int
    engaged: int
    completed: int
    median_days_to_acknowledge: float | None
    median_days_to_engage: float | None
    # Of the referrals with a service level (sent with the partner's working days), how many were acknowledged by it:
    # partners acknowledging in the portal feed this with the day they did it.
    with_service_level: int = 0
    acknowledged_in_time: int = 0

    @property
    def acknowledged_in_time_percent(self) -> int | None:
        return round(100 * self.acknowledged_in_time / self.with_service_level) if self.with_service_level else None

    @property
    def engaged_percent(self) -> int | None:
        return round(100 * self.engaged / self.referred) if self.referred else None

    @property
    def is_partner_total(self) -> bool:
        return self.need == ALL_NEEDS

    @property
    def completed_percent(self) -> int | None:
        return round(100 * self.completed / self.referred) if self.referred else None


def referral_report(*, sent_from: date | None = None, sent_to: date | None = None) -> list[PartnerFigures]:
    """Referrals sent in a period by partner and need: how many engaged and completed, and how fast. One query.

    A partner referred to for more than one need also gets an "All needs" row after its needs: the
    partner's own medians.
    """
    referrals = Referral.objects.exclude(sent_on=None)
    if sent_from:
        referrals = referrals.filter(sent_on__gte=sent_from)
    if sent_to:
        referrals = referrals.filter(sent_on__lte=sent_to)
    rows: dict[tuple[str, str], list[tuple]] = {}
    for partner, need, sent_on, acknowledged_on, engaged_on, completed_on, acknowledge_by in referrals.values_list(
        "partner__name", "need_domain__name", "sent_on", "acknowledged_on", "engaged_on", "completed_on", "acknowledge_by"
    ).order_by("partner__name", "need_domain__position"):
        rows.setdefault((partner, need), []).append((sent_on, acknowledged_on, engaged_on, completed_on, acknowledge_by))

    def median_days(pairs) -> float | None:
        days = [(end - start).days for start, end in pairs if end]
        return median(days) if days else None

    def figures(partner: str, need: str, steps: list[tuple]) -> PartnerFigures:
        return PartnerFigures(
            partner=partner, need=need, referred=len(steps),
            engaged=sum(1 for step in steps if step[2]), completed=sum(1 for step in steps if step[3]),
            median_days_to_acknowledge=median_days((step[0], step[1]) for step in steps),
            median_days_to_engage=median_days((step[0], step[2]) for step in steps),
            with_service_level=sum(1 for step in steps if step[4]),
            acknowledged_in_time=sum(1 for step in steps if step[4] and step[1] and step[1] <= step[4]),
        )

    report, by_partner = [], {}
    for (partner, need), steps in rows.items():
        by_partner.setdefault(partner, []).append((need, steps))
    for partner, needs in by_partner.items():
        report += [figures(partner, need, steps) for need, steps in needs]
        if len(needs) > 1:
            report.append(figures(partner, ALL_NEEDS, [step for _, steps in needs for step in steps]))
    return report

