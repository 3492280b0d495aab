"""Crime record imports (all rows or none, idempotent), matching rules, the review queue, harm weights, surveys."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Person
from cases.tests.factories import PersonFactory
from evaluation import services
from evaluation.models import CrimeRecord, CrimeRecordImport, HarmWeightSet, PersonMatch, SurveyResponse
from evaluation.tests.factories import CompletedCaseFactory, CrimeRecordFactory
from evaluation.tasks import crime_record_import_run_task
from oocr.accounts.tests.factories import AdministratorFactory, KeyworkerFactory
from oocr.errors import DomainError

pytestmark = pytest.mark.django_db

HEADER = "crime_reference,event_type,offence_code,offence_title,offence_date,outcome_date,pnc_id,surname,forenames,date_of_birth\n"


def extract(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def run_import(text: str) -> CrimeRecordImport:
    upload = services.crime_record_import_start(user=AdministratorFactory(), file_name="extract.csv", text=text)
    upload.refresh_from_db()  # the task ran eagerly after commit
    return upload


GOOD = "CR/1/25,conviction,TH-SHOP,Theft from a shop,2025-03-01,2025-05-01,2001/0012345A,Pascoe,Liam,1996-02-03"


@pytest.fixture
def django_capture_on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_a_good_extract_is_loaded_and_its_content_not_kept(django_capture_on_commit):
    with django_capture_on_commit(execute=True):
        upload = run_import(extract(GOOD, "CR/2/25,arrest,AS-COMMON,,02/04/2025,,,Nance,Chloe,1990-12-01"))
    upload.refresh_from_db()
    assert upload.status == CrimeRecordImport.Status.LOADED
    assert (upload.rows_loaded, upload.rows_new, upload.rows_checked, upload.total_rows) == (2, 2, 2, 2)
    assert upload.content == ""
    record = CrimeRecord.objects.get(crime_reference="CR/2/25")
    assert (record.offence_date, record.outcome_date, record.pnc_id) == (date(2025, 4, 2), None, "")
    assert record.person_key == "name:chloe nance|1990-12-01"


@pytest.mark.parametrize("row, column, problem", [
    ("CR/3/25,conviction,TH-SHOP,,2025-13-01,,,Pascoe,Liam,1996-02-03", "offence_date", "is not a date"),
    ("CR/3/25,told_off,TH-SHOP,,2025-03-01,,,Pascoe,Liam,1996-02-03", "event_type", "Unknown event type 'told_off'"),
    ("CR/3/25,conviction,TH-SHOP,,2025-03-01,,,,Liam,1996-02-03", "surname", "Enter the surname"),
    ("CR/3/25,conviction,TH-SHOP,,2025-03-01,,,Pascoe,Liam,", "date_of_birth", "Enter the date of birth"),
    (",conviction,TH-SHOP,,2025-03-01,,,Pascoe,Liam,1996-02-03", "crime_reference", "Enter the crime reference"),
    ("CR/3/25,conviction,TH-SHOP,,2025-03-01,2025-02-01,,Pascoe,Liam,1996-02-03", "outcome_date", "cannot be before"),
    (GOOD, "crime_reference", "appear on an earlier line"),  # the same key twice in one file
])
def test_one_bad_row_loads_nothing_and_the_report_names_line_column_and_problem(row, column, problem, django_capture_on_commit):
    with django_capture_on_commit(execute=True):
        upload = run_import(extract(GOOD, row))
    upload.refresh_from_db()
    assert upload.status == CrimeRecordImport.Status.FAILED
    assert CrimeRecord.objects.count() == 0
    assert len(upload.errors) == 1
    assert upload.errors[0]["line"] == 3
    assert upload.errors[0]["column"] == column
    assert problem in upload.errors[0]["problem"]


def test_a_future_date_and_wrong_columns_are_refused():
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    rows = []
    _, errors = services.crime_record_rows_check(extract(f"CR/1,charge,X,,{future},,,A,B,1990-01-01"), today=timezone.localdate(),
                                                 sink=rows.extend)
    assert rows == [] and "cannot be in the future" in errors[0]["problem"]
    checked, errors = services.crime_record_rows_check("reference,type\nA,B\n", today=timezone.localdate(), sink=rows.extend)
    assert (rows, checked) == ([], 0) and errors[0]["line"] == 1 and "column names" in errors[0]["problem"]


def test_a_record_with_another_pnc_id_is_not_matched_on_names_but_queued_for_review(django_capture_on_commit):
    person = PersonFactory(first_names="Liam", last_name="Pascoe", pnc_id="2001/0099999Z", date_of_birth=date(1996, 2, 3))
    with django_capture_on_commit(execute=True):
        run_import(extract(GOOD))  # PNC ID 2001/0012345A, the same names and date of birth
    record = CrimeRecord.objects.get()
    assert (record.person_id, record.match_method) == (None, "")
    assert list(PersonMatch.objects.values_list("crime_record_id", "person_id", "reason")) == [
        (record.pk, person.pk, "Same names and date of birth, different PNC ID")]
    Person.objects.filter(pk=person.pk).update(pnc_id="")  # a person with no PNC ID on record is matched on names
    assert services.crime_records_match() == (1, 0)
    assert CrimeRecord.objects.get().person_id == person.pk


def test_an_import_that_stops_half_way_loads_nothing_and_says_so(monkeypatch):
    upload = services.CrimeRecordImport.objects.create(file_name="extract.csv", content=extract(GOOD), uploaded_by=AdministratorFactory())

    def lost_connection(**kwargs):
        raise ConnectionError("server closed the connection")

    monkeypatch.setattr(services, "crime_records_match", lost_connection)  # after the rows went in
    with pytest.raises(ConnectionError):
        services.crime_record_import_run(import_id=upload.pk)
    upload.refresh_from_db()
    # Still the task's to finish: its retry (oocr/celery.py) takes it over, the lock being free.
    assert (upload.status, CrimeRecord.objects.count()) == ("running", 0)
    assert services.CrimeRecordStaging.left_behind() == []
    # The tries used up: the task's on_failure (what the worker calls then) says so, and keeps the upload to run it
    # again from the page.
    crime_record_import_run_task.on_failure(ConnectionError("server closed the connection"), "task-id", (upload.pk,), {}, None)
    upload.refresh_from_db()
    assert (upload.status, upload.content, CrimeRecord.objects.count()) == ("failed", extract(GOOD), 0)
    assert "nothing was loaded" in upload.errors[0]["problem"] and upload.retry_refusal == ""


def test_re_importing_the_same_extract_adds_nothing_and_updates_the_outcome(django_capture_on_commit):
    with django_capture_on_commit(execute=True):
        run_import(extract(GOOD))
    with django_capture_on_commit(execute=True):
        second = run_import(extract(GOOD.replace("2025-05-01", "2025-06-01")))
    second.refresh_from_db()
    assert CrimeRecord.objects.count() == 1
    assert (second.rows_loaded, second.rows_new) == (1, 0)
    assert CrimeRecord.objects.get().outcome_date == date(2025, 6, 1)


def test_records_match_on_pnc_id_first_then_on_names_and_date_of_birth():
    by_pnc = PersonFactory(first_names="Liam", last_name="Pascoe", pnc_id="2001/0012345A", date_of_birth=date(1996, 2, 3))
    by_name = PersonFactory(first_names="Chloé", last_name="Nance", date_of_birth=date(1990, 12, 1))
    rows = []
    services.crime_record_rows_check(extract(
        GOOD.replace("Pascoe,Liam", "Smith,John"),  # the PNC ID wins even when the names differ
        "CR/2/25,arrest,AS-COMMON,,2025-04-02,,,NANCE,Chloe,1990-12-01",  # accents and case do not matter
        "CR/3/25,arrest,AS-COMMON,,2025-04-02,,,Nance,Chloe,1990-12-02",  # another date of birth: nobody
    ), today=timezone.localdate(), sink=rows.extend)
    source = CrimeRecordImport.objects.create(file_name="x.csv", uploaded_by=AdministratorFactory())
    services.crime_records_load(rows, source_id=source.pk)
    services.crime_records_match(source_id=source.pk)  # PostgreSQL has matched while loading; elsewhere this does
    assert CrimeRecord.objects.filter(person__isnull=False).count() == 2
    assert CrimeRecord.objects.get(crime_reference="CR/1/25").person == by_pnc
    assert CrimeRecord.objects.get(crime_reference="CR/1/25").match_method == "pnc_id"
    assert CrimeRecord.objects.get(crime_reference="CR/2/25").person == by_name
    assert CrimeRecord.objects.get(crime_reference="CR/2/25").match_method == "name_and_birth"
    assert CrimeRecord.objects.get(crime_reference="CR/3/25").person is None


def test_same_date_of_birth_and_a_similar_name_goes_to_the_review_queue_once():
    person = PersonFactory(first_names="Liam", last_name="Pascoe", date_of_birth=date(1996, 2, 3))
    PersonFactory(first_names="Other", last_name="Person", date_of_birth=date(1996, 2, 3))
    record = CrimeRecordFactory(forenames="William", surname="Pascoe", date_of_birth=date(1996, 2, 3))
    assert services.crime_records_match() == (0, 1)
    match = PersonMatch.objects.get()
    assert (match.crime_record, match.person, match.status) == (record, person, PersonMatch.Status.WAITING)
    assert "surname" in match.reason
    assert services.crime_records_match() == (0, 0)  # not queued twice


def test_confirming_a_match_gives_the_record_to_the_person_and_keeps_the_decision():
    person = PersonFactory(first_names="Liam", last_name="Pascoe", date_of_birth=date(1996, 2, 3))
    record = CrimeRecordFactory(forenames="William", surname="Pascoe", date_of_birth=date(1996, 2, 3))
    services.crime_records_match()
    admin = AdministratorFactory()
    match = services.person_match_decide(match_id=PersonMatch.objects.get().pk, user=admin, confirm=True)
    record.refresh_from_db()
    assert (record.person, record.match_method) == (person, CrimeRecord.MatchMethod.CONFIRMED)
    assert (match.status, match.decided_by) == (PersonMatch.Status.CONFIRMED, admin)
    with pytest.raises(DomainError, match="already confirmed"):
        services.person_match_decide(match_id=match.pk, user=admin, confirm=False)


def test_a_rejected_match_is_kept_and_never_offered_again():
    PersonFactory(first_names="Liam", last_name="Pascoe", date_of_birth=date(1996, 2, 3))
    record = CrimeRecordFactory(forenames="William", surname="Pascoe", date_of_birth=date(1996, 2, 3))
    services.crime_records_match()
    services.person_match_decide(match_id=PersonMatch.objects.get().pk, user=AdministratorFactory(), confirm=False)
    assert services.crime_records_match() == (0, 0)
    record.refresh_from_db()
    assert record.person is None
    assert PersonMatch.objects.get().status == PersonMatch.Status.REJECTED


def test_an_offence_weight_table_is_imported_whole_and_versioned():
    admin = AdministratorFactory()
    with pytest.raises(ValidationError) as refused:
        services.harm_weight_set_import(user=admin, name="CCHI", version="1", source="Cambridge", make_current=True,
                                        text="offence_code,offence_title,days\nTH-SHOP,Shop theft,2\nAS-ABH,ABH,lots\n")
    assert "Line 3: days must be a number" in refused.value.messages[0]
    assert not HarmWeightSet.objects.filter(name="CCHI").exists()
    weight_set = services.harm_weight_set_import(user=admin, name="CCHI", version="1", source="Cambridge", make_current=True,
                                                 text="offence_code,offence_title,days\nth-shop,Shop theft,2\nAS-ABH,ABH,30\n")
    assert HarmWeightSet.objects.get(is_current=True) == weight_set
    weights = services.harm_weights_for_check(weight_set)
    # Its own weights first; other catalogue offences fall back to the shipped subgroup medians.
    assert (weights["TH-SHOP"], weights["AS-ABH"], weights["PO-S5"]) == (Decimal("2"), Decimal("30"), Decimal("7.5"))
    with pytest.raises(ValidationError, match="already has a version 1"):
        services.harm_weight_set_import(user=admin, name="CCHI", version="1", source="Cambridge", make_current=False,
                                        text="offence_code,offence_title,days\nX,Y,1\n")


def test_a_survey_is_stored_item_by_item_with_its_version_and_scored_as_the_mean_of_answered_items():
    from evaluation.models import SurveyInstrument
    from evaluation.selectors import case_surveys

    case = CompletedCaseFactory()
    keyworker = KeyworkerFactory()
    instrument = SurveyInstrument.objects.get(code="person_legitimacy")
    codes = [item["code"] for item in instrument.items]
    services.survey_response_record(case_id=case.pk, user=keyworker, instrument_id=instrument.pk, timing="start",
                                    scores={code: 2 for code in codes})
    end = dict.fromkeys(codes, None) | {codes[0]: 5, codes[1]: 4}
    response = services.survey_response_record(case_id=case.pk, user=keyworker, instrument_id=instrument.pk, timing="end", scores=end)
    assert response.answers.count() == len(codes)
    assert response.instrument.version == 1
    scored = {item.response.timing: item for item in case_surveys(case=case)}
    assert scored["end"].score == 4.5 and scored["end"].answered == 2
    assert scored["end"].change == 2.5
    with pytest.raises(DomainError, match="already recorded"):
        services.survey_response_record(case_id=case.pk, user=keyworker, instrument_id=instrument.pk, timing="end", scores=end)
    with pytest.raises(ValidationError):
        victim = SurveyInstrument.objects.get(code="victim_satisfaction")
        services.survey_response_record(case_id=case.pk, user=keyworker, instrument_id=victim.pk, timing="end",
                                        scores={"overall": 6})
    assert SurveyResponse.objects.count() == 2


def test_the_monthly_run_first_matches_records_loaded_before_the_person_joined_the_scheme():
    from datetime import date as day

    from evaluation.models import ReoffendingResult

    record = CrimeRecordFactory(forenames="Jade", surname="Opie", date_of_birth=day(1995, 5, 5), offence_date=day(2024, 6, 1),
                                outcome_date=day(2024, 7, 1))
    case = CompletedCaseFactory(person__first_names="Jade", person__last_name="Opie", person__date_of_birth=day(1995, 5, 5),
                                crime__offence_date=day(2023, 12, 1), closed__on=day(2024, 5, 1), closed__decided_on=day(2024, 1, 10))
    services.reoffending_checks_run_all(as_of=day(2026, 11, 1))
    record.refresh_from_db()
    assert record.person == case.person
    assert ReoffendingResult.objects.get(case=case, follow_up_months=12).reoffended is True


def test_re_importing_keeps_a_person_confirmed_by_hand(django_capture_on_commit_callbacks):
    person = PersonFactory(first_names="Liam", last_name="Pascoe", date_of_birth=date(1996, 2, 3))
    row = "CR/9/25,conviction,TH-SHOP,,2025-03-01,2025-05-01,,Pascoe,William,1996-02-03"
    with django_capture_on_commit_callbacks(execute=True):
        first = run_import(extract(row))
    first.refresh_from_db()
    assert first.queued_for_review == 1
    services.person_match_decide(match_id=PersonMatch.objects.get().pk, user=AdministratorFactory(), confirm=True)
    with django_capture_on_commit_callbacks(execute=True):
        again = run_import(extract(row))
    again.refresh_from_db()
    record = CrimeRecord.objects.get()
    assert (record.person, record.match_method) == (person, CrimeRecord.MatchMethod.CONFIRMED)
    assert (again.rows_new, again.matched, again.queued_for_review) == (0, 1, 0)


def test_a_pnc_id_in_another_spelling_matches_the_person_with_it():
    person = PersonFactory(first_names="Liam", last_name="Pascoe", pnc_id="2001/0012345A", date_of_birth=date(1996, 2, 3))
    rows = []
    services.crime_record_rows_check(extract(GOOD.replace("2001/0012345A", "01/12345a").replace("Pascoe,Liam", "Smith,John")),
                                     today=timezone.localdate(), sink=rows.extend)
    source = CrimeRecordImport.objects.create(file_name="x.csv", uploaded_by=AdministratorFactory())
    services.crime_records_load(rows, source_id=source.pk)
    services.crime_records_match(source_id=source.pk)
    record = CrimeRecord.objects.get()
    assert (record.pnc_id, record.person, record.match_method) == ("2001/0012345A", person, "pnc_id")


def test_a_survey_is_corrected_over_the_version_read_with_a_trail_until_it_is_locked():
    from cases.models import CaseEvent
    from evaluation.models import ReoffendingDefinition, SurveyInstrument
    from keyworkers.tests.factories import AllocatedCaseFactory
    from oocr.concurrency.services import EditConflict

    case = AllocatedCaseFactory()
    keyworker = case.allocations.get().keyworker
    instrument = SurveyInstrument.objects.get(code="person_legitimacy")
    codes = [item["code"] for item in instrument.items]
    start = services.survey_response_record(case_id=case.pk, user=keyworker, instrument_id=instrument.pk, timing="start",
                                            scores={code: 2 for code in codes})
    services.survey_response_correct(case_id=case.pk, user=keyworker, response_id=start.pk, read_version=1,
                                     scores={code: 2 for code in codes} | {codes[0]: 4})
    assert start.answers.get(item_code=codes[0]).score == 4
    assert SurveyResponse.objects.get(pk=start.pk).version == 2
    event = case.events.get(kind=CaseEvent.Kind.CORRECTED)
    assert f"{codes[0]} 2 to 4" in event.text and event.by == keyworker
    with pytest.raises(EditConflict):  # over a version not read
        services.survey_response_correct(case_id=case.pk, user=keyworker, response_id=start.pk, read_version=1,
                                         scores={code: 5 for code in codes})
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.survey_response_correct(case_id=case.pk, user=keyworker, response_id=start.pk, read_version=2,
                                         scores={code: 2 for code in codes} | {codes[0]: 4})
    assert SurveyResponse.objects.get(pk=start.pk).version == 2  # refused: nothing half-saved
    # The case closes: the starting survey locks.
    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED, closed_at=timezone.now())
    with pytest.raises(DomainError, match="locked once the case has closed"):
        services.survey_response_correct(case_id=case.pk, user=keyworker, response_id=start.pk, read_version=2,
                                         scores={code: 1 for code in codes})
    # An ending survey of a closed case stays correctable until a published reoffending check counts the case.
    closed = CompletedCaseFactory(closed__on=date.today() - timedelta(days=800))
    end = services.survey_response_record(case_id=closed.pk, user=keyworker, instrument_id=instrument.pk, timing="end",
                                          scores={code: 3 for code in codes})
    assert end.locked_because() == ""
    definition = ReoffendingDefinition.objects.filter(is_active=True).first()
    run = services.reoffending_check_run(definition_id=definition.pk, as_of=timezone.localdate())
    assert end.locked_because() == ""  # run, not yet published
    services.reoffending_check_run_publish(run_id=run.pk, user=AdministratorFactory())
    assert "published reoffending check" in end.locked_because()
    with pytest.raises(DomainError):
        services.survey_response_correct(case_id=closed.pk, user=keyworker, response_id=end.pk, read_version=1,
                                         scores={code: 1 for code in codes})
