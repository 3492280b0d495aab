"""Reads of the contracts app's pages: assessments, the contract and its conditions, contacts, decisions waiting,
the keyworker's appointments and the reminders job's runs; and the facts the apps below contracts read through what it
registers (contributions.py). Row visibility is each function's `user` argument."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet
from django.utils import timezone

from contracts.models import (
    ClosureProposal, Condition, ConditionKind, ConditionTemplate, Contact, Contract, ContractDecision, KeyworkerAction, NeedDomain,
    NeedsAssessment, NeedScore, NonCompliance, SchemeSettings, VariationProposal,
)
from keyworkers.models import Allocation
from keyworkers.selectors import held_in_team_of, held_or_closed_in_team_of
from oocr.notifications.models import Delivery, ReminderRun
from oocr.prepared import PreparedQuery, Slot

NO_ASSESSMENT_YET = "Record the needs assessment before agreeing the contract: the conditions should follow from it."


def contract_sign_blocker(*, case) -> str | None:
    """Why the contract cannot be agreed yet, before anything is typed (the service refuses the same), or None."""
    if not NeedsAssessment.objects.filter(case=case, kind=NeedsAssessment.Kind.BASELINE).exists():
        return NO_ASSESSMENT_YET
    return None


def case_assessments(*, case) -> dict[str, NeedsAssessment]:
    """The case's first and closing assessments, by kind, with their scores."""
    assessments = case.needs_assessments.select_related("recorded_by").prefetch_related(
        Prefetch("scores", queryset=NeedScore.objects.select_related("domain"))
    )
    return {assessment.kind: assessment for assessment in assessments}


@dataclass(frozen=True)
class DistanceTravelled:
    domain: str
    start: int | None
    end: int | None

    @property
    def change(self) -> int | None:
        """Points of need reduced (positive is progress)."""
        return None if self.start is None or self.end is None else self.start - self.end


def distance_travelled(assessments: dict[str, NeedsAssessment]) -> list[DistanceTravelled]:
    """Each domain's score at the start and the end: the client's progress, not appointments kept."""
    def by_domain(kind):
        assessment = assessments.get(kind)
        return {score.domain_id: score.score for score in assessment.scores.all()} if assessment else {}

    start, end = by_domain(NeedsAssessment.Kind.BASELINE), by_domain(NeedsAssessment.Kind.CLOSING)
    return [
        DistanceTravelled(domain=domain.name, start=start.get(domain.pk), end=end.get(domain.pk))
        for domain in NeedDomain.objects.filter(is_active=True)
    ]


def case_keyworker_actions(*, case) -> QuerySet[KeyworkerAction]:
    return case.keyworker_actions.select_related("recorded_by", "offence")


def scheme_settings() -> SchemeSettings:
    """The scheme's rules; the row is made by a migration, and made again if it was removed."""
    return SchemeSettings.objects.get_or_create(pk=1)[0]


def case_contract(*, case) -> Contract | None:
    """The case's contract with its conditions (and what they point at), or None."""
    return (
        Contract.objects.filter(case=case)
        .prefetch_related(Prefetch("conditions", queryset=Condition.objects.select_related("need_domain", "victim")),
                          Prefetch("decisions", queryset=ContractDecision.objects.select_related("by")))
        .first()
    )


def condition_templates() -> QuerySet[ConditionTemplate]:
    return ConditionTemplate.objects.filter(is_active=True).select_related("need_domain").order_by("kind", "title")


def conditions_to_vary(*, case) -> QuerySet[Condition]:
    """The conditions of the case's contract a variation may change: not the standard one, nor one set aside."""
    return (
        Condition.objects.filter(contract__case=case).exclude(kind=ConditionKind.STANDARD)
        .exclude(status__in=(Condition.Status.VARIED, Condition.Status.WITHDRAWN))
    )


def draft_conditions(*, case) -> QuerySet[Condition]:
    """The conditions a keyworker may still change or remove: those tailored for the person on a draft contract."""
    return Condition.objects.filter(contract__case=case, contract__status=Contract.Status.DRAFT).exclude(
        kind=ConditionKind.STANDARD)


def case_contacts(*, case) -> QuerySet[Contact]:
    return case.contacts.select_related("recorded_by").order_by("-starts_at", "-id")


def case_non_compliance(*, case) -> QuerySet[NonCompliance]:
    return case.non_compliance.select_related("decided_by", "contact", "condition")


def appointments_without_outcome(*, user) -> QuerySet[Contact]:
    """Appointments that have happened, on the cases the user holds now, with no outcome and not cancelled: oldest
    first. (The keyworker's own; a case they no longer hold is its new keyworker's to record.)"""
    held = Allocation.objects.filter(keyworker=user, ended_at=None).values("case_id")
    return (
        Contact.objects.filter(case__in=held, outcome="", cancelled_at=None, starts_at__lte=timezone.now())
        .select_related("case__person").order_by("starts_at", "id")
    )


