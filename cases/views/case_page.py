"""What every page of a case record shares (CasePageMixin): who may open it, the reason asked before opening a
case outside one's caseload or team, and the access log. Other apps' case pages import the mixin from here."""

from functools import cached_property

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from cases import selectors
from cases.models import Case
from oocr.audit.services import access_log_record
from oocr.views import RoleRequiredMixin


CASE_ACCESS_REASONS_SESSION_KEY = "case_access_reasons"


def case_access_reason_get(request, case_id: int) -> str | None:
    """The reason this session gave for opening a case outside the user's caseload or team, if it gave one."""
    return request.session.get(CASE_ACCESS_REASONS_SESSION_KEY, {}).get(str(case_id))


def case_or_404(request, pk: int) -> Case:
    """The case a case page shows, if this user may open it (selectors.case_detail)."""
    case = selectors.case_detail(user=request.user, pk=pk)
    if case is None:
        raise Http404("No case found")
    return case


class CasePageMixin(RoleRequiredMixin):
    """A page of a case record: for its keyworker, supervisors and the team manager.

    Every view is written to the access log. Pages that change the case
    (`changes_case`) are for the keyworker who holds it: others read it.
    """

    permission_required = ("accounts.hold_caseload", "accounts.view_team_performance")
    section = "overview"
    changes_case = False

    @cached_property
    def case(self) -> Case:
        return case_or_404(self.request, self.kwargs["pk"])

    @cached_property
    def held(self) -> bool:
        return selectors.case_is_held_by(self.case, self.request.user)

    @cached_property
    def outside_team(self) -> bool:
        return selectors.case_access_needs_reason(case=self.case, user=self.request.user)

    @cached_property
    def supervises(self) -> bool:
        """A supervisor of the team holding the case: approvals, decisions and reallocation are theirs to make."""
        return self.request.user.has_perm("accounts.allocate_cases") and not self.outside_team

    def has_permission(self):
        allowed = any(self.request.user.has_perm(permission) for permission in self.get_permission_required())
        return allowed and (not self.changes_case or self.held)

    def dispatch(self, request, *args, **kwargs):
        # Outside one's caseload or team: a reason first, remembered for the session (case_access_reason_get).
        if (request.user.is_authenticated and self.has_permission() and case_access_reason_get(request, self.kwargs["pk"]) is None
                and self.outside_team):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('cases:case_access_reason', args=[self.case.pk])}?{query}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        access_log_record(request=self.request, record=self.case, person_id=self.case.person_id,
                          justification=case_access_reason_get(self.request, self.case.pk) or "")
        return super().get_context_data(**{"case": self.case, "held": self.held, "supervises": self.supervises,
                                           "section": self.section, **kwargs})

    def get_success_url(self) -> str:
        return reverse("cases:case_detail", args=[self.case.pk])
