"""Every write of the trials app: set-up (draft only), start, stop, randomisation, exclusions, crossovers.

Locking: `case_randomise` holds the trial's row lock (`select_for_update`) from reading the sequence to writing
the allocation, so randomisations of one trial queue one behind the other (positions and minimisation's counts are
read under it), and the case's row lock, so one case is decided once. The database's unique constraints refuse a
second allocation of a case, or of a person and crime across live trials, whatever gets past the locks.
"""

from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, EligibilityAssessment
from cases.services import case_lock
from oocr.concurrency.services import version_bump
from oocr.errors import DomainError
from trials import randomisation, strata
from trials.eligibility import Submission, TrialCriteria, is_eligible, trial_eligibility
from trials.models import Allocation, Crossover, Exclusion, Trial, TrialArm, TrialSequence


# What a crossover's reason reads after disposal (a reason is required of every crossover recorded).
DISPOSED_REASON = "Removed at the end of retention"


class AlreadyRandomised(DomainError):
    def __init__(self, allocation: Allocation):
        self.allocation = allocation
        when = timezone.localtime(allocation.randomised_at)
        super().__init__(
            f"Case {allocation.case.number} was randomised already, on {when:%-d %B %Y at %H:%M}, to {allocation.arm.name}. "
            "Nothing was changed.")


SET_UP_FIELDS = ["name", "protocol_reference", "mode", "algorithm", "strata", "block_multiples", "minimisation_probability",
                 "start_date", "stop_date", "target_size", "min_age", "max_age", "routes", "include_overrides",
                 "treatment_window_days"]


def _arms_check(arms: list[dict]) -> None:
    if len(arms) < 2:
        raise ValidationError({"arms": "Give the trial at least two arms"})
    codes = [arm["code"] for arm in arms]
    if len(set(codes)) != len(codes):
        raise ValidationError({"arms": "Give each arm a different code"})
    if sum(1 for arm in arms if arm.get("is_control")) != 1:
        raise ValidationError({"arms": "Mark exactly one arm as the control arm"})


def _trial_check(trial: Trial) -> None:
    if trial.stop_date and trial.stop_date < trial.start_date:
        raise ValidationError({"stop_date": "The stop date must be on or after the start date"})
    if trial.min_age is not None and trial.max_age is not None and trial.min_age > trial.max_age:
        raise ValidationError({"max_age": "The oldest age must be the same as or above the youngest"})
    unknown = set(trial.strata) - set(strata.FACTORS)
    if unknown:
        raise ValidationError({"strata": "Choose stratification factors from the list"})
    if trial.algorithm == Trial.Algorithm.MINIMISATION and not trial.strata:
        raise ValidationError({"strata": "Choose at least one factor to minimise over"})
    if not trial.block_multiples or any(not isinstance(m, int) or not 1 <= m <= 5 for m in trial.block_multiples):
        raise ValidationError({"block_multiples": "Choose at least one block size"})
    trial.full_clean(exclude=["created_by"])


@transaction.atomic
def trial_create(*, user, data: dict, arms: list[dict]) -> Trial:
    """A new trial, being set up: nothing is randomised until it starts."""
    _arms_check(arms)
    trial = Trial(created_by=user, **{name: data[name] for name in SET_UP_FIELDS if name in data})
    _trial_check(trial)
    trial.save()
    _arms_save(trial, arms)
    return trial


def _arms_save(trial: Trial, arms: list[dict]) -> None:
    trial.arms.all().delete()  # a draft's arms only: nothing refers to them before the trial starts
    for arm in arms:
        record = TrialArm(trial=trial, code=arm["code"], name=arm["name"], ratio=arm["ratio"], next_step=arm["next_step"],
                          is_control=bool(arm.get("is_control")))
        record.full_clean(exclude=["trial"])
        record.save()


@transaction.atomic
def trial_update(*, trial_id: int, user, data: dict, arms: list[dict], read_version) -> Trial:
    trial = Trial.objects.select_for_update().get(pk=trial_id)
    trial.require_draft()
    version_bump(trial, read_version=read_version, user=user)
    _arms_check(arms)
    for name in SET_UP_FIELDS:
        if name in data:
            setattr(trial, name, data[name])
    _trial_check(trial)
    trial.save()
    _arms_save(trial, arms)
    return trial


def arms_of(trial: Trial) -> list[randomisation.Arm]:
    return [randomisation.Arm(arm.code, arm.ratio) for arm in trial.arms.order_by("id")]


