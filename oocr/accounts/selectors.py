from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.contrib.auth.models import Group

User = get_user_model()


def user_list(*, user) -> QuerySet:
    """Staff accounts with their roles, for those who manage accounts."""
    if not user.has_perm("auth.view_user"):
        return User.objects.none()
    return User.objects.prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    ).order_by("last_name", "first_name")
