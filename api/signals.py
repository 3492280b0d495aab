"""The events clients hear of, recorded inside the change that makes them: a contract signed (the case becomes
active), a case breached, a case concluded (any other closure)."""

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from cases.models import Case


@receiver(post_init, sender=Case)
def _status_loaded(sender, instance, **kwargs):
    instance._api_status_loaded = instance.__dict__.get("status")  # deferred: unknown, and not read here


def _event_kind(status: str) -> str | None:
    from api.models import ApiEvent

    if status == Case.Status.ACTIVE:
        return ApiEvent.Kind.CONTRACT_SIGNED
    if status == Case.Status.BREACHED:
        return ApiEvent.Kind.CASE_BREACHED
    if status in Case.CLOSED:
        return ApiEvent.Kind.CASE_CONCLUDED
    return None


@receiver(post_save, sender=Case)
def _status_changed(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and "status" not in update_fields):
        return
    status = instance.__dict__.get("status")
    if status is None or status == getattr(instance, "_api_status_loaded", None):
        return
    instance._api_status_loaded = status
    kind = _event_kind(status)
    if kind is not None:
        from api.services import api_event_record

        api_event_record(case=instance, kind=kind)
