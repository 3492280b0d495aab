"""Admin behaviour shared by the apps, and the admin site itself."""

from django.contrib import admin


class OocrAdminSite(admin.AdminSite):
    """The reference-data admin: for administrators by their role, not by Django's staff flag.

    Staff status is set at the command line only (a superuser); nothing in the application grants it, so the
    role is what opens the admin, and each page still checks its model permission.
    """

    site_header = "OoCR case manager: reference data"
    site_title = "OoCR administration"

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or user.has_perm("accounts.administer_service"))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: for records that change only through services (or never, like the access log)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
