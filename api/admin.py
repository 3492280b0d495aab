from django.contrib import admin

from api.models import OffenceCode


@admin.register(OffenceCode)
class OffenceCodeAdmin(admin.ModelAdmin):
    """The force's codes for catalogue offences: how the API maps a CJS code or Home Office classification."""

    list_display = ["scheme", "code", "offence"]
    list_filter = ["scheme"]
    search_fields = ["code", "offence__title"]
    autocomplete_fields = ["offence"]
