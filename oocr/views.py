"""Behaviour shared by the views of every app."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from oocr.audit.services import access_log_record
from oocr.errors import DomainError


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


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceFormMixin:
    """`form_valid` calls the view's `perform(form)`, which calls one service.

    A ValidationError from the service goes back on the form, next to the field
    it names; a DomainError (a move the rules do not allow, such as allocating a
    case someone else has just allocated) becomes a message, and the user is
    sent to `get_refused_url()`. Nothing is half-saved: services are atomic.
    """

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except DomainError as error:
            messages.error(self.request, str(error))
            return redirect(self.get_refused_url())
        return redirect(self.get_success_url())

    def perform(self, form) -> None:
        raise NotImplementedError

    def get_refused_url(self) -> str:
        return self.get_success_url()
