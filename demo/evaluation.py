"""Demo evaluation data for `manage.py seed_demo`: closed cohorts of past years, an RMS extract, and a published check.

The cohorts are history (decisions 14 to 44 months ago), so they are written
straight to the tables, not through today's services; the crime record extract
then goes through the real import (checks, load, matching) and the check
through the real service, so the report and the dashboard show what an
administrator's work produces. Deterministic (fixed random seed) and
idempotent: nothing happens once the demo extract has been loaded.

Reoffending is drawn at about the scheme's published rates (19% of completers,
40% of those who chose court, more among breaches), so the demo report shows
figures of the right size; they are invented, not evidence.
"""

import csv
import io
import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Case, CaseBaseline, Crime, FirstContact, Offence, Person, Victim, name_key
from contracts.models import Contract, NeedDomain, NeedScore, NeedsAssessment
from evaluation.models import CrimeRecordImport, ReoffendingCheckRun, SurveyInstrument
from evaluation.services import (
    CRIME_RECORD_COLUMNS, crime_record_import_run, reoffending_check_run_publish, reoffending_checks_run_all,
    survey_response_record,
)
from keyworkers.models import Allocation

DEMO_EXTRACT = "demo-rms-extract.csv"
REFERENCE_PREFIX = "DEMO-EVAL/"
# (group, cases, chance of reoffending within two years)
COHORTS = [(Case.Status.COMPLETED, 110, 0.24), (Case.Status.DECLINED, 60, 0.48), (Case.Status.BREACHED, 24, 0.55)]
FIRST = {Person.Sex.FEMALE: ["Chloe", "Megan", "Jade", "Amy", "Leanne", "Kerry", "Tasha", "Ellie", "Zara", "Holly"],
         Person.Sex.MALE: ["Liam", "Jordan", "Callum", "Ryan", "Connor", "Dean", "Tyler", "Kyle", "Jack", "Mason"]}
LAST = ["Pascoe", "Trevithick", "Penhaligon", "Nance", "Rowe", "Hicks", "Jenkin", "Tregear", "Opie", "Polglase", "Curnow",
        "Bray", "Symons", "Luscombe", "Widdicombe", "Chudleigh", "Yeo", "Bolitho", "Kitto", "Rundle", "Hext", "Couch"]
INDEX_OFFENCES = ["TH-SHOP", "CD-UNDER-5K", "AS-COMMON", "DR-POSS-B", "PO-S5", "TH-MOFP"]
# Later offences, the serious ones rarer.
LATER_OFFENCES = ["TH-SHOP"] * 5 + ["AS-COMMON"] * 3 + ["CD-UNDER-5K"] * 3 + ["DR-POSS-B"] * 2 + ["PO-S5"] * 2 + [
    "AS-ABH", "BU-NON-DWELLING", "TH-OTHER"]


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def demo_evaluation_seed() -> int:
    """Make the closed cohorts, load their extract, run the checks; returns the number of cohort cases made."""
    if CrimeRecordImport.objects.filter(file_name=DEMO_EXTRACT).exists():
        _publish_demo_runs()  # a demo seeded before runs were published still shows figures
        return 0
    rng = random.Random(8)
    User = get_user_model()
    officer = User.objects.filter(groups__name="Evidence review officer").order_by("username").first()
    keyworkers = list(User.objects.filter(groups__name="Keyworker").order_by("username"))
    admin = User.objects.filter(groups__name="Administrator").order_by("username").first()
    if not (officer and keyworkers and admin):
        return 0
    today = timezone.localdate()
    offences = {offence.code: offence for offence in Offence.objects.filter(code__in=INDEX_OFFENCES + LATER_OFFENCES)}
    domains = list(NeedDomain.objects.filter(is_active=True))
    rows, made = [], []
    number = 0
    for status, count, chance in COHORTS:
        for _ in range(count):
            number += 1
            case, decided = _closed_case(rng, number, status, today=today, officer=officer, keyworker=rng.choice(keyworkers),
                                         offences=offences, domains=domains)
            made.append(case)
            rows += _later_records(rng, case, decided, chance=chance, today=today)
    rows += _unmatched_records(rng, made, today=today)
    upload = CrimeRecordImport.objects.create(file_name=DEMO_EXTRACT, uploaded_by=admin, content=_csv(rows))
    crime_record_import_run(import_id=upload.pk)
    _demo_surveys(rng, made)
    reoffending_checks_run_all(as_of=today, user=admin)
    _publish_demo_runs()
    return len(made)


def _publish_demo_runs() -> None:
    """Publish each definition's finished run where none is published, as the demo administrator would."""
    admin = get_user_model().objects.filter(groups__name="Administrator").order_by("username").first()
    published = ReoffendingCheckRun.objects.filter(status=ReoffendingCheckRun.Status.PUBLISHED).values("definition_id")
    waiting = ReoffendingCheckRun.objects.filter(status=ReoffendingCheckRun.Status.FINISHED).exclude(definition_id__in=published)
    for run_id in waiting.values_list("pk", flat=True):
        reoffending_check_run_publish(run_id=run_id, user=admin)


