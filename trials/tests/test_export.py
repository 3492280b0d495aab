import csv
import io

import pytest
from django.urls import reverse

from cases.tests.factories import AwaitingAllocationCaseFactory
from oocr.audit.models import AccessLog
from trials.export import COLUMNS, pseudonym
from trials.services import allocation_exclude, case_randomise
from trials.tests.factories import RunningTrialFactory

pytestmark = pytest.mark.django_db


def test_the_researchers_file_is_pseudonymised_follows_its_dictionary_and_is_logged(client):
    trial = RunningTrialFactory()
    cases = [AwaitingAllocationCaseFactory() for _ in range(4)]
    allocations = [case_randomise(trial_id=trial.pk, case_id=case.pk, user=case.created_by) for case in cases]
    allocation_exclude(allocation_id=allocations[0].pk, user=trial.created_by, reason="died", details="")
    client.force_login(trial.created_by)
    content = client.get(reverse("trials:export", args=[trial.pk])).content.decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == [column for column, _ in COLUMNS]
    assert [row["randomisation_number"] for row in rows] == ["1", "2", "3", "4"]
    assert rows[0]["pseudonym"] == pseudonym(trial=trial, person_id=cases[0].person_id) != str(cases[0].person_id)
    assert (rows[0]["excluded"], rows[0]["exclusion_reason"], rows[1]["excluded"]) == ("1", "died", "0")
    assert {row["arm"] for row in rows} <= {"scheme", "usual"} and rows[0]["age"] == str(cases[0].baseline.age)
    for case in cases:  # nothing that names the person or the case
        for identifying in (case.person.last_name, case.person.first_names, case.number, case.crimes.get().reference,
                            f"{case.person.date_of_birth:%Y-%m-%d}", case.person.postcode):
            assert identifying not in content
    entry = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert entry.user == trial.created_by and "Pseudonymised per-person file" in entry.justification
    dictionary = list(csv.reader(io.StringIO(client.get(reverse("trials:export", args=[trial.pk]), {"part": "dictionary"})
                                             .content.decode())))
    assert dictionary[0] == ["column", "meaning"] and [row[0] for row in dictionary[1:]] == [column for column, _ in COLUMNS]
