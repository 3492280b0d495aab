from django.contrib import admin

from oocr.admin import ReadOnlyAdmin
from oocr.audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "kind", "content_type", "object_id", "person_id", "ip_address"]
    list_filter = ["kind", "content_type"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "at"
