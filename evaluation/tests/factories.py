"""Factories for the evaluation: closed cases at a chosen date, and crime records about their people."""

from datetime import date, datetime, time

import factory
from django.utils import timezone

from cases.models import Case, FirstContact, name_key
from cases.tests.factories import AwaitingAllocationCaseFactory
from contracts.models import Contract
from evaluation.models import CrimeRecord, CrimeRecordImport, EventType
from oocr.accounts.tests.factories import AdministratorFactory


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _closed_as(status: str):
    """A post-generation step closing the case as `status` on `closed__on` (see CompletedCaseFactory)."""

    @factory.post_generation
    def closed(case, create, extracted, on: date | None = None, decided_on: date | None = None,
               contract_end: date | None = None, **kwargs):
        if not create:
            return
        on = on or timezone.localdate()
        decided_on = decided_on or on
        Case.objects.filter(pk=case.pk).update(status=status, closed_at=_moment(on))
        answer = FirstContact.Answer.DECLINED if status == Case.Status.DECLINED else FirstContact.Answer.ACCEPTED
        FirstContact.objects.create(case=case, offered_on=decided_on, method="face_to_face", answer=answer, recorded_by=case.created_by)
        if status != Case.Status.DECLINED:
            Contract.objects.create(case=case, status=Contract.Status.ENDED,
                                    start_date=decided_on, end_date=contract_end or on, created_by=case.created_by)
        case.refresh_from_db()

    return closed


class CompletedCaseFactory(AwaitingAllocationCaseFactory):
    """A case submitted through the real service, then closed as completed on `closed__on`.

    `closed__decided_on` records the first contact (the person's decision) and
    `closed__contract_end` a contract ending then (completed and breached only).
    The index offence date is `crime__offence_date`.
    """

    closed = _closed_as(Case.Status.COMPLETED)


class BreachedCaseFactory(AwaitingAllocationCaseFactory):
    closed = _closed_as(Case.Status.BREACHED)


class DeclinedCaseFactory(AwaitingAllocationCaseFactory):
    """Opted for court at first contact: the comparison group."""

    closed = _closed_as(Case.Status.DECLINED)


class CrimeRecordImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrimeRecordImport

    file_name = "extract.csv"
    status = CrimeRecordImport.Status.LOADED
    uploaded_by = factory.SubFactory(AdministratorFactory)


class CrimeRecordFactory(factory.django.DjangoModelFactory):
    """A later event about a person, already matched to them (pass person=None for an unmatched one)."""

    class Meta:
        model = CrimeRecord

    crime_reference = factory.Sequence(lambda n: f"LATER/{n:06d}")
    event_type = EventType.CONVICTION
    offence_code = "TH-SHOP"
    offence_title = "Theft from a shop"
    offence_date = date(2025, 1, 1)
    outcome_date = factory.LazyAttribute(lambda record: record.offence_date)
    person = None
    pnc_id = factory.LazyAttribute(lambda record: record.person.pnc_id if record.person else "")
    surname = factory.LazyAttribute(lambda record: record.person.last_name if record.person else "Nobody")
    forenames = factory.LazyAttribute(lambda record: record.person.first_names if record.person else "Anne")
    date_of_birth = factory.LazyAttribute(lambda record: record.person.date_of_birth if record.person else date(1990, 1, 1))
    name_key = factory.LazyAttribute(lambda record: name_key(record.forenames, record.surname))
    person_key = factory.LazyAttribute(lambda record: f"name:{record.name_key}|{record.date_of_birth}")
    match_method = factory.LazyAttribute(lambda record: CrimeRecord.MatchMethod.NAME_AND_BIRTH if record.person else "")
    source = factory.SubFactory(CrimeRecordImportFactory)


EXTRACT_HEADER = ("crime_reference,event_type,offence_code,offence_title,offence_date,outcome_date,pnc_id,surname,forenames,"
                  "date_of_birth\n")
EXTRACT_ROW = "RMS/000123/25,conviction,TH-SHOP,Theft from a shop,2025-03-01,2025-04-01,,Penrose,Jan,1990-01-01\n"


class WaitingImportFactory(CrimeRecordImportFactory):
    """Uploaded, its task not yet started (heartbeat_at: when it was sent, as a retry sets it)."""

    status = CrimeRecordImport.Status.WAITING
    content = EXTRACT_HEADER + EXTRACT_ROW


class RunningImportFactory(WaitingImportFactory):
    """A runner started it and last showed a sign of life at `heartbeat_at` (now by default)."""

    status = CrimeRecordImport.Status.RUNNING
    total_rows = 1
    heartbeat_at = factory.LazyFunction(timezone.now)


class StoppedImportFactory(WaitingImportFactory):
    """Failed because its task gave up (not because of its rows): its upload is kept to run it again."""

    status = CrimeRecordImport.Status.FAILED
    finished_at = factory.LazyFunction(timezone.now)
    errors = factory.LazyFunction(lambda: [{"line": "", "column": "", "problem": "The import stopped before it finished"}])


class CancelledImportFactory(WaitingImportFactory):
    status = CrimeRecordImport.Status.CANCELLED
    finished_at = factory.LazyFunction(timezone.now)
