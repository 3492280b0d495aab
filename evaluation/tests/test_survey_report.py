"""The ending-survey report: its figures against values computed here independently (scipy), disclosure control,
who may open it, the comments (managers only, never in the download) and its query count."""

import csv
import io
import math
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Person, Victim
from evaluation import selectors
from evaluation.models import SurveyInstrument, SurveyResponse
from evaluation.services import case_survey_comments_erase, survey_response_correct, survey_response_record
from evaluation.tests.factories import BreachedCaseFactory, CompletedCaseFactory, DeclinedCaseFactory
from keyworkers.models import Allocation
from keyworkers.tests.factories import StaffProfileFactory, TeamFactory
from oocr.accounts.tests.factories import (AdministratorFactory, EvidenceReviewOfficerFactory, KeyworkerFactory,
                                           SupervisorFactory, TeamManagerFactory)
from oocr.audit.models import AccessLog

pytestmark = pytest.mark.django_db

CLOSED = date(2026, 3, 2)
URL = "/evaluation/surveys/"
EXPORT = "/evaluation/surveys/export.csv"


def legitimacy() -> SurveyInstrument:
    return SurveyInstrument.objects.get(code="person_legitimacy", is_current=True)


def satisfaction() -> SurveyInstrument:
    return SurveyInstrument.objects.get(code="victim_satisfaction", is_current=True)


def closed_case(factory=CompletedCaseFactory, *, route=Case.Route.DEFERRED_CAUTION, on=CLOSED, victim=False) -> Case:
    case = factory(closed__on=on)
    Case.objects.filter(pk=case.pk).update(route=route)
    if victim:
        Victim.objects.create(crime=case.crimes.first(), name="Jenna Rowe")
    case.refresh_from_db()
    return case


def answer(case, instrument, timing, scores: list[int | None], comments: str = "") -> list[int | None]:
    codes = [item["code"] for item in instrument.items]
    survey_response_record(case_id=case.pk, user=KeyworkerFactory(), instrument_id=instrument.pk, timing=timing,
                           scores=dict(zip(codes, scores)), comments=comments)
    return scores


def scale(scores) -> float:
    answered = [s for s in scores if s is not None]
    return sum(answered) / len(answered)


def t_interval(values):
    from scipy import stats

    mean = sum(values) / len(values)
    return (mean, *stats.t.interval(0.95, len(values) - 1, loc=mean, scale=stats.sem(values)))


def wilson(count, n, z=1.959963984540054):
    """The Wilson score interval written out (not statsmodels, which the report uses)."""
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.fixture
def hand_made():
    """Seven legitimacy answers at closure on nine cases offered (two routes, two outcomes), three with a start too;
    a victim survey on two of the three cases that record a victim; and cases the report must leave out."""
    person = legitimacy()
    items = len(person.items)
    caution = [closed_case(victim=number < 3) for number in range(6)]
    charge = [closed_case(BreachedCaseFactory, route=Case.Route.DEFERRED_CHARGE) for _ in range(3)]
    end = {
        caution[0]: [5] * items, caution[1]: [4] * (items - 1) + [None], caution[2]: [3, 4, 5, 4, 3, 4, 5][:items],
        caution[3]: [2] * items, caution[4]: [4, 4, 4, 5, 5, 5, 3][:items], charge[0]: [1, 2, 2, 3, 1, 2, 2][:items],
        charge[1]: [3] * items,
    }
    for case, scores in end.items():
        answer(case, person, "end", scores, comments="Fair in the end." if case is caution[0] else "")
    start = {caution[0]: [3] * items, caution[2]: [2, 3, 3, 3, 2, 3, 3][:items], charge[0]: [2] * items}
    for case, scores in start.items():
        answer(case, person, "start", scores)
    victim = satisfaction()
    victims = {caution[0]: [5, 4, 5, 5, 4], caution[1]: [2, 3, None, 2, 3]}
    for case, scores in victims.items():
        answer(case, victim, "end", scores)
    # Left out: closed outside the period, opted for court, still open.
    answer(closed_case(on=CLOSED - timedelta(days=400)), person, "end", [1] * items)
    answer(closed_case(DeclinedCaseFactory), person, "end", [1] * items)
    return {"end": end, "start": start, "victims": victims, "caution": caution, "charge": charge}