@transaction.atomic
def trial_start(*, trial_id: int, user, read_version, seed: str | None = None) -> Trial:
    """Draw the seed, make the whole sequence and record its SHA-256: from now on the set-up cannot change.

    `seed` is for tests and for re-making a published sequence; the pages never pass one.
    """
    trial = Trial.objects.select_for_update().get(pk=trial_id)
    trial.require_draft(action="started again")
    version_bump(trial, read_version=read_version, user=user)
    if trial.stop_date and trial.stop_date < timezone.localdate():
        raise ValidationError({"stop_date": "The stop date has passed: change it before starting the trial"})
    seed = seed or randomisation.seed_new()
    arms = arms_of(trial)
    sequence = randomisation.sequence_make(
        algorithm=trial.algorithm, seed=seed, arms=arms, levels=strata.levels_for(trial.strata),
        multiples=trial.block_multiples, length=trial.target_size)
    TrialSequence.objects.bulk_create([TrialSequence(trial=trial, stratum=key, values=values) for key, values in sequence.items()])
    trial.start(seed=seed, sequence_hash=randomisation.sequence_hash(algorithm=trial.algorithm, arms=arms, sequence=sequence),
                at=timezone.now(), by=user)
    trial.save()
    return trial


@transaction.atomic
def trial_stop(*, trial_id: int, user, reason: str, read_version) -> Trial:
    trial = Trial.objects.select_for_update().get(pk=trial_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the trial is stopping"})
    version_bump(trial, read_version=read_version, user=user)
    trial.stop(at=timezone.now(), by=user, reason=reason)
    trial.save()
    return trial


def submission_of(case: Case) -> Submission | None:
    """What was locked at submission, or None when the case is not submitted (eligibility, consent and baseline)."""
    # Read through .all() so that a prefetch serves it (the CONSORT counts read many cases at once); newest first.
    assessment = next((assessment for assessment in case.eligibility_assessments.all()
                       if assessment.decision != EligibilityAssessment.Decision.CLOSED_INELIGIBLE), None)
    baseline = getattr(case, "baseline", None)
    if assessment is None or baseline is None:
        return None
    return Submission(assessment_outcome=assessment.outcome, overridden=assessment.decision == EligibilityAssessment.Decision.OVERRIDDEN,
                      answers=assessment.answers, age=baseline.age, route=case.route)


def criteria_of(trial: Trial) -> TrialCriteria:
    return TrialCriteria(min_age=trial.min_age, max_age=trial.max_age, routes=trial.routes, include_overrides=trial.include_overrides)


def case_randomise(*, trial_id: int, case_id: int, user, today: date | None = None) -> Allocation:
    """Randomise one submitted case: the allocation is written once, and the case goes on to its arm's next step.

    Raises AlreadyRandomised (with the allocation made before) for a second try, however it comes.
    """
    try:
        with transaction.atomic():
            return _randomise(trial_id=trial_id, case_id=case_id, user=user, today=today or timezone.localdate())
    except IntegrityError:
        # Another connection wrote it between our check and our insert (only possible without the row locks).
        earlier = Allocation.objects.select_related("case", "arm").filter(trial_id=trial_id, case_id=case_id).first()
        if earlier is None:
            raise
        raise AlreadyRandomised(earlier) from None


def _randomise(*, trial_id: int, case_id: int, user, today: date) -> Allocation:
    trial = Trial.objects.select_for_update().get(pk=trial_id)
    case = case_lock(case_id=case_id)
    earlier = Allocation.objects.select_related("case", "arm").filter(trial=trial, case=case).first()
    if earlier is not None:
        raise AlreadyRandomised(earlier)
    trial.require_randomising(today=today)
    if case.created_by_id != user.pk:
        raise DomainError(f"Case {case.number} is not your submission, so you cannot randomise it.")
    if case.status != Case.Status.AWAITING_ALLOCATION:
        raise DomainError(f"Case {case.number} is {case.get_status_display().lower()}: only a submission waiting for "
                          "allocation, whose eligibility, consent and baseline are locked, can be randomised.")
    submission = submission_of(case)
    if submission is None or not is_eligible(trial_eligibility(submission, criteria_of(trial))):
        raise DomainError(f"Case {case.number} does not meet the trial's eligibility: it cannot be randomised.")
    crime = case.crimes.order_by("id").first()
    if trial.is_live:
        live = Allocation.objects.select_related("case", "arm").filter(is_live=True, person_id=case.person_id, crime=crime).first()
        if live is not None:
            raise AlreadyRandomised(live)
    number = Allocation.objects.filter(trial=trial).count() + 1
    if number > trial.target_size:
        raise DomainError(f"The trial {trial.name} has reached its target size of {trial.target_size}: stop it.")
    arms = {arm.code: arm for arm in trial.arms.all()}
    levels = strata.person_levels(trial.strata, case.baseline)
    if trial.algorithm == Trial.Algorithm.PERMUTED_BLOCKS:
        stratum = randomisation.stratum_key(levels)
        position = Allocation.objects.filter(trial=trial, stratum=stratum).count()
        blocks = TrialSequence.objects.get(trial=trial, stratum=stratum).values
        code = randomisation.block_arm(blocks, position)
    else:
        stratum, position = "", number - 1
        draw = TrialSequence.objects.get(trial=trial, stratum="").values[position]
        counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for earlier_levels, arm_code in Allocation.objects.filter(trial=trial).values_list("levels", "arm__code"):
            for factor, level in earlier_levels.items():
                counts[(factor, level)][arm_code] += 1
        code = randomisation.minimisation_arm(arms=arms_of(trial), counts=counts, person_levels=levels, draw=draw,
                                              probability=float(trial.minimisation_probability))
    arm = arms[code]
    now = timezone.now()
    allocation = Allocation.objects.create(
        trial=trial, arm=arm, case=case, person_id=case.person_id, crime=crime, is_live=trial.is_live, number=number,
        stratum=stratum, position=position, levels=levels, randomised_by=user, randomised_at=now)
    test = "" if trial.is_live else " (a test trial: nothing changes on the case)"
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RANDOMISED, by=user, text=f"{trial.name}: {arm.name}{test}")
    if trial.is_live and not arm.delivers_scheme:
        case.withdraw(at=now, by=user, reason=Case.WithdrawalReason.TRIAL_CONTROL)
        case.save()
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.WITHDRAWN, by=user,
                                 text=f"Randomised to {arm.name} of {trial.name}: the usual process, outside the scheme")
    return allocation


