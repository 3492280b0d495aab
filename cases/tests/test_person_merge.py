"""A person is one record: the PNC ID's one spelling, its constraint, and the migration that merged the duplicates."""

import importlib
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from cases.models import Case, CaseEvent, Person, pnc_id_normalise
from cases.tests.factories import DraftCaseFactory, PersonFactory
from evaluation.models import CrimeRecord, PersonMatch
from evaluation.tests.factories import CrimeRecordFactory
from oocr.notifications.models import Delivery, Reminder

pytestmark = pytest.mark.django_db

merge_migration = importlib.import_module("cases.migrations.0014_person_pnc_id_merge_duplicates")


@pytest.mark.parametrize("typed, stored", [
    ("2026/0001234A", "2026/0001234A"),
    ("2026/1234a", "2026/0001234A"),
    (" 26 / 1234A ", "2026/0001234A"),
    ("98/7654321Z", "1998/7654321Z"),
    ("", ""),
    ("not a pnc", "NOTAPNC"),
])
def test_a_pnc_id_is_stored_in_one_spelling(typed, stored):
    assert pnc_id_normalise(typed, today=date(2026, 12, 2)) == stored


def test_the_frozen_copy_in_the_migration_spells_pnc_ids_as_the_model_does():
    for typed in ("26/1234a", "2026/0001234A", "98/7654321Z", "junk"):
        assert merge_migration.pnc_id_normalise(typed, today=date(2026, 12, 2)) == pnc_id_normalise(typed, today=date(2026, 12, 2))


def test_the_database_refuses_a_second_person_with_the_same_pnc_id_but_not_two_without_one():
    PersonFactory(pnc_id="2026/0001234A")
    PersonFactory(pnc_id="")
    PersonFactory(pnc_id="")  # many people have no PNC ID yet
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(pnc_id="2026/0001234A")
    assert Person.objects.filter(pnc_id="2026/0001234A").count() == 1


def test_full_clean_cleans_the_spelling_and_names_the_clash():
    PersonFactory(pnc_id="2026/0001234A")
    person = PersonFactory.build(pnc_id="26/1234a")
    with pytest.raises(Exception) as error:
        person.full_clean()
    assert person.pnc_id == "2026/0001234A"
    assert "Another person on record has this PNC ID" in str(error.value)


def _state_apps():
    """The models as the merge migration sees them (the state before it runs).

    From the migrations as written, not the squashed ones that replace them in a new database's graph."""
    loader = MigrationLoader(None, replace_migrations=False)
    return loader.project_state(("cases", "0014_person_pnc_id_merge_duplicates"), at_end=False).apps


