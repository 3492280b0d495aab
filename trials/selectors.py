"""Every read the trials pages need. None of them reads `TrialSequence` or `Trial.seed` (concealment)."""

from django.db.models import Count

from trials.models import Trial


def trial_list():
    return Trial.objects.annotate(randomised=Count("allocations")).defer("seed").order_by("-created_at", "-id")
