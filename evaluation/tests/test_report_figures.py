"""Issue 18, points 1, 2, 3 and 6: every figure carries its definition, nothing small leaves the product, the
breakdowns and the trend agree with statsmodels and scipy computed here, and charts are drawn once per published run."""

import random
from datetime import date, timedelta

import pytest
from django.urls import reverse
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from cases.models import Case
from evaluation import charts, selectors, services, survival
from evaluation.models import PersonMatch, ReportChart
from evaluation.tests.factories import CompletedCaseFactory, CrimeRecordFactory
from evaluation.tests.test_views import cohort, csv_parts, proven
from oocr.accounts.tests.factories import AdministratorFactory, TeamManagerFactory

pytestmark = pytest.mark.django_db

CHARTS = ("reoffending", "survival", "harm", "trend", "breakdown")
TABLES = ("groups", "comparisons", "survival", "harm", "trend", "breakdown", "disparities")
# What every figure carries (issue 18, point 1).
DEFINITION = ("definition", "start point", "follow-up", "events that count", "waiting period", "as at", "filters",
              "not yet at follow-up", "doubtful matches waiting for review")


@pytest.fixture
def threshold_10(settings):
    settings.DISCLOSURE_THRESHOLD = 10


def a_doubtful_match():
    case = Case.objects.exclude(person=None).first()
    record = CrimeRecordFactory(person=None, pnc_id="", surname="Someone", forenames="Else", date_of_birth=date(1990, 3, 1))
    PersonMatch.objects.create(crime_record=record, person=case.person, reason="same name and date of birth")


# --- Point 1: definitions -------------------------------------------------------------------------------


def test_every_csv_states_the_definition_run_filters_unsettled_and_the_rule_in_its_first_lines(client, threshold_10):
    run = cohort()
    a_doubtful_match()
    client.force_login(AdministratorFactory())
    for table in TABLES:
        response = client.get(reverse("evaluation:report_export", args=[table]), {"route": "deferred_caution", "breakdown": "sex"})
        assert response.status_code == 200, table
        header, rows = csv_parts(response)
        for name in DEFINITION:
            assert header.get(name), (table, name)
        assert header["as at"] == run.as_of.isoformat() and header["published check run"] == str(run.pk)
        assert header["start point"] == "Decision date (the person chose the scheme or court)"
        assert header["follow-up"] == "12 months"
        assert "Caution" in header["events that count"] and "Conviction" in header["events that count"]
        assert header["waiting period"].startswith("6 months after the follow-up")
        assert header["filters"] == "Route: Deferred caution"
        assert header["doubtful matches waiting for review"].startswith("1 ") and "/evaluation/matches/" in header[
            "doubtful matches waiting for review"]
        assert header["not yet at follow-up"] == "fewer than 10"
        assert "fewer than 10" in header["disclosure control"]
        assert rows[0], table  # the column names


def test_every_chart_carries_its_definition(client, threshold_10):
    cohort()
    a_doubtful_match()
    client.force_login(TeamManagerFactory())
    for chart in CHARTS:
        svg = client.get(reverse("evaluation:report_chart", args=[chart]), {"sex": "male", "breakdown": "sex"}).content.decode()
        for line in ("Definition: Proven reoffending", "Start point: Decision date", "Follow-up: 12 months",
                     "Events that count:", "Waiting period: 6 months", "As at: 2026-11-01", "Filters: Sex: Male",
                     "Not yet at follow-up:", "Doubtful matches waiting for review: 1"):
            assert line in svg, (chart, line)
    svg = client.get(reverse("evaluation:distance_chart", args=["distance-travelled"])).content.decode()
    assert "Definition: every case with both a first and a closing needs assessment" in svg


def test_the_report_and_the_dashboard_show_the_definition_the_waiting_matches_and_the_rule(client, threshold_10):
    cohort()
    a_doubtful_match()
    client.force_login(AdministratorFactory())
    for name in ("evaluation:report", "evaluation:dashboard"):
        content = client.get(reverse(name), {"route": "deferred_caution"}).content.decode()
        for text in ("Decision date (the person chose the scheme or court)", "Events that count", "Waiting period",
                     "6 months after the follow-up", "Route: Deferred caution", "Not yet at follow-up",
                     'href="/evaluation/matches/">review them</a>', "Disclosure control.", "As at <strong>1 November 2026"):
            assert text in content, (name, text)
    content = client.get(reverse("evaluation:dashboard")).content.decode()
    assert "How these figures are counted" in content


