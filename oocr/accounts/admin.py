"""Accounts and roles are not edited in the Django admin, except by a superuser (made at the command line).

An administrator manages accounts on the application's own pages (oocr/accounts/views.py), where a
change needs a reason, is recorded, and can never be to their own roles. Left as Django ships them,
the admin's user and group pages would let anyone holding `auth.change_user` make themselves a
superuser or join any role.
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


class UserAdmin(SuperuserOnly, auth_admin.UserAdmin):
    pass


class GroupAdmin(SuperuserOnly, auth_admin.GroupAdmin):
    pass


for model, model_admin in ((get_user_model(), UserAdmin), (Group, GroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
