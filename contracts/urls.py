from django.urls import path

from contracts import views

app_name = "contracts"

urlpatterns = [
    path("cases/<int:pk>/assessment/", views.CaseAssessmentView.as_view(), name="assessment"),
    path("cases/<int:pk>/assessment/<str:kind>/", views.NeedsAssessmentFormView.as_view(), name="assessment_form"),
    path("cases/<int:pk>/actions/new/", views.KeyworkerActionView.as_view(), name="action_new"),
]
