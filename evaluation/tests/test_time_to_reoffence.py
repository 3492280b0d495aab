"""Issue 18, point 5: time to first reoffence. Kaplan-Meier and the log-rank test against values computed here (by
hand, with numpy and scipy) and against lifelines; censoring at the as-at date; suppression of a small group; the rule
that shows or withholds the Cox model; who may open the page; its queries."""

import random
from datetime import date

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lifelines import CoxPHFitter, KaplanMeierFitter
from scipy import stats as scipy_stats

from evaluation import selectors, services, survival
from evaluation.models import ReportChart
from evaluation.survival import Subject
from evaluation.tests.factories import CompletedCaseFactory, CrimeRecordFactory
from evaluation.tests.test_views import AS_OF, cohort, csv_parts, proven
from oocr.accounts.tests.factories import AdministratorFactory, KeyworkerFactory, TeamManagerFactory
from oocr.audit.models import AccessLog

GROUPS = selectors.GROUPS
COMPARISONS = selectors.COMPARISONS
PAGE = "evaluation:time_to_reoffence"


@pytest.fixture
def threshold_10(settings):
    settings.DISCLOSURE_THRESHOLD = 10


@pytest.fixture
def every_figure_shown(settings):
    settings.DISCLOSURE_THRESHOLD = 0


# --- The statistics, without the database ------------------------------------------------------------------


def test_kaplan_meier_on_a_tiny_example_worked_by_hand():
    # Five people: reoffended on days 2, 3 and 5; censored on days 3 (the as-at date) and 8 (the end of follow-up).
    points = survival.kaplan_meier_curve([2, 3, 3, 5, 8], [True, True, False, True, False])
    by_day = {day: (value, at_risk) for day, value, _, _, at_risk in points}
    assert by_day[0] == (1.0, 5)
    assert by_day[2][0] == pytest.approx(4 / 5)  # 1 of 5 at risk reoffended
    assert by_day[3][0] == pytest.approx(4 / 5 * 3 / 4)  # 1 of the 4 still at risk; the censored one leaves after
    assert by_day[5][0] == pytest.approx(4 / 5 * 3 / 4 * 1 / 2)  # 1 of the 2 left
    assert by_day[8] == (pytest.approx(0.3), 1)  # censored: the curve stays
    milestone = survival.milestone_at(points, [2, 3, 3, 5, 8], 0)
    assert milestone.survival == 1.0 and milestone.at_risk == 5
    assert survival.milestone_at(points, [2, 3, 3, 5, 8], 12).survival is None  # nobody followed a year


def fixed_data(seed=2026, people=80):
    """Two groups with exponential times, censored at a random as-at date or at 365 days."""
    rng = random.Random(seed)
    rows = []
    for group, rate in (("completed", 1 / 900), ("declined", 1 / 400)):
        for _ in range(people):
            time_to_event = int(rng.expovariate(rate)) + 1
            censor = min(365, rng.randint(30, 800))
            rows.append((group, min(time_to_event, censor), time_to_event <= censor))
    return rows


def km_by_hand(days, events):
    """The product-limit estimate and its exponential Greenwood 95% interval, written out here."""
    days, events = np.asarray(days), np.asarray(events, dtype=bool)
    result, survival_now, greenwood = {}, 1.0, 0.0
    for t in np.unique(days):
        at_risk = int((days >= t).sum())
        died = int(((days == t) & events).sum())
        if died:
            survival_now *= 1 - died / at_risk
            greenwood += died / (at_risk * (at_risk - died)) if at_risk > died else np.inf
        if 0 < survival_now < 1:
            v = greenwood / np.log(survival_now) ** 2
            z = scipy_stats.norm.ppf(0.975)
            low, high = survival_now ** np.exp(z * np.sqrt(v)), survival_now ** np.exp(-z * np.sqrt(v))
        else:
            low = high = None
        result[int(t)] = (survival_now, low, high, at_risk)
    return result


