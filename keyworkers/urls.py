from django.urls import path

from keyworkers import views

app_name = "keyworkers"

urlpatterns = [
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    path("allocation/", views.AllocationQueueView.as_view(), name="allocation"),
    path("allocation/reviews/", views.AllocationReviewListView.as_view(), name="reviews"),
    path("allocation/reviews/<int:pk>/", views.AllocationReviewView.as_view(), name="review"),
    path("allocation/<int:pk>/", views.AllocateView.as_view(), name="allocate"),
    path("allocation/<int:pk>/reallocate/", views.ReallocateView.as_view(), name="reallocate"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("team/<int:pk>/caseload/", views.TeamCaseloadView.as_view(), name="team_caseload"),
    path("team/<int:pk>/reallocate/", views.BulkReallocateView.as_view(), name="reallocate_bulk"),
    path("team/<int:pk>/profile/", views.StaffProfileEditView.as_view(), name="staff_profile"),
]
