from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/", views.EvaluationHomeView.as_view(), name="home"),
    path("evaluation/imports/new/", views.CrimeRecordImportView.as_view(), name="import_new"),
    path("evaluation/imports/<int:pk>/", views.CrimeRecordImportDetailView.as_view(), name="import_detail"),
    path("evaluation/imports/<int:pk>/cancel/", views.CrimeRecordImportCancelView.as_view(), name="import_cancel"),
    path("evaluation/imports/<int:pk>/retry/", views.CrimeRecordImportRetryView.as_view(), name="import_retry"),
    path("evaluation/imports/<int:pk>/errors.csv", views.CrimeRecordImportErrorsView.as_view(), name="import_errors"),
    path("evaluation/matches/", views.PersonMatchListView.as_view(), name="match_list"),
    path("evaluation/matches/<int:pk>/", views.PersonMatchDecideView.as_view(), name="match_decide"),
    path("evaluation/harm-weights/", views.HarmWeightSetListView.as_view(), name="weight_sets"),
    path("evaluation/harm-weights/import/", views.HarmWeightImportView.as_view(), name="weight_import"),
    path("evaluation/checks/run/", views.CheckRunView.as_view(), name="check_run"),
    path("evaluation/checks/<int:pk>/", views.CheckRunDetailView.as_view(), name="check_detail"),
    path("evaluation/checks/<int:pk>/publish/", views.CheckRunPublishView.as_view(), name="check_publish"),
    path("evaluation/report/", views.CohortReportView.as_view(), name="report"),
    path("evaluation/report/<str:chart>.svg", views.ReportChartView.as_view(), name="report_chart"),
    path("evaluation/report/<str:table>.csv", views.ReportExportView.as_view(), name="report_export"),
    path("evaluation/report/jobs/<int:pk>/retry/", views.ReportJobRetryView.as_view(), name="report_job_retry"),
    path("evaluation/surveys/", views.SurveyReportView.as_view(), name="survey_report"),
    path("evaluation/surveys/export.csv", views.SurveyReportExportView.as_view(), name="survey_report_export"),
    path("outcomes/", views.OutcomesDashboardView.as_view(), name="dashboard"),
    path("outcomes/charts/<str:chart>.svg", views.DistanceChartView.as_view(), name="distance_chart"),
    path("cases/<int:pk>/surveys/", views.CaseSurveysView.as_view(), name="case_surveys"),
    path("cases/<int:pk>/surveys/<int:instrument>/new/", views.SurveyRecordView.as_view(), name="survey_record"),
    path("cases/<int:pk>/surveys/answers/<int:response>/", views.SurveyCorrectView.as_view(), name="survey_correct"),
]

urlpatterns += [
    path("evaluation/time-to-reoffence/", views.TimeToReoffenceView.as_view(), name="time_to_reoffence"),
    path("evaluation/time-to-reoffence/chart.svg", views.TimeToReoffenceChartView.as_view(), name="time_to_reoffence_chart"),
    path("evaluation/time-to-reoffence/<str:table>.csv", views.TimeToReoffenceExportView.as_view(),
         name="time_to_reoffence_export"),
]
