"""The partner directory, referrals from a case, and the referral report."""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from cases.views.case_page import CasePageMixin
from contracts.models import NeedDomain
from oocr.audit.services import access_log_report_export
from oocr.concurrency.services import form_token_new
from oocr.csv_export import csv_writer
from oocr.views import CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin
from referrals import forms, selectors, services
from referrals.filters import PartnerFilter
from referrals.models import Partner, Referral


class PartnerListView(RoleRequiredMixin, FilterView):
    """The directory: search by words, need, area and type."""

    permission_required = "referrals.view_partner"
    filterset_class = PartnerFilter
    template_name = "referrals/partner_list.html"
    context_object_name = "partners"
    paginate_by = 25

    def get_queryset(self):
        return selectors.partner_directory()


class PartnerDetailView(RoleRequiredMixin, DetailView):
    permission_required = "referrals.view_partner"
    template_name = "referrals/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        return selectors.partner_directory()


class PartnerFormView(RoleRequiredMixin, VersionedEditMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    """Add a partner, or change one (without overwriting a change someone else saved meanwhile)."""

    permission_required = "referrals.change_partner"
    form_class = forms.PartnerForm
    template_name = "referrals/partner_form.html"

    @cached_property
    def partner(self) -> Partner:
        return get_object_or_404(Partner, pk=self.kwargs["pk"]) if "pk" in self.kwargs else Partner()

    def versioned_record(self):
        return self.partner

    def creates_record(self) -> bool:
        return not self.partner.pk

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.partner}

    def conflict_initial(self, record) -> dict:
        return {**super().conflict_initial(record), "need_domains": list(record.need_domains.values_list("pk", flat=True))}

    def perform(self, form):
        partner = services.partner_save(partner=form.instance, need_domains=form.cleaned_data["need_domains"],
                                        user=self.request.user, read_version=form.read_version)
        messages.success(self.request, f"{partner.name} saved.")

    def get_success_url(self) -> str:
        return reverse("referrals:partner", args=[self.partner.pk])

    def get_refused_url(self) -> str:
        return self.request.path


class PartnerImportView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """Load or update the directory from a CSV file: every row or none."""

    permission_required = "referrals.add_partner"
    form_class = forms.PartnerImportForm
    template_name = "referrals/partner_import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=",".join(services.PARTNER_COLUMNS), **kwargs)

    def perform(self, form):
        try:
            created, updated = services.partner_import_csv(text=form.cleaned_data["file"])
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        messages.success(self.request, f"Partners imported: {created} added, {updated} updated.")

    def get_success_url(self) -> str:
        return reverse("referrals:partners")


class CaseReferralsView(CasePageMixin, TemplateView):
    """The case's referrals, with what each partner has not yet done by when they should have."""

    template_name = "referrals/case_referrals.html"
    section = "referrals"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        referrals = list(selectors.case_referrals(case=self.case))
        for referral in referrals:
            referral.overdue_text = referral.overdue(today)
        return super().get_context_data(referrals=referrals, **kwargs)


class ReferralPartnerChooseView(CasePageMixin, TemplateView):
    """Choose the need, then the partner: those serving the need, the person's area and people like them first."""

    template_name = "referrals/referral_choose.html"
    section = "referrals"
    changes_case = True

    def get_context_data(self, **kwargs):
        needs = selectors.case_needs_for_referral(case=self.case)
        need = next((domain for domain in needs if str(domain.pk) == self.request.GET.get("need")), None)
        partners = selectors.partners_matching(
            person=self.case.person, need_domain=need, on=timezone.localdate(), serving_only=True,
        ) if need else []
        return super().get_context_data(needs=needs, need=need, partners=partners, **kwargs)


class ReferralNewView(CasePageMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    form_class = forms.ReferralForm
    template_name = "referrals/referral_form.html"
    section = "referrals"
    changes_case = True

    @cached_property
    def partner(self) -> Partner:
        return get_object_or_404(Partner, pk=self.kwargs["partner_pk"])

    @cached_property
    def need(self) -> NeedDomain:
        chosen = self.request.GET.get("need", "")
        return get_object_or_404(NeedDomain, pk=int(chosen) if chosen.isdigit() else 0)  # letters: not found, as an unknown id

    @cached_property
    def eligibility_problems(self) -> list[str]:
        return self.partner.eligibility_problems(self.case.person, on=timezone.localdate())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "conditions": selectors.linkable_conditions(case=self.case),
                "eligibility_problems": self.eligibility_problems}

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=self.partner, need=self.need,
                                        eligibility_problems=self.eligibility_problems, **kwargs)

    def perform(self, form):
        self.referral = services.referral_create(
            case_id=self.case.pk, user=self.request.user, partner=self.partner, need_domain=self.need,
            condition_id=form.cleaned_data["condition"], shared=form.cleaned_data["shared"],
            consent_to_share=form.cleaned_data["consent_to_share"],
            eligibility_override=form.cleaned_data["eligibility_override"],
        )
        messages.success(self.request, f"Referral to {self.partner.name} saved as a draft: send it when you are ready.")

    def get_success_url(self) -> str:
        return reverse("referrals:referral", args=[self.case.pk, self.referral.pk])

    def get_refused_url(self) -> str:
        return reverse("referrals:case_referrals", args=[self.case.pk])


