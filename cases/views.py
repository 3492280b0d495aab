from django.views.generic import TemplateView

from oocr.views import RoleRequiredMixin


class IntakeView(RoleRequiredMixin, TemplateView):
    """The evidence review officer's start page (filled by the intake issue)."""

    permission_required = "accounts.submit_crimes"
    template_name = "cases/intake.html"
