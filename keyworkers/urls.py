from django.urls import path

from keyworkers import views

app_name = "keyworkers"

urlpatterns = [
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    path("allocation/", views.AllocationView.as_view(), name="allocation"),
    path("team/", views.TeamView.as_view(), name="team"),
]
