"""Reads of the access log, for those allowed to read it."""

from django.db.models import QuerySet

from oocr.audit.models import AccessLog


def access_log_list(*, user) -> QuerySet[AccessLog]:
    """The access log, for those allowed to read it; newest first."""
    if not user.has_perm("audit.view_accesslog"):
        return AccessLog.objects.none()
    return AccessLog.objects.select_related("user", "content_type")
