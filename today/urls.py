from django.urls import path

from today import views

app_name = "today"

urlpatterns = [
    path("today/", views.TodayView.as_view(), name="today"),
]
