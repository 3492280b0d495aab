"""The operations of /api/v1/ (the schema is made from these alone)."""

from django.urls import path

from api import views

urlpatterns = [
    path("api/v1/referrals/<path:crime_reference>", views.api_view(views.ReferralView), name="referral"),
    path("api/v1/cases/<path:crime_reference>", views.api_view(views.CaseView), name="case"),
    path("api/v1/outcomes", views.api_view(views.OutcomesView), name="outcomes"),
]