def _closed_case(rng, number, status, *, today, officer, keyworker, offences, domains) -> tuple[Case, date]:
    sex = rng.choice([Person.Sex.MALE, Person.Sex.MALE, Person.Sex.FEMALE])
    age = rng.choice([19, 21, 23, 24, 27, 31, 35, 42, 48, 55])
    decided = today - timedelta(days=rng.randint(14 * 30, 44 * 30))
    offence_date = decided - timedelta(days=rng.randint(20, 60))
    first, last = rng.choice(FIRST[sex]), rng.choice(LAST)
    person = Person.objects.create(
        first_names=first, last_name=last, name_key=name_key(first, last), sex=sex,
        date_of_birth=offence_date - timedelta(days=age * 365 + rng.randint(0, 300)),
        pnc_id=f"{2000 + number % 20}/{number:07d}{'ABCDEFGHJK'[number % 10]}" if rng.random() < 0.7 else "",
        address_line_1=f"{rng.randint(1, 90)} Fore Street", town="Truro", postcode="TR1 2AB", phone="07700 900123",
    )
    closed_on = {Case.Status.COMPLETED: decided + timedelta(weeks=16), Case.Status.BREACHED: decided + timedelta(weeks=rng.randint(5, 12)),
                 Case.Status.DECLINED: decided}[status]
    case = Case.objects.create(
        person=person, status=status, route=rng.choice(Case.Route.values), young_adult_offer=age <= 25,
        womens_offer=sex == Person.Sex.FEMALE, created_by=officer, submitted_at=_noon(decided - timedelta(days=10)),
        closed_at=_noon(closed_on), closed_by=keyworker,
    )
    offence = offences[rng.choice(INDEX_OFFENCES)]
    crime = Crime.objects.create(case=case, reference=f"{REFERENCE_PREFIX}{number:05d}", offence_date=offence_date,
                                 offence_postcode="TR1 3XX", officer_name="PC Sam Hicks", officer_collar_number="4521",
                                 officer_email="sam.hicks@example.org")
    crime.offences.set([offence])
    CaseBaseline.objects.create(case=case, age=age, sex=sex, ethnicity=person.ethnicity, offence_codes=[offence.code],
                                crime_subgroups=[offence.crime_subgroup], route=case.route, previous_offences=rng.randint(0, 3),
                                previous_cautions=rng.randint(0, 1), previous_convictions=0, home_postcode_area="TR")
    Allocation.objects.create(case=case, keyworker=keyworker, allocated_by=keyworker, allocated_at=_noon(decided - timedelta(days=3)),
                              ended_at=_noon(closed_on), ended_by=keyworker, end_reason=Allocation.EndReason.CASE_CLOSED)
    declined = status == Case.Status.DECLINED
    FirstContact.objects.create(case=case, offered_on=decided, method="face_to_face", recorded_by=keyworker,
                                answer=FirstContact.Answer.DECLINED if declined else FirstContact.Answer.ACCEPTED)
    if not declined:
        Contract.objects.create(case=case, status=Contract.Status.ENDED, start_date=decided, end_date=closed_on,
                                agreement="signed_in_person", created_by=keyworker)
        _assessments(rng, case, keyworker, domains, closing=status == Case.Status.COMPLETED)
    return case, decided


def _assessments(rng, case, keyworker, domains, *, closing: bool) -> None:
    baseline = NeedsAssessment.objects.create(case=case, kind=NeedsAssessment.Kind.BASELINE, recorded_by=keyworker)
    scores = {domain.pk: rng.choice([0, 0, 1, 1, 2, 3]) for domain in domains}
    NeedScore.objects.bulk_create(NeedScore(assessment=baseline, domain_id=pk, score=score) for pk, score in scores.items())
    if closing:
        end = NeedsAssessment.objects.create(case=case, kind=NeedsAssessment.Kind.CLOSING, recorded_by=keyworker)
        NeedScore.objects.bulk_create(NeedScore(assessment=end, domain_id=pk, score=max(0, score - rng.choice([0, 0, 1, 1, 2])))
                                      for pk, score in scores.items())


def _row(case: Case, reference: str, event: str, code: str, offence_date: date, outcome: date | None, *, spelt=None) -> dict:
    person = case.person
    forenames, surname = spelt or (person.first_names, person.last_name)
    return {"crime_reference": reference, "event_type": event, "offence_code": code, "offence_title": "",
            "offence_date": offence_date.isoformat(), "outcome_date": outcome.isoformat() if outcome else "",
            "pnc_id": person.pnc_id if not spelt else "", "surname": surname, "forenames": forenames,
            "date_of_birth": person.date_of_birth.isoformat()}


