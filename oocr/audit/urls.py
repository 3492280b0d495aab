from django.urls import path

from oocr.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AccessLogListView.as_view(), name="accesslog_list"),
    path("subject-access/", views.SubjectAccessView.as_view(), name="subject_access"),
]
