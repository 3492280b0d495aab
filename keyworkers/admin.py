from django.contrib import admin

from keyworkers.models import Specialism


@admin.register(Specialism)
class SpecialismAdmin(admin.ModelAdmin):
    """The specialisms keyworkers may have: administrators add them and retire them (never delete: profiles hold them)."""

    list_display = ["name", "matches", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]

    def has_delete_permission(self, request, obj=None):
        return False
