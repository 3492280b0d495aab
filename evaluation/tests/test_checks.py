"""Reoffending definitions: windows, the waiting period, each start point, censoring, harm, re-runs."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from evaluation import checks, services
from evaluation.models import EventType, ReoffendingDefinition, ReoffendingResult
from evaluation.tests.factories import CompletedCaseFactory, CrimeRecordFactory, DeclinedCaseFactory

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 1)
OFFENCE = date(2023, 11, 20)
DECIDED = date(2024, 1, 10)  # 12-month window: 11 Jan 2024 to 10 Jan 2025; outcomes by 10 Jul 2025
CONTRACT_END = date(2024, 5, 1)


def definition(**overrides) -> ReoffendingDefinition:
    fields = {"name": "Test definition", "follow_up_months": [12], "start_point": "decision_date",
              "event_types": ["caution", "conviction"], "waiting_months": 6}
    return ReoffendingDefinition.objects.create(**{**fields, **overrides})


def completed_case(**kwargs):
    return CompletedCaseFactory(crime__offence_date=OFFENCE, closed__on=CONTRACT_END, closed__decided_on=DECIDED,
                                closed__contract_end=CONTRACT_END, **kwargs)


def result(case, rules, months=12, as_of=AS_OF) -> ReoffendingResult:
    services.reoffending_check_run(definition_id=rules.pk, as_of=as_of)
    return ReoffendingResult.objects.get(case=case, run__definition=rules, follow_up_months=months)


def test_an_offence_on_the_last_day_of_the_window_counts_and_the_day_after_does_not():
    rules = definition()
    inside, outside = completed_case(), completed_case()
    CrimeRecordFactory(person=inside.person, offence_date=date(2025, 1, 10), outcome_date=date(2025, 3, 1))
    CrimeRecordFactory(person=outside.person, offence_date=date(2025, 1, 11), outcome_date=date(2025, 3, 1))
    assert result(inside, rules).reoffended is True
    row = ReoffendingResult.objects.get(case=outside, run__definition=rules)
    assert row.reoffended is False
    assert row.window_end == date(2025, 1, 10)


def test_an_offence_on_the_start_date_is_not_a_reoffence_but_the_next_day_is():
    rules = definition()
    same_day, next_day = completed_case(), completed_case()
    CrimeRecordFactory(person=same_day.person, offence_date=DECIDED, outcome_date=date(2024, 2, 1))
    CrimeRecordFactory(person=next_day.person, offence_date=date(2024, 1, 11), outcome_date=date(2024, 2, 1))
    assert result(same_day, rules).reoffended is False
    assert ReoffendingResult.objects.get(case=next_day).reoffended is True


def test_the_outcome_must_come_within_the_waiting_period():
    rules = definition()
    in_time, too_late, no_outcome = completed_case(), completed_case(), completed_case()
    CrimeRecordFactory(person=in_time.person, offence_date=date(2024, 12, 1), outcome_date=date(2025, 7, 10))
    CrimeRecordFactory(person=too_late.person, offence_date=date(2024, 12, 1), outcome_date=date(2025, 7, 11))
    CrimeRecordFactory(person=no_outcome.person, offence_date=date(2024, 12, 1), outcome_date=None)
    assert result(in_time, rules).reoffended is True
    assert ReoffendingResult.objects.get(case=too_late).reoffended is False
    assert ReoffendingResult.objects.get(case=no_outcome).reoffended is False


def test_without_a_waiting_period_the_event_itself_counts():
    rules = definition(event_types=["arrest"], waiting_months=None)
    case = completed_case()
    CrimeRecordFactory(person=case.person, event_type=EventType.ARREST, offence_date=date(2024, 6, 1), outcome_date=None)
    assert result(case, rules).reoffended is True


def test_only_the_event_types_the_definition_counts():
    rules = definition()
    case = completed_case()
    CrimeRecordFactory(person=case.person, event_type=EventType.ARREST, offence_date=date(2024, 6, 1))
    CrimeRecordFactory(person=case.person, event_type=EventType.NAMED_SUSPECT, offence_date=date(2024, 7, 1))
    assert result(case, rules).reoffended is False


@pytest.mark.parametrize("start_point, start, counted", [
    ("offence_date", OFFENCE, True),   # the offence of 1 December 2023 is after the index offence...
    ("decision_date", DECIDED, False),  # ...but before the decision
    ("contract_end", CONTRACT_END, False),
])
def test_each_start_point(start_point, start, counted):
    rules = definition(start_point=start_point)
    case = completed_case()
    CrimeRecordFactory(person=case.person, offence_date=date(2023, 12, 1), outcome_date=date(2024, 1, 5))
    row = result(case, rules)
    assert row.start_date == start
    assert row.reoffended is counted


def test_a_declined_case_without_a_contract_starts_at_its_closure_for_contract_end():
    rules = definition(start_point="contract_end")
    case = DeclinedCaseFactory(crime__offence_date=OFFENCE, closed__on=date(2024, 2, 2), closed__decided_on=date(2024, 2, 2))
    assert result(case, rules).start_date == date(2024, 2, 2)


def test_people_not_yet_at_follow_up_are_censored_with_the_days_observed():
    rules = definition()
    recent = CompletedCaseFactory(crime__offence_date=date(2026, 4, 1), closed__on=date(2026, 6, 1), closed__decided_on=date(2026, 6, 1))
    in_waiting = completed_case()
    row = result(recent, rules)
    assert row.reached_follow_up is False
    assert row.observed_days == (AS_OF - date(2026, 6, 1)).days
    # A year's window closed on 10 Jan 2025, but outcomes may come until 10 Jul 2025.
    assert result(in_waiting, rules, as_of=date(2025, 7, 9)).reached_follow_up is False
    assert result(in_waiting, rules, as_of=date(2025, 7, 10)).reached_follow_up is True


def test_nothing_dated_after_the_as_of_date_is_known():
    rules = definition()
    case = completed_case()
    CrimeRecordFactory(person=case.person, offence_date=date(2024, 6, 1), outcome_date=date(2024, 9, 1))
    assert result(case, rules, as_of=date(2024, 8, 31)).reoffended is False
    assert result(case, rules, as_of=date(2024, 9, 1)).reoffended is True


def test_first_date_count_and_harm_count_each_offence_once_and_skip_the_case_s_own_crime():
    rules = definition(event_types=["charge", "conviction"])
    case = completed_case()
    own_reference = case.crimes.get().reference
    CrimeRecordFactory(person=case.person, crime_reference=own_reference, offence_date=date(2024, 2, 1))
    for event in (EventType.CHARGE, EventType.CONVICTION):  # one offence, two events
        CrimeRecordFactory(person=case.person, crime_reference="LATER/1", event_type=event, offence_code="AS-ABH",
                           offence_date=date(2024, 8, 1), outcome_date=date(2024, 10, 1))
    CrimeRecordFactory(person=case.person, crime_reference="LATER/2", offence_code="TH-SHOP",
                       offence_date=date(2024, 4, 1), outcome_date=date(2024, 5, 1))
    # Before the index offence, within the same 12 months: one public order offence.
    CrimeRecordFactory(person=case.person, crime_reference="EARLIER/1", offence_code="PO-S5",
                       offence_date=date(2023, 1, 1), outcome_date=date(2023, 2, 1))
    CrimeRecordFactory(person=case.person, crime_reference="EARLIER/2", offence_code="PO-S5",
                       offence_date=date(2022, 11, 19), outcome_date=date(2023, 2, 1))  # more than 12 months before
    row = result(case, rules)
    assert (row.reoffended, row.first_offence_date, row.reoffence_count) == (True, date(2024, 4, 1), 2)
    assert row.harm_after == Decimal("366.00")  # violence with injury 365 + shoplifting 1
    assert row.harm_before == Decimal("7.50")   # public order 7.5
    assert row.weight_set.kind == "subgroup"


def test_every_follow_up_gets_its_own_result_and_a_second_run_replaces_the_first():
    rules = definition(follow_up_months=[12, 24])
    case = completed_case()
    CrimeRecordFactory(person=case.person, offence_date=date(2025, 6, 1), outcome_date=date(2025, 8, 1))
    services.reoffending_check_run(definition_id=rules.pk, as_of=AS_OF)
    run = services.reoffending_check_run(definition_id=rules.pk, as_of=AS_OF)
    rows = {row.follow_up_months: row for row in ReoffendingResult.objects.filter(case=case)}
    assert sorted(rows) == [12, 24]
    assert rows[12].reoffended is False and rows[24].reoffended is True
    assert set(ReoffendingResult.objects.values_list("run", flat=True)) == {run.pk}
    assert (run.cases_checked, run.cases_reoffended) == (1, 1)


def test_the_check_matches_the_plain_select_of_the_same_rules():
    rules = definition(follow_up_months=[12])
    cases = [completed_case() for _ in range(3)]
    CrimeRecordFactory(person=cases[0].person, offence_date=date(2024, 6, 1), outcome_date=date(2024, 7, 1))
    run = services.reoffending_check_run(definition_id=rules.pk, as_of=AS_OF)
    weights = services.harm_weights_for_check(run.weight_set)
    sql, params = checks.results_select(definition=rules, months=12, as_of=AS_OF, weights=weights)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        selected = {row[1]: (bool(row[7]), row[9]) for row in cursor.fetchall()}  # case, reoffended, count
    stored = {r.case_id: (r.reoffended, r.reoffence_count) for r in ReoffendingResult.objects.filter(run__definition=rules)}
    assert selected == stored
    assert stored[cases[0].pk] == (True, 1)
