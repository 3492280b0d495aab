"""The Django admin, as this service uses it."""

from django.contrib.admin.apps import AdminConfig


class OocrAdminConfig(AdminConfig):
    default_site = "oocr.admin.OocrAdminSite"