def test_kaplan_meier_and_its_interval_agree_with_the_formula_worked_here_and_with_lifelines():
    rows = fixed_data()
    days = [d for g, d, _ in rows if g == "declined"]
    events = [e for g, _, e in rows if g == "declined"]
    points = survival.kaplan_meier_curve(days, events)
    expected = km_by_hand(days, events)
    lifelines_fit = KaplanMeierFitter().fit(days, events).survival_function_.iloc[:, 0]
    for day, value, low, high, at_risk in points[1:]:
        assert value == pytest.approx(expected[day][0]) == pytest.approx(float(lifelines_fit.loc[day]))
        assert at_risk == expected[day][3]
        if expected[day][1] is not None:
            assert (low, high) == (pytest.approx(expected[day][1], abs=1e-9), pytest.approx(expected[day][2], abs=1e-9))
    # Read at 6 months: the last step on or before day 183.
    six = survival.milestone_at(points, days, 6)
    assert six.day == 183 and six.at_risk == sum(1 for d in days if d >= 183)
    assert six.survival == pytest.approx(expected[max(d for d in expected if d <= 183)][0])


def log_rank_by_hand(a_days, a_events, b_days, b_events):
    days = np.asarray(a_days + b_days)
    events = np.asarray(a_events + b_events, dtype=bool)
    in_a = np.asarray([True] * len(a_days) + [False] * len(b_days))
    observed = expected = variance = 0.0
    for t in np.unique(days[events]):
        at_risk = days >= t
        n, n_a = at_risk.sum(), (at_risk & in_a).sum()
        d = ((days == t) & events).sum()
        d_a = ((days == t) & events & in_a).sum()
        observed += d_a
        expected += d * n_a / n
        variance += d * (n_a / n) * (1 - n_a / n) * (n - d) / (n - 1) if n > 1 else 0
    statistic = (observed - expected) ** 2 / variance
    return statistic, scipy_stats.chi2.sf(statistic, 1)


def subjects_of(rows, *, baseline=None):
    made = []
    for index, (group, days, event) in enumerate(rows):
        groups = (group, "started") if group in ("completed", "breached") else (group,)
        extra = baseline(index, group) if baseline else {}
        made.append(Subject(groups=groups, days=days, reoffended=event, before_end=not event and days < 365, **extra))
    return made


def test_the_log_rank_test_agrees_with_the_statistic_worked_here_and_with_lifelines():
    from lifelines.statistics import logrank_test

    rows = fixed_data()
    figures = survival.time_to_reoffence(subjects=subjects_of(rows), months=12, groups=GROUPS, comparisons=COMPARISONS)
    test = figures.log_rank[0]
    assert (test.first, test.second) == ("completed", "declined")
    a = [(d, e) for g, d, e in rows if g == "completed"]
    b = [(d, e) for g, d, e in rows if g == "declined"]
    statistic, p_value = log_rank_by_hand([d for d, _ in a], [e for _, e in a], [d for d, _ in b], [e for _, e in b])
    assert test.statistic == pytest.approx(statistic, rel=1e-9)
    assert test.p_value == pytest.approx(p_value, rel=1e-9)
    reference = logrank_test([d for d, _ in a], [d for d, _ in b], [e for _, e in a], [e for _, e in b])
    assert test.p_value == pytest.approx(reference.p_value)
    assert test.p_value < 0.05  # the declined reoffend at twice the rate: the data set is built to show it
    # Nobody breached: that comparison has no test, and no model.
    assert figures.log_rank[2].statistic is None and figures.cox[2].reason


def baseline_for(seed=7):
    rng = random.Random(seed)
    offences = ["Shoplifting", "Criminal damage", "Public order offences", "Possession of drugs"]
    return lambda index, group: {"age": rng.randint(18, 60), "sex": rng.choice(["male", "male", "female"]),
                                 "previous_offences": rng.randint(0, 4), "offence_group": rng.choice(offences + ["Rare"] if index % 40 == 0 else offences)}


