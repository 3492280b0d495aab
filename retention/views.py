"""The retention reviewer's pages: the closed cases due for review with the decisions already made, and the decision
on one."""

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, ListView

from oocr.views import RoleRequiredMixin, ServiceFormMixin
from retention import forms, selectors, services


class RetentionReviewListView(RoleRequiredMixin, ListView):
    """Closed cases due for review, oldest first, and the decisions already made."""

    permission_required = "accounts.review_retention"
    template_name = "retention/review_list.html"
    context_object_name = "reviews"
    paginate_by = 50

    def get_queryset(self):
        return selectors.retention_review_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        decided = selectors.retention_review_list(user=self.request.user, decided=True)[:50]
        return super().get_context_data(decided=decided, retention_years=settings.RETENTION_REVIEW_YEARS, **kwargs)


class RetentionDecisionView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "accounts.review_retention"
    form_class = forms.RetentionDecisionForm
    template_name = "retention/review_decide.html"

    @cached_property
    def review(self):
        return get_object_or_404(selectors.retention_review_list(user=self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        review = services.retention_decide(review_id=self.review.pk, user=self.request.user, decision=data["decision"],
                                           reason=data["reason"], retain_until=data.get("retain_until"))
        messages.success(self.request, f"Case {review.case.number}: {review.get_decision_display().lower()} recorded.")

    def get_success_url(self) -> str:
        return reverse("retention:review_list")