@transaction.atomic
def allocation_exclude(*, allocation_id: int, user, reason: str, details: str) -> Exclusion:
    """Exclude someone after randomisation: recorded with its reason beside the allocation, which stays."""
    allocation = Allocation.objects.select_for_update().select_related("trial").get(pk=allocation_id)
    details = details.strip()
    if reason not in Exclusion.Reason.values:
        raise ValidationError({"reason": "Select why the person is excluded"})
    if reason == Exclusion.Reason.OTHER and not details:
        raise ValidationError({"details": "Give details of why the person is excluded"})
    if Exclusion.objects.filter(allocation=allocation).exists():
        raise DomainError(f"Randomisation {allocation.number} is excluded already. Nothing was changed.")
    return Exclusion.objects.create(allocation=allocation, reason=reason, details=details, recorded_by=user,
                                    recorded_at=timezone.now())


@transaction.atomic
def allocation_crossover_record(*, allocation_id: int, user, received_arm_id: int, reason: str) -> Crossover:
    """Someone received another arm's treatment: which, and why."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation_id)
    reason = reason.strip()
    received = TrialArm.objects.filter(trial_id=allocation.trial_id, pk=received_arm_id).first()
    if received is None:
        raise ValidationError({"received_arm": "Select the arm whose treatment the person received"})
    if received.pk == allocation.arm_id:
        raise ValidationError({"received_arm": "Select another arm than the one allocated: that is not a crossover"})
    if not reason:
        raise ValidationError({"reason": "Enter why the person received another arm's treatment"})
    if Crossover.objects.filter(allocation=allocation).exists():
        raise DomainError(f"A crossover is recorded already for randomisation {allocation.number}. Nothing was changed.")
    return Crossover.objects.create(allocation=allocation, received_arm=received, reason=reason, recorded_by=user,
                                    recorded_at=timezone.now())


def trials_personal_data_erase(*, case_id: int) -> None:
    """Disposal at the end of retention: the free text about the person goes (an exclusion's details, a crossover's
    reason); the randomisation itself, the arm received and the exclusion's reason code stay, for the trial's
    analysis and its CONSORT counts. The one change these immutable records allow, made by a bulk update."""
    Exclusion.objects.filter(allocation__case_id=case_id).update(details="")
    Crossover.objects.filter(allocation__case_id=case_id).update(reason=DISPOSED_REASON)