def test_the_cox_model_is_shown_with_ten_reoffences_per_parameter_and_agrees_with_lifelines():
    rows = fixed_data(people=300)
    subjects = subjects_of(rows, baseline=baseline_for())
    figures = survival.time_to_reoffence(subjects=subjects, months=12, groups=GROUPS, comparisons=COMPARISONS)
    model = figures.cox[0]
    # group, age, previous offences, sex (female against male), three offence groups against the largest ("Rare",
    # with fewer than 10 people, is counted with the largest).
    assert model.parameters == 7
    assert model.events >= 70 and model.reason == ""
    assert model.terms[0].name.startswith("Completed the contract")
    assert not any("Rare" in term.name for term in model.terms)
    # lifelines, fitted here on the same people, the group alone.
    first = [s for s in subjects if "completed" in s.groups]
    second = [s for s in subjects if "declined" in s.groups]
    import pandas as pd

    frame = pd.DataFrame({"days": [s.days for s in first + second], "event": [int(s.reoffended) for s in first + second],
                          "group": [1] * len(first) + [0] * len(second)})
    unadjusted = CoxPHFitter().fit(frame, "days", "event").summary.loc["group"]
    assert model.unadjusted.hazard_ratio == pytest.approx(unadjusted["exp(coef)"])
    assert model.unadjusted.low == pytest.approx(unadjusted["exp(coef) lower 95%"])
    assert model.adjusted.hazard_ratio < 1  # completers reoffend less, adjusted or not
    shown = survival.cox_table(figures).rows[0]
    assert float(shown[3].html) == pytest.approx(model.adjusted.hazard_ratio, abs=0.005)
    assert survival.cox_rule_table(figures).rows[0][-1].html == "Shown"
    terms = survival.cox_terms_tables(figures)
    assert [t.key for t in terms] == ["cox-completed-declined", "cox-started-declined"]  # nobody breached here
    assert len(terms[0].rows) == 7


def test_the_cox_model_is_not_shown_below_ten_reoffences_per_parameter_and_says_why(every_figure_shown):
    rows = fixed_data(people=40)
    figures = survival.time_to_reoffence(subjects=subjects_of(rows, baseline=baseline_for()), months=12, groups=GROUPS,
                                         comparisons=COMPARISONS)
    model = figures.cox[0]
    assert model.adjusted is None and model.terms == []
    assert model.events < 10 * model.parameters
    assert model.reason == (f"Not shown: {model.events} reoffences among the {model.people} people compared, and the "
                            f"model estimates {model.parameters} parameters, which needs at least "
                            f"{10 * model.parameters} (10 for each).")
    assert survival.cox_table(figures).rows[0][3].html == "not shown"
    rule = survival.cox_rule_table(figures).rows[0]
    assert rule[4].html == str(10 * model.parameters)
    assert rule[-1].html == f"Adjusted model not shown: {model.events} reoffences, {10 * model.parameters} needed"
    # The group alone is one parameter: shown with 10 reoffences or more.
    assert model.events >= 10 and model.unadjusted is not None
    assert float(survival.cox_table(figures).rows[0][1].html) == pytest.approx(model.unadjusted.hazard_ratio, abs=0.005)


def test_a_small_group_is_neither_drawn_nor_tabulated(threshold_10):
    rows = fixed_data(people=120) + [("breached", 100, True), ("breached", 365, False), ("breached", 200, True)]
    figures = survival.time_to_reoffence(subjects=subjects_of(rows), months=12, groups=GROUPS, comparisons=COMPARISONS)
    groups, table = survival.groups_table(figures), survival.kaplan_meier_table(figures)
    assert [figure.html for figure in groups.rows[1]] == ["Breached"] + ["fewer than 10"] * 3
    breached = [row for row in table.csv_rows if row[0] == "Breached"]
    assert len(breached) == 3 and all(cell == "fewer than 10" for row in breached for cell in row[2:])
    assert groups.rows[0][1].html == "120"
    completed = [row for row in table.rows if row[0].value == "Completed the contract"]
    assert all(row[3].html.endswith("%") for row in completed)
    # The log-rank test and the model of completed against breached rest on the small group.
    assert survival.log_rank_table(figures).rows[2][3].html == "fewer than 10"
    assert survival.cox_table(figures).rows[2][1].html == "fewer than 10"
    assert survival.cox_rule_table(figures).rows[2][-1].html == "fewer than 10"
    svg = survival.survival_chart(figures, [("definition", "Proven reoffending")]).decode()
    assert "Not drawn (fewer than 10 or withheld): Breached" in svg
    assert ">Completed the contract<" in svg or "Completed the contract" in svg.split("Not drawn")[0]


