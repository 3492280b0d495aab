"""The trials app's forms, for the form harness (oocr/tests/form_harness.py)."""

from django.urls import reverse
from django.utils import timezone

from cases.tests.factories import AwaitingAllocationCaseFactory
from oocr.tests.concurrency import version_of
from oocr.tests.form_harness import FormCase
from trials.models import Allocation, Crossover, Exclusion, Trial
from trials.services import case_randomise
from trials.tests.factories import DraftTrialFactory, RunningTrialFactory, TrialManagerFactory


def _date(prefix: str, day) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _set_up(context=None) -> dict:
    return {**version_of((context or {}).get("trial")),
        "name": "Enhanced offer for 18 to 25s", "protocol_reference": "ISRCTN11223344", "mode": "live",
        "treatment_name": "Enhanced offer", "treatment_ratio": "1", "control_name": "Usual scheme", "control_ratio": "1",
        "control_next_step": "queue", "algorithm": "permuted_blocks", "strata": ["route", "age_band"],
        "block_multiples": ["1", "2"], "minimisation_probability": "0.80", **_date("start_date", timezone.localdate()),
        "target_size": "120", "min_age": "18", "max_age": "25", "treatment_window_days": "28",
    }


def _new():
    return {"user": TrialManagerFactory(), "url": reverse("trials:create")}


def _created(context):
    trial = Trial.objects.get(protocol_reference="ISRCTN11223344")
    assert (trial.status, trial.max_age, trial.strata, trial.block_multiples) == (Trial.Status.DRAFT, 25, ["route", "age_band"], [1, 2])
    assert sorted(trial.arms.values_list("code", "is_control")) == [("control", True), ("treatment", False)]


def _draft():
    trial = DraftTrialFactory()
    return {"user": trial.created_by, "url": reverse("trials:edit", args=[trial.pk]), "trial": trial}


def _changed(context):
    trial = Trial.objects.get(pk=context["trial"].pk)
    assert (trial.name, trial.target_size, trial.version) == ("Enhanced offer for 18 to 25s", 120, 2)


def _to_start():
    trial = DraftTrialFactory()
    return {"user": trial.created_by, "url": reverse("trials:start", args=[trial.pk]), "trial": trial}


def _started(context):
    trial = Trial.objects.get(pk=context["trial"].pk)
    assert trial.status == Trial.Status.RUNNING and len(trial.sequence_hash) == 64


def _running():
    trial = RunningTrialFactory()
    return {"user": trial.created_by, "url": reverse("trials:stop", args=[trial.pk]), "trial": trial}


def _stopped(context):
    trial = Trial.objects.get(pk=context["trial"].pk)
    assert (trial.status, trial.stop_reason) == (Trial.Status.STOPPED, "Target reached early")


def _randomised_one(view: str):
    def arrange():
        trial = RunningTrialFactory()
        case = AwaitingAllocationCaseFactory()
        allocation = case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by)
        return {"user": trial.created_by, "url": reverse(f"trials:{view}", args=[trial.pk, allocation.pk]),
                "allocation": allocation, "trial": trial}
    return arrange


def _excluded(context):
    assert Exclusion.objects.get(allocation=context["allocation"]).reason == "randomised_in_error"


def _crossover(context):
    other = context["trial"].arms.exclude(pk=context["allocation"].arm_id).get()
    return {"received_arm": str(other.pk), "reason": "The officer in the case charged the person"}


def _crossed(context):
    assert Crossover.objects.get(allocation=context["allocation"]).reason == "The officer in the case charged the person"


def _to_randomise():
    trial = RunningTrialFactory()
    case = AwaitingAllocationCaseFactory()
    return {"user": case.created_by, "url": reverse("trials:randomise", args=[case.pk]), "trial": trial, "case": case}


def _randomised(context):
    assert Allocation.objects.get(case=context["case"]).trial == context["trial"]


FORM_CASES = [
    FormCase("/trials/new/", "Trial manager", _new, _set_up, _created),
    FormCase("/trials/<int:pk>/edit/", "Trial manager", _draft, _set_up, _changed),
    FormCase("/trials/<int:pk>/start/", "Trial manager", _to_start, lambda context: {"confirm": "on", **version_of(context["trial"])}, _started),
    FormCase("/trials/<int:pk>/stop/", "Trial manager", _running, lambda context: {"reason": "Target reached early", **version_of(context["trial"])}, _stopped),
    FormCase("/trials/<int:pk>/allocations/<int:allocation_pk>/exclude/", "Trial manager", _randomised_one("exclude"),
             lambda context: {"reason": "randomised_in_error", "details": "Entered twice"}, _excluded),
    FormCase("/trials/<int:pk>/allocations/<int:allocation_pk>/crossover/", "Trial manager", _randomised_one("crossover"),
             _crossover, _crossed),
    FormCase("/intake/<int:pk>/randomise/", "Evidence review officer", _to_randomise,
             lambda context: {"trial": str(context["trial"].pk), "confirm": "on"}, _randomised),
]
