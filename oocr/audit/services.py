"""Writes to the access log: one call per consultation, export or disclosure."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from oocr.audit.models import AccessLog
from oocr.client_address import client_address


def access_log_record(
    *,
    request: HttpRequest,
    record: models.Model,
    kind: str = AccessLog.Kind.VIEW,
    person_id: int | None = None,
    justification: str = "",
    recipient: str = "",
) -> AccessLog:
    """Record that the signed-in user viewed, exported or disclosed `record`."""
    return AccessLog.objects.create(
        user=request.user,
        kind=kind,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        person_id=person_id,
        ip_address=client_address(request),
        justification=justification,
        recipient=recipient,
    )


def access_log_disclosure(*, user, record: models.Model, person_id: int | None, recipient: str, justification: str) -> AccessLog:
    """Record that personal data left the system (an email to an officer, an export), and to whom."""
    return AccessLog.objects.create(
        user=user,
        kind=AccessLog.Kind.DISCLOSURE,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        person_id=person_id,
        justification=justification,
        recipient=recipient,
    )


def access_log_report_export(*, request: HttpRequest, model: type[models.Model], justification: str) -> AccessLog:
    """Record that a report over many records of `model` left the system as a file (object id 0: no single record)."""
    return AccessLog.objects.create(
        user=request.user,
        kind=AccessLog.Kind.EXPORT,
        content_type=ContentType.objects.get_for_model(model),
        object_id=0,
        ip_address=client_address(request),
        justification=justification,
    )