def test_all_who_started_is_withheld_when_it_would_give_back_a_small_group_by_subtraction(threshold_10):
    # Completed and breached shown; 4 people withdrew after starting: all who started less the two would show them.
    rows = fixed_data(people=120) + [("breached", 100 + i, i % 2 == 0) for i in range(40)]
    withdrawn = [Subject(groups=("started",), days=50 + i, reoffended=i < 2, before_end=i >= 2) for i in range(4)]
    figures = survival.time_to_reoffence(subjects=subjects_of(rows) + withdrawn, months=12, groups=GROUPS,
                                         comparisons=COMPARISONS)
    started = next(row for row in survival.groups_table(figures).rows if row[0].value.startswith("All who started"))
    assert [figure.html for figure in started[1:]] == ["withheld"] * 3
    assert survival.log_rank_table(figures).rows[1][3].html == "withheld"  # started against court rests on it
    assert survival.log_rank_table(figures).rows[0][3].html != "withheld"  # completed against court does not
    # With 40 who withdrew after starting (20 reoffending), nothing small is left over: shown.
    withdrawn = [Subject(groups=("started",), days=50 + i, reoffended=i < 20, before_end=False) for i in range(40)]
    figures = survival.time_to_reoffence(subjects=subjects_of(rows) + withdrawn, months=12, groups=GROUPS,
                                         comparisons=COMPARISONS)
    started = next(row for row in survival.groups_table(figures).rows if row[0].value.startswith("All who started"))
    assert started[1].html == str(sum(1 for group, _, _ in rows if group != "declined") + 40)


def test_a_milestone_with_fewer_than_10_at_risk_shows_no_share(threshold_10):
    # 30 people, 12 reoffending early; all but 5 censored at the as-at date before 6 months.
    rows = [("declined", 20 + i, True) for i in range(12)] + [("declined", 100, False)] * 13 + [("declined", 365, False)] * 5
    figures = survival.time_to_reoffence(subjects=subjects_of(rows), months=12, groups=GROUPS, comparisons=COMPARISONS)
    three, six, twelve = [row for row in survival.kaplan_meier_table(figures).rows if row[0].value.startswith("Declined")]
    assert three[1].html == "3 months" and three[2].html == "18" and three[3].html == "60.0%"  # 18 of 30 left
    assert [figure.html for figure in six[2:]] == ["fewer than 10"] * 3
    assert [figure.html for figure in twelve[2:]] == ["fewer than 10"] * 3


# --- Through the database and the pages -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_not_yet_at_follow_up_is_censored_at_the_as_at_date_and_a_later_offence_is_not_known():
    case = CompletedCaseFactory(person__date_of_birth=date(1990, 3, 1), crime__offence_date=date(2026, 4, 1),
                                closed__on=date(2026, 7, 1), closed__decided_on=date(2026, 6, 1))
    # After the check's as-at date (1 November 2026): not known to the check.
    CrimeRecordFactory(person=case.person, offence_code="AS-ABH", offence_date=date(2026, 11, 20), outcome_date=date(2026, 11, 25))
    run = services.reoffending_check_run(definition_id=proven().pk, as_of=AS_OF)
    services.reoffending_check_run_publish(run_id=run.pk, user=AdministratorFactory())
    figures = selectors.time_to_reoffence_figures(results=selectors.report_results(definition_id=proven().pk, months=12),
                                                  months=12)
    completed = figures.curve["completed"]
    assert (completed.people, completed.events, completed.censored_before_end) == (1, 0, 1)
    assert completed.points[-1][0] == (AS_OF - date(2026, 6, 1)).days == 153
    assert completed.milestones[0].at_risk == 1 and completed.milestones[-1].survival is None  # not followed a year
    assert figures.not_yet_at_follow_up == 1