class ReferralPageMixin(CasePageMixin):
    """One referral of the case: its steps and updates, and (for its keyworker) the forms that move it on."""

    template_name = "referrals/referral_detail.html"
    section = "referrals"
    form_name = ""

    @cached_property
    def referral(self) -> Referral:
        try:
            return selectors.case_referral(case=self.case, referral_id=self.kwargs["referral_pk"])
        except Referral.DoesNotExist as error:
            raise Http404("No such referral") from error

    def get_context_data(self, **kwargs):
        conditions = selectors.linkable_conditions(case=self.case)
        context = {
            "send_form": forms.ReferralSendForm(partner=self.referral.partner, initial={"on": timezone.localdate()}),
            "progress_form": forms.ReferralProgressForm(referral=self.referral, initial={"on": timezone.localdate()},
                                                        form_token=form_token_new()),
            "condition_form": forms.ReferralConditionForm(conditions=conditions, initial={"condition": self.referral.condition_id},
                                                          record_version=self.referral.version),
            "referral": self.referral,
            "overdue_text": self.referral.overdue(timezone.localdate()),
        }
        if "form" in kwargs:
            context[self.form_name] = kwargs["form"]
        return super().get_context_data(**context, **kwargs)

    def get_success_url(self) -> str:
        return reverse("referrals:referral", args=[self.case.pk, self.referral.pk])


class ReferralDetailView(ReferralPageMixin, TemplateView):
    pass


class ReferralSendView(ReferralPageMixin, ServiceFormMixin, FormView):
    form_class = forms.ReferralSendForm
    form_name = "send_form"
    changes_case = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.referral.partner}

    def perform(self, form):
        referral = services.referral_send(case_id=self.case.pk, referral_id=self.referral.pk, user=self.request.user,
                                          **form.cleaned_data)
        how = "It is being emailed to the partner" if referral.sent_by == Referral.SentBy.EMAIL else "Recorded as sent"
        messages.success(self.request, f"Referral to {referral.partner.name} sent. {how}; "
                                       f"they should acknowledge it by {referral.acknowledge_by:%-d %B}.")


class ReferralProgressView(ReferralPageMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    form_class = forms.ReferralProgressForm
    form_name = "progress_form"
    changes_case = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "referral": self.referral}

    def perform(self, form):
        referral = services.referral_progress_record(case_id=self.case.pk, referral_id=self.referral.pk,
                                                     user=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Progress recorded: the referral is {referral.get_status_display().lower()}.")


class ReferralConditionView(ReferralPageMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    form_class = forms.ReferralConditionForm
    form_name = "condition_form"
    changes_case = True

    def versioned_record(self):
        return self.referral

    def conflict_initial(self, record) -> dict:
        return {"condition": record.condition_id}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "conditions": selectors.linkable_conditions(case=self.case)}

    def perform(self, form):
        services.referral_condition_link(case_id=self.case.pk, referral_id=self.referral.pk, user=self.request.user,
                                         condition_id=form.cleaned_data["condition"], read_version=form.read_version)
        messages.success(self.request, "Condition link saved.")


REPORT_COLUMNS = [
    ("Partner", "partner"), ("Need", "need"), ("Referred", "referred"), ("Engaged", "engaged"),
    ("Engaged %", "engaged_percent"), ("Completed", "completed"), ("Completed %", "completed_percent"),
    ("Median days to acknowledge", "median_days_to_acknowledge"), ("Median days to engage", "median_days_to_engage"),
    ("Acknowledged in time %", "acknowledged_in_time_percent"),
]


class ReferralReportView(RoleRequiredMixin, TemplateView):
    """Which partners engage the team's clients, and how fast; `?format=csv` downloads it (logged)."""

    permission_required = "referrals.view_referral_report"
    template_name = "referrals/referral_report.html"

    def get(self, request, *args, **kwargs):
        period = forms.ReportPeriodForm(request.GET or None)
        dates = period.cleaned_data if period.is_valid() else {}
        rows = selectors.referral_report(sent_from=dates.get("sent_from"), sent_to=dates.get("sent_to"))
        if request.GET.get("format") == "csv":
            return self.csv_response(rows)
        return self.render_to_response(self.get_context_data(period=period, rows=rows, columns=REPORT_COLUMNS))

    def csv_response(self, rows) -> HttpResponse:
        access_log_report_export(request=self.request, model=Referral, justification="Referral report by partner and need")
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="referrals-by-partner.csv"'
        writer = csv_writer(response)
        writer.writerow([label for label, _ in REPORT_COLUMNS])
        for row in rows:
            writer.writerow(["" if getattr(row, name) is None else getattr(row, name) for _, name in REPORT_COLUMNS])
        return response
