"""Allocation, reallocation, allocation reviews and staff profiles: every write of the keyworkers app."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, CaseStateError
from cases.services import case_allocation_record, case_lock, officer_email_queue, records_erase
from keyworkers.models import Allocation, AllocationReview, StaffProfile
from keyworkers.selectors import already_allocated_message, keyworker_candidates, review_ended_message
from keyworkers.workload import over_capacity
from oocr.working_days import add_working_days
from oocr.concurrency.services import ANY_VERSION, version_bump
from oocr.notifications.services import notify


def _check_keyworker(*, keyworker, note: str) -> None:
    """The chosen keyworker must hold caseloads; over capacity or on leave is allowed with a reason."""
    candidate = next(iter(keyworker_candidates(team=None, only=keyworker)), None)
    if candidate is None:
        raise ValidationError({"keyworker": "Choose a keyworker who holds a caseload"})
    if candidate.staff_profile.availability == StaffProfile.Availability.INACTIVE:
        raise ValidationError({"keyworker": f"{candidate.get_full_name()} is not taking cases"})
    over = over_capacity(candidate.load)
    away = candidate.staff_profile.availability == StaffProfile.Availability.ON_LEAVE
    if (over or away) and not note.strip():
        problem = "is on leave" if away else f"is at {candidate.load}% of capacity"
        raise ValidationError({"note": f"{candidate.get_full_name()} {problem}: enter why they should take this case"})


def _start_allocation(*, case: Case, keyworker, user, note: str, now) -> Allocation:
    allocation = Allocation.objects.create(case=case, keyworker=keyworker, allocated_by=user, allocated_at=now, note=note.strip())
    team = keyworker.staff_profile.team
    AllocationReview.objects.create(
        allocation=allocation, due_on=add_working_days(timezone.localdate(now), team.review_working_days)
    )
    return allocation


def case_allocate(*, case_id: int, keyworker, user, note: str = "") -> Allocation:
    """Give a case waiting for allocation to a keyworker.

    Locks the case row first: of two supervisors allocating the same case at
    once, the second waits, then finds it allocated and is told by whom. The
    partial unique constraint on open allocations is the backstop.
    """
    try:
        with transaction.atomic():
            case = case_lock(case_id=case_id)
            if case.status != Case.Status.AWAITING_ALLOCATION:
                raise CaseStateError(already_allocated_message(case))
            _check_keyworker(keyworker=keyworker, note=note)
            now = timezone.now()
            allocation = _start_allocation(case=case, keyworker=keyworker, user=user, note=note, now=now)
            case_allocation_record(case=case, user=user, keyworker_name=keyworker.get_full_name(), reallocated=False)
            notify(kind="case_allocated", case=case, actor=user, event=f"allocation{allocation.pk}", context={"note": allocation.note})
            officer_email_queue(case=case, user=user, reason="allocated", allocation=allocation)
            return allocation
    except IntegrityError as error:
        raise CaseStateError(already_allocated_message(Case.objects.get(pk=case_id))) from error


@transaction.atomic
def case_reallocate(*, case_id: int, keyworker, user, reason: str, note: str) -> Allocation:
    """Move an open case to another keyworker: the old allocation is ended with a coded reason, never edited."""
    case = case_lock(case_id=case_id)
    case.require_reallocatable()
    current = case.allocations.select_for_update().select_related("keyworker").get(ended_at=None)
    if reason not in Allocation.EndReason.values:
        raise ValidationError({"reason": "Choose why the case is being reallocated"})
    if not note.strip():
        raise ValidationError({"end_note": "Enter a note about the reallocation for the case record"})
    if current.keyworker_id == keyworker.pk:
        raise ValidationError({"keyworker": f"The case is already with {keyworker.get_full_name()}: choose someone else"})
    _check_keyworker(keyworker=keyworker, note=note)
    now = timezone.now()
    current.ended_at, current.ended_by, current.end_reason, current.end_note = now, user, reason, note.strip()
    current.save(update_fields=["ended_at", "ended_by", "end_reason", "end_note"])
    allocation = _start_allocation(case=case, keyworker=keyworker, user=user, note=note, now=now)
    case_allocation_record(case=case, user=user, keyworker_name=keyworker.get_full_name(), reallocated=True)
    notify(kind="case_reallocated", case=case, actor=user, event=f"allocation{allocation.pk}", previous_keyworker=current.keyworker,
           context={"keyworker_name": keyworker.get_full_name(), "previous_keyworker_name": current.keyworker.get_full_name(),
                    "reason": current.get_end_reason_display().lower(), "note": current.end_note})
    return allocation


@transaction.atomic
def allocation_review_record(*, review_id: int, user, outcome: str, note: str) -> AllocationReview:
    """Record a supervisor's review of a new allocation; a review is recorded once, and only while the allocation lasts.

    Locks the review, then its allocation (as a reallocation does), so that an allocation ended meanwhile is seen.
    """
    review = AllocationReview.objects.select_for_update().get(pk=review_id)
    if review.reviewed_at:
        raise CaseStateError("This allocation has been reviewed already.")
    review.allocation = Allocation.objects.select_for_update().select_related("case", "keyworker").get(pk=review.allocation_id)
    if review.allocation.ended_at:
        raise CaseStateError(review_ended_message(review))
    if outcome not in AllocationReview.Outcome.values:
        raise ValidationError({"outcome": "Select whether you agree with the allocation"})
    if outcome == AllocationReview.Outcome.CHANGED and not note.strip():
        raise ValidationError({"note": "Enter what was changed and why"})
    review.outcome, review.note, review.reviewed_by, review.reviewed_at = outcome, note.strip(), user, timezone.now()
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def staff_profile_update(*, profile: StaffProfile, user, data: dict, read_version=ANY_VERSION) -> StaffProfile:
    """Change a keyworker's area, hours, capacity, specialisms or availability, over the version the editor read."""
    version_bump(profile, read_version=read_version, user=user)
    data = dict(data)
    specialisms = data.pop("specialisms", None)
    for field, value in data.items():
        setattr(profile, field, value)
    if profile.capacity_points is not None and profile.capacity_points < 1:
        raise ValidationError({"capacity_points": "Enter a capacity of 1 point or more"})
    if profile.availability != StaffProfile.Availability.ON_LEAVE:
        profile.leave_until = None
    elif not profile.leave_until:
        raise ValidationError({"leave_until": "Enter the date they are back from leave"})
    else:
        today = timezone.localdate()
        latest = today + timedelta(days=StaffProfile.LEAVE_LONGEST_DAYS)
        if profile.leave_until < today:
            raise ValidationError({"leave_until": f"The date they are back from leave must be today, {today:%-d %B %Y}, or later"})
        if profile.leave_until > latest:
            raise ValidationError({"leave_until": (
                f"The date they are back from leave must be on or before {latest:%-d %B %Y}, a year from today: "
                "for a longer absence, choose not taking cases"
            )})
    profile.full_clean()
    profile.save()
    if specialisms is not None:
        profile.specialisms.set(specialisms)
    return profile