@pytest.mark.django_db
def test_the_page_shows_the_curves_tests_caveat_and_definition(client, every_figure_shown):
    cohort()
    client.force_login(AdministratorFactory())
    response = client.get(reverse(PAGE))
    content = response.content.decode()
    assert response.status_code == 200
    assert "These groups are self-selected, not randomised" in content
    assert 'data-testid="kaplan-meier-table"' in content and 'data-testid="log-rank-table"' in content
    assert "Proven reoffending" in content and "Decision date" in content
    assert "age on the offence date" in content and "offence group" in content
    figures = response.context["figures"]
    assert figures.curve["completed"].people == 3 and figures.curve["completed"].events == 1
    assert 'data-testid="randomised"' not in content
    # Linked from the cohort report and the evaluation home.
    assert reverse(PAGE) in client.get(reverse("evaluation:report")).content.decode()
    assert reverse(PAGE) in client.get(reverse("evaluation:home")).content.decode()


@pytest.mark.django_db
def test_a_small_cohort_shows_fewer_than_10_on_the_page_the_csv_and_the_chart(client, threshold_10):
    cohort()  # 3 completed (1 reoffended), 2 declined, 1 breached
    client.force_login(TeamManagerFactory())
    content = client.get(reverse(PAGE)).content.decode()
    assert "fewer than 10" in content and "66.7%" not in content
    header, rows = csv_parts(client.get(reverse("evaluation:time_to_reoffence_export", args=["kaplan-meier"])))
    assert len(rows) == 1 + 4 * 3 and all(cell == "fewer than 10" for row in rows[1:] for cell in row[2:])
    header, rows = csv_parts(client.get(reverse("evaluation:time_to_reoffence_export", args=["groups"])))
    assert all(cell == "fewer than 10" for row in rows[1:] for cell in row[1:])
    svg = client.get(reverse("evaluation:time_to_reoffence_chart")).content.decode()
    assert "Not drawn (fewer than 10 or withheld): Completed the contract, Breached, Declined, All who started" in svg


@pytest.mark.django_db
def test_the_csv_states_the_definition_and_the_download_is_logged(client, every_figure_shown):
    run = cohort()
    user = TeamManagerFactory()
    client.force_login(user)
    for table in ("groups", "kaplan-meier", "log-rank", "cox", "cox-rule"):
        response = client.get(reverse("evaluation:time_to_reoffence_export", args=[table]), {"sex": "male"})
        header, rows = csv_parts(response)
        assert header["as at"] == run.as_of.isoformat() and header["published check run"] == str(run.pk)
        assert header["start point"].startswith("Decision date") and header["filters"] == "Sex: Male"
        assert header["waiting period"].startswith("6 months") and "censored" in header["time"]
        assert "fewer than" in header["disclosure control"]
    header, rows = csv_parts(client.get(reverse("evaluation:time_to_reoffence_export", args=["groups"])))
    assert rows[0] == ["group", "people", "reoffended", "censored_before_end"]
    assert rows[1][:3] == ["Completed the contract", "3", "1"]
    header, rows = csv_parts(client.get(reverse("evaluation:time_to_reoffence_export", args=["kaplan-meier"])))
    assert rows[0] == ["group", "months", "at_risk", "survival", "low", "high"]
    # Completed: one of the three reoffended on day 143 (1 June 2024, after a decision on 10 January).
    assert rows[1][:4] == ["Completed the contract", "3 months", "3", "1.0"]
    assert rows[2][:4] == ["Completed the contract", "6 months", "2", "0.6667"]
    assert AccessLog.objects.filter(user=user, kind=AccessLog.Kind.DISCLOSURE).count() == 7
    assert client.get(reverse("evaluation:time_to_reoffence_export", args=["zzz"])).status_code == 404