def period():
    return {"closed_from": CLOSED - timedelta(days=30), "closed_to": CLOSED + timedelta(days=30)}


def test_the_figures_match_values_computed_independently(hand_made, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    report = selectors.survey_report(user=AdministratorFactory(), **period())
    figures = {f.instrument.code: f for f in report.instruments}
    person = figures["person_legitimacy"]
    end = hand_made["end"]

    assert (person.overall.rate.count, person.overall.rate.n) == (7, 9)
    assert (person.overall.rate.low, person.overall.rate.high) == pytest.approx(wilson(7, 9))
    scores = [scale(s) for s in end.values()]
    mean, low, high = t_interval(scores)
    assert (person.overall.score.mean, person.overall.score.low, person.overall.score.high) == pytest.approx((mean, low, high))
    assert person.overall.score.n == 7

    routes = {g.key: g for g in person.by_route}
    caution_scores = [scale(end[c]) for c in hand_made["caution"] if c in end]
    assert (routes["deferred_caution"].offered, routes["deferred_caution"].rate.count) == (6, 5)
    assert (routes["deferred_caution"].score.mean, routes["deferred_caution"].score.low,
            routes["deferred_caution"].score.high) == pytest.approx(t_interval(caution_scores))
    outcomes = {g.key: g for g in person.by_outcome}
    assert [(outcomes[k].offered, outcomes[k].rate.count) for k in ("completed", "breached", "withdrawn")] == [(6, 5), (3, 2), (0, 0)]
    assert outcomes["withdrawn"].score.mean is None

    codes = [item["code"] for item in legitimacy().items]
    for index, item in enumerate(person.items):
        column = [scores[index] for scores in end.values()]
        assert item.code == codes[index]
        assert item.counts == [column.count(score) for score in range(1, 6)]
        assert item.not_answered == column.count(None)

    start = hand_made["start"]
    pairs = [(scale(start[c]), scale(end[c])) for c in start]
    differences = [after - before for before, after in pairs]
    assert person.change.n == 3
    assert (person.change.mean, person.change.low, person.change.high) == pytest.approx(t_interval(differences))
    assert person.before.mean == pytest.approx(sum(b for b, _ in pairs) / 3)

    victim = figures["victim_satisfaction"]
    assert (victim.overall.rate.count, victim.overall.rate.n) == (2, 3)  # offered only where a victim is recorded
    assert victim.overall.score.mean == pytest.approx((scale([5, 4, 5, 5, 4]) + scale([2, 3, None, 2, 3])) / 2)
    assert victim.change.n == 0 and victim.change.mean is None


def test_the_statistics_module_s_t_interval_matches_scipy():
    from evaluation.statistics import mean_t_interval

    values = [1.5, 2.25, 4.0, 3.75, 5.0, 2.0]
    result = mean_t_interval(values)
    assert (result.mean, result.low, result.high) == pytest.approx(t_interval(values))
    assert mean_t_interval([3.0]).low is None and mean_t_interval([]).mean is None
    assert mean_t_interval([4.0, 4.0]).low == 4.0


def test_the_period_leaves_out_cases_closed_outside_it(hand_made, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    everything = selectors.survey_report(user=AdministratorFactory())
    within = selectors.survey_report(user=AdministratorFactory(), **period())
    person = lambda report: next(f for f in report.instruments if f.instrument.code == "person_legitimacy")  # noqa: E731
    assert (person(everything).overall.rate.count, person(everything).overall.rate.n) == (8, 10)
    assert (person(within).overall.rate.count, person(within).overall.rate.n) == (7, 9)


def test_the_period_takes_whole_local_days_at_both_ends(settings):
    settings.TIME_ZONE = "Europe/London"
    summer = date(2026, 7, 1)
    inside = [closed_case(on=summer), closed_case(on=summer + timedelta(days=1))]
    outside = [closed_case(on=summer), closed_case(on=summer + timedelta(days=1))]
    london = timezone.get_current_timezone()
    moments = [(inside[0], datetime(2026, 7, 1, 0, 5)), (inside[1], datetime(2026, 7, 2, 23, 55)),  # local times, BST
               (outside[0], datetime(2026, 6, 30, 23, 55)), (outside[1], datetime(2026, 7, 3, 0, 5))]
    for case, local in moments:
        Case.objects.filter(pk=case.pk).update(closed_at=local.replace(tzinfo=london))
    offered = selectors.survey_offered_cases(closed_from=summer, closed_to=summer + timedelta(days=1))
    assert set(offered.values_list("pk", flat=True)) == {case.pk for case in inside}


def test_a_small_group_is_hidden_and_a_second_withheld_so_the_total_cannot_give_it_back(client, settings):
    settings.DISCLOSURE_THRESHOLD = 3  # the rule at a lower threshold: the same table with fewer cases to make
    person = legitimacy()
    items = len(person.items)
    for number in range(8):  # deferred caution: 5 of 8 answered
        case = closed_case()
        if number < 5:
            answer(case, person, "end", [4 if number % 2 else 5] * items)
    for number in range(5):  # deferred charge: 2 of 5 answered, a small group
        case = closed_case(route=Case.Route.DEFERRED_CHARGE)
        if number < 2:
            answer(case, person, "end", [1] * items)
    client.force_login(AdministratorFactory())
    rows = list(csv.reader(io.StringIO(client.get(EXPORT).content.decode())))
    header, caution, charge, everyone = rows[rows.index([f"{person.name}: response rate and scale score by route"]) + 1:][:4]
    assert header == ["route", "cases_offered", "responses", "response_rate", "rate_low", "rate_high", "mean_score",
                      "score_low", "score_high"]
    # Deferred charge: 2 answers, hidden as small, and the rate and scores built on them.
    assert charge == ["Deferred charge", "5", *["fewer than 3"] * 7]
    # Deferred caution's 5 would give the 2 back from the total of 7: withheld, with its rate and score.
    assert caution == ["Deferred caution", "8", *["withheld"] * 7]
    assert everyone[:3] == ["Everyone offered", "13", "7"]
    assert float(everyone[6]) == pytest.approx((3 * 5 + 2 * 4 + 2 * 1) / 7, abs=0.005)  # two places in the CSV
    page = client.get(URL).content.decode()
    assert "fewer than 3" in page and "withheld" in page
    assert "Counts below 3" in page  # the rule, stated


@pytest.mark.parametrize("user_factory", [KeyworkerFactory, EvidenceReviewOfficerFactory, SupervisorFactory])
def test_staff_who_are_not_managers_are_refused(client, user_factory):
    client.force_login(user_factory())
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_the_comments_are_on_the_page_for_a_manager_without_the_case_and_never_in_the_download(client, hand_made, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    case = hand_made["caution"][0]
    # A name no generated staff name can contain (the manager's own name is on the page: "Williamson" held "Williams").
    Person.objects.filter(pk=case.person_id).update(last_name="Quillerquoit")
    client.force_login(TeamManagerFactory())
    page = client.get(URL, period())
    content = page.content.decode()
    assert page.status_code == 200
    assert "Fair in the end." in content
    assert case.number not in content and "Quillerquoit" not in content
    download = client.get(EXPORT, period())
    text = download.content.decode()
    assert "Fair in the end." not in text
    assert "legitimacy" in text.lower()
    assert AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT, justification__startswith="Survey report").exists()


def test_a_team_manager_reads_the_comments_of_their_own_team_s_cases_only(client, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    person = legitimacy()
    theirs, others = closed_case(), closed_case()
    team_keyworker = StaffProfileFactory(team=TeamFactory(name="North")).user
    other_keyworker = StaffProfileFactory(team=TeamFactory(name="South")).user
    for case, keyworker in ((theirs, team_keyworker), (others, other_keyworker)):
        now = timezone.now()
        Allocation.objects.create(case=case, keyworker=keyworker, allocated_by=keyworker, allocated_at=now, ended_at=now,
                                  ended_by=keyworker, end_reason=Allocation.EndReason.CASE_CLOSED)
    answer(theirs, person, "end", [4] * len(person.items), comments="Ours: kind words.")
    answer(others, person, "end", [4] * len(person.items), comments="Theirs: not for this team.")
    manager = StaffProfileFactory(user=TeamManagerFactory(), team=TeamFactory(name="North")).user
    client.force_login(manager)
    content = client.get(URL).content.decode()
    assert "Ours: kind words." in content and "Theirs: not for this team." not in content
    client.force_login(AdministratorFactory())
    content = client.get(URL).content.decode()
    assert "Ours: kind words." in content and "Theirs: not for this team." in content


def test_the_download_states_what_the_figures_are_in_its_first_lines(client, hand_made, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    client.force_login(AdministratorFactory())
    response = client.get(EXPORT, {"closed_from": "2026-02-01", "closed_to": "2026-04-01"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    head = dict(rows[:rows.index([])])
    assert head["report"] == "Ending surveys"
    assert head["filters"] == "Closed on or after: 1 February 2026; Closed on or before: 1 April 2026"
    assert {"as at", "cases offered", "response rate", "scale score", "before and after", "disclosure control"} <= set(head)
    assert response["Content-Type"].startswith("text/csv")


def test_a_wrong_date_is_reported_and_left_out(client, hand_made, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    client.force_login(AdministratorFactory())
    response = client.get(URL, {"closed_from": "2026-02-31", "closed_to": "2026-04-01"})
    assert response.status_code == 200
    assert "Enter the first day of the period as a date" in response.content.decode()
    response = client.get(URL, {"closed_from": "2026-05-01", "closed_to": "2026-04-01"})
    assert "The last day of the period must be on or after the first day" in response.content.decode()


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_responses(client, settings,
                                                                                  django_assert_max_num_queries):
    settings.DISCLOSURE_THRESHOLD = 0
    person = legitimacy()
    manager = TeamManagerFactory()
    client.force_login(manager)
    answer(closed_case(), person, "end", [3] * len(person.items), comments="One.")
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for number in range(6):
        case = closed_case(BreachedCaseFactory if number % 2 else CompletedCaseFactory, victim=True)
        answer(case, person, "start", [2] * len(person.items))
        answer(case, person, "end", [4] * len(person.items), comments=f"Comment {number}.")
        answer(case, satisfaction(), "end", [5] * len(satisfaction().items))
    with django_assert_max_num_queries(len(few)):
        content = client.get(URL).content.decode()
    assert "Comment 5." in content
    # The session (read and saved), the user, its rights and its unread notifications; then the report's reads: the
    # cases offered, the responses, the answers, the instruments, the manager's team and the comments.
    assert len(few) <= 14


def test_comments_are_kept_corrected_and_erased_at_retention():
    person = legitimacy()
    case = closed_case(on=timezone.localdate())
    Case.objects.filter(pk=case.pk).update(closed_at=None, status=Case.Status.ACTIVE)
    codes = [item["code"] for item in person.items]
    keyworker = KeyworkerFactory()
    response = survey_response_record(case_id=case.pk, user=keyworker, instrument_id=person.pk, timing="start",
                                      scores={code: 3 for code in codes}, comments="  Nervous at first.  ")
    assert response.comments == "Nervous at first."
    survey_response_correct(case_id=case.pk, user=keyworker, response_id=response.pk, scores={code: 3 for code in codes},
                            comments="Nervous, then at ease.")
    response.refresh_from_db()
    assert response.comments == "Nervous, then at ease."
    event = case.events.order_by("-pk").first()
    assert "comments changed" in event.text and "at ease" not in event.text
    assert case_survey_comments_erase(case_id=case.pk) == 1
    assert SurveyResponse.objects.get(pk=response.pk).comments == ""
    assert SurveyResponse.objects.get(pk=response.pk).answers.count() == len(codes)  # the scores stay


def test_the_page_is_linked_from_the_cohort_report_and_the_dashboard(client):
    client.force_login(AdministratorFactory())
    for url in (reverse("evaluation:report"), reverse("evaluation:dashboard"), reverse("evaluation:home")):
        assert f'href="{URL}"' in client.get(url).content.decode(), url
