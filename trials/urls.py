from django.urls import path

from trials import views

app_name = "trials"

urlpatterns = [
    path("trials/", views.TrialListView.as_view(), name="list"),
    path("trials/new/", views.TrialFormView.as_view(), name="create"),
    path("trials/<int:pk>/", views.TrialDetailView.as_view(), name="detail"),
    path("trials/<int:pk>/edit/", views.TrialFormView.as_view(), name="edit"),
    path("trials/<int:pk>/start/", views.TrialStartView.as_view(), name="start"),
    path("trials/<int:pk>/stop/", views.TrialStopView.as_view(), name="stop"),
    path("trials/<int:pk>/allocations/<int:allocation_pk>/exclude/", views.ExclusionView.as_view(), name="exclude"),
    path("trials/<int:pk>/allocations/<int:allocation_pk>/crossover/", views.CrossoverView.as_view(), name="crossover"),
    path("trials/<int:pk>/consort/", views.ConsortView.as_view(), name="consort"),
    path("trials/<int:pk>/analysis/", views.AnalysisView.as_view(), name="analysis"),
    path("trials/<int:pk>/export.csv", views.ResearchExportView.as_view(), name="export"),
    path("trials/<int:pk>/consort.csv", views.ConsortCsvView.as_view(), name="consort_csv"),
    path("intake/<int:pk>/randomise/", views.RandomiseView.as_view(), name="randomise"),
    path("intake/<int:pk>/randomise/<int:allocation_pk>/", views.RandomisedView.as_view(), name="randomised"),
]
