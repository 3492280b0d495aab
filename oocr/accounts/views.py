"""The staff accounts' pages: the start page, account administration (added, roles changed, closed, reopened, each
with a reason), two-factor sign-in (set-up, codes, backup codes, reset), the idle timeout, and the CSRF refusal page."""

import base64
from functools import cached_property
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.middleware.csrf import REASON_BAD_ORIGIN, REASON_BAD_REFERER, REASON_INSECURE_REFERER, REASON_MALFORMED_REFERER, REASON_NO_REFERER
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import DetailView, FormView, ListView, TemplateView, View
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from oocr.accounts import forms, kept_input, services
from oocr.accounts.roles import navigation_for
from oocr.accounts.selectors import two_factor_resettable_users, user_list
from oocr.views import AccessLoggedMixin, RoleRequiredMixin, ServiceFormMixin


class StartView(TemplateView):
    """Send each person to the start page of their first role: Today for all but administrators (today/views.py)."""

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

    def get_context_data(self, **kwargs):
        changes = self.object.account_changes.select_related("by")[:20]
        return super().get_context_data(changes=changes, you=self.object.pk == self.request.user.pk, **kwargs)


class AccountChangeView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """An administrator changes someone else's account, giving a reason (oocr/accounts/services.py decides)."""

    permission_required = "accounts.manage_accounts"
    template_name = "accounts/account_change.html"
    heading = ""
    intro = ""

    @cached_property
    def account(self):
        return get_object_or_404(user_list(user=self.request.user), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            if refusal := services.account_change_refusal(by=request.user, account=self.account):
                messages.error(request, refusal)  # said before the form is filled in, not after
                return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, heading=self.heading, intro=self.intro, **kwargs)

    def get_success_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.account.pk])

    def name(self) -> str:
        return self.account.get_full_name() or self.account.username


class AccountRolesView(AccountChangeView):
    form_class = forms.AccountRolesForm
    heading = "Change roles"

    def get_initial(self):
        return {"roles": list(self.account.groups.values_list("name", flat=True))}

    def perform(self, form) -> None:
        services.account_roles_change(by=self.request.user, account=self.account, roles=form.cleaned_data["roles"],
                                      reason=form.cleaned_data["reason"])
        messages.success(self.request, f"Roles changed for {self.name()}. The change takes effect on their next page.")


class AccountCloseView(AccountChangeView):
    form_class = forms.AccountCloseForm
    heading = "Close account"
    intro = ("They will be signed out at once and cannot sign in again until the account is reopened. "
             "Their calendar feed stops. Their records and history stay as they are.")

    def perform(self, form) -> None:
        services.account_close(by=self.request.user, account=self.account, reason=form.cleaned_data["reason"])
        messages.success(self.request, f"{self.name()}'s account is closed and they have been signed out.")


class AccountReopenView(AccountChangeView):
    form_class = forms.AccountReopenForm
    heading = "Reopen account"
    intro = "They can sign in again with their password and roles as they were."

    def perform(self, form) -> None:
        services.account_reopen(by=self.request.user, account=self.account, reason=form.cleaned_data["reason"])
        messages.success(self.request, f"{self.name()}'s account is open again.")


class AccountAddView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "accounts.manage_accounts"
    form_class = forms.AccountAddForm
    template_name = "accounts/account_add.html"

    def perform(self, form) -> None:
        data = form.cleaned_data
        self.account = services.account_add(
            by=self.request.user, username=data["username"], first_name=data["first_name"], last_name=data["last_name"],
            email=data["email"], roles=data["roles"], reason=data["reason"])
        services.account_welcome_send(account=self.account, domain=self.request.get_host(), use_https=self.request.is_secure())
        messages.success(self.request, f"Account added. We have emailed {data['email']} a link to set a password.")

    def get_success_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.account.pk])

    def get_refused_url(self) -> str:
        return reverse("accounts:user_list")


# --- Two-factor sign-in -------------------------------------------------------------


def qr_code_data_uri(text: str) -> str:
    """A QR code as an SVG data address: an <img> the Content-Security-Policy allows (img-src data:)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


class TwoFactorStepMixin(LoginRequiredMixin):
    """A step after the password: where to go next, and the session's proof of the second factor."""

    BACKUP_CODES_SESSION_KEY = "two_factor_new_backup_codes"

    def next_url(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()):
            return url
        return reverse("start")

    def locked_out(self):
        logout(self.request)
        return render(self.request, "registration/two_factor_locked.html", status=403)


class TwoFactorEnrolView(TwoFactorStepMixin, FormView):
    """First sign-in: scan a QR code into an authenticator app and enter its first code."""

    form_class = forms.TwoFactorCodeForm
    template_name = "registration/two_factor_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_has_device(request.user):
            return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': self.next_url()})}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = services.two_factor_device_start(user=self.request.user)
        secret = base64.b32encode(device.bin_key).decode()
        return super().get_context_data(
            qr_code=qr_code_data_uri(device.config_url), secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
            next=self.next_url(), **kwargs,
        )

    def form_valid(self, form):
        try:
            codes = services.two_factor_device_confirm(user=self.request.user, code=form.cleaned_data["code"])
        except services.TwoFactorLocked:
            return self.locked_out()
        if codes is None:
            form.add_error("code", "The code is not right. Enter the 6 digits your app shows now")
            return self.form_invalid(form)
        otp_login(self.request, TOTPDevice.objects.get(user=self.request.user, confirmed=True))
        self.request.session[self.BACKUP_CODES_SESSION_KEY] = codes
        return redirect(f"{reverse('two_factor_backup_codes')}?{urlencode({'next': self.next_url()})}")


