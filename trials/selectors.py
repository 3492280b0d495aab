"""Every read the trials pages need. None of them reads `TrialSequence` or `Trial.seed` (concealment): each
trial queryset defers the seed, and nothing here imports the sequence model."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch
from django.utils import timezone

from cases.eligibility import RuleResult
from cases.models import Case
from trials.eligibility import is_eligible, trial_eligibility
from trials.models import Allocation, Trial, TrialArm
from evaluation.models import ReoffendingCheckRun, ReoffendingResult


def trials_all():
    return Trial.objects.defer("seed")


def trial_list():
    return trials_all().annotate(randomised=Count("allocations")).order_by("-created_at", "-id")


def trial_detail(*, pk: int) -> Trial:
    return trials_all().select_related("created_by", "started_by", "stopped_by").prefetch_related("arms").get(pk=pk)


@dataclass(frozen=True)
class Treatment:
    """Whether a randomised person received what they were allocated, read from the case's states."""

    received: bool | None  # None: not known yet (still within the window)
    text: str
    category: str = ""  # the reason, short and the same for everyone it applies to (CONSORT counts by it)


def treatment_of(*, arm: TrialArm, randomised_on: date, window_days: int, contract_start: date | None, case: Case,
                 crossover, today: date) -> Treatment:
    if crossover is not None:
        return Treatment(False, f"Crossed over: received {crossover.received_arm.name}. {crossover.reason}",
                         f"Crossed over to {crossover.received_arm.name}")
    deadline = randomised_on + timedelta(days=window_days)
    if not arm.delivers_scheme:
        if contract_start is not None:
            return Treatment(False, f"Received the scheme: contract signed {contract_start:%-d %B %Y}", "Received the scheme")
        return Treatment(True, "The usual process")
    if contract_start is not None:
        if contract_start <= deadline:
            return Treatment(True, f"Contract signed {contract_start:%-d %B %Y}")
        return Treatment(False, f"Contract signed {contract_start:%-d %B %Y}, after the {window_days} days",
                         f"Contract signed after {window_days} days")
    if case.is_closed:
        return Treatment(False, f"No contract: {case.get_status_display().lower()}", f"No contract: {case.get_status_display().lower()}")
    if today > deadline:
        return Treatment(False, f"No contract within {window_days} days", f"No contract within {window_days} days")
    return Treatment(None, f"Waiting: a contract is due by {deadline:%-d %B %Y}")


@dataclass(frozen=True)
class AllocationRow:
    allocation: Allocation
    treatment: Treatment


def allocation_rows(*, trial: Trial, today: date | None = None) -> list[AllocationRow]:
    """Every randomisation of the trial with its treatment received: a fixed number of queries whatever the size."""
    today = today or timezone.localdate()
    allocations = (Allocation.objects.filter(trial=trial)
                   .select_related("arm", "case", "case__contract", "case__baseline", "exclusion", "crossover",
                                   "crossover__received_arm", "randomised_by")
                   .order_by("number"))
    rows = []
    for allocation in allocations:
        contract = getattr(allocation.case, "contract", None)
        contract_start = contract.start_date if contract is not None else None
        rows.append(AllocationRow(allocation, treatment_of(
            arm=allocation.arm, randomised_on=timezone.localdate(allocation.randomised_at), window_days=trial.treatment_window_days,
            contract_start=contract_start, case=allocation.case, crossover=getattr(allocation, "crossover", None), today=today)))
    return rows


def treatment_as_assigned(rows: list[AllocationRow]) -> tuple[int, int, float | None]:
    """(received as allocated, known, the rate), leaving out exclusions and those still within the window."""
    known = [row for row in rows if row.treatment.received is not None and not hasattr(row.allocation, "exclusion")]
    received = sum(1 for row in known if row.treatment.received)
    return received, len(known), (received / len(known) if known else None)


def allocation_for_manager(*, trial: Trial, pk: int) -> Allocation:
    return Allocation.objects.select_related("arm", "case", "trial").get(trial=trial, pk=pk)


def case_for_officer(*, user, pk: int) -> Case:
    """The officer's own submission (anyone else's is a 404, as on the intake pages)."""
    return Case.objects.select_related("person", "baseline").get(pk=pk, created_by=user)


@dataclass(frozen=True)
class TrialOffer:
    trial: Trial
    results: list[RuleResult]

    @property
    def eligible(self) -> bool:
        return is_eligible(self.results)


def trials_randomising(*, today: date | None = None):
    today = today or timezone.localdate()
    return trials_all().filter(status=Trial.Status.RUNNING, start_date__lte=today).exclude(stop_date__lt=today)


def trials_randomising_exist() -> bool:
    return trials_randomising().exists()


def trials_for_case(*, case: Case, today: date | None = None) -> list[TrialOffer]:
    """The running trials randomising today, each with the case's eligibility for it."""
    from trials.services import criteria_of, submission_of

    today = today or timezone.localdate()
    submission = submission_of(case)
    running = trials_randomising(today=today)
    if submission is None:
        return []
    return [TrialOffer(trial, trial_eligibility(submission, criteria_of(trial))) for trial in running.order_by("name")]


def case_allocations(*, case: Case):
    return Allocation.objects.filter(case=case).select_related("trial", "arm").prefetch_related(
        Prefetch("trial__arms", queryset=TrialArm.objects.all()))


def analysis_people(*, trial: Trial, definition_id: int, months: int, today: date | None = None):
    """One `analysis.Person` per randomised person, not excluded, whose follow-up is reached in the definition's
    published check (and whose treatment received is known)."""
    from trials.analysis import Person

    results = {row["case_id"]: row for row in ReoffendingResult.objects.filter(
        run__definition_id=definition_id, run__status=ReoffendingCheckRun.Status.PUBLISHED, follow_up_months=months,
        reached_follow_up=True).values("case_id", "reoffended", "harm_after")}
    people = []
    for row in allocation_rows(trial=trial, today=today):
        allocation, received = row.allocation, row.treatment.received
        result = results.get(allocation.case_id)
        if result is None or received is None or hasattr(allocation, "exclusion"):
            continue
        treatment_arm = not allocation.arm.is_control
        crossover = getattr(allocation, "crossover", None)
        if treatment_arm:
            got_scheme = received
        else:
            got_scheme = (crossover is not None and not crossover.received_arm.is_control) or (
                not allocation.arm.delivers_scheme and received is False)
        people.append(Person(treatment_arm=treatment_arm, received_scheme=bool(got_scheme), as_allocated=bool(received),
                             reoffended=result["reoffended"], harm_after=float(result["harm_after"])))
    return people
