"""Behaviour shared by the views of every app."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.shortcuts import redirect

from oocr.audit.services import access_log_record
from oocr.concurrency.services import (
    EditConflict, form_token_claim, form_token_done, form_token_new, form_token_parse, form_token_used,
)
from oocr.errors import DomainError
from oocr.forms import RECORD_VERSION_FIELD, FORM_TOKEN_FIELD, form_version_refresh


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

    Two safeguards for work done twice (oocr.concurrency): an edit refused because
    the record changed since it was read (`EditConflict`) shows the record as it
    is now beside the user's own input, kept in the form with the new version;
    a create form's one-time token (`CreateOnceMixin`) is claimed in the same
    transaction as `perform`, so the same post sent again goes to where the
    first one went and creates nothing.
    """

    edit_conflict = None  # (message, [(label, their value)]) after a refused edit

    def form_valid(self, form):
        token = getattr(form, "submitted_token", None) if FORM_TOKEN_FIELD in form.fields else None
        try:
            with transaction.atomic():
                earlier = form_token_claim(token=token, user=self.request.user) if token else None
                if earlier is not None:
                    return self.form_sent_before(earlier.redirect_to)
                self.perform(form)
                url = self.get_success_url()
                if token:
                    form_token_done(token=token, user=self.request.user, redirect_to=url)
        except EditConflict as conflict:
            return self.form_conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except DomainError as error:
            messages.error(self.request, str(error))
            return redirect(self.get_refused_url())
        return redirect(url)

    def perform(self, form) -> None:
        raise NotImplementedError

    def get_refused_url(self) -> str:
        return self.get_success_url()

    def form_sent_before(self, url: str):
        messages.info(self.request, "You sent this form already, so nothing new was saved: this is what it saved.")
        return redirect(url or self.get_refused_url())

    def form_conflict(self, form, conflict: EditConflict):
        """The edit was over an older version: their version beside the user's input, which saves over it when sent again."""
        form_version_refresh(form, conflict.record.version)
        form.add_error(None, conflict.message)
        form.non_field_errors_anchor = "edit-conflict"  # the summary's link lands on the other version, shown above the form
        self.edit_conflict = self.conflict_rows(form, conflict.record)
        return self.form_invalid(form)

    def conflict_rows(self, form, record) -> list[tuple[str, str]]:
        """Their version: by default each of the form's questions whose answer in `record` differs from the user's."""
        return conflict_rows(form, self.conflict_initial(record))

    def conflict_initial(self, record) -> dict:
        """The record as it is now, as the form's initial data (a view whose form is not the record's model form overrides it)."""
        return model_to_dict(record)

    def get_context_data(self, **kwargs):
        return super().get_context_data(edit_conflict=self.edit_conflict, **kwargs)


class VersionedEditMixin:
    """An edit form of an existing record carries the version it was read at (`record_version`).

    `versioned_record()` is the record the page edits (None while there is none yet); the view
    passes `form.read_version` to its service, which calls `version_bump` before saving.
    """

    def versioned_record(self):
        raise NotImplementedError

    def get_form_kwargs(self):
        record = self.versioned_record()
        kwargs = super().get_form_kwargs()
        if record is not None and record.pk:
            kwargs["record_version"] = record.version
        return kwargs


class CreateOnceMixin:
    """A create form carries a one-time token, new at each render: the same post sent twice creates one record."""

    def creates_record(self) -> bool:
        return True

    def post(self, request, *args, **kwargs):
        # Sent before: go where it went, before the form is checked again (a second record would now fail a unique check).
        token = form_token_parse(request.POST.get(FORM_TOKEN_FIELD)) if self.creates_record() else None
        earlier = form_token_used(token=token, user=request.user) if token else None
        if earlier is not None:
            return self.form_sent_before(earlier.redirect_to)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "form_token": form_token_new()} if self.creates_record() else kwargs


def _display(field, value) -> str:
    if value in (None, "", [], ()):
        return "Not given"
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {str(key): str(label) for key, label in choices if not isinstance(label, (list, tuple))}
        values = value if isinstance(value, (list, tuple, set)) else [value]
        return ", ".join(labels.get(str(getattr(item, "pk", item)), str(item)) for item in values)
    return str(value)


def conflict_rows(form, current: dict) -> list[tuple[str, str]]:
    """(label, their value) for every question whose answer now differs from what the user sent."""
    rows = []
    for bound in form.visible_fields():
        if bound.name in (RECORD_VERSION_FIELD, FORM_TOKEN_FIELD) or bound.name not in current:
            continue
        try:
            changed = bound.field.has_changed(current[bound.name], bound.data)
        except (TypeError, ValueError, ValidationError):
            changed = True
        if changed:
            rows.append((str(bound.label), _display(bound.field, current[bound.name])))
    return rows