def test_the_dashboards_reoffending_table_has_the_pages_width_and_scrolls_in_its_own_pane(client, threshold_10):
    """Seven columns overflowed half of a 1,280 px page (and a phone's screen): the table is under the chart, in a
    pane that scrolls sideways on a small screen and can be scrolled from the keyboard."""
    from lxml import html as lxml_html

    cohort()
    client.force_login(AdministratorFactory())
    page = lxml_html.fromstring(client.get(reverse("evaluation:dashboard")).content)
    [table] = page.xpath('//table[@data-testid="groups-table"]')
    assert not table.xpath('ancestor::*[contains(@class, "govuk-grid-column")]')
    [pane] = table.xpath('ancestor::div[@data-testid="dashboard-reoffending"]')
    assert "moj-scrollable-pane" in pane.classes and pane.get("tabindex") == "0" and pane.get("role") == "region"
    assert pane.get("aria-label") == table.xpath("string(caption)").strip()
    assert "govuk-table--small-text-until-tablet" in table.classes


# --- Point 2: suppression on the pages, charts and CSVs ----------------------------------------------------


def test_a_group_of_three_shows_fewer_than_10_and_no_rate_on_the_page_the_csv_and_the_chart(client, threshold_10):
    cohort()  # 3 completed (1 reoffended), 2 declined, 1 breached
    client.force_login(AdministratorFactory())
    content = client.get(reverse("evaluation:report")).content.decode()
    assert "33.3%" not in content and "fewer than 10" in content
    _, rows = csv_parts(client.get(reverse("evaluation:report_export", args=["groups"])))
    assert rows[1][:6] == ["Completed the contract"] + ["fewer than 10"] * 5
    assert not any("0.3333" in cell for row in rows for cell in row)
    svg = client.get(reverse("evaluation:report_chart", args=["reoffending"])).content.decode()
    assert "Not drawn (fewer than 10 or withheld): Completed the contract" in svg
    dashboard = client.get(reverse("evaluation:dashboard")).content.decode()
    assert "33%" not in dashboard and "fewer than 10" in dashboard


def test_breakdown_hides_a_small_area_and_a_second_one_that_its_total_would_give_back(threshold_10):
    from evaluation import tables

    rows = []
    for area, people, reoffended in (("EX", 40, 12), ("PL", 3, 1), ("TQ", 25, 10), ("TR", 60, 30)):
        rows += [_row(area=area, reoffended=number < reoffended) for number in range(people)]
    breakdown = selectors.breakdown_figures("area", rows)
    table = tables.breakdown_table(breakdown)
    by_area = {row[0].value: row for row in table.rows}
    assert by_area["PL"][1].html == "fewer than 10" and by_area["PL"][3].html == "fewer than 10"
    assert by_area["TQ"][1].html == "withheld"  # the next smallest: else 128 - 40 - 60 gives back PL's 3
    assert by_area["EX"][1].html == "40" and by_area["TR"][3].html == "50.0%"
    csv_rows = table.csv_rows
    assert "fewer than 10" in csv_rows[2] and "withheld" in csv_rows[3]


# --- Point 3: breakdowns, disparities and the trend against statsmodels and scipy --------------------------


def _row(*, area="EX", route="deferred_caution", sex="male", age=30, ethnicity="W1", young_adult=False, womens=False,
         keyworker=None, status="completed", reoffended=False, reached=True, count=None):
    return {"status": status, "first_contact_answer": "declined" if status == "declined" else "accepted",
            "reached_follow_up": reached, "reoffended": reoffended, "reoffence_count": (count or 1) if reoffended else 0,
            "area": area, "route": route, "sex": sex, "age": age, "ethnicity": ethnicity, "young_adult": young_adult,
            "womens": womens, "keyworker": keyworker, "start_date": date(2025, 1, 1), "observed_days": 365,
            "first_offence_date": date(2025, 3, 1) if reoffended else None, "harm_after": 0, "harm_before": 0}


