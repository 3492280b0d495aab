"""Trials in each state: being set up (`DraftTrialFactory`), and started with a known seed (`RunningTrialFactory`)."""

from datetime import timedelta

import factory
from django.utils import timezone

from oocr.accounts.tests.factories import TrialManagerFactory
from trials import services
from trials.models import Trial, TrialArm

TEST_SEED = "0" * 63 + "1"


class DraftTrialFactory(factory.django.DjangoModelFactory):
    """Two arms 1:1 (the scheme, and the usual process), permuted blocks of 2, 4 or 6 within route and age band."""

    class Meta:
        model = Trial
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Shorter contracts trial {n}")
    protocol_reference = factory.Sequence(lambda n: f"ISRCTN{10000000 + n}")
    mode = Trial.Mode.LIVE
    algorithm = Trial.Algorithm.PERMUTED_BLOCKS
    strata = factory.LazyFunction(lambda: ["route", "age_band"])
    block_multiples = factory.LazyFunction(lambda: [1, 2, 3])
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    target_size = 200
    created_by = factory.SubFactory(TrialManagerFactory)

    @factory.post_generation
    def arms(self, create, extracted, **kwargs):
        if not create:
            return
        for code, name, ratio, next_step, is_control in extracted or [
            ("scheme", "Deferred prosecution (the scheme)", 1, TrialArm.NextStep.QUEUE, False),
            ("usual", "Usual process", 1, TrialArm.NextStep.USUAL_PROCESS, True),
        ]:
            TrialArm.objects.create(trial=self, code=code, name=name, ratio=ratio, next_step=next_step, is_control=is_control)


class RunningTrialFactory(DraftTrialFactory):
    """Started through the service with TEST_SEED (or `seed=`), so its sequence is known to the test."""

    @factory.post_generation
    def started(self, create, extracted, **kwargs):
        if create:
            services.trial_start(trial_id=self.pk, user=self.created_by, read_version=self.version, seed=extracted or TEST_SEED)
            self.refresh_from_db()
