from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("", views.RetentionReviewListView.as_view(), name="review_list"),
    path("<int:pk>/", views.RetentionDecisionView.as_view(), name="review_decide"),
]
