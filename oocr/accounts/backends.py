"""Django's ModelBackend, reading a person's permissions in one query instead of two, and the signed-in user through
a prepared query."""

from django.contrib.auth import backends, get_user_model
from django.db import connection
from django.db.models import IntegerField

from oocr.prepared import PreparedQuery, Slot

# Every signed-in request loads its user: built and compiled once a process (oocr/prepared.py).
_USER = PreparedQuery(lambda: get_user_model()._default_manager.filter(pk=Slot("user", IntegerField())))


class ModelBackend(backends.ModelBackend):
    """Every signed-in page asks for the person's permissions (the navigation, the view's role check).

    Django reads them in two ORM queries (the person's own, then their groups'); building those costs more CPU than
    running them (python -m bench.profile). Here one hand-written query reads both; the result is cached on the user
    object for the request as Django's is (`_perm_cache`), so a role change shows on the next request.
    """

    def get_user(self, user_id):
        """ModelBackend's: the user of this id, if they may still sign in."""
        users = _USER.rows({"user": get_user_model()._meta.pk.to_python(user_id)})
        return users[0] if users and self.user_can_authenticate(users[0]) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                return super().get_all_permissions(user_obj, obj)
            user_obj._perm_cache = _permissions_of(user_obj.pk)
        return user_obj._perm_cache


def _permissions_of(user_id) -> set[str]:
    """'app_label.codename' for each permission held directly or through a group (role)."""
    from django.contrib.auth.models import Permission

    User = get_user_model()
    own = User.user_permissions.through._meta
    groups = User.groups.through._meta
    group_permissions = Permission.group_set.through._meta
    user_column = User._meta.model_name + "_id"
    sql = (
        f"SELECT ct.app_label, p.codename FROM {Permission._meta.db_table} p "
        "JOIN django_content_type ct ON ct.id = p.content_type_id "
        f"WHERE p.id IN (SELECT permission_id FROM {own.db_table} WHERE {user_column} = %s "
        f"UNION SELECT gp.permission_id FROM {group_permissions.db_table} gp "
        f"JOIN {groups.db_table} ug ON ug.group_id = gp.group_id WHERE ug.{user_column} = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, user_id])
        return {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}