def test_all_who_started_is_withheld_in_every_table_when_it_would_give_back_a_small_group(threshold_10):
    from evaluation import tables

    completed = [_row(reoffended=i < 12) for i in range(40)]
    breached = [_row(status="breached", reoffended=i < 3) for i in range(30)]  # 3 reoffending: hidden
    withdrawn = [_row(status="withdrawn", reoffended=i < 2) for i in range(4)]  # in no group shown but started
    declined = [_row(status="declined", reoffended=i < 15) for i in range(40)]
    groups = {key: selectors._group_figures(key, label, [r for r in completed + breached + withdrawn + declined
                                                         if key in selectors._group_of(r)])
              for key, label in selectors.GROUPS}
    started = groups["started"]
    assert selectors._enclosing_withheld(started, [groups["completed"], groups["breached"]])
    started.withheld = True
    report = type("Report", (), {"groups": list(groups.values()), "months": 12})()
    row = next(r for r in tables.groups_table(report).rows if r[0].value.startswith("All who started"))
    assert "withheld" in {figure.html for figure in row[1:]} <= {"withheld", "fewer than 10"}  # 0 censored: small
    harm = next(r for r in tables.harm_table(report).rows if r[0].value.startswith("All who started"))
    assert {figure.html for figure in harm[1:]} == {"withheld"}
    report.comparisons = [("Intention to treat", started, groups["declined"], None)]
    assert tables.comparisons_table(report).rows[0][1].html == "withheld"
    # 40 who withdrew after starting, 20 reoffending: less completed (breached is hidden), 70 people, 23 reoffending.
    withdrawn = [_row(status="withdrawn", reoffended=i < 20) for i in range(40)]
    started = selectors._group_figures("started", "All", [r for r in completed + breached + withdrawn
                                                          if "started" in selectors._group_of(r)])
    assert not selectors._enclosing_withheld(started, [groups["completed"], groups["breached"]])


def _random_rows(seed=18):
    rng = random.Random(seed)
    rows = []
    for _ in range(600):
        sex = rng.choice(["male", "male", "female"])
        ethnicity = rng.choice(["W1", "W1", "W1", "B2", "A3", "M1", "NS"])
        age = rng.randint(18, 70)
        risk = 0.25 + (0.15 if sex == "male" else 0) + (0.1 if age <= 25 else 0)
        rows.append(_row(area=rng.choice(["EX", "PL", "TQ", "TR"]), route=rng.choice(["deferred_caution", "deferred_charge"]),
                         sex=sex, age=age, ethnicity=ethnicity, young_adult=18 <= age <= 25, womens=sex == "female" and rng.random() < 0.5,
                         keyworker=rng.choice([None, 1, 2]), status=rng.choice(["completed", "breached", "declined"]),
                         reoffended=rng.random() < risk, reached=rng.random() < 0.9, count=rng.randint(1, 3)))
    return rows


def _category_of(breakdown, row):
    value = row[selectors.BREAKDOWN_COLUMNS.get(breakdown, breakdown)]
    if breakdown == "age_band":
        return next(label for low, high, label in selectors.AGE_BANDS if low <= value <= high)
    if breakdown == "ethnicity":
        return selectors.ETHNIC_GROUPS[value[0]]
    if breakdown in ("young_adult", "womens"):
        return "Offered" if value else "Not offered"
    if breakdown == "route":
        return Case.Route(value).label
    if breakdown == "sex":
        return value.capitalize()
    if breakdown == "keyworker":
        return str(value or "Not allocated")
    return value


