"""What trials holds about a case: its randomisation (the personal-data hook, oocr/personal_data.py).

Nothing is exported or erased: a trial's allocation record is immutable (the CONSORT counts and the analysis
rest on it), and it holds the arm, the stratum and the levels, no names.
"""

from oocr.personal_data import PersonalDataHook, register

register(PersonalDataHook(
    app_label="trials",
    holds={
        "Allocation": "not exported; kept (immutable): arm, stratum and stratification levels",
        "Exclusion": "not exported; kept (immutable): the reason and its details",
        "Crossover": "not exported; kept (immutable): the arm received and why",
    },
))
