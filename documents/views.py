"""A case's documents: the list, an upload, a download (checked and logged), and the letters made from templates."""

from functools import cached_property

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from cases.models import Case
from cases.views.case_page import CasePageMixin
from documents import forms, selectors, services
from documents.file_types import FILE_TYPES
from oocr.audit.models import AccessLog
from oocr.audit.services import access_log_record
from oocr.errors import DomainError
from oocr.views import CreateOnceMixin, ServiceFormMixin


class CaseDocumentsView(CasePageMixin, TemplateView):
    template_name = "documents/case_documents.html"
    section = "documents"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            documents=selectors.case_documents(case=self.case),
            warning_candidates=selectors.warning_letter_candidates(case=self.case).exists() if self.held else False,
            breach_pack_due=self.supervises and self.case.status == Case.Status.BREACHED
            and not self.case.documents.filter(kind="breach_pack").exists(),
            **kwargs,
        )


class DocumentStepMixin(CasePageMixin, ServiceFormMixin):
    template_name = "cases/case_form.html"
    section = "documents"
    changes_case = True
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def get_success_url(self) -> str:
        return reverse("documents:case_documents", args=[self.case.pk])


class DocumentUploadView(CreateOnceMixin, DocumentStepMixin, FormView):
    form_class = forms.DocumentUploadForm
    title = "Upload a document"

    def perform(self, form):
        document = services.case_document_upload(case_id=self.case.pk, user=self.request.user, upload=form.cleaned_data["file"],
                                                 kind=form.cleaned_data["kind"], description=form.cleaned_data["description"])
        messages.success(self.request, f"{document.get_kind_display()} uploaded.")


class WarningLetterView(DocumentStepMixin, FormView):
    """One letter per non-compliance (its own key), so the form needs no one-time token."""

    form_class = forms.WarningLetterForm
    title = "Make a warning letter"

    def get_form_kwargs(self):
        candidates = selectors.warning_letter_candidates(case=self.case)
        return {**super().get_form_kwargs(), "choices": forms.warning_letter_choices(candidates)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            intro="The letter tells the person what they did not keep to, that their contract carries on, and what happens "
                  "if it happens again. It is kept with the case's documents to print or send.", **kwargs)

    def perform(self, form):
        services.warning_letter_make(case_id=self.case.pk, user=self.request.user,
                                     non_compliance_id=form.cleaned_data["non_compliance"])
        messages.success(self.request, "Warning letter made: download it below.")


class BreachPackView(CasePageMixin, View):
    """A supervisor of the team makes the breach pack for the officer in the case, once the breach is approved."""

    permission_required = ("accounts.allocate_cases",)

    def has_permission(self):
        return super().has_permission() and self.supervises

    def post(self, request, pk):
        try:
            services.breach_pack_make(case_id=self.case.pk, user=request.user)
            messages.success(request, "Breach pack made: download it below and send it to the officer in the case.")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("documents:case_documents", pk=self.case.pk)


class DocumentDownloadView(CasePageMixin, View):
    """The file, as an attachment, to those who may read the case; each download is in the access log as an export."""

    def get(self, request, pk, document_pk):
        document = selectors.case_document_downloadable(case=self.case, document_id=document_pk)
        if document is None:
            raise Http404("No such document")
        try:
            file = services.documents_storage().open(document.storage_name, "rb")
        except (FileNotFoundError, OSError) as error:
            raise Http404("The document's file is not in the documents storage") from error
        access_log_record(request=request, record=document, kind=AccessLog.Kind.EXPORT, person_id=self.case.person_id,
                          justification=f"Document downloaded: {document.get_kind_display()}")
        response = FileResponse(file, as_attachment=True, filename=document.download_name,
                                content_type=FILE_TYPES[document.file_type].content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
