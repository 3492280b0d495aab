"""The streaming import (issue 18): PostgreSQL checks the rows in SQL over the COPY'd text, and must give exactly the
answers of the row-by-row Python check (crime_record_row_check), which SQLite and unusual files still use."""

import io
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from cases.tests.factories import PersonFactory
from evaluation import services
from evaluation.models import CrimeRecord, CrimeRecordImport, CrimeRecordImportPart
from evaluation.tests.factories import CrimeRecordImportFactory
from oocr.accounts.tests.factories import AdministratorFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL check runs on PostgreSQL's COPY staging only"),
]

HEADER = ",".join(services.CRIME_RECORD_COLUMNS) + "\n"
TODAY = date(2026, 6, 1)
# Rows SQL checks and rows it leaves to Python (accents, an odd date spelling, a year before 1000), good and wrong.
ROWS = [
    "CR/1/25,conviction,th-shop,Theft from a shop,2025-03-01,2025-05-01,01/12345a,Pascoe,Liam,1996-02-03",
    "cr/2/25, caution ,TH-SHOP,,1/3/2025,,  99/7z ,O'Brien-Smith,  Mary  Ann ,29/02/1996",
    "CR/3/25,arrest,TH-SHOP,,2025-03-01,,2026/0000001B,Zoë,Renée,1990-01-01",
    "CR/4/25,charge,TH-SHOP,\"Theft, from a shop\",2025-03-01,,,Lee,Sam,0999-01-01",
    "CR/5/25,told_off,,,2025-13-01,2025-02-30,,,Liam,",
    "CR/6/25,conviction,TH-SHOP,,2027-01-01,2026-12-01,,Pascoe,Liam,31/04/1990",
    "CR/7/25,conviction,TH-SHOP,,2025-03-01,2025-02-01,123456789012345678901,Pascoe,Liam,1996-02-03",
    ",conviction,TH-SHOP,,3.1.2025,,,Pascoe,Liam,1996-02-03",
    "CR/8/25,conviction,TH-SHOP,,2025-03-01,,,Pascoe,Liam,1900-02-29",
    "CR/9/25,conviction,TH-SHOP,,2025-03-01,,,Pascoe,Liam,2000-02-29",
    "CR/1/25,conviction,TH-SHOP,,2025-03-01,,2001/0012345A,Other,Name,1980-01-01",  # the same record as line 2
]


def _python(text: str) -> tuple[int, list[dict], list[tuple]]:
    rows = []
    checked, errors = services.crime_record_rows_check(text, today=TODAY, sink=rows.extend)
    return checked, errors, sorted(services.LOADED_VALUES(row) for row in rows)


def _sql(text: str) -> tuple[int, list[dict], list[tuple]]:
    source = CrimeRecordImportFactory()
    staging = services.CopyStaging(source.pk)
    try:
        chunks = lambda: iter([text.encode()[i:i + 7] for i in range(0, len(text.encode()), 7)])  # noqa: E731 (odd cuts)
        checked, errors = staging.check(chunks, today=TODAY)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(services.LOADED_FIELDS)} FROM {staging.table}")
            rows = sorted(cursor.fetchall())
    finally:
        staging.drop()
    return checked, errors, rows


def test_sql_finds_every_problem_python_finds_on_the_same_lines_in_the_same_words():
    text = HEADER + "".join(row + "\n" for row in ROWS)
    python_checked, python_errors, _ = _python(text)
    sql_checked, sql_errors, _ = _sql(text)
    assert python_errors  # the set is meant to be wrong in many ways
    assert sql_checked == python_checked == len(ROWS)
    assert sql_errors == python_errors


def test_sql_spells_the_good_rows_exactly_as_python_does():
    good = ROWS[:4] + ROWS[9:10]
    text = HEADER + "".join(row + "\r\n" for row in good)  # Windows line ends too
    python = _python(text)
    sql = _sql(text)
    assert python[1] == sql[1] == []
    assert sql[2] == python[2] and len(sql[2]) == len(good)


@pytest.mark.parametrize("text", [
    HEADER + "CR/1/25,conviction,TH-SHOP,Theft,2025-03-01,,,Pascoe,Liam,1996-02-03,extra\n",  # COPY refuses: Python reads
    HEADER + "CR/1/25,conviction,TH-SHOP,Thé\"ft\",2025-03-01,,,Pascoe,Liam,1996-02-03\n",  # a quote inside a field
    HEADER + "\\.\nCR/1/25,conviction,TH-SHOP,Theft,2025-03-01,,,Pascoe,Liam,1996-02-03\n",  # COPY's end of data
    HEADER + "CR/1/25,conviction,TH-SHOP,Theft,2025-03-01\n\n",  # short rows, a blank line
])
def test_a_file_copy_would_read_otherwise_is_checked_in_python_with_the_same_answer(text):
    assert _sql(text)[:2] == _python(text)[:2]