def allocation_end_for_closed_case(*, case: Case, user, at) -> None:
    """A closed case no longer weighs on anyone's load: its open allocation ends (the keyworker still reads it)."""
    Allocation.objects.filter(case=case, ended_at=None).update(
        ended_at=at, ended_by=user, end_reason=Allocation.EndReason.CASE_CLOSED, end_note=case.get_status_display()
    )


@transaction.atomic
def calendar_token_issue(*, user, renew: bool = False) -> str:
    """The token of a keyworker's private calendar address; renewing it stops the old address working."""
    import secrets

    profile = StaffProfile.objects.select_for_update().get(user=user)
    if renew or not profile.calendar_token:
        profile.calendar_token = secrets.token_urlsafe(32)
        profile.save(update_fields=["calendar_token"])
    return profile.calendar_token


@transaction.atomic
def case_free_text_erase(*, case_id: int) -> None:
    """Disposal at the end of retention: allocation notes go; who held the case and when stays."""
    records_erase(Allocation.objects.filter(case_id=case_id), note="", end_note="")


@transaction.atomic
def cases_reallocate_from(*, keyworker, moves: dict[int, object], user, reason: str, note: str) -> list[Allocation]:
    """Move several of one keyworker's open cases at once (they are going on leave, or leaving): `moves` maps each
    case id to its new keyworker. Each case is reallocated as `case_reallocate` does, with the one reason and note
    for all: its own ended and started allocation, its own review, its own timeline entry, and both keyworkers told.
    All or none: a case that can no longer be moved (closed, moved by someone else meanwhile) refuses the lot.
    """
    if not moves:
        raise ValidationError({"cases": "Select the cases to reallocate"})
    allocations = []
    for case_id, new_keyworker in sorted(moves.items()):
        held_by = Allocation.objects.filter(case_id=case_id, ended_at=None).values_list("keyworker_id", flat=True).first()
        if held_by != keyworker.pk:
            number = Case(pk=case_id).number
            raise CaseStateError(f"Case {number} is no longer with {keyworker.get_full_name()}: nothing was reallocated.")
        try:
            allocations.append(case_reallocate(case_id=case_id, keyworker=new_keyworker, user=user, reason=reason, note=note))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            # The form has one keyworker per case and one note for all: say which case each message is about.
            fields = {"keyworker": f"keyworker_{case_id}", "note": "end_note"}
            raise ValidationError({fields.get(field, field): [f"Case {Case(pk=case_id).number}: {message}"
                                                              for message in ValidationError(errors).messages]
                                   for field, errors in error.error_dict.items()}) from error
    return allocations
