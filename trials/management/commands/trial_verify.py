"""Re-make a started trial's sequence from its recorded seed and check it against the stored sequence and the
published SHA-256. For an auditor with access to the server; prints the hash, never the sequence or the seed."""

from django.core.management.base import BaseCommand, CommandError

from trials import randomisation, strata
from trials.models import Trial, TrialSequence
from trials.services import arms_of


class Command(BaseCommand):
    help = "Check a started trial's sequence against its recorded seed and published SHA-256 (exits 1 on a mismatch)."

    def add_arguments(self, parser):
        parser.add_argument("trial_id", type=int)

    def handle(self, *args, trial_id: int, **options):
        trial = Trial.objects.filter(pk=trial_id).first()
        if trial is None or trial.status == Trial.Status.DRAFT:
            raise CommandError(f"No started trial {trial_id}.")
        arms = arms_of(trial)
        remade = randomisation.sequence_make(algorithm=trial.algorithm, seed=trial.seed, arms=arms,
                                             levels=strata.levels_for(trial.strata), multiples=trial.block_multiples,
                                             length=trial.target_size)
        stored = {row.stratum: row.values for row in TrialSequence.objects.filter(trial=trial)}
        remade_hash = randomisation.sequence_hash(algorithm=trial.algorithm, arms=arms, sequence=remade)
        stored_hash = randomisation.sequence_hash(algorithm=trial.algorithm, arms=arms, sequence=stored)
        if remade_hash != trial.sequence_hash or stored_hash != trial.sequence_hash:
            raise CommandError(f"Trial {trial.pk}: the sequence does not match its published SHA-256 {trial.sequence_hash} "
                               f"(from the seed: {remade_hash}; stored: {stored_hash}).")
        self.stdout.write(f"Trial {trial.pk}: the stored sequence and the one made again from its seed both have the "
                          f"published SHA-256 {trial.sequence_hash}.")
