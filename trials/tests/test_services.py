import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.tests.factories import AwaitingAllocationCaseFactory
from oocr.errors import DomainError
from trials import randomisation, services, strata
from trials.models import Allocation, Crossover, Exclusion, RecordImmutable, Trial, TrialSequence
from trials.tests.factories import TEST_SEED, DraftTrialFactory, RunningTrialFactory, TrialManagerFactory

pytestmark = pytest.mark.django_db


def randomise(trial, case=None):
    case = case or AwaitingAllocationCaseFactory()
    return services.case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by)


def test_starting_a_trial_makes_the_sequence_from_the_seed_and_records_its_hash():
    trial = RunningTrialFactory()
    assert (trial.status, trial.seed) == (Trial.Status.RUNNING, TEST_SEED)
    stored = {row.stratum: row.values for row in TrialSequence.objects.filter(trial=trial)}
    remade = randomisation.sequence_make(algorithm=trial.algorithm, seed=TEST_SEED, arms=services.arms_of(trial),
                                         levels=strata.levels_for(trial.strata), multiples=[1, 2, 3], length=200)
    assert stored == remade  # reproducible from the recorded seed
    assert trial.sequence_hash == randomisation.sequence_hash(algorithm=trial.algorithm, arms=services.arms_of(trial),
                                                              sequence=remade)
    assert len(stored) == 4  # route x age band


def test_a_started_trial_cannot_be_changed_only_stopped():
    trial = RunningTrialFactory()
    with pytest.raises(DomainError, match="has started, so it cannot be changed: it can only be stopped"):
        services.trial_update(trial_id=trial.pk, user=trial.created_by, data={"name": "Renamed"}, arms=[], read_version=trial.version)
    with pytest.raises(DomainError, match="cannot be started again"):
        services.trial_start(trial_id=trial.pk, user=trial.created_by, read_version=trial.version)
    with pytest.raises(ValidationError):
        services.trial_stop(trial_id=trial.pk, user=trial.created_by, reason=" ", read_version=trial.version)
    services.trial_stop(trial_id=trial.pk, user=trial.created_by, reason="Target reached", read_version=trial.version)
    trial.refresh_from_db()
    assert (trial.status, trial.stop_reason, trial.name) == (Trial.Status.STOPPED, "Target reached", trial.name)
    with pytest.raises(DomainError, match="stopped: nobody can be randomised"):
        randomise(trial)


def test_a_draft_is_edited_over_the_version_it_was_read_at():
    trial = DraftTrialFactory()
    arms = [{"code": "a", "name": "A", "ratio": 2, "next_step": "queue"},
            {"code": "b", "name": "B", "ratio": 1, "next_step": "usual_process", "is_control": True}]
    services.trial_update(trial_id=trial.pk, user=trial.created_by, data={"target_size": 90}, arms=arms, read_version=trial.version)
    with pytest.raises(ValidationError):  # an edit over a version not seen
        services.trial_update(trial_id=trial.pk, user=trial.created_by, data={"target_size": 80}, arms=arms, read_version=trial.version)
    trial.refresh_from_db()
    assert trial.target_size == 90 and [arm.ratio for arm in trial.arms.order_by("id")] == [2, 1]


def test_randomisation_follows_the_stored_sequence_and_the_control_arm_leaves_the_queue():
    trial = RunningTrialFactory()
    stored = TrialSequence.objects.get(trial=trial, stratum="age_band=26+|route=deferred_caution").values
    expected = [arm for block in stored for arm in block][:6]
    allocations = [randomise(trial) for _ in range(6)]
    assert [allocation.arm.code for allocation in allocations] == expected
    assert [allocation.number for allocation in allocations] == [1, 2, 3, 4, 5, 6]
    for allocation in allocations:
        allocation.case.refresh_from_db()
        if allocation.arm.code == "usual":
            assert allocation.case.status == Case.Status.WITHDRAWN
            assert allocation.case.withdrawal_reason == Case.WithdrawalReason.TRIAL_CONTROL
        else:
            assert allocation.case.status == Case.Status.AWAITING_ALLOCATION  # into the team's queue
        assert allocation.case.events.filter(kind=CaseEvent.Kind.RANDOMISED).count() == 1


