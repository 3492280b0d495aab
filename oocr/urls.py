from django.contrib import admin
from django.urls import include, path

from oocr.accounts.views import StartView

urlpatterns = [
    path("", StartView.as_view(), name="start"),
    path("account/", include("oocr.accounts.auth_urls")),
    path("administration/", include("oocr.accounts.urls")),
    path("administration/access-log/", include("oocr.audit.urls")),
    path("administration/retention/", include("retention.urls")),
    path("notifications/", include("oocr.notifications.urls")),
    path("", include("cases.urls")),
    path("", include("keyworkers.urls")),
    path("", include("contracts.urls")),
    path("", include("referrals.urls")),
    path("", include("evaluation.urls")),
    path("", include("today.urls")),
    path("", include("documents.urls")),
    path("", include("api.urls")),
    path("", include("portal.urls")),
    path("", include("trials.urls")),
    path("django-admin/", admin.site.urls),
]
