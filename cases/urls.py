from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("intake/", views.IntakeView.as_view(), name="intake"),
]