@pytest.mark.parametrize("breakdown", ["route", "area", "sex", "age_band", "ethnicity", "young_adult", "womens"])
def test_each_breakdown_agrees_with_statsmodels_and_scipy(breakdown):
    rows = _random_rows()
    figures = {row.label: row for row in selectors.breakdown_figures(breakdown, rows).rows}
    expected: dict[str, dict[str, list]] = {}
    for row in rows:
        entry = expected.setdefault(_category_of(breakdown, row), {"started": [], "declined": []})
        entry["declined" if row["status"] == "declined" else "started"].append(row)
    assert set(figures) == set(expected)
    largest = max(expected, key=lambda label: sum(r["reached_follow_up"] for r in expected[label]["started"]))
    for label, groups in expected.items():
        for who in ("started", "declined"):
            reached = [r for r in groups[who] if r["reached_follow_up"]]
            k, n = sum(r["reoffended"] for r in reached), len(reached)
            got = getattr(figures[label], who)
            assert (got.count, got.n) == (k, n)
            if n:
                low, high = proportion_confint(k, n, method="wilson")
                assert (got.low, got.high) == pytest.approx((low, high), abs=1e-9)
            assert getattr(figures[label], f"{who}_censored") == len(groups[who]) - n
        if label == largest:
            assert figures[label].comparison is None
            continue
        reached = [r for r in groups["started"] if r["reached_follow_up"]]
        reference = [r for r in expected[largest]["started"] if r["reached_follow_up"]]
        k1, n1, k0, n0 = sum(r["reoffended"] for r in reached), len(reached), sum(r["reoffended"] for r in reference), len(reference)
        comparison = figures[label].comparison
        assert comparison.risk_difference == pytest.approx(k1 / n1 - k0 / n0)
        low, high = confint_proportions_2indep(k1, n1, k0, n0, method="newcomb", compare="diff")
        assert (comparison.difference_low, comparison.difference_high) == pytest.approx((low, high))
        if k1 and k0:
            low, high = confint_proportions_2indep(k1, n1, k0, n0, method="log", compare="ratio")
            assert comparison.relative_risk == pytest.approx((k1 / n1) / (k0 / n0))
            assert (comparison.ratio_low, comparison.ratio_high) == pytest.approx((low, high))
        table = [[k1, n1 - k1], [k0, n0 - k0]]
        expected_cells = scipy_stats.contingency.expected_freq(table)
        p = (scipy_stats.chi2_contingency(table, correction=False).pvalue if expected_cells.min() >= 5
             else scipy_stats.fisher_exact(table).pvalue)
        assert comparison.p_value == pytest.approx(p)


