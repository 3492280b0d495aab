from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Case, EligibilityRule, Offence
from oocr.admin import ReadOnlyAdmin
from oocr.forms import GovukModelForm


@admin.register(Offence)
class OffenceAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "mode_of_trial", "crime_subgroup", "is_active"]
    list_filter = ["is_active", "mode_of_trial", "crime_subgroup"]
    list_editable = ["is_active"]
    search_fields = ["code", "title"]
    actions = ["retire"]

    def has_delete_permission(self, request, obj=None):
        return False  # offences on past crimes must stay: retire them instead

    @admin.action(description="Retire the selected offences (they stay on past crimes)", permissions=["change"])
    def retire(self, request, queryset):
        for offence in queryset:
            offence.is_active = False
            offence.save(update_fields=["is_active"])
        self.message_user(request, f"{queryset.count()} offences retired.")


class EligibilityRuleForm(GovukModelForm):
    class Meta:
        model = EligibilityRule
        fields = ["is_enabled", "parameter"]

    def clean_is_enabled(self):
        enabled = self.cleaned_data["is_enabled"]
        if not enabled and not self.instance.is_optional:
            raise forms.ValidationError("This rule is part of the scheme's criteria and cannot be switched off")
        return enabled


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(SimpleHistoryAdmin):
    form = EligibilityRuleForm
    list_display = ["name", "code", "is_optional", "is_enabled", "parameter", "parameter_help"]
    list_filter = ["is_optional", "is_enabled"]
    readonly_fields = ["code", "name", "is_optional", "parameter_help"]

    def has_add_permission(self, request):
        return False  # each rule's logic lives in code; a row only switches and tunes it

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """A read-only list of cases: the baseline `make bench` times the case pages against.

    Cases change only through the services, so the admin may look but never add, change or delete.
    """

    list_display = ["number", "status", "route", "submitted_at"]
    list_select_related = ["person"]
