"""The researchers' file: one pseudonymised row per randomised person, and its data dictionary.

No names, dates of birth, addresses, PNC IDs, case numbers or crime references: each person is a pseudonym (an HMAC
of the trial and the person under the service's secret key, so the same person has the same pseudonym in every file
of this trial and nothing outside the service can turn it back). Dates are days after randomisation.
"""

import hashlib
import hmac
from datetime import date

from django.conf import settings
from django.utils import timezone

from trials.models import Trial
from trials.selectors import allocation_rows
from evaluation.models import ReoffendingCheckRun, ReoffendingResult

# (column, what it holds): the data dictionary, in the file's order.
COLUMNS = [
    ("pseudonym", "The person in this trial: 16 hexadecimal characters, the same in every file of this trial"),
    ("randomisation_number", "1 for the trial's first randomisation, and so on"),
    ("arm", "The arm allocated (its code)"),
    ("control_arm", "1 if the arm allocated is the control arm, else 0"),
    ("stratum", "The stratum the person was randomised in (factor=level, joined by |); empty without strata"),
    ("age", "Age in whole years on the offence date"),
    ("sex", "female, male or not_known"),
    ("ethnicity", "ONS 2021 code (A1 to W9, O1, O9; NS not stated)"),
    ("route", "deferred_caution or deferred_charge"),
    ("offence_codes", "The index offences' codes, joined by |"),
    ("crime_subgroups", "Home Office crime subgroups of the index offences, joined by |"),
    ("previous_offences", "Previous offences, as answered at intake"),
    ("previous_cautions", "Previous cautions, as answered at intake"),
    ("previous_convictions", "Previous convictions, as answered at intake"),
    ("home_area", "Postcode area of the home address (the force's areas; other areas shown as 'other')"),
    ("treatment_received", "1 received what was allocated, 0 did not, empty not yet known"),
    ("treatment_detail", "Why, in a few words (for example 'No contract within 28 days', 'Crossed over to ...')"),
    ("crossover", "1 if a crossover was recorded, else 0"),
    ("excluded", "1 if excluded after randomisation, else 0"),
    ("exclusion_reason", "The reason for the exclusion (code), empty if not excluded"),
    ("contract_signed_day", "Days from randomisation to the contract's signing; empty without a contract"),
    ("closed_day", "Days from randomisation to the case's closure; empty while it is open"),
    ("status", "The case's state now (its code)"),
    ("outcome_definition", "The reoffending definition and follow-up of the outcome columns"),
    ("follow_up_reached", "1 if the follow-up (and waiting period) had passed in the published check, 0 if not, empty without a result"),
    ("reoffended", "1 reoffended within the follow-up, 0 did not; empty without a result"),
    ("reoffences", "Number of reoffences within the follow-up"),
    ("first_reoffence_day", "Days from randomisation to the first reoffence"),
    ("observed_days", "Days of the follow-up observed (less than the window when censored)"),
    ("harm_after", "Crime harm (days of imprisonment, Cambridge Crime Harm Index) within the follow-up"),
    ("harm_before", "Crime harm over the same length of time before the index offence"),
]


def pseudonym(*, trial: Trial, person_id: int) -> str:
    message = f"trial:{trial.pk}:person:{person_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def _days(later: date | None, start: date) -> int | str:
    return "" if later is None else (later - start).days


def export_rows(*, trial: Trial, definition_id: int | None, months: int | None, label: str) -> list[list]:
    results = {}
    if definition_id is not None:
        results = {result.case_id: result for result in ReoffendingResult.objects.filter(
            run__definition_id=definition_id, run__status=ReoffendingCheckRun.Status.PUBLISHED, follow_up_months=months)}
    rows = []
    for row in allocation_rows(trial=trial):
        allocation, treatment = row.allocation, row.treatment
        case = allocation.case
        baseline = case.baseline
        start = timezone.localdate(allocation.randomised_at)
        contract = getattr(case, "contract", None)
        exclusion = getattr(allocation, "exclusion", None)
        result = results.get(case.pk)
        rows.append([
            pseudonym(trial=trial, person_id=allocation.person_id), allocation.number, allocation.arm.code,
            int(allocation.arm.is_control), allocation.stratum, baseline.age, baseline.sex, baseline.ethnicity, baseline.route,
            "|".join(baseline.offence_codes), "|".join(baseline.crime_subgroups), baseline.previous_offences,
            baseline.previous_cautions, baseline.previous_convictions,
            baseline.home_postcode_area if baseline.home_postcode_area in settings.FORCE_POSTCODE_AREAS else "other",
            "" if treatment.received is None else int(treatment.received), treatment.category,
            int(getattr(allocation, "crossover", None) is not None), int(exclusion is not None),
            exclusion.reason if exclusion else "",
            _days(contract.start_date if contract else None, start),
            _days(timezone.localdate(case.closed_at) if case.closed_at else None, start), case.status, label,
            "" if result is None else int(result.reached_follow_up), "" if result is None else int(result.reoffended),
            "" if result is None else result.reoffence_count,
            "" if result is None else _days(result.first_offence_date, start),
            "" if result is None else result.observed_days,
            "" if result is None else float(result.harm_after), "" if result is None else float(result.harm_before),
        ])
    return rows
