"""A demo trial: an enhanced offer for 18 to 25s against the usual scheme, running on the demo's submissions."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Case
from trials import services
from trials.models import Allocation, Trial, TrialArm

DEMO_PROTOCOL = "DEMO-ISRCTN00000000"


def demo_trial_seed() -> int:
    """Start the demo trial and randomise every eligible submission waiting for allocation. Returns how many were
    randomised (0 when the trial exists already). Both arms go on to the team's queue: the demo's cases keep their
    states. One exclusion and one crossover are recorded, so that the CONSORT diagram shows each box."""
    if Trial.objects.filter(protocol_reference=DEMO_PROTOCOL).exists():
        return 0
    manager = get_user_model().objects.get(username="trials")
    trial = services.trial_create(user=manager, data={
        "name": "Enhanced offer for young adults (demo)", "protocol_reference": DEMO_PROTOCOL, "mode": Trial.Mode.LIVE,
        "algorithm": Trial.Algorithm.PERMUTED_BLOCKS, "strata": ["route", "age_band"], "block_multiples": [1, 2, 3],
        "start_date": timezone.localdate() - timedelta(days=21), "target_size": 400, "treatment_window_days": 28,
    }, arms=[
        {"code": "enhanced", "name": "Enhanced offer", "ratio": 1, "next_step": TrialArm.NextStep.QUEUE},
        {"code": "usual", "name": "Usual scheme", "ratio": 1, "next_step": TrialArm.NextStep.QUEUE, "is_control": True},
    ])
    services.trial_start(trial_id=trial.pk, user=manager, read_version=trial.version)
    randomised = 0
    waiting = Case.objects.filter(status=Case.Status.AWAITING_ALLOCATION, override_reason="").select_related("created_by")
    for case in waiting.order_by("submitted_at", "pk"):
        services.case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by)
        randomised += 1
    allocations = list(Allocation.objects.filter(trial=trial).select_related("arm").order_by("number"))
    if len(allocations) >= 2:
        services.allocation_exclude(allocation_id=allocations[0].pk, user=manager, reason="randomised_in_error",
                                    details="Submitted twice: the other submission was randomised")
        other = trial.arms.exclude(pk=allocations[1].arm_id).get()
        services.allocation_crossover_record(allocation_id=allocations[1].pk, user=manager, received_arm_id=other.pk,
                                             reason="The supervisor allocated the case to the other offer by mistake")
    return randomised
