"""Behaviour shared by the views of every app."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin

from oocr.audit.services import access_log_record


class RoleRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Signed in and holding `permission_required`.

    Not signed in: redirected to sign in. Signed in without the right: 403.
    """


class AccessLoggedMixin:
    """Log one consultation per view of a record (DPA 2018 section 62).

    Set `access_log_person_attr` to the attribute of the object holding the data
    subject's Person id, when the record is about a person.
    """

    access_log_person_attr: str | None = None

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        person_id = getattr(record, self.access_log_person_attr) if self.access_log_person_attr else None
        access_log_record(request=self.request, record=record, person_id=person_id)
        return record
