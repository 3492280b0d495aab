"""Today: the start page of every role but the administrator's, answering "what do I do today"."""

from django.utils import timezone
from django.views.generic import TemplateView

from oocr.views import RoleRequiredMixin
from today import selectors, services


class TodayView(RoleRequiredMixin, TemplateView):
    """The panels of each role the user holds; each row links to where its work is done.

    Looking is remembered (services.today_look_record): what happened since is marked new next time.
    """

    permission_required = "today.view_today"
    template_name = "today/today.html"

    def get_context_data(self, **kwargs):
        user, now = self.request.user, timezone.now()
        today, since = timezone.localdate(now), selectors.last_looked(user=user)
        context = {"since": since}
        if user.has_perm("accounts.hold_caseload"):
            context["keyworker"] = {
                "appointments": selectors.keyworker_appointments_soon(keyworker=user, today=today),
                "outcomes_missing": selectors.keyworker_outcomes_missing(keyworker=user, now=now),
                "conditions": selectors.keyworker_conditions_due(keyworker=user, today=today),
                "referrals": selectors.keyworker_referrals_overdue(keyworker=user, today=today),
                "decisions": selectors.keyworker_decisions_recent(keyworker=user, since=since, now=now),
                "victims": selectors.keyworker_victims_code_due(keyworker=user, today=today),
            }
        if user.has_perm("cases.view_team_cases"):
            context["team"] = {
                "queue": selectors.queue_against_target(user=user, now=now),
                "overrides": selectors.overrides_to_review(user=user, now=now),
                "decisions": selectors.decisions_waiting_in_team(user=user),
                "reviews": selectors.allocation_reviews_due_in_team(user=user, today=today),
                "red_flags": selectors.red_flag_cases_in_team(user=user, today=today),
                "keyworkers": selectors.keyworkers_needing_attention(user=user),
            }
        if user.has_perm("accounts.view_team_performance"):
            context["movement"] = selectors.team_movement(user=user, now=now)
        if user.has_perm("cases.submit_case"):
            context["officer"] = {
                "returned": selectors.officer_returned(user=user),
                "drafts": selectors.officer_drafts(user=user),
                "submissions": selectors.officer_submissions_recent(user=user, since=since, now=now),
            }
        services.today_look_record(user=user, at=now)
        return super().get_context_data(today=today, **context, **kwargs)
