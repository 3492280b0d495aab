"""The audit pages: the access log searched and downloaded as CSV, and a person's subject access export; each
download is itself written to the access log."""

from django.http import HttpResponse
from django.views.generic import FormView
from django_filters.views import FilterView

from oocr.audit import forms, subject_access
from oocr.audit.filters import AccessLogFilter
from oocr.audit.models import AccessLog
from oocr.audit.selectors import access_log_list
from oocr.audit.services import access_log_record, access_log_report_export
from oocr.csv_export import csv_writer
from oocr.views import RoleRequiredMixin

CSV_COLUMNS = ["When", "User name", "Who", "Access", "Record type", "Record number", "Person record number",
               "Address", "Justification", "Recipient"]


class AccessLogListView(RoleRequiredMixin, FilterView):
    """Search the access log by person, user, kind, record and date; `?format=csv` downloads the matches (itself logged)."""

    permission_required = "audit.view_accesslog"
    filterset_class = AccessLogFilter
    template_name = "audit/accesslog_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        return access_log_list(user=self.request.user)

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") != "csv":
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            return super().get(request, *args, **kwargs)  # the page says which filter is wrong; nothing leaves
        entries = filterset.qs
        # Only the filters (checked above): anything else in the URL is not what was exported.
        filters = ", ".join(f"{name}={value}" for name, value in sorted(request.GET.items()) if value and name in filterset.filters)
        access_log_report_export(request=request, model=AccessLog, justification=f"Access log export ({filters or 'all entries'})")
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
        writer = csv_writer(response)
        writer.writerow(CSV_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            writer.writerow([
                entry.at.isoformat(), entry.user.username, entry.user.get_full_name(), entry.get_kind_display(),
                entry.content_type.name, entry.object_id, entry.person_id, entry.ip_address, entry.justification,
                entry.recipient,
            ])
        return response


class SubjectAccessView(RoleRequiredMixin, FormView):
    """Everything held about one person, as a zip of JSON and a readable HTML page; the request and export are logged."""

    permission_required = "accounts.produce_subject_access"
    form_class = forms.SubjectAccessForm
    template_name = "audit/subject_access.html"

    def form_valid(self, form):
        person = form.cleaned_data["person"]
        reference = form.cleaned_data["reference"]
        access_log_record(request=self.request, record=person, person_id=person.pk, kind=AccessLog.Kind.EXPORT,
                          justification=f"Subject access request {reference}: everything held, exported")
        access_log_record(request=self.request, record=person, person_id=person.pk, kind=AccessLog.Kind.DISCLOSURE,
                          justification=f"Subject access request {reference}", recipient="The data subject")
        archive = subject_access.subject_access_archive(person=person, reference=reference, by=self.request.user)
        response = HttpResponse(archive, content_type="application/zip")
        # The file is named by record number and request reference, never by name.
        response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}.zip"'
        return response
