from django.views.generic import TemplateView

from oocr.views import RoleRequiredMixin


class CaseloadView(RoleRequiredMixin, TemplateView):
    """The keyworker's start page (filled by the allocation issue)."""

    permission_required = "accounts.hold_caseload"
    template_name = "keyworkers/caseload.html"


class AllocationView(RoleRequiredMixin, TemplateView):
    """The supervisor's start page: the allocation queue (filled by the allocation issue)."""

    permission_required = "accounts.allocate_cases"
    template_name = "keyworkers/allocation.html"


class TeamView(RoleRequiredMixin, TemplateView):
    """The team manager's start page (filled by the allocation issue)."""

    permission_required = "accounts.view_team_performance"
    template_name = "keyworkers/team.html"
