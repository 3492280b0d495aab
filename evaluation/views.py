"""The evaluation pages: imports, the review queue, harm weights, checks, the cohort report, the dashboard, surveys."""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from cases.views.case_page import CasePageMixin
from evaluation import charts, disclosure, forms, selectors, services, survival, tables
from evaluation.filters import CohortReportFilter, TimeToReoffenceFilter
from evaluation.models import ReoffendingCheckRun, ReportJob, SurveyInstrument, SurveyResponse
from oocr.audit.services import access_log_disclosure, access_log_record, access_log_report_export
from oocr.concurrency.services import form_token_new
from oocr.csv_export import csv_safe, csv_writer
from oocr.views import CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin

MANAGE = "evaluation.manage_evaluation"
VIEW_OUTCOMES = "evaluation.view_outcomes"


class EvaluationHomeView(RoleRequiredMixin, TemplateView):
    """What an administrator runs: imports, the review queue, harm weights and checks."""

    permission_required = MANAGE
    template_name = "evaluation/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            imports=selectors.crime_record_imports()[:5], runs=selectors.check_runs()[:6],
            waiting_matches=selectors.person_matches_waiting().count(), weight_sets=selectors.harm_weight_sets()[:3],
            check_form=forms.CheckRunForm(), **kwargs,
        )