@pytest.mark.parametrize("data", [
    b"CR/1,conviction,TH,Theft,2025-03-01,,,Pascoe,Liam,1996-02-03\n",
    b'CR/1,conviction,TH,"Theft, from a shop",2025-03-01,,,Pascoe,Liam,1996-02-03\n',  # quoted: COPY reads it as csv
    b"CR/1,conviction,TH,The\"ft,2025-03-01,,,Pascoe,Liam,1996-02-03\n",  # a quote inside an unquoted field
    b"CR/1,conviction,TH,Theft,2025-03-01,,,Pascoe,Liam,1996-02-03\n\\.\n",  # COPY's end of data
    b"CR/1,conviction,TH,The\\.ft,2025-03-01,,,Pascoe,Liam,1996-02-03\n",  # a backslash and dot inside a field
])
def test_the_copy_step_s_quick_look_refuses_exactly_what_its_pattern_refuses(data):
    assert services._copy_unsafe(data) == (services._COPY_UNSAFE.search(data) is not None)


def test_an_upload_is_stored_in_parts_and_loaded_from_them_all_or_nothing(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(services, "PART_BYTES", 64)
    monkeypatch.setattr(services, "COPY_EVERY_BYTES", 100)
    person = PersonFactory(pnc_id="2001/0012345A")
    rows = [f"CR/{n}/25,conviction,TH-SHOP,Theft,2025-03-01,,01/12345a,Pascoe,Liam,1996-02-03" for n in range(30)]
    text = HEADER + "".join(row + "\n" for row in rows)
    with django_capture_on_commit_callbacks(execute=True):
        upload = services.crime_record_import_start(user=AdministratorFactory(), file_name="extract.csv",
                                                    file=io.BytesIO(("\ufeff" + text).encode()))
    upload.refresh_from_db()
    assert (upload.status, upload.rows_loaded, upload.rows_new, upload.matched) == ("loaded", 30, 30, 30)
    assert set(CrimeRecord.objects.values_list("person", "match_method")) == {(person.pk, "pnc_id")}
    assert not CrimeRecordImportPart.objects.exists() and not upload.upload_is_kept  # personal data: not kept

    # The same file again with one wrong row: nothing loaded, the error report by line, the upload removed.
    wrong = text.replace("CR/29/25,conviction", "CR/29/25,told_off")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.crime_record_import_start(user=AdministratorFactory(), file_name="extract.csv",
                                                   file=io.BytesIO(wrong.encode()))
    again.refresh_from_db()
    assert (again.status, [error["line"] for error in again.errors]) == ("failed", [31])
    assert CrimeRecord.objects.filter(source=again).count() == 0 and not CrimeRecordImportPart.objects.exists()


def test_the_same_record_twice_in_a_good_file_fails_the_load_and_names_the_later_line(django_capture_on_commit_callbacks):
    row = "CR/1/25,conviction,TH-SHOP,Theft,2025-03-01,,,Pascoe,Liam,1996-02-03"
    with django_capture_on_commit_callbacks(execute=True):
        upload = services.crime_record_import_start(user=AdministratorFactory(), file_name="extract.csv",
                                                    text=HEADER + f"{row}\nCR/2/25,charge,X,,2025-03-01,,,A,B,1990-01-01\n{row}\n")
    upload.refresh_from_db()
    assert upload.status == CrimeRecordImport.Status.FAILED
    assert upload.errors == [{"line": 4, "column": "crime_reference",
                              "problem": "The same crime reference, person and event type appear on an earlier line"}]
    assert CrimeRecord.objects.count() == 0


def test_the_load_takes_the_foreign_keys_as_a_set_and_locks_the_people_it_matched(django_capture_on_commit_callbacks):
    """Row-by-row key triggers are off for the INSERT when the role may (a superuser); the set-based check stands in."""
    person = PersonFactory(pnc_id="2001/0012345A")
    with django_capture_on_commit_callbacks(execute=True):
        upload = services.crime_record_import_start(
            user=AdministratorFactory(), file_name="extract.csv",
            text=HEADER + "CR/1/25,conviction,TH-SHOP,Theft,2025-03-01,,2001/0012345A,Pascoe,Liam,1996-02-03\n")
    assert CrimeRecord.objects.get(source=upload).person == person
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"  # back to normal after the load
    assert timezone.localdate() >= date(2025, 3, 1)


# ASCII rows (the fast check's files): good ones in every shape it spells itself or leaves to its regular expressions.
ASCII_GOOD = [
    "CR/1/25,conviction,th-shop,Theft from a shop,2025-03-01,2025-05-01,01/12345a,Pascoe,Liam,1996-02-03",
    "cr/2/25, caution ,TH-SHOP,,1/3/2025,,  99/7z ,O'Brien-Smith,  Mary  Ann ,29/02/1996",
    "CR/3/25,arrest,TH-SHOP,,2025-03-01,,2026/0000001B,Lee,Sam,1990-01-01",
    "CR/4/25,charge,TH-SHOP,\"Theft, from a shop\",2025-03-01,2025-03-01,2026/1B,LEE,SAM,01/01/1990",
    "CR/5/25,outcome_22,TH-SHOP,,2025-03-01,,NOT A PNC,Lee,Sam Jo,2000-02-29",
    "CR/6/25,named_suspect,TH-SHOP,,2025-03-01,,,lee,sam,1000-01-01",
]
# ASCII rows the fast check cannot vouch for: each sends the file to the full check, which names any problem.
ASCII_NOT_VOUCHED = [
    "CR/9/25,conviction,TH-SHOP,,2025-02-30,,,Pascoe,Liam,1996-02-03",  # PostgreSQL's cast refuses the date
    "CR/9/25,conviction,TH-SHOP,,31/04/2025,,,Pascoe,Liam,1996-02-03",  # make_date refuses it
    "CR/9/25,conviction,TH-SHOP,,2025-03-01,2025-02-28,,Pascoe,Liam,1996-02-03",  # outcome before the offence
    "CR/9/25,conviction,TH-SHOP,,2027-01-01,,,Pascoe,Liam,1996-02-03",  # in the future
    "CR/9/25,told_off,TH-SHOP,,2025-03-01,,,Pascoe,Liam,1996-02-03",
    "CR/9/25,conviction,,,2025-03-01,,,Pascoe,Liam,1996-02-03",
    "CR/9/25,conviction,TH-SHOP,,2025-03-01,,,Pascoe,,1996-02-03",
    "CR/9/25,conviction,TH-SHOP,,2025-03-01,,123456789012345678901,Pascoe,Liam,1996-02-03",
    "CR/9/25,conviction,TH-SHOP,,2025-3-1,,,Pascoe,Liam,1996-02-03",  # a shape neither check reads as a date
    "CR/9/25,conviction,TH-SHOP,,2025-03-01,,,Pascoe,Liam,0999-01-01",  # a year Python spells in three digits
    "CR/9/25,conviction,TH-SHOP,,2025-03-01,,,Pascoe,Liam,",
]


def test_a_clean_ascii_file_takes_the_fast_check_and_spells_its_rows_exactly_as_python_does(monkeypatch):
    taken = []
    fast = services.CopyStaging._check_fast
    monkeypatch.setattr(services.CopyStaging, "_check_fast", lambda self, rows: taken.append(fast(self, rows)) or taken[-1])
    text = HEADER + "".join(row + "\r\n" for row in ASCII_GOOD)
    python, sql = _python(text), _sql(text)
    assert taken == [True]
    assert python[1] == sql[1] == [] and sql[2] == python[2] and len(sql[2]) == len(ASCII_GOOD)


@pytest.mark.parametrize("wrong", ASCII_NOT_VOUCHED)
def test_an_ascii_file_with_a_row_the_fast_check_cannot_vouch_for_gets_the_full_check_s_answer(monkeypatch, wrong):
    taken = []
    fast = services.CopyStaging._check_fast
    monkeypatch.setattr(services.CopyStaging, "_check_fast", lambda self, rows: taken.append(fast(self, rows)) or taken[-1])
    text = HEADER + "".join(row + "\n" for row in [*ASCII_GOOD[:3], wrong, *ASCII_GOOD[3:]])
    python, sql = _python(text), _sql(text)
    assert taken == [False]
    assert sql[:2] == python[:2]


def test_a_file_with_text_beyond_ascii_never_tries_the_fast_check(monkeypatch):
    monkeypatch.setattr(services.CopyStaging, "_check_fast", lambda self, rows: pytest.fail("the fast check was tried"))
    text = HEADER + "".join(row + "\n" for row in [*ASCII_GOOD, "CR/7/25,arrest,TH-SHOP,,2025-03-01,,,Zoë,Renée,1990-01-01"])
    assert _sql(text) == _python(text)
