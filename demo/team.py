"""Demo team for `manage.py seed_demo`: profiles for every member of staff and allocations in every stage.

Allocations go through the real service, each to the recommended keyworker,
then are backdated so the caseloads show red, amber and green flags and the
review list shows reviews due and overdue. Idempotent.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from keyworkers import selectors, services
from keyworkers.models import Allocation, AllocationReview, Specialism, StaffProfile, Team
from keyworkers.workload import recommend
from oocr.working_days import add_working_days

TEAM_NAME = "Devon and Cornwall OoCR team"
# user name: (area, full-time equivalent, women's specialism, young adults specialism, availability)
KEYWORKER_PROFILES = {
    "keyworker1": ("TR", "1.00", True, False, StaffProfile.Availability.ACTIVE),
    "keyworker2": ("PL", "1.00", False, True, StaffProfile.Availability.ACTIVE),
    "keyworker3": ("EX", "0.80", True, True, StaffProfile.Availability.ACTIVE),
    "keyworker4": ("TQ", "1.00", False, False, StaffProfile.Availability.ACTIVE),
    "keyworker5": ("PL", "0.60", True, False, StaffProfile.Availability.ACTIVE),
    "keyworker6": ("EX", "1.00", False, False, StaffProfile.Availability.ACTIVE),
    "keyworker7": ("TR", "1.00", False, True, StaffProfile.Availability.ACTIVE),
    "keyworker8": ("TQ", "0.50", False, False, StaffProfile.Availability.ACTIVE),
    "keyworker9": ("PL", "1.00", False, False, StaffProfile.Availability.ON_LEAVE),
    "keyworker10": ("EX", "1.00", False, True, StaffProfile.Availability.ACTIVE),
    "keyworker11": ("TR", "0.80", True, False, StaffProfile.Availability.ACTIVE),
    "keyworker12": ("", "1.00", False, False, StaffProfile.Availability.INACTIVE),
}


def demo_team_seed(*, allocations: int = 80) -> int:
    """Create the team and profiles, and allocate demo cases; returns how many cases were allocated."""
    User = get_user_model()
    team, _ = Team.objects.get_or_create(name=TEAM_NAME)
    for user in User.objects.filter(groups__name__in=["Keyworker", "Supervisor", "Team manager"]).distinct():
        area, fte, women, young, availability = KEYWORKER_PROFILES.get(user.username, ("", "1.00", False, False, "active"))
        profile, created = StaffProfile.objects.get_or_create(user=user, defaults={
            "team": team, "area": area, "fte": Decimal(fte), "availability": availability,
            "leave_until": timezone.localdate() + timedelta(days=9) if availability == StaffProfile.Availability.ON_LEAVE else None,
        })
        if created:
            wanted = [matches for matches, has in (("womens_offer", women), ("young_adult_offer", young)) if has]
            profile.specialisms.set(Specialism.objects.filter(matches__in=wanted))
    if Allocation.objects.exists():
        return 0
    rng = random.Random(4)
    supervisors = list(User.objects.filter(groups__name="Supervisor").order_by("username"))
    queue = list(selectors.allocation_queue(user=supervisors[0])[:allocations])
    for number, case in enumerate(queue):
        supervisor = supervisors[number % len(supervisors)]
        candidates = selectors.keyworker_candidates(team=team)
        chosen = recommend([selectors.as_candidate(c) for c in candidates], selectors.case_needs(case))
        keyworker = next(c for c in candidates if c.pk == chosen.user_id)
        note = "Everyone is busy; most capacity left." if keyworker.load >= 100 else ""
        allocation = services.case_allocate(case_id=case.pk, keyworker=keyworker, user=supervisor, note=note)
        # Spread allocations over the last fortnight, the oldest first, as a real queue is worked.
        allocated_at = timezone.now() - timedelta(days=(len(queue) - number) * 14 // len(queue), hours=rng.randint(0, 6))
        allocated_at = max(allocated_at, case.submitted_at)  # never before the case was submitted
        Allocation.objects.filter(pk=allocation.pk).update(allocated_at=allocated_at)
        AllocationReview.objects.filter(allocation=allocation).update(
            due_on=add_working_days(timezone.localdate(allocated_at), team.review_working_days)
        )
        if allocated_at < timezone.now() - timedelta(days=8):
            services.allocation_review_record(
                review_id=allocation.review.pk, user=supervisor, outcome=AllocationReview.Outcome.AGREED, note=""
            )
    return len(queue)
