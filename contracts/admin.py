"""What administrators set up in the admin: the need domains, the condition library and the scheme's settings."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from contracts.models import ConditionTemplate, NeedDomain, SchemeSettings


@admin.register(NeedDomain)
class NeedDomainAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # scores refer to domains: retire one instead


@admin.register(ConditionTemplate)
class ConditionTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "need_domain", "involves_victim", "is_unpaid_work", "needs_amount", "is_active"]
    list_filter = ["kind", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["title", "text"]


@admin.register(SchemeSettings)
class SchemeSettingsAdmin(SimpleHistoryAdmin):
    """One row: the scheme's rules. Changes are kept in its history."""

    def has_add_permission(self, request):
        return not SchemeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
