"""Reports of a large published run with filters nothing kept yet: prepared in the background, once, and kept with
the run (issue 18, point 6). A small run still computes them in the request; the dashboard reads figures kept too."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors, services
from evaluation.models import ReoffendingDefinition, ReportChart, ReportJob
from evaluation.tasks import report_job_run_task, stale_report_jobs_sweep
from evaluation.tests.test_views import cohort, every_figure_shown  # noqa: F401 (a fixture)
from keyworkers.tests.factories import StaffProfileFactory
from oocr.accounts.tests.factories import AdministratorFactory, TeamManagerFactory

pytestmark = pytest.mark.django_db

WOMEN = {"sex": "female"}
MEN_BY_AREA = {"sex": "male", "breakdown": "area"}


@pytest.fixture
def large(settings):
    """Every run counts as large: the 6 cases of `cohort()` are above the threshold."""
    settings.EVALUATION_REPORT_BACKGROUND_ABOVE = 0


def signed_in(client, user=None):
    client.force_login(user or AdministratorFactory())
    return client


def test_new_filters_on_a_large_run_say_the_report_is_being_prepared_then_show_it(client, large,
                                                                                 django_capture_on_commit_callbacks):
    run = cohort()
    signed_in(client)
    with django_capture_on_commit_callbacks() as sent:
        response = client.get(reverse("evaluation:report"), MEN_BY_AREA)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Your report is being prepared" in content
    assert '<meta http-equiv="refresh" content="5">' in content  # reloads itself, without JavaScript
    assert "It usually takes less than a minute" in content
    assert response["Cache-Control"] == "no-store"
    job = ReportJob.objects.get()
    assert (job.run, job.kind, job.status, job.cases_in_scope) == (run, "report", "waiting", 6)
    assert job.filters == {"measure": f"{run.definition_id}-12", "sex": "male", "breakdown": "area"}
    assert len(sent) == 1  # the job sent to a worker when the request's transaction commits
    # A chart of the same filters is a placeholder meanwhile, not a server error and not a second job.
    chart = client.get(reverse("evaluation:report_chart", args=["breakdown"]), MEN_BY_AREA)
    assert (chart.status_code, chart["Content-Type"]) == (202, "image/svg+xml")

    assert report_job_run_task.apply(args=[job.pk]).get() == "ready"  # what the worker does
    job.refresh_from_db()
    assert (job.status, job.error) == ("ready", "")
    assert job.seconds is not None and job.finished_at is not None
    kept = ReportChart.objects.filter(run=run).count()
    assert kept == 6  # the figures and each chart of these filters (four charts and the breakdown)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("evaluation:report"), MEN_BY_AREA)
    content = response.content.decode()
    assert response.status_code == 200 and "being prepared" not in content
    groups = {g.key: g for g in response.context["report"].groups}
    assert (groups["completed"].reoffending.count, groups["completed"].reoffending.n) == (1, 3)
    assert [row.label for row in response.context["report"].breakdown.rows]  # by area
    assert not any("evaluation_reoffendingresult" in q["sql"] for q in queries.captured_queries)  # read, not computed
    for name in ("reoffending", "survival", "harm", "trend", "breakdown"):
        chart = client.get(reverse("evaluation:report_chart", args=[name]), MEN_BY_AREA)
        assert chart.status_code == 200 and b"<svg" in chart.content[:1000] and b"being prepared" not in chart.content
    assert ReportChart.objects.filter(run=run).count() == kept  # every chart was kept by the job: none drawn now


def test_the_figures_prepared_in_the_background_are_those_the_request_would_compute(client, large, settings):
    cohort()
    signed_in(client)
    client.get(reverse("evaluation:report"), WOMEN | {"breakdown": "route"})
    report_job_run_task.apply(args=[ReportJob.objects.get().pk])
    prepared = client.get(reverse("evaluation:report"), WOMEN | {"breakdown": "route"}).context["report"]
    ReportChart.objects.all().delete()
    ReportJob.objects.all().delete()
    settings.EVALUATION_REPORT_BACKGROUND_ABOVE = 20_000
    computed = client.get(reverse("evaluation:report"), WOMEN | {"breakdown": "route"}).context["report"]
    assert prepared.groups == computed.groups and prepared.breakdown == computed.breakdown


def test_the_same_filters_asked_for_twice_make_one_job(client, large, django_capture_on_commit_callbacks):
    run = cohort()
    second = signed_in(type(client)(), AdministratorFactory())
    signed_in(client)
    with django_capture_on_commit_callbacks() as sent:
        for reader in (client, second, client):  # two tabs, a reload, another administrator
            assert "Your report is being prepared" in reader.get(reverse("evaluation:report"), WOMEN).content.decode()
        # The filters in another order, or with an empty one, are the same filters.
        client.get(reverse("evaluation:report"), {"route": "", **WOMEN})
    assert ReportJob.objects.count() == 1 and len(sent) == 1
    key = ReportJob.objects.get().key
    assert services.report_job_request(run=run, key=key, kind="report", filters={}).pk == ReportJob.objects.get().pk
    # A keyworker breakdown a reader may not see is left out of what the job computes (for anyone).
    from types import SimpleNamespace

    from evaluation.filters import CohortReportFilter

    reader = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, has_perm=lambda permission: False))
    refused = CohortReportFilter({"measure": "1-12", "breakdown": "keyworker", **WOMEN}, request=reader,
                                 queryset=selectors.report_results(definition_id=run.definition_id, months=12))
    assert services.report_filter_data(refused) == {"measure": "1-12", **WOMEN}


def test_a_failed_job_says_so_and_try_again_prepares_it(client, large, django_capture_on_commit_callbacks):
    cohort()
    signed_in(client)
    client.get(reverse("evaluation:time_to_reoffence"), WOMEN)
    job = ReportJob.objects.get()
    assert job.kind == "time"
    with mock.patch("evaluation.services.selectors.time_to_reoffence_figures", side_effect=ValueError("broken")):
        report_job_run_task.apply(args=[job.pk], throw=False)  # its own error: failed at once, not retried
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", services.REPORT_JOB_FAILED)

    response = client.get(reverse("evaluation:time_to_reoffence"), WOMEN)
    content = response.content.decode()
    assert "Your report could not be prepared" in content and "http-equiv" not in content  # no reloading a failure
    retry = reverse("evaluation:report_job_retry", args=[job.pk])
    assert f'action="{retry}"' in content and "Try again" in content

    with django_capture_on_commit_callbacks(execute=True) as sent:  # the worker runs it (eagerly here)
        response = client.post(retry)
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:time_to_reoffence") + f"?measure={job.filters['measure']}&sex=female"
    assert len(sent) == 1
    job.refresh_from_db()
    assert job.status == "ready"
    response = client.get(reverse("evaluation:time_to_reoffence"), WOMEN)
    assert response.status_code == 200 and response.context["figures"] is not None
    chart = client.get(reverse("evaluation:time_to_reoffence_chart"), WOMEN)
    assert chart.status_code == 200
    # Trying again what is not failed changes nothing.
    assert client.post(retry).status_code == 302
    assert ReportJob.objects.get().status == "ready"


def test_a_small_run_computes_new_filters_in_the_request_as_before(client):
    run = cohort()
    signed_in(client)
    response = client.get(reverse("evaluation:report"), WOMEN)
    assert response.status_code == 200 and "being prepared" not in response.content.decode()
    assert response.context["report"].run == run
    assert not ReportJob.objects.exists()
    assert ReportChart.objects.filter(run=run, key__startswith="figures:").count() == 1  # kept, as before


def test_the_threshold_is_on_the_run_s_cases(client, settings):
    run = cohort()
    signed_in(client)
    settings.EVALUATION_REPORT_BACKGROUND_ABOVE = run.cases_checked  # at the threshold: still in the request
    assert "being prepared" not in client.get(reverse("evaluation:report"), WOMEN).content.decode()
    settings.EVALUATION_REPORT_BACKGROUND_ABOVE = run.cases_checked - 1
    assert "being prepared" in client.get(reverse("evaluation:report"), {"sex": "male"}).content.decode()


def test_a_newly_published_run_leaves_the_old_jobs_and_figures_unused(client, large):
    first = cohort()
    signed_in(client)
    client.get(reverse("evaluation:report"), WOMEN)
    report_job_run_task.apply(args=[ReportJob.objects.get().pk])
    second = cohort(completed=1, completed_reoffending=0, declined=0, declined_reoffending=0, breached=0)
    assert not ReportJob.objects.filter(run=first).exists() and not ReportChart.objects.filter(run=first).exists()
    assert "being prepared" in client.get(reverse("evaluation:report"), WOMEN).content.decode()
    assert ReportJob.objects.get().run == second


def test_a_job_whose_run_was_superseded_stops(large):
    run = cohort()
    job = services.report_job_request(run=run, key="figures:x", kind="report", filters={"measure": "1-12"})
    type(run).objects.filter(pk=run.pk).update(status="superseded")
    assert report_job_run_task.apply(args=[job.pk]).get() == "failed"
    assert report_job_run_task.apply(args=[job.pk]).get() == "failed"  # again: nothing more
    assert report_job_run_task.apply(args=[0]).get() == "gone"


def test_the_sweeper_fails_jobs_nobody_runs(large, settings):
    run = cohort()
    old = services.report_job_request(run=run, key="figures:old", kind="report", filters={"measure": "1-12"})
    new = services.report_job_request(run=run, key="figures:new", kind="report", filters={"measure": "1-12"})
    ReportJob.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 1))
    assert stale_report_jobs_sweep.apply().get() == [old.pk]
    assert stale_report_jobs_sweep.apply().get() == []
    old.refresh_from_db()
    assert (old.status, old.error) == ("failed", services.REPORT_JOB_SWEPT)
    assert ReportJob.objects.get(pk=new.pk).status == "waiting"


def test_the_sweeper_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.get(task="evaluation.stale_report_jobs_sweep").interval.every == 5


def test_the_retry_page_of_a_job_not_failed_has_no_button(client, large):
    run = cohort()
    job = services.report_job_request(run=run, key="figures:x", kind="report", filters={"measure": "1-12"})
    content = signed_in(client).get(reverse("evaluation:report_job_retry", args=[job.pk])).content.decode()
    assert "there is nothing to try again" in content and "Try again" not in content


# --- The outcomes dashboard ---------------------------------------------------------------------------


def test_the_dashboard_of_a_large_run_reads_its_figures_kept_with_the_run(client, large, django_assert_max_num_queries):
    run = cohort()
    signed_in(client)
    services.report_charts_draw(run_id=run.pk)  # what publishing draws, the administrators' dashboard with it
    assert ReportChart.objects.filter(run=run, key="dashboard:all").exists()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("evaluation:dashboard"))
    assert response.status_code == 200
    assert response.context["dashboard"] == selectors.outcomes_dashboard(scope="all")
    assert 'id="drawn-at"' in response.content.decode()
    assert not any('"cases_case"' in q["sql"] for q in queries.captured_queries)  # nothing counted over the cases
    with django_assert_max_num_queries(12):
        client.get(reverse("evaluation:dashboard"))


def test_the_dashboard_s_figures_are_drawn_again_when_old_and_not_shown_from_another_day(
        client, large, settings, django_capture_on_commit_callbacks):
    run = cohort()
    signed_in(client)
    services.report_charts_draw(run_id=run.pk)
    kept = ReportChart.objects.get(run=run, key="dashboard:all")
    dashboard, drawn_at, today = selectors.dashboard_load(kept.svg)
    # Older than the refresh interval: shown, and drawn again in the background.
    kept.svg = selectors.dashboard_dump(dashboard, drawn_at=drawn_at - timedelta(seconds=settings.EVALUATION_DASHBOARD_REFRESH_SECONDS + 1),
                                        today=today)
    kept.save()
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = client.get(reverse("evaluation:dashboard"))
    assert response.status_code == 200 and "being prepared" not in response.content.decode()
    assert len(sent) == 1 and ReportJob.objects.get(kind="dashboard").status == "ready"
    assert selectors.dashboard_load(ReportChart.objects.get(run=run, key="dashboard:all").svg)[1] > drawn_at
    # Drawn for yesterday: its last 12 months are not today's, so not shown; today's are prepared.
    kept.refresh_from_db()
    kept.svg = selectors.dashboard_dump(dashboard, drawn_at=drawn_at, today=today - timedelta(days=1))
    kept.save()
    with django_capture_on_commit_callbacks() as sent:
        response = client.get(reverse("evaluation:dashboard"))
    assert "Your report is being prepared" in response.content.decode() and len(sent) == 1
    assert ReportJob.objects.get(kind="dashboard").status == "waiting"  # the same job, sent again


def test_a_team_manager_s_dashboard_is_kept_for_the_team(client, large):
    services.report_charts_draw(run_id=cohort().pk)  # the report's figures (the administrators' dashboard with them)
    manager = TeamManagerFactory()
    StaffProfileFactory(user=manager)  # in a team
    signed_in(client, manager)
    assert "Your report is being prepared" in client.get(reverse("evaluation:dashboard")).content.decode()
    job = ReportJob.objects.get(kind="dashboard")
    scope = selectors.dashboard_scope(user=manager)
    assert scope.startswith("team-") and job.filters == {"scope": scope}
    report_job_run_task.apply(args=[job.pk])
    response = client.get(reverse("evaluation:dashboard"))
    assert response.context["dashboard"] == selectors.outcomes_dashboard(user=manager)
    assert client.get(reverse("evaluation:distance_chart", args=["distance-travelled"])).status_code == 200


def test_the_distance_chart_reads_the_run_of_the_measure_the_dashboard_reads(client, large):
    run = cohort()  # large, and nothing kept with it: its dashboard figures are being prepared
    other = ReoffendingDefinition.objects.create(name="Another definition", follow_up_months=[12],
                                                 start_point="decision_date", event_types=["conviction"])
    signed_in(client)
    url = reverse("evaluation:distance_chart", args=["distance-travelled"])
    assert client.get(url, {"measure": f"{run.definition_id}-12"}).status_code == 202  # the placeholder
    assert client.get(url, {"measure": f"{other.pk}-12"}).status_code == 200  # no published run: counted now
    # Without a measure, the first there is, as on the dashboard.
    [(first, _), *_] = selectors.measure_choices()
    assert client.get(url).status_code == client.get(url, {"measure": first}).status_code
