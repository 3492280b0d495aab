from django.urls import path

from trials import views

app_name = "trials"

urlpatterns = [
    path("trials/", views.TrialListView.as_view(), name="list"),
]
