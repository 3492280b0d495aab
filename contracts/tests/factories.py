"""Factories named after the state they leave a case's contract in, set directly (the services' chain has its own tests).

Each builds the rows `assessed_case()` (contracts/tests/test_contracts.py) and
`active_case()` (contracts/tests/test_closure.py) reach through the services:
the person's acceptance, the first needs assessment, the contract and its
conditions. contracts/tests/test_factories.py checks the services accept them.
"""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from cases.models import Case, FirstContact, Victim
from contracts.models import (
    ClosureProposal, Condition, ConditionKind, ConditionTemplate, Contact, Contract, NeedDomain, NeedsAssessment, NeedScore,
    VariationProposal,
)
from contracts.selectors import scheme_settings
from contracts.services.contract import STANDARD_CONDITION
from keyworkers.tests.factories import AllocatedCaseFactory


def holder_of(case: Case):
    """The keyworker holding the case now."""
    return case.allocations.select_related("keyworker").get(ended_at=None).keyworker


def backdate_case(case: Case, *, to) -> None:
    """Move the offence, submission and allocation back to the day `to` where they are later, so that a contract
    signed on `to` keeps the case's timeline in order (cases/timeline.py)."""
    moment = timezone.make_aware(datetime.combine(to, time(9)))
    case.crimes.filter(offence_date__gt=to).update(offence_date=to)
    Case.objects.filter(pk=case.pk, submitted_at__gt=moment).update(submitted_at=moment)
    case.allocations.filter(allocated_at__gt=moment).update(allocated_at=moment)
    case.submitted_at = Case.objects.values_list("submitted_at", flat=True).get(pk=case.pk)


def _assess(case: Case, status: str, *, offered_on=None) -> None:
    """The person accepted the scheme (today unless `offered_on`) and the first needs assessment is recorded
    (every domain scored 2)."""
    holder = holder_of(case)
    FirstContact.objects.create(case=case, offered_on=offered_on or timezone.localdate(), method=FirstContact.Method.PHONE,
                                answer=FirstContact.Answer.ACCEPTED, recorded_by=holder)
    Case.objects.filter(pk=case.pk).update(status=status)
    case.status = status
    baseline = NeedsAssessment.objects.create(case=case, kind=NeedsAssessment.Kind.BASELINE, recorded_by=holder)
    NeedScore.objects.bulk_create(NeedScore(assessment=baseline, domain=domain, score=NeedScore.Score.MEDIUM)
                                  for domain in NeedDomain.objects.filter(is_active=True))


def _standard_condition(contract: Contract) -> Condition:
    return Condition.objects.create(contract=contract, kind=ConditionKind.STANDARD, description=STANDARD_CONDITION)


class AssessedCaseFactory(AllocatedCaseFactory):
    """Allocated, accepted, in assessment with its first needs assessment, and a draft contract holding the
    standard condition (`draft_contract=False`: no contract yet)."""

    @factory.post_generation
    def draft_contract(self, create, extracted, **kwargs):
        if not create:
            return
        _assess(self, Case.Status.ASSESSMENT)
        if extracted is not False:
            contract = Contract.objects.create(case=self, created_by=holder_of(self), weeks=scheme_settings().contract_weeks)
            _standard_condition(contract)


class TailoredConditionFactory(factory.django.DjangoModelFactory):
    """A condition from the library's 'Debt advice', due in 60 days: tailored to the person, not the standard one."""

    class Meta:
        model = Condition

    template = factory.LazyFunction(lambda: ConditionTemplate.objects.get(title="Debt advice"))
    kind = factory.LazyAttribute(lambda condition: condition.template.kind)
    description = factory.LazyAttribute(lambda condition: condition.template.text)
    need_domain = factory.LazyAttribute(lambda condition: condition.template.need_domain)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class ActiveContractFactory(factory.django.DjangoModelFactory):
    """A contract the person signed a week ago (`start_date` to change it): active, the case active,
    the standard condition and one tailored condition."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    case = factory.SubFactory(AllocatedCaseFactory)
    status = Contract.Status.ACTIVE
    weeks = factory.LazyFunction(lambda: scheme_settings().contract_weeks)
    extension_days = 0
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(weeks=1))
    end_date = factory.LazyAttribute(
        lambda contract: contract.start_date + timedelta(weeks=contract.weeks, days=contract.extension_days))
    agreement = Contract.Agreement.VERBAL
    created_by = factory.LazyAttribute(lambda contract: holder_of(contract.case))

    @factory.post_generation
    def agreed(self, create, extracted, **kwargs):
        if not create:
            return
        # The person was offered the scheme and signed on the start date, after the case was submitted and allocated.
        offered_on = min(self.start_date, timezone.localdate())
        backdate_case(self.case, to=offered_on)
        _assess(self.case, Case.Status.ACTIVE if self.status == Contract.Status.ACTIVE else Case.Status.ASSESSMENT,
                offered_on=offered_on)
        _standard_condition(self)
        TailoredConditionFactory(contract=self)


class AwaitingApprovalContractFactory(ActiveContractFactory):
    """Signed where the scheme wants a supervisor's approval: the case stays in assessment until then."""

    status = Contract.Status.AWAITING_APPROVAL


class BookedContactFactory(factory.django.DjangoModelFactory):
    """An appointment two hours ago whose outcome is not recorded yet."""

    class Meta:
        model = Contact

    case = factory.LazyFunction(lambda: ActiveContractFactory().case)
    type = Contact.Type.FACE_TO_FACE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    place = "Truro"
    recorded_by = factory.LazyAttribute(lambda contact: holder_of(contact.case))


class ConsentingVictimFactory(factory.django.DjangoModelFactory):
    """A victim of the case's crime who agreed to a restorative approach."""

    class Meta:
        model = Victim

    crime = factory.LazyFunction(lambda: AssessedCaseFactory().crimes.get())
    name = factory.Sequence(lambda n: f"Corner shop {n}")
    restorative_consent = Victim.RestorativeConsent.YES


def breach_record(**overrides) -> dict:
    """What a breach proposal records (the `breach` of `closure_propose`): a new offence today, what led to it and what
    was tried."""
    return {"breach_on": timezone.localdate(), "new_offence": "Theft from a shop, crime 26/9999", "conditions_breached": [],
            "circumstances": "Arrested for shoplifting", "tried": "Weekly support and a warning", "discussion": "", **overrides}


BREACH = breach_record()


class PendingClosureFactory(factory.django.DjangoModelFactory):
    """A breach of an active contract proposed by its keyworker: a breach always waits for a supervisor."""

    class Meta:
        model = ClosureProposal

    case = factory.LazyFunction(lambda: ActiveContractFactory().case)
    result = ClosureProposal.Result.BREACHED
    reason = "Stopped coming to appointments"
    breach_on = factory.LazyFunction(timezone.localdate)
    new_offence = "Theft from a shop, crime 26/9999"
    circumstances = "Arrested for shoplifting"
    tried = "Weekly support and a warning"
    proposed_by = factory.LazyAttribute(lambda proposal: holder_of(proposal.case))


class PendingExtensionFactory(factory.django.DjangoModelFactory):
    """A two-week extension of an active contract proposed by its keyworker, waiting for a supervisor."""

    class Meta:
        model = VariationProposal

    contract = factory.SubFactory(ActiveContractFactory)
    kind = VariationProposal.Kind.EXTENSION
    extension_days = 14
    reason = "In hospital for two weeks"
    proposed_by = factory.LazyAttribute(lambda proposal: holder_of(proposal.contract.case))