def test_the_keyworker_breakdown_names_the_keyworkers_and_is_for_managers_only(client, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    cohort()
    client.force_login(TeamManagerFactory())
    response = client.get(reverse("evaluation:report"), {"breakdown": "keyworker"})
    assert response.context["report"].breakdown.key == "keyworker"
    assert "Not allocated" in [row.label for row in response.context["report"].breakdown.rows]
    client.force_login(AdministratorFactory())
    response = client.get(reverse("evaluation:report"), {"breakdown": "keyworker"})
    assert response.context["report"].breakdown is None
    assert "Select a breakdown from the list" in response.content.decode()
    assert client.get(reverse("evaluation:report_export", args=["breakdown"]), {"breakdown": "keyworker"}).status_code == 404


def test_disparities_are_shown_for_protected_characteristics_only(client, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    cohort()
    client.force_login(TeamManagerFactory())
    assert "disparities" in client.get(reverse("evaluation:report"), {"breakdown": "ethnicity"}).context["figure_tables"]
    assert "disparities" not in client.get(reverse("evaluation:report"), {"breakdown": "route"}).context["figure_tables"]


def test_the_date_range_filters_on_the_start_date_and_is_stated(client, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    cohort()  # every start on 10 January 2024
    client.force_login(TeamManagerFactory())
    inside = client.get(reverse("evaluation:report"), {"start_from": "1/1/2024", "start_to": "31/3/2024"})
    assert inside.context["report"].group["completed"].reoffending.n == 3
    assert "Started on or after: 1 January 2024; Started on or before: 31 March 2024" in inside.content.decode()
    outside = client.get(reverse("evaluation:report"), {"start_from": "1/2/2024"})
    assert outside.context["report"].group["completed"].reoffending.n == 0
    wrong = client.get(reverse("evaluation:report"), {"start_from": "31/02/2024"})
    assert "Enter the first day of the period as a date, like 1/4/2025" in wrong.content.decode()


def test_the_quarterly_trend_agrees_with_wilson_intervals_from_statsmodels(client, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    cohort(completed=5, completed_reoffending=2, declined=2, declined_reoffending=1, breached=2)
    client.force_login(TeamManagerFactory())
    response = client.get(reverse("evaluation:report"))
    trend = {q.label: q for q in response.context["view"].trend}
    # Everyone agreed on 10 January 2024 and closed on 1 May 2024; the check's follow-up starts at the decision.
    assert trend["2024 Q1"].starts == 7  # 5 completed + 2 breached
    q2 = trend["2024 Q2"]
    assert (q2.completion.count, q2.completion.n) == (5, 7) and (q2.breach.count, q2.breach.n) == (2, 7)
    assert (q2.completion.low, q2.completion.high) == pytest.approx(proportion_confint(5, 7, method="wilson"))
    reoffending = trend["2024 Q1"].reoffending
    assert (reoffending.count, reoffending.n) == (3, 9)  # every checked case, started or not
    assert (reoffending.low, reoffending.high) == pytest.approx(proportion_confint(3, 9, method="wilson"))
    assert list(trend)[-1] == "2026 Q4"  # up to the check's date, 1 November 2026


# --- Point 6: charts drawn once per published run ----------------------------------------------------------


def test_publishing_draws_the_charts_once_and_the_report_reads_them(client, django_capture_on_commit_callbacks, monkeypatch):
    run = cohort(publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.reoffending_check_run_publish(run_id=run.pk, user=AdministratorFactory())
    kept = ReportChart.objects.filter(run=run).exclude(key__startswith="figures:").exclude(
        key__startswith="time-to-reoffence-figures:")
    months, breakdowns = len(proven().follow_up_months), len(selectors.BREAKDOWN_LABELS)
    # The report's figures as it opens and with each breakdown; the time-to-reoffence page's figures; for each follow-up.
    assert ReportChart.objects.filter(run=run, key__startswith="figures:").count() == months * (1 + breakdowns)
    assert ReportChart.objects.filter(run=run, key__startswith="time-to-reoffence-figures:").count() == months
    # Every chart of the opening page, each breakdown's chart and the Kaplan-Meier chart of the time-to-reoffence page.
    opening = (len(charts.CHARTS) - 1 + breakdowns + 1) * months
    assert kept.count() == opening
    assert services.report_charts_draw(run_id=run.pk) == 0  # safe to repeat

    def never(*args, **kwargs):
        raise AssertionError("a kept chart or figure was drawn again")

    monkeypatch.setattr(charts, "draw", never)
    monkeypatch.setattr(selectors, "cohort_report", never)
    monkeypatch.setattr(selectors, "time_to_reoffence_figures", never)
    monkeypatch.setattr(survival, "survival_chart", never)
    client.force_login(TeamManagerFactory())
    svg = client.get(reverse("evaluation:report_chart", args=["reoffending"]))
    first_measure = f"{proven().pk}-{proven().follow_up_months[0]}"
    assert svg.content == bytes(kept.get(key=charts.chart_key("reoffending", first_measure, [], "")).svg)
    # Each page a reader opens without a filter reads what publishing drew: no figure is computed, no chart drawn.
    for breakdown in ("ethnicity", "keyworker"):
        assert client.get(reverse("evaluation:report"), {"breakdown": breakdown}).status_code == 200
        assert client.get(reverse("evaluation:report_chart", args=["breakdown"]), {"breakdown": breakdown}).status_code == 200
    assert client.get(reverse("evaluation:time_to_reoffence")).status_code == 200
    assert client.get(reverse("evaluation:time_to_reoffence_chart")).status_code == 200
    assert client.get(reverse("evaluation:dashboard")).status_code == 200
    monkeypatch.undo()
    client.get(reverse("evaluation:report_chart", args=["reoffending"]), {"sex": "male"})  # drawn once, then kept
    client.get(reverse("evaluation:report_chart", args=["reoffending"]), {"sex": "male"})
    assert kept.count() == opening + 1


def test_a_newer_published_run_removes_the_old_run_s_charts(django_capture_on_commit_callbacks):
    first = cohort()
    services.report_charts_draw(run_id=first.pk)
    assert ReportChart.objects.filter(run=first).exists()
    newer = services.reoffending_check_run(definition_id=proven().pk, as_of=first.as_of + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.reoffending_check_run_publish(run_id=newer.pk, user=AdministratorFactory())
    assert not ReportChart.objects.filter(run=first).exists()
    assert ReportChart.objects.filter(run=newer).exists()


def test_a_chart_without_a_published_run_is_not_found(client):
    cohort(publish=False)
    client.force_login(TeamManagerFactory())
    assert client.get(reverse("evaluation:report_chart", args=["reoffending"])).status_code == 404


def test_the_report_with_a_breakdown_and_trend_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries,
                                                                                  threshold_10):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort(completed=2, completed_reoffending=1, declined=1, declined_reoffending=0, breached=0)
    client.force_login(TeamManagerFactory())
    query = {"breakdown": "keyworker"}
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("evaluation:report"), query)
    for _ in range(4):
        CompletedCaseFactory(person__date_of_birth=date(1990, 3, 1), crime__offence_date=date(2023, 12, 1),
                             closed__on=date(2024, 5, 1), closed__decided_on=date(2024, 1, 10))
    cohort(completed=3, completed_reoffending=1, declined=2, declined_reoffending=1, breached=1)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("evaluation:report"), query)


def test_a_breakdown_of_nobody_says_so(client, threshold_10):
    cohort()
    client.force_login(TeamManagerFactory())
    query = {"breakdown": "sex", "start_from": "1/1/2026"}
    response = client.get(reverse("evaluation:report"), query)
    assert "No one in these figures to break down." in response.content.decode()
    for table in ("breakdown", "disparities"):
        header, rows = csv_parts(client.get(reverse("evaluation:report_export", args=[table]), query))
        assert len(rows) == 1 and header["filters"] == "Started on or after: 1 January 2026"
    assert client.get(reverse("evaluation:report_chart", args=["breakdown"]), query).status_code == 200


def test_the_dashboard_hides_small_counts_and_medians_over_few_cases(client, threshold_10):
    from evaluation.selectors import Dashboard
    from evaluation.tables import dashboard_figures

    dashboard = Dashboard(since=date(2026, 1, 1), received=40, days_to_allocation=2.5, days_to_contract=9.0, open_cases=25,
                          active_contracts=4, completed=30, breached=3, withdrawn_after_starting=0, distance=[],
                          referrals_sent=12, referrals_engaged=11, allocations_timed=40, contracts_timed=6)
    figures = dashboard_figures(dashboard)
    assert figures["received"].html == "40" and figures["active_contracts"].html == "fewer than 10"
    assert figures["breached"].html == "fewer than 10" and figures["completion_rate"].html == "withheld"  # 30 of 33
    assert figures["referral_engagement"].html == "withheld"  # 11 of 12: the one who did not would show
    assert figures["days_to_allocation"].html == "2.5" and figures["days_to_contract"].html == "fewer than 10"


def test_a_published_run_s_figures_are_computed_once_per_set_of_filters_and_read_back_the_same(client, monkeypatch, settings):
    settings.DISCLOSURE_THRESHOLD = 0
    run = cohort()
    client.force_login(TeamManagerFactory())
    query = {"breakdown": "sex", "route": "deferred_caution"}
    first = client.get(reverse("evaluation:report"), query)
    assert ReportChart.objects.filter(run=run, key__startswith="figures:").count() == 1

    def never(**kwargs):
        raise AssertionError("the figures were computed again")

    monkeypatch.setattr(selectors, "cohort_report", never)
    again = client.get(reverse("evaluation:report"), query)
    for key, table in first.context["figure_tables"].items():
        assert again.context["figure_tables"][key].csv_rows == table.csv_rows, key
    assert again.context["report"].group["completed"].reoffending.n == 3
    assert again.context["report"].breakdown.rows[0].started == first.context["report"].breakdown.rows[0].started
    assert [q.label for q in again.context["view"].trend] == [q.label for q in first.context["view"].trend]