def _duplicates_allowed():
    """Data from before the constraint: drop its index inside the test's transaction (rolled back after it)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX person_pnc_id_unique")


@pytest.fixture
def duplicates():
    """Three records of one person under two spellings of one PNC ID, and two people left alone."""
    _duplicates_allowed()
    today = timezone.now()
    oldest = PersonFactory(pnc_id="2026/0001234A", phone="", email="", address_line_1="", town="", postcode="",
                           ethnicity="NS", first_names="Jade", last_name="Penrose")
    busiest = PersonFactory(pnc_id="26/1234a", phone="07700 900111", email="", address_line_1="", town="", postcode="",
                            ethnicity="NS", first_names="Jade", last_name="Penrose")
    newest = PersonFactory(pnc_id="2026/0001234A", phone="07700 900999", email="jade@example.org", reminders_by="sms",
                           address_line_1="3 Bay View", town="Looe", postcode="PL13 1AA", ethnicity="W1",
                           first_names="Jade", last_name="Penrose", date_of_birth=date(1999, 5, 5))
    Person.objects.filter(pk=oldest.pk).update(created_at=today - timedelta(days=300))
    Person.objects.filter(pk=busiest.pk).update(created_at=today - timedelta(days=200))
    Person.objects.filter(pk=newest.pk).update(created_at=today - timedelta(days=10))
    case_of_oldest = DraftCaseFactory(person=oldest, status=Case.Status.AWAITING_ALLOCATION)
    cases_of_busiest = [DraftCaseFactory(person=busiest, status=Case.Status.AWAITING_ALLOCATION),
                        DraftCaseFactory(person=busiest, status=Case.Status.COMPLETED)]
    record = CrimeRecordFactory(person=oldest)
    other_record = CrimeRecordFactory(person=None)
    PersonMatch.objects.create(crime_record=other_record, person=busiest, reason="Same birthday")
    PersonMatch.objects.create(crime_record=other_record, person=newest, reason="Same birthday")  # the same match twice
    reminder = Reminder.objects.create(key="r1", kind="appointment", run_date=today.date(), person=newest, text="Tomorrow")
    delivery = Delivery.objects.create(key="d1", channel="sms", template="appointment", person=oldest, recipient="07700 900111",
                                       body="Tomorrow")
    alone = PersonFactory(pnc_id="2019/0000001A")
    no_pnc = [PersonFactory(pnc_id=""), PersonFactory(pnc_id="")]
    return {"oldest": oldest, "busiest": busiest, "newest": newest, "case_of_oldest": case_of_oldest,
            "cases_of_busiest": cases_of_busiest, "record": record, "other_record": other_record,
            "reminder": reminder, "delivery": delivery, "alone": alone, "no_pnc": no_pnc}


def test_the_migration_merges_people_sharing_a_pnc_id_into_the_one_with_most_cases(duplicates, capsys):
    merge_migration.merge_duplicate_people(_state_apps(), None)

    busiest = Person.objects.get(pk=duplicates["busiest"].pk)
    assert not Person.objects.filter(pk__in=[duplicates["oldest"].pk, duplicates["newest"].pk]).exists()
    assert busiest.pnc_id == "2026/0001234A"
    assert set(Case.objects.filter(person=busiest)) == {duplicates["case_of_oldest"], *duplicates["cases_of_busiest"]}
    assert CrimeRecord.objects.get(pk=duplicates["record"].pk).person_id == busiest.pk
    assert list(PersonMatch.objects.filter(crime_record=duplicates["other_record"]).values_list("person_id", flat=True)) == [busiest.pk]
    assert Reminder.objects.get(pk=duplicates["reminder"].pk).person_id == busiest.pk
    assert Delivery.objects.get(pk=duplicates["delivery"].pk).person_id == busiest.pk
    # People with other or no PNC IDs are left as they were.
    assert Person.objects.filter(pk__in=[duplicates["alone"].pk, *(p.pk for p in duplicates["no_pnc"])]).count() == 3


def test_the_kept_record_is_filled_in_from_the_merged_ones_where_it_was_blank(duplicates):
    merge_migration.merge_duplicate_people(_state_apps(), None)

    busiest = Person.objects.get(pk=duplicates["busiest"].pk)
    assert busiest.phone == "07700 900111"  # its own, kept
    assert (busiest.email, busiest.reminders_by, busiest.ethnicity) == ("jade@example.org", "sms", "W1")
    assert (busiest.address_line_1, busiest.town, busiest.postcode) == ("3 Bay View", "Looe", "PL13 1AA")
    assert busiest.date_of_birth == duplicates["busiest"].date_of_birth  # identity is never overwritten


def test_the_merge_is_written_on_each_case_of_the_person_and_printed_with_record_ids_only(duplicates, capsys):
    merge_migration.merge_duplicate_people(_state_apps(), None)

    kept, merged = duplicates["busiest"].pk, sorted([duplicates["oldest"].pk, duplicates["newest"].pk])
    events = CaseEvent.objects.filter(kind=CaseEvent.Kind.PERSON_MERGED)
    assert {event.case_id for event in events} == {duplicates["case_of_oldest"].pk, *(c.pk for c in duplicates["cases_of_busiest"])}
    text = events.first().text
    assert f"Person records {merged[0]}, {merged[1]} had the same PNC ID as person record {kept}" in text
    assert "1 case moved" in text
    assert "address" in text and "email" in text
    assert "differed in date of birth" in text
    printed = capsys.readouterr().out
    assert f"Person {kept} kept; merged {merged[0]}, {merged[1]}; 1 case(s) moved" in printed
    assert "People sharing a PNC ID: 1 group(s) merged" in printed
    assert "Penrose" not in printed and "/0001234A" not in printed and "07700" not in printed


def test_after_the_merge_the_constraint_can_be_made(duplicates):
    merge_migration.merge_duplicate_people(_state_apps(), None)

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the merge's deletions checked now, as at the migration's commit
        cursor.execute("CREATE UNIQUE INDEX person_pnc_id_unique ON cases_person (pnc_id) WHERE NOT (pnc_id = '')")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(pnc_id="2026/0001234A")


def test_the_migration_with_no_duplicates_changes_nothing_and_says_nothing(capsys):
    people = [PersonFactory(pnc_id="2019/0000001A"), PersonFactory(pnc_id="")]

    merge_migration.merge_duplicate_people(_state_apps(), None)

    assert list(Person.objects.order_by("pk").values_list("pk", "pnc_id")) == [(people[0].pk, "2019/0000001A"), (people[1].pk, "")]
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.PERSON_MERGED).exists()
    assert capsys.readouterr().out == ""
