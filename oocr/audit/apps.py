from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "oocr.audit"
    label = "audit"
    verbose_name = "Audit"
