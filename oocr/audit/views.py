from django_filters.views import FilterView

from oocr.audit.filters import AccessLogFilter
from oocr.audit.selectors import access_log_list
from oocr.views import RoleRequiredMixin


class AccessLogListView(RoleRequiredMixin, FilterView):
    permission_required = "audit.view_accesslog"
    filterset_class = AccessLogFilter
    template_name = "audit/accesslog_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        return access_log_list(user=self.request.user)