class CrimeRecordImportView(RoleRequiredMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    permission_required = MANAGE
    form_class = forms.CrimeRecordImportForm
    template_name = "evaluation/crimerecordimport_form.html"

    def perform(self, form):
        self.upload = services.crime_record_import_start(
            user=self.request.user, file_name=self.request.FILES["file"].name, file=form.cleaned_data["file"],
        )

    def get_success_url(self) -> str:
        return reverse("evaluation:import_detail", args=[self.upload.pk])


class CrimeRecordImportDetailView(RoleRequiredMixin, DetailView):
    """An import's progress while it runs (a link refreshes it: no automatic reload to lose a reader's place)
    and, at the end, what was loaded or why not."""

    permission_required = MANAGE
    template_name = "evaluation/crimerecordimport_detail.html"
    context_object_name = "upload"

    def get_queryset(self):
        return selectors.crime_record_imports()

    def get_context_data(self, **kwargs):
        upload = self.object
        return super().get_context_data(
            cancel_form=forms.CrimeRecordImportCancelForm() if not upload.cancel_refusal else None,
            retry_form=forms.CrimeRecordImportRetryForm(form_token=form_token_new()) if not upload.retry_refusal else None,
            **kwargs)


class CrimeRecordImportActionMixin:
    """Cancel or run again an import, on a page of its own that says what the button does (the import's page has the
    same button). A refusal (already ended, upload gone) is a message on the import's page."""

    @cached_property
    def upload(self):
        return get_object_or_404(selectors.crime_record_imports(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(upload=self.upload, action=self.action, **kwargs)

    def get_success_url(self) -> str:
        return reverse("evaluation:import_detail", args=[self.upload.pk])


class CrimeRecordImportCancelView(RoleRequiredMixin, CrimeRecordImportActionMixin, ServiceFormMixin, FormView):
    permission_required = MANAGE
    form_class = forms.CrimeRecordImportCancelForm
    template_name = "evaluation/crimerecordimport_action.html"
    action = "cancel"

    def perform(self, form):
        upload = services.crime_record_import_cancel(import_id=self.upload.pk, user=self.request.user)
        messages.success(self.request, "Cancelled: nothing was loaded." if upload.is_finished else
                         "Cancelling: the import stops at its next step, and nothing is loaded. Refresh this page to see it stop.")


class CrimeRecordImportRetryView(RoleRequiredMixin, CrimeRecordImportActionMixin, CreateOnceMixin, ServiceFormMixin,
                                 FormView):
    permission_required = MANAGE
    form_class = forms.CrimeRecordImportRetryForm
    template_name = "evaluation/crimerecordimport_action.html"
    action = "retry"

    def perform(self, form):
        services.crime_record_import_retry(import_id=self.upload.pk, user=self.request.user)
        messages.success(self.request, "The import is running again from the file uploaded before.")


class CrimeRecordImportErrorsView(RoleRequiredMixin, DetailView):
    """The row-by-row error report of an import that was not loaded, as CSV."""

    permission_required = MANAGE

    def get_queryset(self):
        return selectors.crime_record_imports()

    def render_to_response(self, context):
        upload = self.object
        # The report can quote wrong values (a date of birth, say): it leaves the system, so it is logged.
        access_log_disclosure(user=self.request.user, record=upload, person_id=None,
                              recipient=f"CSV download by {self.request.user.username}",
                              justification=f"Error report of crime record import {upload.pk}")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="crime-record-import-{upload.pk}-errors.csv"'
        writer = csv_writer(response)
        writer.writerow(["line", "column", "problem"])
        writer.writerows([error["line"], error["column"], error["problem"]] for error in upload.errors)
        return response


class PersonMatchListView(RoleRequiredMixin, ListView):
    permission_required = MANAGE
    template_name = "evaluation/personmatch_list.html"
    context_object_name = "matches"
    paginate_by = 50

    def get_queryset(self):
        return selectors.person_matches_waiting()


class PersonMatchDecideView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """Both identities side by side (the view is logged), and the administrator's decision."""

    permission_required = MANAGE
    form_class = forms.PersonMatchDecisionForm
    template_name = "evaluation/personmatch_detail.html"

    @cached_property
    def match(self):
        return get_object_or_404(selectors.person_match_detail(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        access_log_record(request=self.request, record=self.match.person, person_id=self.match.person_id)
        return super().get_context_data(match=self.match, **kwargs)

    def perform(self, form):
        confirm = form.cleaned_data["decision"] == "confirm"
        services.person_match_decide(match_id=self.match.pk, user=self.request.user, confirm=confirm)
        messages.success(self.request, "Match confirmed: the record now counts for this person." if confirm
                         else "Match rejected: it will not be offered again.")

    def get_success_url(self) -> str:
        return reverse("evaluation:match_list")


class HarmWeightSetListView(RoleRequiredMixin, ListView):
    permission_required = MANAGE
    template_name = "evaluation/harmweightset_list.html"
    context_object_name = "weight_sets"

    def get_queryset(self):
        return selectors.harm_weight_sets()


class HarmWeightImportView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = MANAGE
    form_class = forms.HarmWeightImportForm
    template_name = "evaluation/harmweight_import.html"

    def perform(self, form):
        data = form.cleaned_data
        try:
            weight_set = services.harm_weight_set_import(
                user=self.request.user, name=data["name"], version=data["version"], source=data["source"], text=data["file"],
                make_current=data["make_current"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):  # already names its field (the version)
                raise
            raise ValidationError({"file": error.messages}) from error
        messages.success(self.request, f"{weight_set} imported with {weight_set.weights.count()} weights.")

    def get_success_url(self) -> str:
        return reverse("evaluation:weight_sets")


class CheckRunView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """Run a reoffending check now (in the background); it changes no report until it is published from its page."""

    permission_required = MANAGE
    form_class = forms.CheckRunForm
    template_name = "evaluation/check_run.html"

    def perform(self, form):
        as_of, definition = form.cleaned_data["as_of"] or timezone.localdate(), form.cleaned_data["definition"]
        services.reoffending_check_request(definition_id=definition.pk, as_of=as_of, user=self.request.user)
        messages.success(self.request, f"The check of {definition} as at {as_of:%-d %B %Y} has started. It appears under "
                                       "Latest checks when it finishes: open it to publish it.")

    def get_success_url(self) -> str:
        return reverse("evaluation:home")


class CheckRunDetailView(RoleRequiredMixin, DetailView):
    """One run: its definition in full, its counts, who ran and published it; the way to publish it."""

    permission_required = MANAGE
    template_name = "evaluation/reoffendingcheckrun_detail.html"
    context_object_name = "run"

    def get_queryset(self):
        return selectors.check_run_detail()

    def get_context_data(self, **kwargs):
        published = selectors.published_run(definition_id=self.object.definition_id)
        return super().get_context_data(published=published if published != self.object else None, **kwargs)


class CheckRunPublishView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """The confirmation page and the publishing: from then on the reports read this run."""

    permission_required = MANAGE
    form_class = forms.CheckRunPublishForm
    template_name = "evaluation/reoffendingcheckrun_publish.html"

    @cached_property
    def run(self):
        return get_object_or_404(selectors.check_run_detail(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        published = selectors.published_run(definition_id=self.run.definition_id)
        return super().get_context_data(run=self.run, published=published if published != self.run else None, **kwargs)

    def perform(self, form):
        run = services.reoffending_check_run_publish(run_id=self.run.pk, user=self.request.user)
        messages.success(self.request, f"Published: the cohort report, the outcomes dashboard and their downloads now use "
                                       f"the check of {run.definition} as at {run.as_of:%-d %B %Y}.")

    def get_success_url(self) -> str:
        return reverse("evaluation:check_detail", args=[self.run.pk])


PREPARING_REFRESH_SECONDS = 5  # how often the "being prepared" page reloads itself

PREPARING_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="80" role="img" aria-label="This chart is being '
                 b'prepared"><text x="10" y="45" font-family="Arial, sans-serif" font-size="18">This chart is being prepared: '
                 b'reload the page in a minute.</text></svg>')


def _duration(seconds: int) -> str:
    """Roughly how long, in words: "less than a minute", "about 1 minute", "about 3 minutes"."""
    if seconds < 60:
        return "less than a minute"
    minutes = round(seconds / 60)
    return f"about {minutes} minute{'s' if minutes != 1 else ''}"


class CohortReportMixin:
    """The report's filters and figures, shared by the page, its charts and its CSV exports.

    Figures not kept with a large published run are prepared in the background (services.report_figures_get): the
    reader gets the "being prepared" page, which reloads itself until they are ready, or says they failed with a
    "Try again" button.
    """

    def dispatch(self, request, *args, **kwargs):
        try:
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # a template's lazy figures are computed here, inside the try
            return response
        except services.FiguresBeingPrepared as prepared:
            return self.being_prepared(prepared.job)

    def being_prepared(self, job):
        """The page said while figures are prepared (it reloads itself), or why preparing them failed."""
        from django.template.response import TemplateResponse

        elapsed = max(0, round((timezone.now() - job.requested_at).total_seconds()))
        response = TemplateResponse(self.request, "evaluation/report_preparing.html", {
            "job": job, "estimate": _duration(selectors.report_job_estimate(job)), "elapsed": _duration(elapsed),
            "refresh": PREPARING_REFRESH_SECONDS, "failed": job.status == job.Status.FAILED,
            "retry_form": forms.ReportJobRetryForm() if job.status == job.Status.FAILED else None,
            "here": self.request.get_full_path(), "cases": f"{job.cases_in_scope:,}",
        })
        response["Cache-Control"] = "no-store"
        return response

    @cached_property
    def measure(self) -> tuple[int, int] | None:
        """(definition id, follow-up months) chosen in the URL, or the first there is; None before any definition."""
        chosen = selectors.measure_chosen(self.request.GET.get("measure"))
        return chosen[:2] if chosen else None

    @cached_property
    def published_run(self) -> ReoffendingCheckRun | None:
        """The measure's published run: the one the report, its charts and the dashboard read."""
        return selectors.published_run(definition_id=self.measure[0]) if self.measure else None

    @cached_property
    def report_filter(self) -> CohortReportFilter:
        definition_id, months = self.measure or (0, 0)
        data = self.request.GET.copy()
        data["measure"] = f"{definition_id}-{months}"
        return CohortReportFilter(data, queryset=selectors.report_results(definition_id=definition_id, months=months),
                                  request=self.request)

    @cached_property
    def filters_applied(self) -> list[tuple[str, str]]:
        return self.report_filter.described()

    @cached_property
    def breakdown(self) -> str:
        self.report_filter.form.is_valid()
        return getattr(self.report_filter.form, "cleaned_data", {}).get("breakdown") or ""

    @cached_property
    def figures(self) -> tuple[selectors.CohortReport, list[selectors.TrendQuarter]]:
        """The report and its quarterly trend: a published run's are computed once per set of filters and kept with
        the run (services.report_chart_get_or_draw), so a report opens without computing a figure again."""
        definition_id, months = self.measure or (0, None)
        definition = selectors.reoffending_definitions().filter(pk=definition_id).first()
        run = selectors.published_run(definition_id=definition_id) if definition else None
        if run is None:
            # A value not in a list is left out (and shown as an error on the page), never a server error.
            return selectors.cohort_report(results=self.report_filter.qs, definition=definition, months=months,
                                           breakdown=self.breakdown), []

        raw = services.report_figures_get(
            run=run, key=self.chart_key("figures"), kind=ReportJob.Kind.REPORT,
            filters=services.report_filter_data(self.report_filter),
            draw=lambda: services.report_figures_compute(run=run, definition=definition, months=months,
                                                         report_filter=self.report_filter, breakdown=self.breakdown))
        return selectors.report_figures_load(raw, run=run, definition=definition)

    @property
    def report(self) -> selectors.CohortReport:
        return self.figures[0]

    @property
    def trend(self) -> list[selectors.TrendQuarter]:
        """The quarterly trend, as at the published run (no later than its date), for the same filters."""
        return self.figures[1]

    @cached_property
    def definition(self) -> list[tuple[str, str]]:
        return tables.definition_lines(self.report, self.filters_applied, review_url=reverse("evaluation:match_list"))

    def figure_tables(self) -> dict[str, tables.FigureTable]:
        """Every table of the report, by its key (the CSV's name)."""
        return tables.report_tables(self.report, self.trend, selectors.SURVIVAL_DAYS)

    def chart_key(self, chart: str) -> str:
        """The chart's name with the measure and the valid filters: the same figures always make the same key."""
        definition_id, months = self.measure or (0, 0)
        return charts.chart_key(chart, f"{definition_id}-{months}", self.filters_applied, self.breakdown)


class CohortReportView(RoleRequiredMixin, CohortReportMixin, TemplateView):
    permission_required = VIEW_OUTCOMES
    template_name = "evaluation/cohort_report.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.urlencode()
        return super().get_context_data(
            filter=self.report_filter, form=self.report_filter.form, report=self.report, query=query,
            survival_days=selectors.SURVIVAL_DAYS, figure_tables=self.figure_tables(), definition=self.definition,
            disclosure_rule=disclosure.rule_statement(), **kwargs,
        )


class ReportChartView(RoleRequiredMixin, CohortReportMixin, View):
    """One chart of the report as an SVG image, for the same filters: drawn once per published run and filters, then
    read from the run's store of charts (`ReportChart`)."""

    permission_required = VIEW_OUTCOMES

    def get(self, request, chart):
        if chart not in charts.CHARTS:
            raise Http404
        # The published run alone, not the report: a kept chart is read without computing a single figure.
        run = self.published_run
        if run is None:  # no published figures to draw
            raise Http404
        svg = services.report_chart_get_or_draw(
            run_id=run.pk, key=self.chart_key(chart),
            draw=lambda: charts.draw(chart, self.report, self.figure_tables, self.definition))
        return HttpResponse(svg, content_type="image/svg+xml")

    def being_prepared(self, job):
        return chart_being_prepared()


def chart_being_prepared() -> HttpResponse:
    """In place of a chart whose figures are being prepared (the page holding it says so and reloads itself)."""
    response = HttpResponse(PREPARING_SVG, content_type="image/svg+xml", status=202)
    response["Cache-Control"] = "no-store"
    return response


class ReportExportView(RoleRequiredMixin, CohortReportMixin, View):
    """One table of the report as CSV, its definition in the first lines; every export is logged as a disclosure."""

    permission_required = VIEW_OUTCOMES
    TABLES = ("groups", "comparisons", "survival", "harm", "trend", "breakdown", "disparities")

    def get(self, request, table):
        if table not in self.TABLES or self.report.run is None:
            raise Http404
        made = self.figure_tables().get(table)
        if made is None:  # a breakdown's table without a breakdown chosen
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cohort-report-{made.key}.csv"'
        writer = csv_writer(response)
        writer.writerows(report_header(self.report, made.title, self.definition))
        writer.writerows(made.csv_rows)
        access_log_disclosure(
            user=request.user, record=self.report.run, person_id=None, recipient=f"CSV download by {request.user.username}",
            justification=f"Cohort report table '{table}' exported ({request.GET.urlencode() or 'no filters'})",
        )
        return response


def report_header(report: selectors.CohortReport, title: str, definition: list[tuple[str, str]]) -> list[list]:
    """The CSV's first lines: what the figures are, which published run they come from, the filters, what is still
    unsettled and the disclosure rule; then a blank line."""
    return [[csv_safe(name), csv_safe(value)] for name, value in [("report", f"Cohort report: {title}"), *definition]] + [[]]


def report_table(report: selectors.CohortReport, table: str) -> list[list]:
    """A table of the report as CSV rows, the first being the column names (suppression applied)."""
    made = {"groups": tables.groups_table, "comparisons": tables.comparisons_table, "harm": tables.harm_table,
            "survival": lambda r: tables.survival_table(r, selectors.SURVIVAL_DAYS)}[table](report)
    return made.csv_rows


class OutcomesDashboardView(RoleRequiredMixin, CohortReportMixin, TemplateView):
    """The team's headline figures, with the reoffending figures of the published check."""

    permission_required = VIEW_OUTCOMES
    template_name = "evaluation/dashboard.html"

    def get_context_data(self, **kwargs):
        # The team's figures: kept with a large published run (drawn in the background), else counted now.
        dashboard, drawn_at = services.dashboard_figures(run=self.report.run,
                                                         scope=selectors.dashboard_scope(user=self.request.user))
        figure_tables = self.figure_tables()
        return super().get_context_data(
            dashboard=dashboard, drawn_at=drawn_at, figures=tables.dashboard_figures(dashboard),
            distance=tables.distance_table(dashboard.distance),
            report=self.report, groups_table=figure_tables.get("groups"), definition=self.definition,
            disclosure_rule=disclosure.rule_statement(), **kwargs,
        )

    def figure_tables(self):
        # The dashboard shows the groups only: no trend, no breakdown.
        return {"groups": tables.groups_table(self.report)} if self.report.run else {}


class DistanceChartView(RoleRequiredMixin, CohortReportMixin, View):
    permission_required = VIEW_OUTCOMES

    def get(self, request, chart):
        if chart != "distance-travelled":
            raise Http404
        run = self.published_run  # the dashboard's
        if run is not None and services.report_in_background(run):  # as the dashboard keeps them
            dashboard, _ = services.dashboard_figures(run=run, scope=selectors.dashboard_scope(user=request.user))
            distance = tables.distance_table(dashboard.distance)
        else:
            cases = selectors.dashboard_cases(user=request.user)
            distance = tables.distance_table(selectors.distance_travelled_by_domain(cases=cases))
        return HttpResponse(charts.distance_chart(distance), content_type="image/svg+xml")

    def being_prepared(self, job):
        return chart_being_prepared()


class SurveyReportMixin:
    """The survey report's period and figures, shared by the page and its download."""

    # The comments are read by the managers who may see the cases (a team manager: their team's); the page's
    # permission already holds only managers, so this names who reads free text should the page's ever widen.
    COMMENTS_PERMISSION = VIEW_OUTCOMES

    @cached_property
    def period_form(self) -> forms.SurveyReportPeriodForm:
        return forms.SurveyReportPeriodForm(self.request.GET or None)

    def survey_report(self, *, with_comments: bool) -> selectors.SurveyReport:
        return selectors.survey_report(user=self.request.user, with_comments=with_comments, **self.period_form.period())

    def definition(self) -> list[tuple[str, str]]:
        return tables.survey_definition_lines(self.period_form.described(),
                                              as_at=f"{timezone.localtime():%-d %B %Y %H:%M} (figures read when opened)")


class SurveyReportView(RoleRequiredMixin, SurveyReportMixin, TemplateView):
    """Ending surveys for managers: response rates, answers, scale scores by route and outcome, before and after,
    and the comments of the cases they may see (never in the download)."""

    permission_required = VIEW_OUTCOMES
    template_name = "evaluation/survey_report.html"

    def get_context_data(self, **kwargs):
        report = self.survey_report(with_comments=self.request.user.has_perm(self.COMMENTS_PERMISSION))
        return super().get_context_data(
            form=self.period_form, report=report, instrument_tables=tables.survey_tables(report),
            definition=self.definition(), query=self.request.GET.urlencode(), **kwargs)


class SurveyReportExportView(RoleRequiredMixin, SurveyReportMixin, View):
    """Every table of the survey report in one CSV, its definitions in the first lines; no free text. Logged."""

    permission_required = VIEW_OUTCOMES

    def get(self, request):
        report = self.survey_report(with_comments=False)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="survey-report.csv"'
        writer = csv_writer(response)
        writer.writerows([[name, value] for name, value in [("report", "Ending surveys"), *self.definition()]])
        for _, made in tables.survey_tables(report):
            for table in made:
                writer.writerow([])
                writer.writerow([table.title])
                writer.writerows(table.csv_rows)
        access_log_report_export(request=request, model=SurveyResponse,
                                 justification=f"Survey report exported ({request.GET.urlencode() or 'no filters'})")
        return response


class CaseSurveysView(CasePageMixin, TemplateView):
    """The case's questionnaires, their scale scores and the change since the start."""

    template_name = "evaluation/case_surveys.html"
    section = "surveys"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            surveys=selectors.case_surveys(case=self.case), instruments=selectors.survey_instruments(),
            can_record=selectors.survey_can_record(case=self.case, user=self.request.user), **kwargs,
        )


class SurveyRecordView(CasePageMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    """The keyworker records a questionnaire's answers, item by item."""

    template_name = "evaluation/survey_form.html"
    form_class = forms.SurveyForm
    section = "surveys"

    @cached_property
    def instrument(self) -> SurveyInstrument:
        return get_object_or_404(selectors.survey_instruments(), pk=self.kwargs["instrument"])

    def has_permission(self):
        return super().has_permission() and selectors.survey_can_record(case=self.case, user=self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instrument": self.instrument}

    def get_context_data(self, **kwargs):
        return super().get_context_data(instrument=self.instrument, **kwargs)

    def perform(self, form):
        services.survey_response_record(case_id=self.case.pk, user=self.request.user, instrument_id=self.instrument.pk,
                                        timing=form.cleaned_data["timing"], scores=form.scores(),
                                        comments=form.cleaned_data["comments"])
        messages.success(self.request, f"{self.instrument.name}: answers saved.")

    def get_success_url(self) -> str:
        return reverse("evaluation:case_surveys", args=[self.case.pk])


class SurveyCorrectView(CasePageMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    """The keyworker corrects a questionnaire's answers until it is locked (`SurveyResponse.locked_because`)."""

    template_name = "evaluation/survey_form.html"
    form_class = forms.SurveyCorrectForm
    section = "surveys"

    @cached_property
    def response(self) -> SurveyResponse:
        return get_object_or_404(SurveyResponse.objects.select_related("instrument", "case"), case=self.case,
                                 pk=self.kwargs["response"])

    def has_permission(self):
        return super().has_permission() and selectors.survey_can_record(case=self.case, user=self.request.user)

    def versioned_record(self):
        return self.response

    def get(self, request, *args, **kwargs):
        locked = self.response.locked_because()
        if locked:
            messages.error(request, f"{self.response.instrument.name} can no longer be changed. {locked}")
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instrument": self.response.instrument}

    def get_initial(self):
        return {"comments": self.response.comments, **{f"item_{answer.item_code}": "" if answer.score is None else str(answer.score)
                for answer in self.response.answers.all()}}

    def get_context_data(self, **kwargs):
        return super().get_context_data(instrument=self.response.instrument, correcting=self.response, **kwargs)

    def perform(self, form):
        services.survey_response_correct(case_id=self.case.pk, user=self.request.user, response_id=self.response.pk,
                                         scores=form.scores(), comments=form.cleaned_data["comments"],
                                         read_version=form.read_version)
        messages.success(self.request, f"{self.response.instrument.name}: corrected answers saved.")

    def get_success_url(self) -> str:
        return reverse("evaluation:case_surveys", args=[self.case.pk])


# --- Time to first reoffence (issue 18, point 5) ---------------------------------------------------------------


class TimeToReoffenceMixin(CohortReportMixin):
    """The cohort report's measure and filters (its breakdown aside), and the page's figures: computed once per
    published run and filters and kept with the run (services.report_chart_get_or_draw), like the report's."""

    breakdown = ""

    @cached_property
    def report_filter(self) -> TimeToReoffenceFilter:
        definition_id, months = self.measure or (0, 0)
        data = self.request.GET.copy()
        data["measure"] = f"{definition_id}-{months}"
        return TimeToReoffenceFilter(data, queryset=selectors.report_results(definition_id=definition_id, months=months),
                                     request=self.request)

    @cached_property
    def run_and_definition(self):
        definition_id, months = self.measure or (0, None)
        definition = selectors.reoffending_definitions().filter(pk=definition_id).first()
        return (selectors.published_run(definition_id=definition_id) if definition else None), definition, months

    @cached_property
    def time_figures(self) -> survival.TimeToReoffence | None:
        run, _, months = self.run_and_definition
        if run is None:
            return None
        raw = services.report_figures_get(
            run=run, key=self.chart_key("time-to-reoffence-figures"), kind=ReportJob.Kind.TIME_TO_REOFFENCE,
            filters=services.report_filter_data(self.report_filter),
            draw=lambda: selectors.time_to_reoffence_figures(results=self.report_filter.qs, months=months).dump())
        return survival.TimeToReoffence.load(raw)

    @cached_property
    def report(self) -> selectors.CohortReport:
        """What the definition lines read: the run, the measure, those not yet at follow-up, the matches waiting."""
        run, definition, months = self.run_and_definition
        figures = self.time_figures
        return selectors.CohortReport(
            run=run, definition=definition, months=months, groups=[], comparisons=[],
            waiting_matches=selectors.person_matches_waiting().count() if run else 0,
            not_yet_at_follow_up=figures.not_yet_at_follow_up if figures else 0)


class TimeToReoffenceView(RoleRequiredMixin, TimeToReoffenceMixin, TemplateView):
    """Kaplan-Meier curves by group, the log-rank tests and the Cox model, from the published run."""

    permission_required = VIEW_OUTCOMES
    template_name = "evaluation/time_to_reoffence.html"

    def get_context_data(self, **kwargs):
        figures = self.time_figures
        made = survival.survival_tables(figures) if figures else {}
        return super().get_context_data(
            filter=self.report_filter, form=self.report_filter.form, report=self.report, query=self.request.GET.urlencode(),
            definition=self.definition, disclosure_rule=disclosure.rule_statement(), figures=figures,
            groups_table=made.get("groups"), km_table=made.get("kaplan-meier"), log_rank_table=made.get("log-rank"), cox_table=made.get("cox"),
            cox_rule_table=made.get("cox-rule"),
            cox_terms=survival.cox_terms_tables(figures) if figures else [],
            covariates=survival.COVARIATES_USED, events_per_parameter=survival.EVENTS_PER_PARAMETER,
            smallest_category=survival.SMALLEST_CATEGORY, **kwargs,
        )


class TimeToReoffenceChartView(RoleRequiredMixin, TimeToReoffenceMixin, View):
    """The Kaplan-Meier chart as SVG: drawn once per published run and filters, then read from the run's charts."""

    permission_required = VIEW_OUTCOMES

    def get(self, request):
        run, _, _ = self.run_and_definition
        if run is None:
            raise Http404
        svg = services.report_chart_get_or_draw(run_id=run.pk, key=self.chart_key("time-to-reoffence"),
                                                draw=lambda: survival.survival_chart(self.time_figures, self.definition))
        return HttpResponse(svg, content_type="image/svg+xml")

    def being_prepared(self, job):
        return chart_being_prepared()


class TimeToReoffenceExportView(RoleRequiredMixin, TimeToReoffenceMixin, View):
    """A table of the page as CSV, the definition in its first lines; every export is logged as a disclosure."""

    permission_required = VIEW_OUTCOMES

    def get(self, request, table):
        figures = self.time_figures
        made = survival.survival_tables(figures).get(table) if figures else None
        if made is None:
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="time-to-reoffence-{made.key}.csv"'
        writer = csv_writer(response)
        writer.writerows([[csv_safe(name), csv_safe(value)] for name, value in [
            ("report", f"Time to first reoffence: {made.title}"), *self.definition,
            ("time", "days from the start point to the first reoffence that counts; otherwise censored at the end of "
                     "the follow-up or at the as-at date, whichever comes first")]] + [[]])
        writer.writerows(made.csv_rows)
        access_log_disclosure(
            user=request.user, record=self.report.run, person_id=None, recipient=f"CSV download by {request.user.username}",
            justification=f"Time to reoffence table '{table}' exported ({request.GET.urlencode() or 'no filters'})",
        )
        return response


class ReportJobRetryView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """"Try again" after preparing a report's figures failed: the job waits for a worker again, and the reader goes
    back to the page that asked for them (which says they are being prepared)."""

    permission_required = VIEW_OUTCOMES
    form_class = forms.ReportJobRetryForm
    template_name = "evaluation/report_job_retry.html"

    @cached_property
    def job(self) -> ReportJob:
        return get_object_or_404(selectors.report_jobs(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(job=self.job, **kwargs)

    def perform(self, form):
        services.report_job_retry(job_id=self.job.pk)

    def get_success_url(self) -> str:
        return report_job_url(self.job)


def report_job_url(job: ReportJob) -> str:
    """The page that asked for a job's figures (its filters are in the URL, as the page keeps them)."""
    from urllib.parse import urlencode

    if job.kind == ReportJob.Kind.DASHBOARD:
        return reverse("evaluation:dashboard")
    page = "evaluation:report" if job.kind == ReportJob.Kind.REPORT else "evaluation:time_to_reoffence"
    return f"{reverse(page)}?{urlencode(sorted(job.filters.items()))}"
