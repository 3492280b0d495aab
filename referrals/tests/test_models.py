"""The referral's lifecycle, its overdue dates and a partner's eligibility: rules without the database."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.models import CaseStateError, Person
from referrals.models import Partner, Referral

S = Referral.Status
LEGAL = {
    (S.DRAFT, S.SENT), (S.DRAFT, S.WITHDRAWN),
    (S.SENT, S.ACKNOWLEDGED), (S.SENT, S.ENGAGED), (S.SENT, S.DECLINED), (S.SENT, S.WITHDRAWN),
    (S.ACKNOWLEDGED, S.ENGAGED), (S.ACKNOWLEDGED, S.DECLINED), (S.ACKNOWLEDGED, S.DISENGAGED),
    (S.ACKNOWLEDGED, S.WITHDRAWN),
    (S.ENGAGED, S.COMPLETED), (S.ENGAGED, S.DISENGAGED), (S.ENGAGED, S.WITHDRAWN),
}
REASON = {S.DECLINED: "no_capacity", S.DISENGAGED: "did_not_attend", S.WITHDRAWN: "need_met"}
ALL_MOVES = [(start, end) for start in S.values for end in S.values]


def at(status: str) -> Referral:
    return Referral(status=status, sent_on=date(2026, 11, 2) if status != S.DRAFT else None)


@pytest.mark.parametrize("start, end", [move for move in ALL_MOVES if move in LEGAL])
def test_a_legal_move_sets_the_status_and_the_date_of_the_step(start, end):
    referral = at(start)
    referral.move(end, on=date(2026, 11, 20), reason=REASON.get(end, ""))
    assert referral.status == end
    step_date = {S.SENT: "sent_on", S.ACKNOWLEDGED: "acknowledged_on", S.ENGAGED: "engaged_on",
                 S.COMPLETED: "completed_on"}.get(end, "ended_on")
    assert getattr(referral, step_date) == date(2026, 11, 20)
    assert referral.end_reason == REASON.get(end, "")


@pytest.mark.parametrize("start, end", [move for move in ALL_MOVES if move not in LEGAL])
def test_an_illegal_move_is_refused_with_a_sentence(start, end):
    referral = at(start)
    with pytest.raises(CaseStateError, match=f"A referral that is {S(start).label.lower()} cannot be marked"):
        referral.move(end, on=date(2026, 11, 20), reason=REASON.get(end, ""))
    assert referral.status == start


def test_engagement_straight_after_sending_counts_as_acknowledged_the_same_day():
    referral = at(S.SENT)
    referral.move(S.ENGAGED, on=date(2026, 11, 9))
    assert referral.acknowledged_on == referral.engaged_on == date(2026, 11, 9)


@pytest.mark.parametrize("ending", [S.DECLINED, S.WITHDRAWN])
def test_an_ending_needs_a_reason_from_its_own_list(ending):
    referral = at(S.SENT)
    with pytest.raises(ValidationError, match="Choose why"):
        referral.move(ending, on=date(2026, 11, 9))
    with pytest.raises(ValidationError, match="Choose why"):
        referral.move(ending, on=date(2026, 11, 9), reason="did_not_attend")  # a disengagement reason
    assert referral.status == S.SENT


def test_a_step_cannot_be_dated_before_the_last_one():
    referral = at(S.SENT)
    with pytest.raises(ValidationError, match="cannot be before the last step, on 2 November 2026"):
        referral.move(S.ACKNOWLEDGED, on=date(2026, 11, 1))


# Sent on Friday 6 November 2026 to a partner who acknowledges in 3 working days and sees people in 10:
# acknowledgement is due by Wednesday 11 November, the first appointment by Friday 20 November.
@pytest.mark.parametrize("status, today, expected", [
    (S.SENT, date(2026, 11, 11), ""),
    (S.SENT, date(2026, 11, 12), "Not acknowledged: due by 11 November"),
    (S.ACKNOWLEDGED, date(2026, 11, 12), ""),
    (S.ACKNOWLEDGED, date(2026, 11, 20), ""),
    (S.ACKNOWLEDGED, date(2026, 11, 21), "No first appointment: due by 20 November"),
    (S.SENT, date(2026, 11, 23), "Not acknowledged: due by 11 November"),
    (S.ENGAGED, date(2026, 12, 31), ""),
    (S.DRAFT, date(2026, 12, 31), ""),
    (S.WITHDRAWN, date(2026, 12, 31), ""),
])
def test_overdue_counts_working_days_from_sending_across_weekends(status, today, expected):
    from oocr.working_days import add_working_days

    friday = date(2026, 11, 6)
    referral = Referral(status=status, sent_on=friday, acknowledge_by=add_working_days(friday, 3),
                        engage_by=add_working_days(friday, 10))
    assert referral.acknowledge_by == date(2026, 11, 11) and referral.engage_by == date(2026, 11, 20)
    assert referral.overdue(today) == expected


@pytest.mark.parametrize("sex, age, problems", [
    ("female", 22, []),
    ("male", 22, ["Women's service takes women only"]),
    ("female", 17, ["Women's service takes people aged 18 or over; the person is 17"]),
    ("female", 26, ["Women's service takes people aged up to 25; the person is 26"]),
])
def test_eligibility_names_each_rule_the_person_falls_outside(sex, age, problems):
    partner = Partner(name="Women's service", sex="female", min_age=18, max_age=25)
    today = date(2026, 11, 26)
    person = Person(sex=sex, date_of_birth=date(today.year - age, 1, 1))
    assert partner.eligibility_problems(person, on=today) == problems


@pytest.mark.parametrize("areas, cleaned", [("pl, tq", "PL TQ"), ("  EX  ", "EX"), ("", "")])
def test_areas_are_tidied_to_postcode_areas(areas, cleaned):
    partner = Partner(areas=areas, min_age=None, max_age=None)
    partner.clean()
    assert partner.areas == cleaned


def test_areas_must_be_postcode_letters():
    with pytest.raises(ValidationError, match="postcode areas"):
        Partner(areas="Plymouth 1").clean()
