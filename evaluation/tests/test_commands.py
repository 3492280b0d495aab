"""The evaluation's management commands: the same imports and checks as the pages, from the command line."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from cases.tests.factories import PersonFactory
from evaluation.models import CrimeRecord, ReoffendingCheckRun, ReoffendingDefinition
from evaluation.tests.factories import CompletedCaseFactory, CrimeRecordFactory
from evaluation.tests.test_services import GOOD, extract
from oocr.accounts.tests.factories import AdministratorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return AdministratorFactory(username="evaluator")


def test_an_extract_loads_from_the_command_line_once_and_matches_its_people(tmp_path, capsys, administrator):
    person = PersonFactory(first_names="Liam", last_name="Pascoe", pnc_id="2001/0012345A", date_of_birth=date(1996, 2, 3))
    path = tmp_path / "extract.csv"
    path.write_text(extract(GOOD), encoding="utf-8")
    call_command("import_crime_records", str(path), "--user", "evaluator")
    assert "Crime records loaded: 1 rows (1 new); 1 matched to people" in capsys.readouterr().out
    call_command("import_crime_records", str(path), "--user", "evaluator")
    assert "Crime records loaded: 1 rows (0 new)" in capsys.readouterr().out
    assert list(CrimeRecord.objects.values_list("person_id", "offence_code")) == [(person.pk, "TH-SHOP")]


def test_a_bad_extract_loads_nothing_and_the_command_says_which_line(tmp_path, administrator):
    path = tmp_path / "extract.csv"
    path.write_text(extract(GOOD, GOOD.replace("CR/1/25", "CR/2/25").replace("2025-03-01", "31/02/2025")), encoding="utf-8")
    with pytest.raises(CommandError, match=r"Nothing loaded: 1 problem\(s\)\.\nLine 3, offence_date"):
        call_command("import_crime_records", str(path), "--user", "evaluator")
    assert not CrimeRecord.objects.exists()


def test_the_import_command_needs_a_real_user(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(extract(GOOD), encoding="utf-8")
    with pytest.raises(CommandError, match="No user named nobody"):
        call_command("import_crime_records", str(path), "--user", "nobody")


def test_the_check_command_runs_every_active_definition_as_of_the_date_given(capsys):
    case = CompletedCaseFactory(crime__offence_date=date(2023, 12, 1), closed__on=date(2024, 5, 1),
                                closed__decided_on=date(2024, 1, 10))
    CrimeRecordFactory(person=case.person, offence_code="AS-ABH", offence_date=date(2024, 6, 1), outcome_date=date(2024, 8, 1),
                       event_type="conviction")
    call_command("run_reoffending_checks", "--as-of", "2026-11-01")
    active = ReoffendingDefinition.objects.filter(is_active=True)
    runs = ReoffendingCheckRun.objects.all()
    assert {run.definition_id for run in runs} == set(active.values_list("pk", flat=True)) and active.exists()
    assert {run.as_of for run in runs} == {date(2026, 11, 1)}
    proven = runs.get(definition__name__startswith="Proven reoffending")
    assert (proven.cases_checked, proven.cases_reoffended) == (1, 1)
    assert f"{proven}: 1 cases checked, 1 reoffended." in capsys.readouterr().out
    with pytest.raises(CommandError, match="--as-of"):
        call_command("run_reoffending_checks", "--as-of", "1/11/2026")