def non_compliance_summary(event: NonCompliance) -> str:
    """A non-compliance decision in a sentence, to start the reason of the extension it leads to."""
    about = ""
    if event.contact_id:
        about = f" (the appointment of {timezone.localtime(event.contact.starts_at):%-d %B %Y %H:%M})"
    elif event.condition_id:
        about = f" (the condition: {event.condition.description[:120]})"
    return (f"{event.get_kind_display()} on {event.occurred_on:%-d %B %Y}{about}: "
            + ("reasonable excuse" if event.reasonable_excuse else "no reasonable excuse")
            + (f". {event.notes}" if event.notes else ""))


def case_sensitive_records(*, case) -> dict[str, int]:
    """How many needs assessments and safeguarding records the case holds, for people who may not read them
    (domain.md section 9): they learn that the records exist and whom to ask, never what they say. One query."""
    return type(case).objects.filter(pk=case.pk).aggregate(
        assessments=Count("needs_assessments", distinct=True),
        safeguarding=Count("keyworker_actions", distinct=True,
                           filter=Q(keyworker_actions__kind=KeyworkerAction.Kind.SAFEGUARDING)),
    )


def victims_code_agreed(case_ids: list[int]) -> dict[int, date]:
    """When each case's contract was agreed, for the Victims' Code update it owes: when it started, on signing, or on a
    supervisor's approval where the scheme asks for one. One query."""
    agreed = {}
    for case_id, start_date, approved_at in Contract.objects.filter(
        case_id__in=case_ids, status__in=[Contract.Status.ACTIVE, Contract.Status.ENDED],
    ).values_list("case_id", "start_date", "approved_at"):
        agreed[case_id] = timezone.localdate(approved_at) if approved_at else start_date
    return agreed


def victims_code_not_done_reasons(case_ids: list[int]) -> dict[int, str]:
    """The keyworker's reason, given when closing, for a Victims' Code update left undone. One query."""
    return dict(ClosureProposal.objects.filter(case_id__in=case_ids).exclude(decision=ClosureProposal.Decision.REFUSED)
                .exclude(victim_update_reason="").order_by("proposed_at").values_list("case_id", "victim_update_reason"))


# Every case page asks (cases.sections): built and compiled once a process (oocr/prepared.py). One at most
# (one_pending_closure_per_case).
_PENDING_CLOSURE = PreparedQuery(lambda: ClosureProposal.objects.filter(
    case_id=Slot("case", IntegerField()), decision=ClosureProposal.Decision.PENDING).select_related("proposed_by")[:1])


def pending_closure(*, case) -> ClosureProposal | None:
    return next(iter(_PENDING_CLOSURE.rows({"case": case.pk})), None)


def decisions_waiting(*, user) -> dict:
    """What waits for a supervisor: closures to decide and contracts to approve."""
    if not user.has_perm("accounts.allocate_cases"):
        return {"closures": ClosureProposal.objects.none(), "contracts": Contract.objects.none(),
                "variations": VariationProposal.objects.none()}
    # Only the cases the supervisor's own team holds.
    return {
        "variations": VariationProposal.objects.filter(held_in_team_of(user, case_path="contract__case"),
                                                       decision=VariationProposal.Decision.PENDING)
        .select_related("contract__case__person", "proposed_by", "condition").order_by("proposed_at"),
        "closures": ClosureProposal.objects.filter(held_in_team_of(user, case_path="case"), decision=ClosureProposal.Decision.PENDING)
        .select_related("case__person", "proposed_by").order_by("proposed_at"),
        "contracts": Contract.objects.filter(held_in_team_of(user, case_path="case"), status=Contract.Status.AWAITING_APPROVAL)
        .select_related("case__person").order_by("created_at"),
    }


def decisions_made_or_waiting(*, user) -> dict:
    """Closures and variations a supervisor may open, waiting or decided (to be told who decided one meanwhile):
    those of the cases their own team holds, or held when the case closed."""
    if not user.has_perm("accounts.allocate_cases"):
        return {"closures": ClosureProposal.objects.none(), "variations": VariationProposal.objects.none()}
    return {
        "closures": ClosureProposal.objects.filter(held_or_closed_in_team_of(user, case_path="case"))
        .select_related("case__person", "proposed_by", "decided_by").distinct(),
        "variations": VariationProposal.objects.filter(held_or_closed_in_team_of(user, case_path="contract__case"))
        .select_related("contract__case__person", "proposed_by", "decided_by", "condition").distinct(),
    }


def keyworker_appointments(*, keyworker, start, end) -> QuerySet[Contact]:
    """Appointments on the cases a keyworker holds, between two datetimes, soonest first."""
    held = Allocation.objects.filter(keyworker=keyworker, ended_at=None).values("case_id")
    return (
        Contact.objects.filter(case__in=held, starts_at__gte=start, starts_at__lt=end, cancelled_at=None)
        .select_related("case__person").order_by("starts_at")
    )


def reminder_runs() -> dict:
    """The reminders job's last runs, and the messages waiting or failed, for the administrators' page."""
    counts = dict(Delivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "runs": ReminderRun.objects.all()[:14],
        "deliveries_pending": counts.get(Delivery.Status.PENDING, 0),
        "deliveries_failed": counts.get(Delivery.Status.FAILED, 0),
        "failed": Delivery.objects.filter(status=Delivery.Status.FAILED).only(
            "template", "channel", "error", "created_at", "attempts")[:20],
    }
