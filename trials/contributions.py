"""What trials adds to the intake pages (cases.sections; cases does not import trials): the way to randomise a
submitted case while a trial is randomising. Registered in TrialsConfig.ready()."""

from cases import sections
from cases.models import Case
from trials.selectors import trials_randomising_exist


def _randomise(*, case, user, today) -> dict | None:
    if case.status != Case.Status.AWAITING_ALLOCATION or not trials_randomising_exist():
        return None
    return {}


def _randomise_own(*, case, user, today) -> dict | None:
    return _randomise(case=case, user=user, today=today) if case.created_by_id == user.pk else None


def register() -> None:
    sections.register(sections.Section(name="trials.randomise_done", page="intake_done", context=_randomise,
                                       templates={"next": "trials/sections/randomise_link.html"}))
    sections.register(sections.Section(name="trials.randomise", page="submission", context=_randomise_own,
                                       templates={"actions": "trials/sections/randomise_button.html"}))