class TwoFactorVerifyView(TwoFactorStepMixin, FormView):
    """Every sign-in after the first: a code from the app, or one backup code."""

    form_class = forms.TwoFactorCodeForm
    template_name = "registration/two_factor_verify.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url(), **kwargs)

    def form_valid(self, form):
        try:
            device = services.two_factor_code_check(user=self.request.user, code=form.cleaned_data["code"])
        except services.TwoFactorLocked:
            return self.locked_out()
        if device is None:
            form.add_error("code", "The code is not right. Enter the code your app shows now, or one of your backup codes")
            return self.form_invalid(form)
        otp_login(self.request, device)
        return redirect(self.next_url())


class TwoFactorBackupCodesView(TwoFactorStepMixin, TemplateView):
    """Backup codes, shown once when made; a signed-in person can make a new set (the old ones stop working)."""

    template_name = "registration/two_factor_backup_codes.html"

    def get_context_data(self, **kwargs):
        codes = self.request.session.pop(self.BACKUP_CODES_SESSION_KEY, None)
        return super().get_context_data(codes=codes, next=self.next_url(), **kwargs)

    def post(self, request, *args, **kwargs):
        if not request.user.is_verified():
            return redirect("two_factor_verify")
        request.session[self.BACKUP_CODES_SESSION_KEY] = services.two_factor_backup_codes_make(user=request.user)
        return redirect("two_factor_backup_codes")


class TwoFactorResetView(RoleRequiredMixin, FormView):
    """A supervisor (for their team) or an administrator (anyone) removes a lost app; the person sets up a new one."""

    permission_required = "accounts.reset_two_factor"
    form_class = forms.TwoFactorResetForm
    template_name = "accounts/two_factor_reset.html"

    @cached_property
    def account(self):
        return get_object_or_404(two_factor_resettable_users(user=self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, has_device=user_has_device(self.account), **kwargs)

    def form_valid(self, form):
        services.two_factor_reset(user=self.account, by=self.request.user)
        messages.success(self.request, f"Two-factor sign-in reset for {self.account.get_full_name() or self.account.username}. They will set up a new app when they next sign in.")
        return redirect(self.request.path)


# --- The idle timeout -----------------------------------------------------------------------------------


class SessionKeepAliveView(View):
    """"Stay signed in" in the timeout warning: any signed-in request renews the session's idle expiry.

    POST only (a CSRF-protected change); answers with the idle time now left. A signed-out request is
    sent to sign in like any other, which tells the page's script that the session has already ended.
    """

    def post(self, request, *args, **kwargs):
        request.session.modified = True
        return JsonResponse({"idle_seconds": settings.SESSION_COOKIE_AGE})


def _local_path(url: str, request) -> str:
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return reverse("start")


@method_decorator(login_not_required, name="dispatch")
class SessionTimedOutView(View):
    """The timeout warning ran out: sign the person out, keeping what they typed on the page for after they sign in.

    The page's script posts the page's form fields here (never to the form's own address, which would
    save them) with `oocr_return_to`, the page to come back to. Open when signed out: the session may
    already have ended. The input is kept only for the person the page was shown to.
    """

    def post(self, request, *args, **kwargs):
        return_to = _local_path(request.POST.get("oocr_return_to", ""), request)
        owner_id = kept_input.form_owner_id(request)
        was_owner = owner_id is not None and (not request.user.is_authenticated or request.user.pk == owner_id)
        if request.user.is_authenticated:
            logout(request)
        kept = kept_input.form_input_keep(request, path=urlsplit(return_to).path) if was_owner else None
        minutes = settings.SESSION_COOKIE_AGE // 60
        messages.info(request, f"You were signed out because you had not used the service for {minutes} minutes. "
                               + ("What you typed is kept: sign in again to go back to it." if kept else "Sign in again to carry on."))
        return redirect_to_login(return_to)


# Why Django refused a form, when it is not a stale page: the browser sent no or another site's origin.
ORIGIN_REASONS = (REASON_NO_REFERER, REASON_MALFORMED_REFERER, REASON_INSECURE_REFERER)
ORIGIN_REASON_PREFIXES = (REASON_BAD_ORIGIN.split("%s")[0], REASON_BAD_REFERER.split("%s")[0])


def csrf_failure(request, reason: str = ""):
    """Django's CSRF refusal (settings.CSRF_FAILURE_VIEW) as a GOV.UK page that says what happened in plain words.

    Nearly always a stale page: open since before the last sign-in (here or in another tab), so its token
    is an old one. The input is kept for the person the page was shown to when nobody else is signed in:
    they go back to the page (or sign in first) and find the form filled again.
    """
    stale = not (reason in ORIGIN_REASONS or reason.startswith(ORIGIN_REASON_PREFIXES))
    kept = kept_input.form_input_keep(request, path=request.path) if stale and request.method == "POST" else None
    context = {"stale": stale, "kept": kept is not None, "back_url": request.path}
    if kept is not None and not request.user.is_authenticated:
        context["back_url"] = f"{reverse('login')}?{urlencode({'next': request.path})}"
    return render(request, "csrf_failure.html", context, status=403)