def test_a_test_trial_changes_nothing_on_the_case_and_does_not_block_a_live_randomisation():
    test_trial, live_trial = RunningTrialFactory(mode=Trial.Mode.TEST), RunningTrialFactory()
    case = AwaitingAllocationCaseFactory()
    for _ in range(4):
        allocation = randomise(test_trial, case) if _ == 0 else randomise(test_trial)
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ALLOCATION
    assert randomise(live_trial, case).is_live


def test_a_case_is_randomised_once_however_often_it_is_tried():
    trial = RunningTrialFactory()
    case = AwaitingAllocationCaseFactory()
    first = randomise(trial, case)
    with pytest.raises(services.AlreadyRandomised, match=f"Case {case.number} was randomised already.*to {first.arm.name}"):
        randomise(trial, case)
    assert Allocation.objects.filter(case=case).count() == 1


def test_the_same_person_and_crime_cannot_enter_two_live_trials():
    one, two = RunningTrialFactory(), RunningTrialFactory()
    case = AwaitingAllocationCaseFactory()
    allocation = randomise(one, case)
    if allocation.arm.code == "usual":
        return  # the case left the queue: the state check refuses first, tested above
    with pytest.raises(services.AlreadyRandomised):
        randomise(two, case)


def test_the_database_refuses_a_second_allocation_whatever_gets_past_the_service():
    trial = RunningTrialFactory()
    allocation = randomise(trial)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(trial=trial, arm=allocation.arm, case=allocation.case, person=allocation.person,
                                  crime=allocation.crime, is_live=True, number=99, stratum="x", position=99, levels={},
                                  randomised_by=allocation.randomised_by, randomised_at=timezone.now())


def test_only_a_submitted_eligible_case_of_ones_own_is_randomised():
    trial = RunningTrialFactory(min_age=18, max_age=25)
    case = AwaitingAllocationCaseFactory()  # aged 30
    with pytest.raises(DomainError, match="does not meet the trial's eligibility"):
        randomise(trial, case)
    with pytest.raises(DomainError, match="is not your submission"):
        services.case_randomise(trial_id=RunningTrialFactory().pk, case_id=case.pk, user=TrialManagerFactory())
    assert not Allocation.objects.exists()


def test_a_trial_randomises_only_between_its_dates_and_up_to_its_target():
    trial = RunningTrialFactory(target_size=2, stop_date=timezone.localdate())
    randomise(trial), randomise(trial)
    with pytest.raises(DomainError, match="reached its target size of 2"):
        randomise(trial)
    later = RunningTrialFactory(start_date=timezone.localdate() + timedelta(days=3))
    with pytest.raises(DomainError, match="randomises from"):
        randomise(later)


def test_minimisation_trial_randomises_from_its_draws():
    trial = RunningTrialFactory(algorithm=Trial.Algorithm.MINIMISATION, strata=["route", "sex"], minimisation_probability=1)
    given = [randomise(trial).arm.code for _ in range(10)]
    # Everyone here has the same levels: with p = 1 every second person goes to the arm that restores balance.
    assert all(given[i] != given[i + 1] for i in range(0, 10, 2))
    assert Counter(given) == {"scheme": 5, "usual": 5}


def test_an_allocation_is_never_edited_or_deleted_and_exclusions_and_crossovers_are_kept():
    trial = RunningTrialFactory()
    allocation = randomise(trial)
    with pytest.raises(RecordImmutable):
        allocation.save()
    with pytest.raises(RecordImmutable):
        allocation.delete()
    manager = trial.created_by
    with pytest.raises(ValidationError):
        services.allocation_exclude(allocation_id=allocation.pk, user=manager, reason="other", details="")
    exclusion = services.allocation_exclude(allocation_id=allocation.pk, user=manager, reason="randomised_in_error",
                                            details="Entered twice")
    with pytest.raises(DomainError, match="excluded already"):
        services.allocation_exclude(allocation_id=allocation.pk, user=manager, reason="died", details="")
    with pytest.raises(RecordImmutable):
        exclusion.delete()
    other = trial.arms.exclude(pk=allocation.arm_id).get()
    with pytest.raises(ValidationError):
        services.allocation_crossover_record(allocation_id=allocation.pk, user=manager, received_arm_id=allocation.arm_id, reason="x")
    crossover = services.allocation_crossover_record(allocation_id=allocation.pk, user=manager, received_arm_id=other.pk,
                                                     reason="The officer charged the person")
    with pytest.raises(RecordImmutable):
        crossover.delete()
    assert Exclusion.objects.count() == Crossover.objects.count() == 1 and Allocation.objects.count() == 1


