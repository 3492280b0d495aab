"""Pages of the trials app: set-up for the trial manager, randomisation at intake for the officer."""

from django.views.generic import ListView

from oocr.views import RoleRequiredMixin
from trials import selectors


class TrialListView(RoleRequiredMixin, ListView):
    permission_required = "trials.manage_trial"
    template_name = "trials/trial_list.html"
    context_object_name = "trials"

    def get_queryset(self):
        return selectors.trial_list()
