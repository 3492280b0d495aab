"""What administrators set up in the admin: reoffending definitions, harm weight sets and survey instruments."""

from django.contrib import admin

from evaluation.models import HarmWeight, HarmWeightSet, ReoffendingDefinition, SurveyInstrument


@admin.register(ReoffendingDefinition)
class ReoffendingDefinitionAdmin(admin.ModelAdmin):
    list_display = ["name", "follow_up_months", "start_point", "event_types", "waiting_months", "is_active"]
    list_filter = ["is_active", "start_point"]


class HarmWeightInline(admin.TabularInline):
    model = HarmWeight
    extra = 0
    can_delete = False
    readonly_fields = ["key", "title", "days"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(HarmWeightSet)
class HarmWeightSetAdmin(admin.ModelAdmin):
    """Read-only: weights are versioned, so a new table is imported rather than an old one edited."""

    list_display = ["name", "version", "kind", "is_current", "created_at"]
    inlines = [HarmWeightInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SurveyInstrument)
class SurveyInstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "respondent", "is_current"]

    def has_change_permission(self, request, obj=None):
        return False