def test_disposal_removes_the_free_text_about_the_person_and_keeps_the_randomisation():
    from oocr.personal_data import Disposal, dispose

    trial = RunningTrialFactory()
    disposed, kept = randomise(trial), randomise(trial)
    manager = trial.created_by
    for allocation in (disposed, kept):
        services.allocation_exclude(allocation_id=allocation.pk, user=manager, reason="other",
                                    details="Moved to his sister's in Leeds")
        other = trial.arms.exclude(pk=allocation.arm_id).get()
        services.allocation_crossover_record(allocation_id=allocation.pk, user=manager, received_arm_id=other.pk,
                                             reason="His solicitor asked for court")

    dispose(Disposal(case_id=disposed.case_id, person_id=None))

    assert (Exclusion.objects.get(allocation=disposed).details, Exclusion.objects.get(allocation=disposed).reason) == (
        "", "other")
    crossover = Crossover.objects.get(allocation=disposed)
    assert (crossover.reason, crossover.received_arm_id) == (services.DISPOSED_REASON, other_arm(trial, disposed).pk)
    assert Exclusion.objects.get(allocation=kept).details == "Moved to his sister's in Leeds"
    assert Crossover.objects.get(allocation=kept).reason == "His solicitor asked for court"
    assert Allocation.objects.filter(pk=disposed.pk, arm_id=disposed.arm_id, levels=disposed.levels).exists()


def other_arm(trial, allocation):
    return trial.arms.exclude(pk=allocation.arm_id).get()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and two real connections (CI runs it)")
def test_two_randomisations_of_the_same_case_at_once_make_exactly_one_allocation():
    trial = RunningTrialFactory()
    case = AwaitingAllocationCaseFactory()
    start = threading.Barrier(2)
    outcomes = []

    def randomise_now():
        try:
            start.wait()
            outcomes.append(services.case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by).arm.code)
        except services.AlreadyRandomised as refusal:
            outcomes.append(str(refusal))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=randomise_now) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2
    made = [outcome for outcome in outcomes if outcome in ("scheme", "usual")]
    assert len(made) == 1
    refused = next(outcome for outcome in outcomes if outcome not in ("scheme", "usual"))
    assert f"Case {case.number} was randomised already" in refused and "Nothing was changed" in refused
    assert Allocation.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and two real connections (CI runs it)")
def test_two_cases_randomised_at_once_take_consecutive_places_in_the_sequence():
    trial = RunningTrialFactory()
    cases = [AwaitingAllocationCaseFactory() for _ in range(2)]
    start = threading.Barrier(2)

    def randomise_now(case):
        try:
            start.wait()
            services.case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=randomise_now, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(Allocation.objects.values_list("number", flat=True)) == [1, 2]
    assert sorted(Allocation.objects.values_list("position", flat=True)) == [0, 1]


def test_the_verify_command_remakes_the_sequence_from_the_seed_and_finds_a_changed_one():
    from io import StringIO

    from django.core.management import CommandError, call_command

    trial = RunningTrialFactory()
    out = StringIO()
    call_command("trial_verify", trial.pk, stdout=out)
    assert trial.sequence_hash in out.getvalue() and trial.seed not in out.getvalue()
    row = TrialSequence.objects.filter(trial=trial).first()
    swap = {"scheme": "usual", "usual": "scheme"}
    row.values = [[swap[arm] for arm in block] for block in row.values]
    row.save()
    with pytest.raises(CommandError, match="does not match its published SHA-256"):
        call_command("trial_verify", trial.pk)