def _later_records(rng, case, decided, *, chance, today) -> list[dict]:
    """The person's events after (and some before) the case, as the records system would list them."""
    rows = []
    number = case.crimes.get().reference.removeprefix(REFERENCE_PREFIX)
    if rng.random() < 0.35:  # earlier offending, within the year before the index offence
        day = decided - timedelta(days=rng.randint(90, 330))
        rows.append(_row(case, f"RMS/P{number}", "caution", rng.choice(LATER_OFFENCES), day, day + timedelta(days=30)))
    if rng.random() < chance:
        for later in range(rng.choice([1, 1, 1, 2, 3])):
            day = decided + timedelta(days=rng.randint(15, 700))
            outcome = day + timedelta(days=rng.randint(20, 160))
            if day > today:
                continue
            reference, code = f"RMS/L{number}-{later}", rng.choice(LATER_OFFENCES)
            rows.append(_row(case, reference, "arrest", code, day, None))
            if outcome <= today:
                rows.append(_row(case, reference, rng.choice(["conviction", "conviction", "caution"]), code, day, outcome))
    return rows


def _unmatched_records(rng, cases, *, today) -> list[dict]:
    """A few records about other people, and three whose names are spelt differently: the review queue."""
    rows = []
    for number, case in enumerate(cases[:3]):
        day = today - timedelta(days=200 + number)
        variant = (case.person.first_names[:-1] + "ie", case.person.last_name)
        rows.append(_row(case, f"RMS/D{number}", "arrest", "TH-SHOP", day, None, spelt=variant))
    for number in range(12):
        day = today - timedelta(days=rng.randint(30, 900))
        rows.append({"crime_reference": f"RMS/X{number}", "event_type": "charge", "offence_code": "TH-SHOP", "offence_title": "",
                     "offence_date": day.isoformat(), "outcome_date": "", "pnc_id": "", "surname": "Stranger",
                     "forenames": f"Person{number}", "date_of_birth": "1980-01-01"})
    return rows


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CRIME_RECORD_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _demo_surveys(rng, cases) -> None:
    """Ending surveys on most completed cases (and a start survey on half of those), recorded by their keyworkers."""
    person_survey = SurveyInstrument.objects.filter(code="person_legitimacy", is_current=True).first()
    if person_survey is None:
        return
    codes = [item["code"] for item in person_survey.items]
    said = iter(DEMO_COMMENTS)
    for case in cases:
        if case.status != Case.Status.COMPLETED or rng.random() < 0.3:
            continue
        keyworker = case.allocations.get().keyworker
        start_level = rng.choice([2, 3, 3, 4])
        if rng.random() < 0.5:
            survey_response_record(case_id=case.pk, user=keyworker, instrument_id=person_survey.pk, timing="start",
                                   scores={code: start_level for code in codes})
        survey_response_record(case_id=case.pk, user=keyworker, instrument_id=person_survey.pk, timing="end",
                               scores={code: min(5, start_level + rng.choice([0, 1, 1])) for code in codes},
                               comments=next(said, ""))
    _demo_victim_surveys(cases)


# A few ending comments, in the words a keyworker would write down (no names: managers read them in the report).
DEMO_COMMENTS = [
    "First time anyone from the police asked what I thought.",
    "The keyworker explained everything. Court would have cost me my job.",
    "Still don't trust them much but this was fair.",
    "Helped me get into the alcohol course. Wish it had been offered sooner.",
    "The appointments clashed with work at first, sorted after I said.",
    "Felt like I was treated as a person and not a number.",
]
VICTIM_COMMENTS = [
    "I was glad he had to face up to it without going to court.",
    "Nobody told me when it finished until I rang.",
    "The letter of apology meant more than a fine would have.",
]


def _demo_victim_surveys(cases) -> None:
    """Victims recorded on about half the closed cases that started, and their satisfaction at closure on most of
    those: a random generator of its own, so the cohorts and the person surveys stay as they were."""
    victim_survey = SurveyInstrument.objects.filter(code="victim_satisfaction", is_current=True).first()
    if victim_survey is None:
        return
    rng = random.Random(18)
    codes = [item["code"] for item in victim_survey.items]
    said = iter(VICTIM_COMMENTS)
    for case in cases:
        if case.status not in (Case.Status.COMPLETED, Case.Status.BREACHED) or rng.random() < 0.5:
            continue
        Victim.objects.create(crime=case.crimes.get(), name=f"Demo victim {case.pk}", view=Victim.View.SUPPORTS)
        if rng.random() < 0.3:
            continue
        level = rng.choice([3, 4, 4, 5]) if case.status == Case.Status.COMPLETED else rng.choice([2, 3, 3, 4])
        survey_response_record(case_id=case.pk, user=case.allocations.get().keyworker, instrument_id=victim_survey.pk,
                               timing="end", scores={code: max(1, min(5, level + rng.choice([-1, 0, 0, 1]))) for code in codes},
                               comments=next(said, "") if rng.random() < 0.2 else "")
