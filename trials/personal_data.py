"""What trials holds about a case: its randomisation (the personal-data hook, oocr/personal_data.py).

Nothing is exported: a trial's allocation record holds the arm, the stratum and the levels, no names. At disposal
the free text about the person (an exclusion's details, a crossover's reason) goes; the records stay, immutable
otherwise, because the CONSORT counts and the analysis rest on them.
"""

from oocr.personal_data import Disposal, PersonalDataHook, register
from trials.services import trials_personal_data_erase


def erase(disposal: Disposal) -> None:
    trials_personal_data_erase(case_id=disposal.case_id)


register(PersonalDataHook(
    app_label="trials",
    holds={
        "Allocation": "not exported; kept (immutable): arm, stratum and stratification levels",
        "Exclusion": "not exported; details erased at disposal, the reason code kept (immutable otherwise)",
        "Crossover": "not exported; the reason erased at disposal, the arm received kept (immutable otherwise)",
    },
    erase=erase, erase_order=30,
))
