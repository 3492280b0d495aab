from django.shortcuts import redirect
from django.views.generic import DetailView, ListView, TemplateView

from oocr.accounts.roles import navigation_for
from oocr.accounts.selectors import user_list
from oocr.views import AccessLoggedMixin, RoleRequiredMixin


class StartView(TemplateView):
    """Send each person to the start page of their first role."""

    template_name = "accounts/no_role.html"

    def get(self, request, *args, **kwargs):
        navigation = navigation_for(request.user)
        if navigation:
            return redirect(navigation[0].url_name)
        return super().get(request, *args, **kwargs)


class AdministrationView(RoleRequiredMixin, TemplateView):
    permission_required = "accounts.administer_service"
    template_name = "accounts/administration.html"


class UserListView(RoleRequiredMixin, ListView):
    permission_required = "auth.view_user"
    template_name = "accounts/user_list.html"
    context_object_name = "accounts"
    paginate_by = 50

    def get_queryset(self):
        return user_list(user=self.request.user)


class UserDetailView(RoleRequiredMixin, AccessLoggedMixin, DetailView):
    permission_required = "auth.view_user"
    template_name = "accounts/user_detail.html"
    context_object_name = "account"

    def get_queryset(self):
        return user_list(user=self.request.user)