@pytest.mark.django_db
def test_the_figures_and_chart_are_computed_once_and_kept_with_the_run(client, every_figure_shown, monkeypatch):
    run = cohort()
    client.force_login(TeamManagerFactory())
    client.get(reverse(PAGE))
    client.get(reverse("evaluation:time_to_reoffence_chart"))
    kept = set(ReportChart.objects.filter(run=run, key__startswith="time-to-reoffence").values_list("key", flat=True))
    assert len(kept) == 2

    def never(**kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(selectors, "time_to_reoffence_figures", never)
    assert client.get(reverse(PAGE)).status_code == 200
    assert client.get(reverse("evaluation:time_to_reoffence_chart"))["Content-Type"] == "image/svg+xml"


@pytest.mark.django_db
def test_without_a_published_run_the_page_says_so_and_the_chart_and_csv_are_not_found(client):
    cohort(publish=False)
    client.force_login(AdministratorFactory())
    content = client.get(reverse(PAGE)).content.decode()
    assert "No reoffending check has been published" in content
    assert client.get(reverse("evaluation:time_to_reoffence_chart")).status_code == 404
    assert client.get(reverse("evaluation:time_to_reoffence_export", args=["kaplan-meier"])).status_code == 404


@pytest.mark.django_db
def test_a_keyworker_is_refused_and_a_visitor_is_sent_to_sign_in(client):
    cohort()
    urls = [reverse(PAGE), reverse("evaluation:time_to_reoffence_chart"),
            reverse("evaluation:time_to_reoffence_export", args=["kaplan-meier"])]
    for url in urls:
        assert client.get(url).status_code == 302 and "sign-in" in client.get(url)["Location"]
    client.force_login(KeyworkerFactory())
    for url in urls:
        assert client.get(url).status_code == 403
    assert AccessLog.objects.filter(kind=AccessLog.Kind.DISCLOSURE).count() == 0


@pytest.mark.django_db
def test_the_page_reads_a_fixed_number_of_queries_whatever_the_cases(client, django_assert_max_num_queries,
                                                                    every_figure_shown):
    cohort(completed=2, completed_reoffending=1, declined=1, declined_reoffending=0, breached=0)
    client.force_login(TeamManagerFactory())
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(PAGE))
    cohort(completed=5, completed_reoffending=2, declined=4, declined_reoffending=2, breached=2)  # a newer published run
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse(PAGE))
    assert response.context["figures"].curve["completed"].people == 7


@pytest.mark.django_db
def test_people_randomised_in_a_live_trial_are_named_and_the_groups_still_called_self_selected(client, every_figure_shown):
    from django.apps import apps
    from django.utils import timezone

    from trials.tests.factories import DraftTrialFactory  # the trials app uses the evaluation, not the other way

    run = cohort(publish=False)
    trial = DraftTrialFactory(name="Shorter contracts trial")
    case = run.results.filter(follow_up_months=12).first().case
    apps.get_model("trials", "Allocation").objects.create(
        trial=trial, arm=trial.arms.first(), case=case, person=case.person, crime=case.crimes.first(), is_live=True,
        number=1, stratum="", position=1, levels={}, randomised_by=trial.created_by, randomised_at=timezone.now())
    services.reoffending_check_run_publish(run_id=run.pk, user=AdministratorFactory())
    client.force_login(TeamManagerFactory())
    content = client.get(reverse(PAGE)).content.decode()
    assert "1 of the 6 people counted here were randomised in the trial <strong>Shorter contracts trial</strong>" in content
    assert "These groups are self-selected, not randomised" in content
